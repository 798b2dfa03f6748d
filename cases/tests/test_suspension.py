"""挂起（中止计时）: the clock stops for what the unit does not control, and moves the deadline by
exactly the working time spent suspended."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from cases import services
from cases.deadlines import deadline_of, late_q
from cases.guards import available_actions
from cases.models import Case, DeadlineNotice, Suspension, SuspensionReason
from cases.sweeps import sweep_deadlines
from cases.workflow import Action, State
from mochou.errors import Conflict, InvalidInput, NotPermitted
from tests.factories import City, make_case
from worktime.calendar import add_working_days

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day: str, hour: int = 9) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=SHANGHAI)


def accepted_on(city: City, day: str, **overrides: object) -> Case:
    with time_machine.travel(at(day), tick=False):
        case = make_case(city, **overrides)
        case = services.dispatch(case, actor=city.users["dispatcher"], lead_unit=city.housing)
        return services.accept(case, actor=city.users["clerk"])


def suspend(city: City, case: Case, day: str, *, days: int = 10) -> Case:
    services.request_suspension(
        case,
        actor=city.users["clerk"],
        reason=SuspensionReason.SURVEY,
        explanation="需房屋安全鉴定后方能处理",
        document="房屋安全鉴定委托书 钟鉴〔2026〕18号",
        days=days,
        now=at(day),
    )
    services.decide_suspension(case, actor=city.users["dispatcher"], approve=True, now=at(day, 10))
    return Case.objects.get(pk=case.pk)


def test_five_working_days_suspended_across_a_tiaoxiu_weekend_move_the_deadline_by_exactly_five(city) -> None:
    # 2026-05-09 is a Saturday worked in exchange for the 劳动节 holiday (调休): it counts.
    case = accepted_on(city, "2026-05-06")
    due_before = case.due_at
    assert due_before is not None
    case = suspend(city, case, "2026-05-07")
    assert case.state == State.SUSPENDED
    # Suspended Thu 05-07 10:00, resumed Wed 05-13 10:00: five working days (the rest of the 7th and
    # the morning of the 13th make one; the 8th, the 调休 Saturday 9th, the 11th and the 12th four).
    services.resume(case, actor=city.users["clerk"], now=at("2026-05-13", 10))
    case = Case.objects.get(pk=case.pk)
    assert case.state == State.IN_PROGRESS
    assert case.due_at == add_working_days(due_before, 5)
    suspension = case.suspensions.get()
    assert suspension.suspended_hours == pytest.approx(35.0)
    last = case.events.last()
    assert last is not None
    assert last.payload["due_at_before"] == due_before.isoformat()


def test_a_case_answered_after_its_old_deadline_but_within_the_moved_one_is_on_time(city) -> None:
    case = accepted_on(city, "2026-05-06")
    due_before = case.due_at
    assert due_before is not None
    case = suspend(city, case, "2026-05-07")
    services.resume(case, actor=city.users["clerk"], now=at("2026-05-14", 10))
    answered = add_working_days(due_before, 2)  # past the old deadline, inside the moved one
    services.submit_reply(
        case, actor=city.users["clerk"], body="经鉴定后已完成维修，排水恢复正常。", now=answered
    )
    services.approve_reply(case, actor=city.users["unit_leader"], now=answered)
    case = Case.objects.get(pk=case.pk)
    assert case.is_overdue_closed is False
    assert case.events.filter(action=Action.APPROVE_REPLY).get().payload["late"] is False


def test_while_suspended_the_case_is_neither_near_due_nor_overdue_but_its_own_limit_runs(city) -> None:
    case = accepted_on(city, "2026-05-06")
    case = suspend(city, case, "2026-05-07", days=3)
    assert case.due_at is not None
    past_old_due = add_working_days(case.due_at, 1)
    status = deadline_of(case, past_old_due)
    assert status is not None
    assert (status.kind, status.level) == ("suspend", "overdue")
    assert Case.objects.filter(late_q(past_old_due), pk=case.pk).exists()  # flagged: past its own limit
    sent = sweep_deadlines(now=past_old_due)
    assert (sent["suspend_overdue"], sent["handle_overdue"]) == (1, 0)
    assert DeadlineNotice.objects.filter(case=case, kind="suspend_overdue").count() == 1
    within = at("2026-05-08", 10)
    within_status = deadline_of(case, within)
    assert within_status is not None
    assert within_status.kind == "suspend"
    assert not Case.objects.filter(late_q(within), pk=case.pk).exists()


def test_a_suspension_run_past_its_limit_is_flagged_when_it_ends(city) -> None:
    case = suspend(city, accepted_on(city, "2026-05-06"), "2026-05-07", days=1)
    services.resume(case, actor=city.users["dispatcher"], now=at("2026-05-14", 10))
    suspension = Suspension.objects.get(case=case)
    assert suspension.overran is True
    last = Case.objects.get(pk=case.pk).events.last()
    assert last is not None
    assert last.payload["overran"] is True


def test_suspension_needs_a_reason_from_the_list_a_document_and_the_centre_s_approval(city) -> None:
    case = accepted_on(city, "2026-05-06")
    clerk, dispatcher = city.users["clerk"], city.users["dispatcher"]
    with pytest.raises(InvalidInput):
        services.request_suspension(
            case, actor=clerk, reason="busy", explanation="人手不足", document="无", days=5
        )
    with pytest.raises(InvalidInput):
        services.request_suspension(
            case, actor=clerk, reason=SuspensionReason.COURT, explanation="等待法院判决", document="", days=5
        )
    with pytest.raises(NotPermitted):  # the centre decides, not the unit
        services.request_suspension(
            case,
            actor=dispatcher,
            reason=SuspensionReason.COURT,
            explanation="等待法院判决",
            document="受理通知书",
            days=5,
        )
    services.request_suspension(
        case,
        actor=clerk,
        reason=SuspensionReason.COURT,
        explanation="等待法院判决",
        document="（2026）鄂0881民初88号",
        days=5,
    )
    case = Case.objects.get(pk=case.pk)
    assert case.state == State.IN_PROGRESS  # the clock runs until the centre approves
    assert Action.DECIDE_SUSPENSION in available_actions(dispatcher, case)
    assert Action.DECIDE_SUSPENSION not in available_actions(clerk, case)
    with pytest.raises(Conflict):
        services.request_suspension(
            case,
            actor=clerk,
            reason=SuspensionReason.COURT,
            explanation="再次申请",
            document="受理通知书",
            days=5,
        )
    with pytest.raises(InvalidInput):  # a refusal says why
        services.decide_suspension(case, actor=dispatcher, approve=False)
    services.decide_suspension(case, actor=dispatcher, approve=False, note="可先行处理，无需中止计时")
    case = Case.objects.get(pk=case.pk)
    assert case.state == State.IN_PROGRESS
    assert [e.action for e in case.events.order_by("seq")][-2:] == [
        Action.REQUEST_SUSPENSION,
        Action.DECIDE_SUSPENSION,
    ]


def test_a_suspended_case_can_only_be_resumed_supervised_contacted_or_contributed_to(city) -> None:
    case = suspend(city, accepted_on(city, "2026-05-06"), "2026-05-07")
    # Waiting on the citizen's papers is itself a reason to call them: the contact stays open.
    assert set(available_actions(city.users["clerk"], case)) == {Action.RESUME, Action.CONTACT}
    assert Action.SUPERVISE in available_actions(city.users["supervisor"], case)
    with pytest.raises(Exception, match="已挂起"):
        services.submit_reply(case, actor=city.users["clerk"], body="尚未完成鉴定，暂时无法答复。")
    outsider = city.users["outsider"]
    with pytest.raises(NotPermitted):
        services.resume(case, actor=outsider)
    assert [e.action for e in case.events.order_by("seq")][-1] == Action.SUSPEND


def test_an_answer_approved_while_a_suspension_was_asked_withdraws_the_request(city) -> None:
    case = accepted_on(city, "2026-05-06")
    services.request_suspension(
        case,
        actor=city.users["clerk"],
        reason=SuspensionReason.SURVEY,
        explanation="需房屋安全鉴定",
        document="鉴定委托书 钟鉴〔2026〕20号",
        days=5,
        now=at("2026-05-07"),
    )
    services.submit_reply(
        case, actor=city.users["clerk"], body="经现场核实已完成维修，排水恢复正常。", now=at("2026-05-07", 10)
    )
    services.approve_reply(case, actor=city.users["unit_leader"], now=at("2026-05-07", 11))
    suspension = Suspension.objects.get(case=case)
    assert suspension.status == Suspension.Status.REFUSED
    assert "挂起申请失效" in suspension.decision_note


def test_a_suspension_over_no_working_hour_leaves_the_deadline(city) -> None:
    case = accepted_on(city, "2026-05-06")
    services.request_suspension(
        case,
        actor=city.users["clerk"],
        reason=SuspensionReason.COURT,
        explanation="等待法院判决",
        document="（2026）鄂0881民初90号",
        days=5,
        now=at("2026-05-08", 17),
    )
    services.decide_suspension(case, actor=city.users["dispatcher"], approve=True, now=at("2026-05-08", 18))
    due = Case.objects.get(pk=case.pk).due_at
    services.resume(case, actor=city.users["dispatcher"], now=at("2026-05-08", 22))  # Friday night
    assert Case.objects.get(pk=case.pk).due_at == due
