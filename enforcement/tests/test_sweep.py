"""The deadline sweep: 核查 and 自拆 reminders, near and overdue, to the township and the office,
each once per deadline."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone

from enforcement import services
from enforcement.models import Violation, ViolationReminder
from enforcement.sweeps import sweep_deadlines
from enforcement.tests.conftest import OLD, Control, png, violation_in
from enforcement.workflow import State
from notifications.models import Notification

pytestmark = pytest.mark.django_db


def notices(username: str) -> list[str]:
    return list(Notification.objects.filter(user__username=username).values_list("message", flat=True))


def test_an_unchecked_report_is_warned_then_reported_overdue_once_each(control: Control) -> None:
    v = violation_in(control, State.REPORTED)
    assert v.check_by is not None
    assert sweep_deadlines(v.check_by - timedelta(hours=10))["check_near"] == 0  # not yet near
    near = sweep_deadlines(v.check_by - timedelta(hours=2))
    assert near["check_near"] == 1
    again = sweep_deadlines(v.check_by - timedelta(hours=1))
    assert again["check_near"] == 0  # claimed once per deadline
    late = sweep_deadlines(v.check_by + timedelta(minutes=1))
    assert late["check_overdue"] == 1
    assert sweep_deadlines(v.check_by + timedelta(hours=5))["check_overdue"] == 0
    # The township's clerks and leader and the office's are told; another township is not.
    for who in ("yzjd_clerk", "yzjd_leader", "kwb_clerk", "kwb_leader"):
        messages = notices(who)
        assert len(messages) == 2, who
        assert any("已超过核查期限" in m and v.number in m for m in messages)
    assert notices("hzjd_clerk") == []


def test_a_passed_demolition_deadline_asks_for_enforcement_and_a_new_deadline_is_a_new_claim(
    control: Control, clock: object
) -> None:
    v = violation_in(control, State.ORDERED)
    assert v.demolish_by is not None
    first = v.demolish_by
    assert sweep_deadlines(first - timedelta(hours=3))["demolish_near"] == 1
    assert sweep_deadlines(first + timedelta(seconds=1))["demolish_overdue"] == 1
    assert any("依法公告后组织强拆" in m for m in notices("yzjd_clerk"))
    # 公告, 强拆 once its period ran out, then 复核不通过: a new deadline, reminded again.
    clock.move_to(first + timedelta(hours=1))  # type: ignore[attr-defined]
    services.announce(v, actor=control.users["town_leader"])
    # after the owner's 复议/诉讼 periods too (行政强制法 §44; served 2025-09-24).
    clock.move_to(datetime(2026, 3, 25, 9, tzinfo=timezone.get_default_timezone()))  # type: ignore[attr-defined]
    services.force_demolish(v, actor=control.users["town_leader"], photo_data=[png()])
    services.reinspect(
        v, actor=control.users["kwb_clerk"], passed=False, photo_data=[png()], note="仍有部分未拆除", days=3
    )
    v.refresh_from_db()
    assert v.state == State.ORDERED
    assert v.demolish_by != first
    assert v.demolish_by is not None
    assert sweep_deadlines(v.demolish_by + timedelta(seconds=1))["demolish_overdue"] == 1
    assert ViolationReminder.objects.filter(violation=v, kind="demolish_overdue").count() == 2


def test_nothing_is_owed_by_a_resolved_or_paused_violation(control: Control) -> None:
    appealed = violation_in(control, State.APPEALED)  # the clock pauses
    closed = violation_in(control, State.CLOSED)
    dismissed = violation_in(control, State.DISMISSED)
    demolished = violation_in(control, State.DEMOLISHED)  # waits on the re-inspector, not on a clock
    later = timezone.now() + timedelta(days=200)
    assert sum(sweep_deadlines(later).values()) == 0
    assert not ViolationReminder.objects.filter(
        violation__in=[appealed, closed, dismissed, demolished]
    ).exists()


def test_a_confirmed_violation_left_unstopped_is_reported_overdue_once(control: Control) -> None:
    v = violation_in(control, State.CONFIRMED)
    assert v.stop_by is not None
    assert v.checked_at is not None
    assert v.stop_by - v.checked_at == timedelta(hours=24)  # MOCHOU_ENFORCEMENT_STOP_HOURS default
    assert sweep_deadlines(v.stop_by - timedelta(minutes=1))["stop_overdue"] == 0
    assert sweep_deadlines(v.stop_by + timedelta(minutes=1))["stop_overdue"] == 1
    assert sweep_deadlines(v.stop_by + timedelta(days=200))["stop_overdue"] == 0  # once
    assert any("已过制止期限" in m and v.number in m for m in notices("yzjd_clerk"))
    assert any("已过制止期限" in m for m in notices("kwb_leader"))
    assert list(Violation.objects.overdue(v.stop_by)) == [v]
    assert not Violation.objects.overdue(v.stop_by - timedelta(seconds=1)).exists()


def test_a_stopped_violation_owes_its_order_within_ten_working_days(control: Control, clock: object) -> None:
    # 2025-09-24 (Wednesday) + 10 working days skips 国庆 (1–8 October) and its 调休 Saturday.
    v = violation_in(control, State.STOPPED)
    assert v.order_by is not None
    assert timezone.localtime(v.order_by).date() == date(2025, 10, 14)
    assert sweep_deadlines(v.order_by - timedelta(hours=1))["order_overdue"] == 0
    assert sweep_deadlines(v.order_by + timedelta(seconds=1))["order_overdue"] == 1
    assert any("已过限期拆除决定期限" in m and v.number in m for m in notices("yzjd_leader"))
    # The 限期拆除决定 ends that clock: the next one is the 自拆 deadline.
    ordered = services.order(v, actor=control.users["town_clerk"], days=7, now=v.order_by)
    assert not Violation.objects.overdue(v.order_by + timedelta(days=1)).filter(pk=ordered.pk).exists()


def test_an_existing_violation_past_its_plan_date_is_overdue(control: Control) -> None:
    v = violation_in(control, State.PLANNED, built_on=OLD)
    assert v.plan_due is not None
    last_day = timezone.make_aware(datetime.combine(v.plan_due, time(23, 59)))
    assert sweep_deadlines(last_day)["plan_overdue"] == 0
    assert not Violation.objects.overdue(last_day).exists()
    next_day = last_day + timedelta(minutes=2)
    assert list(Violation.objects.overdue(next_day)) == [v]
    assert sweep_deadlines(next_day)["plan_overdue"] == 1
    assert sweep_deadlines(next_day + timedelta(days=30))["plan_overdue"] == 0
    assert any("已过计划处置日期" in m and f"{v.plan_due:%Y-%m-%d}" in m for m in notices("yzjd_clerk"))


def test_the_periodic_task_is_the_sweep() -> None:
    from enforcement.tasks import deadline_sweep

    assert deadline_sweep.call_local() == {k: 0 for k in ViolationReminder.Kind.values}


def mine(username: str, v: Violation) -> list[str]:
    """The user's notices about `v`, oldest first."""
    rows = Notification.objects.filter(user__username=username, message__contains=v.number).order_by("pk")
    return list(rows.values_list("message", flat=True))


def test_the_stop_deadline_is_warned_once_before_and_reported_once_after(control: Control) -> None:
    v = violation_in(control, State.CONFIRMED)
    assert v.stop_by is not None
    assert sweep_deadlines(v.stop_by - timedelta(hours=7))["stop_near"] == 0  # 6 h lead by default
    assert sweep_deadlines(v.stop_by - timedelta(hours=5))["stop_near"] == 1
    assert sweep_deadlines(v.stop_by - timedelta(hours=1))["stop_near"] == 0  # once
    assert sweep_deadlines(v.stop_by + timedelta(minutes=1))["stop_overdue"] == 1
    assert sweep_deadlines(v.stop_by + timedelta(hours=3))["stop_overdue"] == 0  # once
    for who in ("yzjd_clerk", "yzjd_leader", "kwb_clerk", "kwb_leader"):
        messages = mine(who, v)
        assert len(messages) == 2, who
        assert "到制止期限" in messages[0]
        assert "已过制止期限" in messages[1]
    assert notices("hzjd_clerk") == []


def test_the_order_deadline_is_warned_two_working_days_before_and_a_decision_in_time_ends_it(
    control: Control, clock: object
) -> None:
    # Stopped 2025-09-24: due 2025-10-14 17:30. Two working days before it counts the 调休
    # Saturday 10-11 and skips the Sunday: from 10-11 on it is near, on Friday 10-10 not yet.
    v = violation_in(control, State.STOPPED)
    assert v.order_by is not None
    shanghai = timezone.get_default_timezone()
    assert sweep_deadlines(datetime(2025, 10, 10, 12, tzinfo=shanghai))["order_near"] == 0
    assert sweep_deadlines(datetime(2025, 10, 11, 9, tzinfo=shanghai))["order_near"] == 1
    assert sweep_deadlines(datetime(2025, 10, 13, 9, tzinfo=shanghai))["order_near"] == 0  # once
    assert [m for m in mine("yzjd_clerk", v) if "到限期拆除决定期限" in m] == [
        f"违建 {v.number}（郢中街道）将于 2025-10-14 17:30 到限期拆除决定期限，请及时依法作出限期拆除决定"
    ]
    # The decision made in time: nothing more is owed on that clock, late or not.
    services.order(
        v, actor=control.users["town_clerk"], days=30, now=datetime(2025, 10, 14, 10, tzinfo=shanghai)
    )
    swept = sweep_deadlines(v.order_by + timedelta(days=1))
    assert swept["order_overdue"] == 0
    assert not any("已过限期拆除决定期限" in m for m in mine("yzjd_clerk", v))


def test_a_plan_date_is_warned_a_week_before_and_reported_the_day_after_once_each(control: Control) -> None:
    v = violation_in(control, State.PLANNED, built_on=OLD)
    assert v.plan_due is not None
    morning = timezone.make_aware(datetime.combine(v.plan_due, time(9)))
    assert sweep_deadlines(morning - timedelta(days=8))["plan_near"] == 0
    assert sweep_deadlines(morning - timedelta(days=7))["plan_near"] == 1
    assert sweep_deadlines(morning)["plan_near"] == 0  # once, even on the day itself
    assert sweep_deadlines(morning + timedelta(days=1))["plan_overdue"] == 1
    assert sweep_deadlines(morning + timedelta(days=2))["plan_overdue"] == 0
    messages = mine("kwb_leader", v)
    assert len(messages) == 2
    assert f"计划处置日期 {v.plan_due:%Y-%m-%d} 将到" in messages[0]


def test_a_step_done_in_time_gets_no_reminder_and_a_late_first_sweep_sends_only_the_overdue_one(
    control: Control,
) -> None:
    stopped = violation_in(control, State.CONFIRMED)
    assert stopped.stop_by is not None
    services.stop(stopped, actor=control.users["town_clerk"])  # long before its 临期
    ordered = violation_in(control, State.PLANNED, built_on=OLD)
    services.order(ordered, actor=control.users["town_clerk"], days=30)
    late = violation_in(control, State.CONFIRMED)  # the worker was down until after its deadline
    assert late.stop_by is not None
    swept = sweep_deadlines(late.stop_by + timedelta(hours=1))
    assert (swept["stop_near"], swept["stop_overdue"], swept["plan_near"]) == (0, 1, 0)
    assert not ViolationReminder.objects.filter(violation__in=[stopped, ordered]).exists()
    assert len(mine("yzjd_clerk", late)) == 1
