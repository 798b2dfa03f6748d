"""What the review found: a swap decided after its shift ended, one person on two overlapping
shifts (in two units; on PostgreSQL two plans at once), the second reminder of an overdue task."""

from __future__ import annotations

import threading
from datetime import date, time, timedelta
from typing import Any

import pytest
from django.db import connection

from accounts.models import Role
from duty.models import Shift
from duty.services import rosters
from duty.services.common import at_local
from duty.services.incidents import register_incident
from duty.services.rosters import add_shift, decide_swap, request_swap
from duty.services.tasks import assign_task
from duty.sweeps import sweep_incidents
from duty.tests.conftest import Duty
from mochou.errors import Conflict
from notifications.models import Notification
from tests.factories import make_user

DAY = date(2025, 9, 24)


def _at(hh: int, mm: int = 0, day: date = DAY) -> Any:
    return at_local(day, time(hh, mm))


def _shift(duty: Duty, unit: Any = None, *, start: Any = None, hours: int = 24, leader: Any = None) -> Shift:
    start = start or _at(8, 30)
    return add_shift(
        unit or duty.city.township,
        actor=duty.office_clerk,
        starts_at=start,
        ends_at=start + timedelta(hours=hours),
        leader=leader or duty.town_leader,
        officer=duty.town_clerk,
    )


@pytest.mark.django_db
def test_a_swap_is_not_decided_after_its_shift_ended(duty: Duty) -> None:
    shift = _shift(duty)
    swap = request_swap(
        shift,
        actor=duty.town_clerk,
        slot="officer",
        replacement=duty.town_clerk2,
        reason="家中有事",
        now=_at(9),
    )
    with pytest.raises(Conflict) as refused:
        decide_swap(swap, actor=duty.town_leader, approve=True, now=_at(8, 31, DAY + timedelta(days=1)))
    assert refused.value.code == "duty.shift_over"
    swap.refresh_from_db()
    shift.refresh_from_db()
    assert (swap.status, shift.officer_id) == ("pending", duty.town_clerk.pk)


@pytest.mark.django_db
def test_one_person_is_not_on_two_overlapping_shifts(duty: Duty) -> None:
    """A person moved from 住建局 to the township while still on 住建局's night shift: the
    township cannot plan them, nor approve a swap that puts them on, during those hours."""
    mover = make_user("mover", Role.CLERK, duty.city.housing, mobile="13900000031")
    boss = make_user("zjj_leader2", Role.UNIT_LEADER, duty.city.housing, mobile="13900000032")
    add_shift(
        duty.city.housing,
        actor=duty.office_clerk,
        starts_at=_at(20),
        ends_at=_at(20) + timedelta(hours=12),
        leader=boss,
        officer=mover,
    )
    mover.unit = duty.city.township
    mover.save()
    with pytest.raises(Conflict) as busy:
        add_shift(
            duty.city.township,
            actor=duty.office_clerk,
            starts_at=_at(8, 30),
            ends_at=_at(8, 30) + timedelta(hours=24),
            leader=duty.town_leader,
            officer=mover,
        )
    assert busy.value.code == "duty.person_busy"
    assert "市住建局" in busy.value.message or "住房" in busy.value.message
    shift = _shift(duty)
    swap = request_swap(
        shift, actor=duty.town_clerk, slot="officer", replacement=mover, reason="家中有事", now=_at(9)
    )
    with pytest.raises(Conflict) as refused:
        decide_swap(swap, actor=duty.town_leader, approve=True, now=_at(10))
    assert refused.value.code == "duty.person_busy"
    # After the night shift the same person is free: a shift then is planned.
    assert add_shift(
        duty.city.township,
        actor=duty.office_clerk,
        starts_at=_at(8, 30, DAY + timedelta(days=1)),
        ends_at=_at(8, 30, DAY + timedelta(days=2)),
        leader=duty.town_leader,
        officer=mover,
    )


def test_two_plans_at_once_do_not_both_put_one_person_on(
    transactional_db: None, duty: Duty, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PostgreSQL: the first plan is held after its checks while the second runs; without the
    person's row lock both see no overlap and both are stored. (SQLite's in-memory test database
    refuses a second writer at once; its IMMEDIATE transactions serialise writers in production.)"""
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL (DATABASE_URL=postgres://…)")
    other_clerk = make_user("zjj_clerk3", Role.CLERK, duty.city.housing, mobile="13900000033")
    inside, release = threading.Event(), threading.Event()
    real_free = rosters._free

    def held(*args: Any, **kwargs: Any) -> None:
        real_free(*args, **kwargs)
        if threading.current_thread().name == "first":
            inside.set()
            release.wait(timeout=10)

    monkeypatch.setattr(rosters, "_free", held)
    outcome: dict[str, str] = {}

    def run(unit: Any, officer: Any) -> None:
        try:
            add_shift(
                unit,
                actor=duty.office_clerk,
                starts_at=_at(8, 30),
                ends_at=_at(20),
                leader=duty.town_leader,
                officer=officer,
            )
            outcome[threading.current_thread().name] = "stored"
        except Conflict as error:
            outcome[threading.current_thread().name] = error.code
        finally:
            connection.close()

    monkeypatch.setattr(rosters, "_member", lambda *a, **k: None)
    first = threading.Thread(target=run, args=(duty.city.township, duty.town_clerk), name="first")
    second = threading.Thread(target=run, args=(duty.city.housing, other_clerk), name="second")
    first.start()
    assert inside.wait(timeout=10)
    second.start()
    second.join(timeout=2)  # with the lock it waits for the first; without, it is stored now
    release.set()
    first.join(timeout=20)
    second.join(timeout=20)
    assert outcome == {"first": "stored", "second": "duty.person_busy"}
    assert Shift.objects.filter(leader=duty.town_leader).count() == 1


@pytest.mark.django_db
def test_an_overdue_task_is_reminded_a_second_time(duty: Duty) -> None:
    incident = register_incident(
        actor=duty.office_clerk,
        unit=duty.city.township,
        title="道路积水",
        level="4",
        kind="flood",
        place="某某路",
        occurred_at=_at(9),
        learned_at=_at(9),
        now=_at(9),
    )
    assign_task(
        incident,
        actor=duty.office_clerk,
        unit=duty.city.township,
        title="设置警示",
        due_at=_at(10),
        now=_at(9),
    )
    assert sweep_incidents(_at(10, 1))["task_overdue"] == 1
    assert sweep_incidents(_at(11))["task_overdue"] == 0
    assert sweep_incidents(_at(12, 1))["task_overdue"] == 1  # 120 minutes on: 再次催办
    assert sweep_incidents(_at(13))["task_overdue"] == 0
    again = Notification.objects.filter(kind="duty_task", message__startswith="再次催办")
    assert set(again.values_list("user__username", flat=True)) == {
        "town_clerk",
        "town_leader",
        "town_clerk2",
        "yjj_leader",
    }
