"""Every (state, action) pair of the 督办单's table, tried through the verbs: the allowed ones land
where the table says, with exactly one event; every other one is refused and changes nothing."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import pytest

from mochou.errors import TransitionNotAllowed
from supervision import services
from supervision.guards import GUARDS
from supervision.models import Notice, NoticeEvent
from supervision.tests.conftest import ANSWER, fresh
from supervision.workflow import MACHINE, SYSTEM_ACTIONS, TRANSITIONS, Action, State
from tests.factories import City

pytestmark = pytest.mark.django_db


def _run(city: City) -> dict[Action, Callable[[Notice], Any]]:
    u = city.users
    return {
        Action.SIGN: lambda n: services.sign_notice(n, actor=u["clerk"]),
        Action.ANSWER: lambda n: services.answer_notice(n, actor=u["clerk"], body=ANSWER),
        Action.APPROVE: lambda n: services.approve_answer(n, actor=u["unit_leader"]),
        Action.RETURN: lambda n: services.return_answer(n, actor=u["unit_leader"], note="请补充整改时间"),
        Action.ESCALATE: lambda n: services.escalate_notice(n),
    }


PAIRS = [(state, action) for state in State for action in Action if action != Action.ISSUE]


@pytest.mark.parametrize(("state", "action"), PAIRS, ids=[f"{s.value}-{a.value}" for s, a in PAIRS])
def test_every_pair_of_the_table(
    city: City, clock: Any, make_notice: Any, state: State, action: Action
) -> None:
    notice = make_notice(state)
    before = NoticeEvent.objects.filter(notice=notice).count()
    if (state, action) in TRANSITIONS:
        _run(city)[action](notice)
        after = fresh(notice)
        assert after.state == TRANSITIONS[(state, action)]
        assert NoticeEvent.objects.filter(notice=notice).count() == before + 1
        last = NoticeEvent.objects.filter(notice=notice).order_by("seq").last()
        assert last is not None
        assert (last.from_state, last.action, last.to_state) == (
            state.value,
            action.value,
            after.state,
        )
    else:
        with pytest.raises(TransitionNotAllowed):
            _run(city)[action](notice)
        assert fresh(notice).state == state
        assert NoticeEvent.objects.filter(notice=notice).count() == before


def test_only_issue_starts_a_notice_and_every_state_is_reachable() -> None:
    assert [a for (s, a) in TRANSITIONS if s is None] == [Action.ISSUE]
    reached = {to for to in TRANSITIONS.values()}
    assert reached == set(State)


def test_every_action_but_the_systems_has_its_guard() -> None:
    assert GUARDS.unguarded() == set(SYSTEM_ACTIONS)


def test_a_refused_transition_says_so_in_chinese() -> None:
    with pytest.raises(TransitionNotAllowed, match="督办单当前状态为“已反馈”，不能执行“签收”"):
        MACHINE.next_state(State.ANSWERED, Action.SIGN)


def test_the_event_log_explains_every_state(city: City, clock: Any, make_notice: Any) -> None:
    for state in State:
        notice = make_notice(state)
        events = list(notice.events.order_by("seq"))
        assert [e.seq for e in events] == list(range(1, len(events) + 1))
        assert events[0].action == Action.ISSUE
        assert events[0].from_state == ""
        for earlier, later in itertools.pairwise(events):
            assert later.from_state == earlier.to_state
        assert events[-1].to_state == notice.state
