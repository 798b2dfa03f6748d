"""Near-due and overdue: derived from the deadlines, told once by the periodic sweep."""

from __future__ import annotations

from datetime import datetime

import pytest

from cases.deadlines import deadline_status
from cases.models import Case, DeadlineNotice
from cases.queues import queue_cases
from cases.sweeps import sweep_deadlines
from conftest import SHANGHAI
from notifications.models import Notification, SmsMessage
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_deadline_state_is_computed_from_the_data_and_now(city, clock) -> None:
    case = f.accepted_case(city)  # due Tuesday 30 Sept 17:30
    ok = deadline_status(case, datetime(2025, 9, 24, 10, 0, tzinfo=SHANGHAI))
    assert ok is not None
    assert ok.level == "ok"
    near = deadline_status(case, datetime(2025, 9, 30, 9, 0, tzinfo=SHANGHAI))
    assert near is not None
    assert (near.level, near.label) == ("near", "办理剩余6小时30分钟")  # 09:00–12:00 and 14:00–17:30
    late = deadline_status(case, datetime(2025, 10, 9, 9, 30, tzinfo=SHANGHAI))
    assert late is not None
    assert late.level == "overdue"
    assert late.label == "办理超期1小时"  # 国庆 holidays do not count against the unit


def test_an_unaccepted_dispatch_runs_on_the_acceptance_deadline(city, clock) -> None:
    case = f.dispatched_case(city)  # accept within 2 working hours: 12:00
    status = deadline_status(case, datetime(2025, 9, 24, 14, 30, tzinfo=SHANGHAI))
    assert status is not None
    assert (status.kind, status.level) == ("accept", "overdue")
    assert status.remaining_hours == pytest.approx(-0.5)  # lunch break is not working time


def test_the_late_queue_lists_near_and_overdue_cases_only(city, clock) -> None:
    ok = f.make_case(city)
    late = f.dispatched_case(city)
    clock.move_to(datetime(2025, 9, 24, 14, 30, tzinfo=SHANGHAI))
    listed = set(queue_cases(city.users["dispatcher"], "late").values_list("pk", flat=True))
    assert listed == {late.pk}
    assert ok.pk not in listed


def test_overdue_notices_are_sent_once_however_often_the_sweep_runs(city, clock) -> None:
    case = f.dispatched_case(city)
    clock.move_to(datetime(2025, 9, 24, 11, 30, tzinfo=SHANGHAI))  # 30 working minutes before 12:00
    assert sweep_deadlines()["accept_near"] == 1
    assert sweep_deadlines()["accept_near"] == 0
    clock.move_to(datetime(2025, 9, 24, 15, 0, tzinfo=SHANGHAI))
    first = sweep_deadlines()
    second = sweep_deadlines()
    assert first["accept_overdue"] == 1
    assert second["accept_overdue"] == 0
    assert DeadlineNotice.objects.filter(case=case).count() == 2
    assert Notification.objects.filter(user=city.users["clerk"], kind="accept_overdue").count() == 1
    assert Notification.objects.filter(user=city.users["supervisor"], kind="accept_overdue").count() == 1
    assert SmsMessage.objects.filter(phone="13900000001", body__contains="已超过签收时限").count() == 1


def test_a_new_deadline_after_an_extension_is_told_again(city, clock) -> None:
    from cases import services

    case = f.accepted_case(city)
    clock.move_to(datetime(2025, 10, 9, 9, 0, tzinfo=SHANGHAI))
    assert sweep_deadlines()["handle_overdue"] == 1
    services.request_extension(
        Case.objects.get(pk=case.pk), actor=city.users["clerk"], days=1, reason="等待材料"
    )
    services.decide_extension(Case.objects.get(pk=case.pk), actor=city.users["dispatcher"], approve=True)
    clock.move_to(datetime(2025, 10, 10, 9, 0, tzinfo=SHANGHAI))  # new deadline 9 Oct 17:30 passed
    assert sweep_deadlines()["handle_overdue"] == 1


def test_cases_without_a_running_deadline_are_not_swept(city, clock) -> None:
    f.make_case(city)
    f.closed_case(city)
    clock.move_to(datetime(2025, 12, 1, 10, 0, tzinfo=SHANGHAI))
    assert sum(sweep_deadlines().values()) == 0


def test_new_years_eve_without_next_years_calendar_keeps_the_late_queue_and_the_sweep_working(
    city, clock, client
) -> None:
    """Only 2025 and 2026 are configured: on 31 December 2026 "near" would reach into 2027."""
    from accounts.models import ApiToken

    case = f.dispatched_case(city)  # overdue since 24 September 2025
    clock.move_to(datetime(2026, 12, 31, 15, 0, tzinfo=SHANGHAI))
    assert set(queue_cases(city.users["dispatcher"], "late").values_list("pk", flat=True)) == {case.pk}
    assert sweep_deadlines()["accept_overdue"] == 1
    client.force_login(city.users["dispatcher"])
    assert client.get("/cases/queue/late/").status_code == 200
    assert client.get("/cases/queue/late/counts/").status_code == 200
    token = ApiToken.issue(city.users["dispatcher"])
    assert client.get(f"/api/v1/cases/{case.number}", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200


def test_a_deadline_notice_is_claimed_only_together_with_its_notifications(city, clock, monkeypatch) -> None:
    from cases import sweeps

    f.dispatched_case(city)
    clock.move_to(datetime(2025, 9, 24, 15, 0, tzinfo=SHANGHAI))

    def broken(*args: object, **kwargs: object) -> None:
        raise ConnectionError("notification store down")

    monkeypatch.setattr(sweeps, "_send", broken)
    with pytest.raises(ConnectionError):
        sweep_deadlines()
    assert not DeadlineNotice.objects.exists()  # not claimed: the next sweep will try again
    monkeypatch.undo()
    assert sweep_deadlines()["accept_overdue"] == 1
