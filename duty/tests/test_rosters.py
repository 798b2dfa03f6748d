"""Shifts, swaps asked and approved, 交接班 with open items carried over, who is on duty now."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest

from accounts.models import Role, User
from duty.models import Shift, Swap
from duty.services.common import at_local
from duty.services.rosters import (
    add_shift,
    close_item,
    decide_swap,
    hand_over,
    may_decide_swap,
    on_duty,
    open_item,
    plan_rota,
    receive_handover,
    request_swap,
)
from duty.tests.conftest import Duty
from mochou.errors import Conflict, InvalidInput, NotPermitted
from notifications.models import Notification
from tests.factories import make_user

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


def _swap_notices(user: User) -> list[str]:
    return list(Notification.objects.filter(user=user, kind="duty_swap").values_list("message", flat=True))


def test_a_swap_request_is_told_to_the_units_leader_and_the_answer_to_both_people(duty: Duty) -> None:
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
    [asked] = _swap_notices(duty.town_leader)
    assert asked.startswith("换班申请待审批：镇替班申请")
    assert "值班员由镇值班替班（理由：家中有事）" in asked
    # The unit has a leader who may decide: the office is not troubled with it.
    assert _swap_notices(duty.office_clerk) == []
    assert _swap_notices(duty.town_clerk) == []
    decide_swap(swap, actor=duty.town_leader, approve=False, now=now)
    for person in (duty.town_clerk2, duty.town_clerk):
        [answer] = _swap_notices(person)
        assert answer.startswith("换班申请未获批准（镇带班）：")
    assert len(_swap_notices(duty.town_leader)) == 1


def test_nobody_approves_their_own_swap_and_the_office_is_asked_instead(duty: Duty) -> None:
    _first, second = _two_days(duty)
    now = at_local(DAY, time(10))
    # The township's only leader asks to be replaced on the leader post.
    swap = request_swap(
        second, actor=duty.town_leader, slot="leader", replacement=duty.town_clerk, reason="外出开会", now=now
    )
    assert not may_decide_swap(duty.town_leader, swap)
    assert _swap_notices(duty.town_leader) == []
    assert len(_swap_notices(duty.office_clerk)) == len(_swap_notices(duty.office_leader)) == 1
    with pytest.raises(NotPermitted):
        decide_swap(swap, actor=duty.town_leader, approve=True, now=now)
    assert Swap.objects.get().status == "pending"
    decide_swap(swap, actor=duty.office_leader, approve=True, now=now)
    second.refresh_from_db()
    assert second.leader == duty.town_clerk
    [answer] = _swap_notices(duty.town_leader)
    assert answer.startswith("换班申请已批准（应局长）：")
    assert "带班领导由镇值班替班" in answer
    assert len(_swap_notices(duty.town_clerk)) == 1


def test_a_second_leader_of_the_unit_decides_the_first_ones_swap(duty: Duty) -> None:
    deputy = make_user("town_deputy", Role.UNIT_LEADER, duty.city.township, display_name="镇副职")
    _first, second = _two_days(duty)
    now = at_local(DAY, time(10))
    swap = request_swap(
        second, actor=duty.town_leader, slot="leader", replacement=deputy, reason="外出开会", now=now
    )
    assert len(_swap_notices(deputy)) == 1
    assert _swap_notices(duty.office_clerk) == []
    decide_swap(swap, actor=deputy, approve=True, now=now)
    assert len(_swap_notices(deputy)) == 2  # asked, then told it is theirs to stand
