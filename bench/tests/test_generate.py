"""The bench generator writes what the services would have written.

A few hundred cases are generated (once with the benchmark's mix, once with every side road taken
often), then every case is checked against the loop's invariants: its state is its last event's,
the events chain through the transition table, nothing is closed without an approved reply and a
callback outcome, the database constraints hold, and each action's payload has the keys the
services write (collected by running the real services through one city).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

import pytest
from django.conf import settings
from django.db import connection
from django.db.models import Max

from bench.emitters import EMITTERS
from bench.generate import generate
from bench.paths import Mix
from cases import services
from cases.models import Case, CaseEvent, Extension, Reply, Satisfaction
from cases.workflow import TRANSITIONS, Action, State
from tests import factories as f

pytestmark = pytest.mark.django_db

# Every side road often, so that a few hundred cases walk every action and both ends of each branch.
EVERY_ROAD = Mix(
    answer_at_intake=0.5,
    returned=0.3,
    co_handled=0.3,
    supervised=0.3,
    extension=0.4,
    extension_granted=0.5,
    rejected=0.3,
    unreachable_some=0.3,
    unreachable_always=0.1,
    reopened=1.0,
    urgent=0.2,
)
ANSWERED = {State.REPLIED, State.CALLED_BACK, State.CLOSED}
KeySets = dict[str, set[frozenset[str]]]


def payload_keys(events: Iterable[CaseEvent]) -> KeySets:
    keys: KeySets = defaultdict(set)
    for event in events:
        keys[event.action].add(frozenset(event.payload))
    return keys


@pytest.fixture
def generated() -> list[Case]:
    generate(250, seed=1, log=lambda _: None)
    generate(250, seed=2, mix=EVERY_ROAD, log=lambda _: None)
    return list(Case.objects.order_by("pk"))


@pytest.fixture
def service_payload_keys(city: f.City, clock: object) -> KeySets:
    """Each action once through the real services (both sides of each branch that changes keys)."""
    u = city.users
    case = f.make_case(city)
    services.dispatch(case, actor=u["dispatcher"], lead_unit=city.housing, co_units=[city.education])
    services.accept(case, actor=u["clerk"])
    services.contribute(case, actor=u["outsider"], body="已配合现场核查，情况已反馈主办单位")
    services.supervise(case, actor=u["supervisor"], body="请于两个工作日内反馈办理进展")
    for approve in (True, False):
        services.request_extension(case, actor=u["clerk"], days=5, reason="需协调多个部门现场会商")
        services.decide_extension(
            case, actor=u["dispatcher"], approve=approve, note="" if approve else "不同意"
        )
    body = "已安排市政养护队疏通下水道，现已恢复正常排水。"
    services.submit_reply(case, actor=u["clerk"], body=body)
    services.reject_reply(case, actor=u["unit_leader"], note="请补充处理过程")
    services.submit_reply(case, actor=u["clerk"], body=body)
    services.approve_reply(case, actor=u["unit_leader"])
    services.callback(case, actor=u["agent"], reached=False)
    services.callback(
        case, actor=u["agent"], reached=True, resolved=False, satisfaction=Satisfaction.UNSATISFIED
    )
    services.reopen(case, actor=u["agent"], reason="诉求人对答复不满意")
    services.submit_reply(case, actor=u["clerk"], body=body)
    services.approve_reply(case, actor=u["unit_leader"])
    services.callback(
        case, actor=u["agent"], reached=True, resolved=True, satisfaction=Satisfaction.SATISFIED
    )
    services.close(case, actor=u["agent"])
    returned = f.dispatched_case(city)
    services.return_case(returned, actor=u["clerk"], reason="不属于我单位职责范围")
    consult = f.make_case(city, kind="consult")
    services.answer_at_intake(consult, actor=u["agent"], answer="相关政策按现行规定执行，流程已电话告知。")
    services.merge(f.make_case(city), actor=u["dispatcher"], parent=returned)
    services.transfer(f.make_case(city), actor=u["dispatcher"], target="荆门市12345热线")
    return payload_keys(CaseEvent.objects.all())


def test_payload_keys_are_the_services_keys(service_payload_keys: KeySets) -> None:
    # The same database as the services' city: the generated events are the ones after theirs.
    last = CaseEvent.objects.aggregate(m=Max("id"))["m"]
    generate(250, seed=2, mix=EVERY_ROAD, log=lambda _: None)
    generated = payload_keys(CaseEvent.objects.filter(id__gt=last))
    for action in EMITTERS:
        assert generated[action] == service_payload_keys[action], action


def test_every_action_but_triage_has_an_emitter() -> None:
    assert set(EMITTERS) == set(Action) - {Action.TRIAGE}


def test_every_emitter_is_walked(generated: list[Case]) -> None:
    walked = set(CaseEvent.objects.values_list("action", flat=True).distinct())
    assert walked == {a.value for a in EMITTERS}


def check_events(case: Case, events: list[CaseEvent]) -> None:
    """The log starts with the registration and chains through the table; the case is its last state."""
    assert [e.seq for e in events] == list(range(1, len(events) + 1)), case.number
    assert events[0].action == Action.REGISTER
    assert events[0].from_state == ""
    previous = ""
    for event in events:
        assert event.from_state == previous, (case.number, event.seq)
        pair = (State(event.from_state) if event.from_state else None, Action(event.action))
        assert pair in TRANSITIONS, (case.number, event.seq, pair)
        assert event.to_state == TRANSITIONS[pair], (case.number, event.seq)
        previous = event.to_state
    assert case.state == events[-1].to_state, case.number
    assert case.updated_at == events[-1].created_at
    times = [e.created_at for e in events]
    assert times == sorted(times), case.number


def check_columns(case: Case, events: list[CaseEvent], approved: int) -> None:
    """The case's columns agree with its log, as the services keep them."""
    since_reopen = events
    for i, event in enumerate(events):
        if event.action == Action.REOPEN:
            since_reopen = events[i + 1 :]
    assert case.reopen_count == sum(e.action == Action.REOPEN for e in events)
    calls = (Action.CALLBACK, Action.CALLBACK_MISSED)
    assert case.callback_attempts == sum(e.action in calls for e in since_reopen)
    assert (case.replied_at is not None) == (case.state in ANSWERED), case.number
    if case.state in ANSWERED:
        assert approved >= 1, case.number
    if case.state == State.CLOSED:
        outcome = bool(case.satisfaction) or case.callback_attempts >= settings.MOCHOU_CALLBACK_ATTEMPTS
        assert outcome, case.number
        assert case.closed_at == events[-1].created_at
    dispatches = [e for e in events if e.action in (Action.DISPATCH, Action.RETURN)]
    if dispatches and dispatches[-1].action == Action.DISPATCH:
        assert case.lead_unit is not None, case.number
        assert case.lead_unit.code == dispatches[-1].payload["lead_unit"], case.number
    else:
        assert case.lead_unit_id is None, case.number
    assert (case.parent_id is not None) == (case.state == State.MERGED)
    assert bool(case.transferred_to) == (case.state == State.TRANSFERRED)


def test_generated_cases_keep_the_services_invariants(generated: list[Case]) -> None:
    events: dict[int, list[CaseEvent]] = defaultdict(list)
    for event in CaseEvent.objects.order_by("case_id", "seq"):
        events[event.case_id].append(event)
    approved: dict[int, int] = defaultdict(int)
    for case_id in Reply.objects.filter(status=Reply.Status.APPROVED).values_list("case_id", flat=True):
        approved[case_id] += 1
    assert len(generated) == 500
    for case in generated:
        check_events(case, events[case.pk])
        check_columns(case, events[case.pk], approved[case.pk])
        case.validate_constraints()  # case_closed_requires_reply, asked of the database
    states = {c.state for c in generated}
    assert {State.CLOSED, State.IN_PROGRESS, State.MERGED, State.TRANSFERRED} <= states


def test_generated_rows_satisfy_the_database_constraints(generated: list[Case]) -> None:
    connection.check_constraints()  # foreign keys (and SQLite's checks) of everything written
    pending = Extension.objects.filter(status=Extension.Status.PENDING).values_list("case_id", flat=True)
    assert len(pending) == len(set(pending))
    numbers = [c.number for c in generated]
    assert len(numbers) == len(set(numbers))
