"""The decision task's loop: the journey, every (state, action) pair, the reviews and extensions."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from accounts.models import User
from loop.guards import Actor
from mochou.errors import Conflict, InvalidInput, NotPermitted, TransitionNotAllowed
from supervision.services import tasks as svc
from supervision.task_guards import TASK_GUARDS, task_actions
from supervision.task_models import Task, TaskEvent, TaskNotice
from supervision.task_workflow import TASK_MACHINE, TASK_TRANSITIONS, TaskAction, TaskState
from supervision.tests.task_helpers import (
    CLOSE,
    EVIDENCE,
    REPORT,
    assigned_of,
    deadline_of,
    far_deadline,
    fresh,
    task_in,
)
from tests.factories import City

S, A = TaskState, TaskAction
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


def actor_for(city: City, action: TaskAction, task: Task) -> User:
    """Someone whose role may take `action` (the task's leader for the leader's steps)."""
    users = city.users
    if action in (A.SIGN, A.REQUEST_ADJUST, A.REPORT, A.REQUEST_EXTENSION, A.REQUEST_CLOSE):
        return users["clerk"]
    if action in (A.FINAL_REVIEW, A.LEADER_RETURN, A.INSTRUCT):
        return users["leader"]
    return users["supervisor"]


def test_every_action_is_guarded_and_every_state_reachable() -> None:
    assert TASK_GUARDS.unguarded() == set()
    reached = {S(s) for (_, s) in [(k, v) for k, v in TASK_TRANSITIONS.items()]}
    assert reached == set(S)


@pytest.mark.parametrize("state", list(S))
def test_guard_agrees_with_the_table_for_every_pair(city: City, state: TaskState) -> None:
    """In every state, for every action: the guard refuses with 409 exactly when the table has no
    such transition (an actor of the right role asking)."""
    task = task_in(city, state)
    for action in A:
        if action == A.DRAFT:
            continue
        refusal = TASK_GUARDS.refusal(actor_for(city, action, task), task, action)
        in_table = (S(task.state), action) in TASK_TRANSITIONS
        if not in_table:
            assert isinstance(refusal, TransitionNotAllowed), (state, action, refusal)
        else:
            assert not isinstance(refusal, TransitionNotAllowed), (state, action, refusal)


def _runners(city: City) -> dict[TaskAction, Callable[[Task], Any]]:
    """Each action of an existing task through its verb, by someone whose role may take it."""
    sup, clerk, leader = city.users["supervisor"], city.users["clerk"], city.users["leader"]
    return {
        A.APPROVE: lambda t: svc.approve_task(t, actor=sup),
        A.ASSIGN: lambda t: svc.assign_task(t, actor=sup, deadline=far_deadline()),
        A.SIGN: lambda t: svc.sign_task(t, actor=clerk),
        A.REQUEST_ADJUST: lambda t: svc.request_adjust(t, actor=clerk, reason="该事项主要由市招商中心负责"),
        A.GRANT_ADJUST: lambda t: svc.rule_adjust(t, actor=sup, grant=True, note="同意"),
        A.REFUSE_ADJUST: lambda t: svc.rule_adjust(t, actor=sup, grant=False, note="属于本单位职责"),
        A.REPORT: lambda t: svc.report_progress(t, actor=clerk, body=REPORT, progress=50),
        A.REQUEST_EXTENSION: lambda t: svc.request_extension(
            t, actor=clerk, until=far_deadline() + timedelta(days=20), reason="项目签约需等待省级审批"
        ),
        A.APPROVE_EXTENSION: lambda t: svc.rule_extension(t, actor=sup, grant=True, note="理由充分"),
        A.REFUSE_EXTENSION: lambda t: svc.rule_extension(t, actor=sup, grant=False, note="理由不充分"),
        A.REQUEST_CLOSE: lambda t: svc.request_close(t, actor=clerk, body=CLOSE, evidence=EVIDENCE),
        A.FIRST_REVIEW: lambda t: svc.first_review(t, actor=sup),
        A.RETURN: lambda t: svc.return_task(t, actor=sup, note="佐证材料不足，请补充"),
        A.FINAL_REVIEW: lambda t: svc.final_review(t, actor=leader),
        A.LEADER_RETURN: lambda t: svc.return_task(t, actor=leader, note="群众反映仍未解决"),
    }


# The actions on an existing task (草拟 and 批示 make one).
TASK_PAIRS = [(state, action) for state in S for action in A if action not in (A.DRAFT, A.INSTRUCT)]
# return_task serves both returns and takes its action from the state (待审结 → LEADER_RETURN,
# any other → RETURN): a leader's return outside 待审结, or the 督查室's at 待审结, runs the other
# return, whose role the asker lacks — a 403, not a 409. Still refused, still nothing changed.
RETURN_BY_STATE = {(S.LEADER_REVIEW, A.RETURN)} | {
    (state, A.LEADER_RETURN) for state in S if state != S.LEADER_REVIEW
}


@pytest.mark.parametrize(("state", "action"), TASK_PAIRS, ids=[f"{s.value}-{a.value}" for s, a in TASK_PAIRS])
def test_every_pair_through_the_verbs(city: City, state: TaskState, action: TaskAction) -> None:
    """Allowed: the task lands where the table says, with exactly one event saying so. Refused:
    the state, the events and the task's fields are as they were."""
    task = task_in(city, state)
    if (state, action) in TASK_TRANSITIONS and action in (A.APPROVE_EXTENSION, A.REFUSE_EXTENSION):
        svc.request_extension(task, actor=city.users["clerk"], until=far_deadline() + timedelta(days=20),
                              reason="项目签约需等待省级审批")  # fmt: skip
        task = fresh(task)
    before = list(TaskEvent.objects.filter(task=task).order_by("seq"))
    run = _runners(city)[action]
    if (state, action) in TASK_TRANSITIONS:
        run(task)
        after = fresh(task)
        assert after.state == TASK_TRANSITIONS[(state, action)]
        events = list(TaskEvent.objects.filter(task=task).order_by("seq"))
        assert len(events) == len(before) + 1
        last = events[-1]
        assert (last.from_state, last.action, last.to_state) == (state.value, action.value, after.state)
    else:
        expected = NotPermitted if (state, action) in RETURN_BY_STATE else TransitionNotAllowed
        snapshot = Task.objects.filter(pk=task.pk).values().get()
        with pytest.raises(expected):
            run(task)
        assert Task.objects.filter(pk=task.pk).values().get() == snapshot
        assert list(TaskEvent.objects.filter(task=task).order_by("seq")) == before


def test_the_event_log_explains_every_tasks_state(city: City) -> None:
    """Replaying a task's events through the table gives its state: the state is a cache of the log."""
    for state in S:
        task = task_in(city, state)
        events = list(task.events.order_by("seq"))
        assert [e.seq for e in events] == list(range(1, len(events) + 1))
        assert events[0].from_state == ""
        assert events[0].action in (A.DRAFT, A.APPROVE, A.INSTRUCT)
        replayed: TaskState | None = None
        for event in events:
            assert event.from_state == (replayed.value if replayed else "")
            replayed = TASK_TRANSITIONS[(replayed, TaskAction(event.action))]
            assert event.to_state == replayed.value
        assert replayed == S(task.state) == state


def test_the_journey_from_立项_to_销号(city: City) -> None:
    sup, clerk, leader = city.users["supervisor"], city.users["clerk"], city.users["leader"]
    task = task_in(city, S.APPROVED)
    assert task.number.startswith("DC")
    svc.assign_task(task, actor=sup, deadline=far_deadline(), report_every=5)
    task = fresh(task)
    assert task.state == S.ASSIGNED
    assert task.next_report_by is not None
    assert list(task.co_units.all()) == [city.education]
    svc.sign_task(task, actor=clerk)
    svc.report_progress(task, actor=clerk, body=REPORT, progress=40, evidence="工作台账")
    with pytest.raises(InvalidInput):
        svc.report_progress(task, actor=clerk, body=REPORT, progress=30)
    until = far_deadline() + timedelta(days=30)
    svc.request_extension(task, actor=clerk, until=until, reason="项目签约需等待省级审批")
    with pytest.raises(NotPermitted):  # the 督查室 rules first
        svc.rule_extension(task, actor=leader, grant=True)
    svc.rule_extension(task, actor=sup, grant=True, note="理由充分")
    assert fresh(task).extension_step == "supervisor_ok"
    svc.rule_extension(task, actor=leader, grant=True)
    task = fresh(task)
    assert timezone.localtime(task.deadline).date() == until
    assert task.extensions == 1
    svc.request_close(task, actor=clerk, body=CLOSE, evidence=EVIDENCE)
    svc.return_task(task, actor=sup, note="佐证材料不足，请补充签约合同")
    task = fresh(task)
    assert task.state == S.IN_PROGRESS
    assert task.returns == 1
    assert task.progress == 40
    notice = TaskNotice.objects.get(task=task)
    assert notice.colour == "yellow"
    assert notice.reason == "review_return"
    svc.request_close(task, actor=clerk, body=CLOSE, evidence=EVIDENCE)
    svc.first_review(task, actor=sup)
    assert task_actions(leader, fresh(task)) == [A.FINAL_REVIEW, A.LEADER_RETURN]
    svc.final_review(task, actor=leader, note="同意销号")
    task = fresh(task)
    assert task.state == S.CLOSED
    assert task.closed_at is not None
    actions = list(TaskEvent.objects.filter(task=task).values_list("action", flat=True))
    assert actions[0] == A.APPROVE
    assert actions[-1] == A.FINAL_REVIEW
    assert len(actions) == 12


def test_only_the_assigning_leader_closes(city: City) -> None:
    other = User.objects.create_user(username="leader2", password="x", role="leader", display_name="郑副市长")
    task = task_in(city, S.LEADER_REVIEW)
    with pytest.raises(NotPermitted):
        svc.final_review(task, actor=other)
    svc.return_task(task, actor=city.users["leader"], note="群众反映仍未解决")
    assert fresh(task).state == S.IN_PROGRESS
    assert TaskEvent.objects.filter(task=task, action=A.LEADER_RETURN).exists()


def test_adjustment_granted_goes_back_to_立项_and_is_reassigned(city: City) -> None:
    sup = city.users["supervisor"]
    task = task_in(city, S.ADJUSTING)
    assert fresh(task).adjust_reason
    with pytest.raises(InvalidInput):
        svc.rule_adjust(task, actor=sup, grant=False)
    svc.rule_adjust(task, actor=sup, grant=True, note="改由市教育局牵头")
    assert fresh(task).state == S.APPROVED
    svc.assign_task(task, actor=sup, lead_unit=city.education)
    task = fresh(task)
    assert task.state == S.ASSIGNED
    assert task.lead_unit == city.education
    assert city.education not in task.co_units.all()
    with pytest.raises(NotPermitted):  # 住建局 no longer leads it
        svc.sign_task(task, actor=city.users["clerk"])
    svc.sign_task(task, actor=city.users["outsider"])


def test_assign_needs_a_lead_and_a_leader_and_defaults_the_time_limit(city: City) -> None:
    sup = city.users["supervisor"]
    bare = svc.create_task(actor=sup, title="抓好驻村第一书记选派工作")
    with pytest.raises(InvalidInput):
        svc.assign_task(bare, actor=sup)
    svc.assign_task(bare, actor=sup, lead_unit=city.housing, leader=city.users["leader"])
    bare = fresh(bare)
    assert bare.deadline is not None
    assert (deadline_of(bare) - assigned_of(bare)).days >= 26  # 20 working days


def test_extension_after_the_deadline_is_refused(city: City) -> None:
    task = task_in(city, S.IN_PROGRESS)
    later = deadline_of(task) + timedelta(hours=1)
    with pytest.raises(Conflict):
        svc.request_extension(
            task,
            actor=city.users["clerk"],
            until=far_deadline() + timedelta(days=9),
            reason="来不及",
            now=later,
        )


def test_a_unit_sees_its_tasks_only_once_assigned(city: City) -> None:
    draft = task_in(city, S.APPROVED)
    task = task_in(city, S.ASSIGNED)
    clerk, outsider = city.users["clerk"], city.users["outsider"]
    assert set(Task.objects.visible_to(clerk)) == {task}
    assert set(Task.objects.visible_to(outsider)) == {task}  # 市教育局 is its co-unit
    assert draft in Task.objects.visible_to(city.users["leader"])


def test_split_rolls_progress_up(city: City) -> None:
    sup, clerk = city.users["supervisor"], city.users["clerk"]
    parent = task_in(city, S.APPROVED)
    one, two = svc.split_task(
        parent, actor=sup, parts=[("招商一组", city.housing), ("招商二组", city.education)]
    )
    for child in (one, two):
        svc.assign_task(child, actor=sup, deadline=far_deadline())
    svc.sign_task(one, actor=clerk)
    svc.report_progress(one, actor=clerk, body=REPORT, progress=60)
    assert fresh(parent).rolled_progress() == 30


def test_the_actor_type_satisfies_the_guard_protocol(city: City) -> None:
    actor: Actor = city.users["clerk"]
    assert TASK_MACHINE.allowed_actions(None) == [A.DRAFT, A.APPROVE, A.INSTRUCT]
    assert actor.is_active
