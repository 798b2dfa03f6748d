"""Shifts, swaps asked and approved, 交接班 with open items carried over, who is on duty now."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest

from duty.models import Shift, Swap
from duty.services.common import at_local
from duty.services.rosters import (
    add_shift,
    close_item,
    decide_swap,
    hand_over,
    on_duty,
    open_item,
    plan_rota,
    receive_handover,
    request_swap,
)
from duty.tests.conftest import Duty
from mochou.errors import Conflict, InvalidInput, NotPermitted

pytestmark = pytest.mark.django_db
DAY = date(2025, 9, 24)


def _two_days(duty: Duty) -> list[Shift]:
    return plan_rota(
        duty.city.township,
        actor=duty.town_leader,
        start=DAY,
        days=2,
        leaders=[duty.town_leader],
        officers=[duty.town_clerk, duty.town_clerk2],
    )


def test_who_is_on_duty_changes_at_the_shift_change(duty: Duty) -> None:
    first, second = _two_days(duty)
    town = duty.city.township.pk
    assert on_duty([town], at_local(DAY, time(10)))[town] == first
    assert on_duty([town], at_local(DAY + timedelta(days=1), time(8, 30)))[town] == second
    assert on_duty([town], at_local(DAY, time(8))) == {}
    assert first.officer_phone == "13900000021"


def test_overlapping_shifts_and_strangers_are_refused(duty: Duty) -> None:
    _two_days(duty)
    town = duty.city.township
    with pytest.raises(Conflict):
        add_shift(
            town,
            actor=duty.town_leader,
            starts_at=at_local(DAY, time(12)),
            ends_at=at_local(DAY, time(18)),
            leader=duty.town_leader,
            officer=duty.town_clerk,
        )
    with pytest.raises(InvalidInput):
        add_shift(
            town,
            actor=duty.town_leader,
            starts_at=at_local(DAY + timedelta(days=5), time(8)),
            ends_at=at_local(DAY + timedelta(days=5), time(18)),
            leader=duty.office_leader,
            officer=duty.town_clerk,
        )
    with pytest.raises(NotPermitted):
        add_shift(
            town,
            actor=duty.city.users["clerk"],
            starts_at=at_local(DAY + timedelta(days=5), time(8)),
            ends_at=at_local(DAY + timedelta(days=5), time(18)),
            leader=duty.town_leader,
            officer=duty.town_clerk,
        )


def test_a_swap_is_asked_then_approved_by_the_units_leader(duty: Duty) -> None:
    _first, second = _two_days(duty)
    now = at_local(DAY, time(10))
    swap = request_swap(
        second,
        actor=duty.town_clerk2,
        slot="officer",
        replacement=duty.town_clerk,
        reason="家中有事",
        now=now,
    )
    with pytest.raises(Conflict):
        request_swap(
            second,
            actor=duty.town_clerk2,
            slot="officer",
            replacement=duty.town_clerk,
            reason="再申请",
            now=now,
        )
    with pytest.raises(NotPermitted):
        decide_swap(swap, actor=duty.town_clerk, approve=True, now=now)
    decide_swap(swap, actor=duty.town_leader, approve=True, now=now)
    second.refresh_from_db()
    assert second.officer == duty.town_clerk
    assert second.officer_phone == "13900000021"
    assert Swap.objects.get().status == "approved"
    with pytest.raises(Conflict):
        decide_swap(swap, actor=duty.town_leader, approve=False, now=now)


def test_open_items_are_carried_over_at_the_handover(duty: Duty) -> None:
    first, second = _two_days(duty)
    town = duty.city.township
    t = at_local(DAY, time(12))
    kept = open_item(town, actor=duty.town_clerk, item_text="河堤渗水点每2小时巡查", now=t)
    done = open_item(town, actor=duty.town_clerk, item_text="物资车辆返回", now=t)
    close_item(done, actor=duty.town_clerk, note="已入库", now=t + timedelta(hours=1))
    handover = hand_over(first, actor=duty.town_clerk, notes="夜间无重大情况", now=first.ends_at)
    assert handover.next_shift == second
    assert list(handover.items.all()) == [kept]
    with pytest.raises(Conflict):
        hand_over(first, actor=duty.town_clerk, notes="再交一次", now=first.ends_at)
    with pytest.raises(NotPermitted):
        receive_handover(handover, actor=duty.city.users["clerk"], now=first.ends_at)
    receive_handover(handover, actor=duty.town_clerk2, now=first.ends_at)
    handover.refresh_from_db()
    assert handover.received_by == duty.town_clerk2
