"""Rosters: shifts, rotas over a period (holidays marked from the working calendar), swaps,
交接班 with open items carried over, and who is on duty at a moment."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import Role, User
from accounts.phones import normalize_phone
from duty import config
from duty.access import in_duty_chain, is_office_staff, is_unit_staff
from duty.models import Handover, OpenItem, Shift, Swap
from duty.services.common import at_local, require, text
from loop.verbs import after_commit
from mochou.errors import Conflict, InvalidInput
from notifications.services import notify_users
from org.models import Unit
from worktime.calendar import CalendarMissing, is_workday


def may_edit_roster(actor: Any, unit: Unit) -> bool:
    """The unit's own staff keep its roster; the office may too (it fills a gap it warned of)."""
    return is_unit_staff(actor, unit.pk) or is_office_staff(actor) or getattr(actor, "role", "") == Role.ADMIN


def _is_holiday(day: date) -> bool:
    try:
        return not is_workday(day)
    except CalendarMissing:
        return False


def _member(unit: Unit, user: User, label: str, field: str) -> None:
    if user.unit_id != unit.pk or not user.is_active:
        raise InvalidInput(
            f"{label}须为本单位在岗人员。", code="invalid_input.person", details={"field": field}
        )


def add_shift(
    unit: Unit,
    *,
    actor: Any,
    starts_at: datetime,
    ends_at: datetime,
    leader: User,
    officer: User,
    leader_phone: str = "",
    officer_phone: str = "",
    note: str = "",
) -> Shift:
    require(may_edit_roster(actor, unit), "只有本单位或应急值班室可以排班。")
    if ends_at <= starts_at:
        raise InvalidInput(
            "结束时间须晚于开始时间。", code="invalid_input.period", details={"field": "ends_at"}
        )
    if ends_at - starts_at > timedelta(hours=48):
        raise InvalidInput(
            "一个班次不能超过 48 小时。", code="invalid_input.period", details={"field": "ends_at"}
        )
    _member(unit, leader, "带班领导", "leader")
    _member(unit, officer, "值班员", "officer")
    day = timezone.localtime(starts_at).date()
    with transaction.atomic():
        # Lock what two concurrent plans would both read as free: the unit's row and each
        # person's. On PostgreSQL a select_for_update on the overlapping shifts locks nothing when
        # there are none yet, so two inserts for one unit or one person went through side by side;
        # the parent rows serialise them (SQLite's IMMEDIATE transactions do the same there).
        _lock_people(unit, [leader.pk, officer.pk])
        overlap = Shift.objects.filter(unit=unit, starts_at__lt=ends_at, ends_at__gt=starts_at)
        if overlap.exists():
            raise Conflict("该时段已有班次，不能重复排班。", code="duty.shift_overlap")
        for person, label in ((leader, "带班领导"), (officer, "值班员")):
            _free(person, starts_at, ends_at, label)
        try:
            with transaction.atomic():
                return Shift.objects.create(
                    unit=unit,
                    day=day,
                    starts_at=starts_at,
                    ends_at=ends_at,
                    leader=leader,
                    officer=officer,
                    leader_phone=normalize_phone(leader_phone) if leader_phone else leader.mobile,
                    officer_phone=normalize_phone(officer_phone) if officer_phone else officer.mobile,
                    is_holiday=_is_holiday(day),
                    note=note.strip()[:200],
                )
        except IntegrityError:
            raise Conflict("该时段已有班次，不能重复排班。", code="duty.shift_overlap") from None


def _lock_people(unit: Unit | None, user_ids: Sequence[int]) -> None:
    if unit is not None:
        list(Unit.objects.select_for_update().filter(pk=unit.pk).values_list("pk", flat=True))
    # In id order, so two plans locking the same two people never wait on each other in a cycle.
    list(
        User.objects.select_for_update()
        .filter(pk__in=set(user_ids))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _free(
    person: User, starts_at: datetime, ends_at: datetime, label: str, *, exclude: int | None = None
) -> None:
    """One person is on one shift at a time, whatever the unit (a 带班领导 of two units' overlapping
    shifts could answer neither phone)."""
    busy = Shift.objects.filter(starts_at__lt=ends_at, ends_at__gt=starts_at).filter(
        Q(leader=person) | Q(officer=person)
    )
    if exclude is not None:
        busy = busy.exclude(pk=exclude)
    clash = busy.select_related("unit").first()
    if clash is not None:
        when = timezone.localtime(clash.starts_at).strftime("%m-%d %H:%M")
        raise Conflict(
            f"{label}{person.name}在该时段已有班次（{clash.unit.display_name} {when} 起），不能重复排班。",
            code="duty.person_busy",
            details={"field": "leader" if label == "带班领导" else "officer"},
        )


def plan_rota(
    unit: Unit,
    *,
    actor: Any,
    start: date,
    days: int,
    leaders: Sequence[User],
    officers: Sequence[User],
    workdays_only: bool = False,
) -> list[Shift]:
    """Daily 24-hour shifts from the shift change (08:30) for `days` days, people in turn.
    Days already planned are kept. `workdays_only` leaves the holidays to be planned apart
    (the coverage check then shows them uncovered)."""
    if not leaders or not officers:
        raise InvalidInput("请至少选择一名带班领导和一名值班员。", code="invalid_input.person")
    made = []
    for n in range(days):
        day = start + timedelta(days=n)
        if workdays_only and _is_holiday(day):
            continue
        begins = at_local(day, config.shift_start())
        if Shift.objects.filter(unit=unit, starts_at=begins).exists():
            continue
        made.append(
            add_shift(
                unit,
                actor=actor,
                starts_at=begins,
                ends_at=at_local(day + timedelta(days=1), config.shift_start()),
                leader=leaders[n % len(leaders)],
                officer=officers[n % len(officers)],
            )
        )
    return made


def on_duty(unit_ids: Sequence[int], now: datetime) -> dict[int, Shift]:
    """The shift running at `now` for each unit that has one."""
    rows = Shift.objects.filter(unit_id__in=unit_ids, starts_at__lte=now, ends_at__gt=now)
    return {s.unit_id: s for s in rows.select_related("leader", "officer")}


# ---------------------------------------------------------------- swaps


def request_swap(
    shift: Shift, *, actor: User, slot: str, replacement: User, reason: str, now: datetime
) -> Swap:
    if slot not in Swap.Slot.values:
        raise InvalidInput("请选择换班岗位。", code="invalid_input.slot", details={"field": "slot"})
    slot = Swap.Slot(slot)
    on_it = shift.leader_id if slot == Swap.Slot.LEADER else shift.officer_id
    require(actor.pk == on_it or may_edit_roster(actor, shift.unit), "只有当班人员或本单位可以申请换班。")
    if shift.ends_at <= now:
        raise Conflict("该班次已结束，不能换班。", code="duty.shift_over")
    _member(shift.unit, replacement, "替班人", "replacement")
    if replacement.pk == on_it:
        raise InvalidInput(
            "替班人不能是原值班人员。", code="invalid_input.person", details={"field": "replacement"}
        )
    reason = text(reason, "换班理由", "reason", min_len=2, max_len=200)
    try:
        with transaction.atomic():
            swap = Swap.objects.create(
                shift=shift,
                slot=slot,
                requested_by=actor,
                replacement=replacement,
                reason=reason,
                created_at=now,
            )
            after_commit(_tell_deciders, swap)
            return swap
    except IntegrityError:
        raise Conflict("该岗位已有待审批的换班申请。", code="duty.swap_pending") from None


def may_decide_swap(actor: Any, swap: Swap) -> bool:
    """The unit's leader or the office decides — never the one who asked (no self-approval)."""
    if getattr(actor, "pk", None) == swap.requested_by_id:
        return False
    unit_leader = getattr(actor, "role", "") == Role.UNIT_LEADER and actor.unit_id == swap.shift.unit_id
    return unit_leader or is_office_staff(actor) or getattr(actor, "role", "") == Role.ADMIN


def _swap_what(swap: Swap) -> str:
    slot_label = "带班领导" if swap.slot == Swap.Slot.LEADER else "值班员"
    when = timezone.localtime(swap.shift.starts_at).strftime("%m-%d %H:%M")
    return f"{swap.shift.unit.display_name} {when} 班次{slot_label}由{swap.replacement.display_name}替班"


def _tell_deciders(swap: Swap) -> None:
    """A new request goes to whoever may decide it: the unit's leaders (not the one who asked);
    when the unit has none who may, the duty office (which may decide any unit's)."""
    message = f"换班申请待审批：{swap.requested_by.display_name}申请{_swap_what(swap)}（理由：{swap.reason}）"
    leaders = [
        u
        for u in User.objects.filter(unit_id=swap.shift.unit_id, role=Role.UNIT_LEADER, is_active=True)
        if may_decide_swap(u, swap)
    ]
    if leaders:
        notify_users(leaders, kind="duty_swap", message=message)
        return
    office = config.office()
    if office is not None:
        notify_users(
            [u for u in office.staff.filter(is_active=True) if may_decide_swap(u, swap)],
            kind="duty_swap",
            message=message,
        )


def _tell_decision(swap: Swap) -> None:
    """The one who asked and the replacement learn the answer (the replacement: whether to come)."""
    answer = "已批准" if swap.status == Swap.Status.APPROVED else "未获批准"
    message = (
        f"换班申请{answer}（{swap.decided_by.display_name if swap.decided_by else ''}）：{_swap_what(swap)}"
    )
    people = {swap.requested_by_id: swap.requested_by, swap.replacement_id: swap.replacement}
    notify_users(people.values(), kind="duty_swap", message=message)


def decide_swap(swap: Swap, *, actor: User, approve: bool, now: datetime) -> Swap:
    """The unit's leader (or the office) decides; an approval puts the replacement on the shift."""
    require(may_decide_swap(actor, swap), "只有本单位负责人或应急值班室可以审批换班。")
    with transaction.atomic():
        locked = Swap.objects.select_for_update().select_related("shift").get(pk=swap.pk)
        if locked.status != Swap.Status.PENDING:
            raise Conflict("该换班申请已审批。", code="duty.swap_decided")
        if locked.shift.ends_at <= now:
            # An answer after the shift is history, not a decision: whoever stood it stood it.
            raise Conflict("该班次已结束，换班申请不能再审批。", code="duty.shift_over")
        if approve:
            slot_label = "带班领导" if locked.slot == Swap.Slot.LEADER else "值班员"
            _lock_people(None, [locked.replacement_id])
            _free(
                locked.replacement,
                locked.shift.starts_at,
                locked.shift.ends_at,
                slot_label,
                exclude=locked.shift_id,
            )
        locked.status = Swap.Status.APPROVED if approve else Swap.Status.REFUSED
        locked.decided_by, locked.decided_at = actor, now
        locked.save(update_fields=["status", "decided_by", "decided_at"])
        if approve:
            shift = Shift.objects.select_for_update().get(pk=locked.shift_id)
            person = locked.replacement
            if locked.slot == Swap.Slot.LEADER:
                shift.leader, shift.leader_phone = person, person.mobile
                shift.save(update_fields=["leader", "leader_phone"])
            else:
                shift.officer, shift.officer_phone = person, person.mobile
                shift.save(update_fields=["officer", "officer_phone"])
        after_commit(_tell_decision, locked)
    return locked


# ---------------------------------------------------------------- 交接班 and open items


def open_item(unit: Unit, *, actor: User, item_text: str, now: datetime) -> OpenItem:
    require(is_unit_staff(actor, unit.pk) or in_duty_chain(actor), "只有本单位值班人员可以登记待办事项。")
    return OpenItem.objects.create(
        unit=unit,
        text=text(item_text, "待办事项", "text", min_len=2, max_len=300),
        opened_by=actor,
        opened_at=now,
    )


def close_item(item: OpenItem, *, actor: User, note: str, now: datetime) -> OpenItem:
    require(
        is_unit_staff(actor, item.unit_id) or in_duty_chain(actor), "只有本单位值班人员可以办结待办事项。"
    )
    closed = OpenItem.objects.filter(pk=item.pk, closed_at__isnull=True).update(
        closed_by=actor, closed_at=now, close_note=text(note, "办结情况", "note", min_len=2, max_len=300)
    )
    if not closed:
        raise Conflict("该事项已办结。", code="duty.item_closed")
    item.refresh_from_db()
    return item


def hand_over(shift: Shift, *, actor: User, notes: str, now: datetime) -> Handover:
    """交班: the notes, and every item of the unit still open goes with them to the next shift."""
    require(
        actor.pk in (shift.leader_id, shift.officer_id) or is_unit_staff(actor, shift.unit_id),
        "只有当班人员可以交班。",
    )
    notes = text(notes, "交班情况", "notes", min_len=2, max_len=2000)
    following = Shift.objects.filter(unit_id=shift.unit_id, starts_at__gte=shift.ends_at - timedelta(hours=1))
    try:
        with transaction.atomic():
            handover = Handover.objects.create(
                shift=shift,
                next_shift=following.exclude(pk=shift.pk).order_by("starts_at").first(),
                written_by=actor,
                written_at=now,
                notes=notes,
            )
            handover.items.set(OpenItem.objects.filter(unit_id=shift.unit_id, closed_at__isnull=True))
    except IntegrityError:
        raise Conflict("本班次已交班。", code="duty.handed_over") from None
    return handover


def receive_handover(handover: Handover, *, actor: User, now: datetime) -> Handover:
    nxt = handover.next_shift
    on_next = nxt is not None and actor.pk in (nxt.leader_id, nxt.officer_id)
    require(on_next or is_unit_staff(actor, handover.shift.unit_id), "只有接班人员可以接班。")
    done = Handover.objects.filter(pk=handover.pk, received_at__isnull=True).update(
        received_by=actor, received_at=now
    )
    if not done:
        raise Conflict("已接班。", code="duty.received")
    handover.refresh_from_db()
    return handover
