"""重点人员 in a closed loop: registered with the reason, the responsible unit and person and a
check frequency; each check recorded (result, note) and the next one due; closed with a reason.
The overdue sweep is duty.sweeps.warn_key_checks."""

from __future__ import annotations

from datetime import datetime, timedelta

from accounts.models import User
from accounts.phones import read_phone
from duty.access import is_office_staff, is_unit_staff
from duty.guards import KEY_GUARDS
from duty.models import KeyPerson, KeyPersonCheck, KeyPersonEvent
from duty.services.common import require, text
from duty.workflow import KEY_MACHINE, KeyAction, KeyState
from loop.verbs import Loop
from mochou.errors import InvalidInput
from notifications.services import notify_users
from org.models import Unit

KEYPERSONS: Loop[KeyPerson, KeyState, KeyAction] = Loop(
    model=KeyPerson,
    event_model=KeyPersonEvent,
    item_field="person",
    machine=KEY_MACHINE,
    guards=KEY_GUARDS,
    related=("unit", "responsible"),
)
MAX_EVERY_DAYS = 90


def _every(value: int | str) -> int:
    typed = str(value).strip()
    days = int(typed) if typed.isdecimal() else 0
    if not 1 <= days <= MAX_EVERY_DAYS:
        raise InvalidInput(
            f"核查频次须为 1–{MAX_EVERY_DAYS} 天。",
            code="invalid_input.frequency",
            details={"field": "check_every_days"},
        )
    return days


def _id_number(value: str) -> str:
    number = (value or "").strip().upper()
    if number and (len(number) != 18 or not number[:17].isdecimal() or number[17] not in "0123456789X"):
        raise InvalidInput(
            "身份证号应为 18 位（末位可为 X）。",
            code="invalid_input.id_number",
            details={"field": "id_number"},
        )
    return number


def _phone(value: str) -> str:
    if not (value or "").strip():
        return ""
    canonical = read_phone(value)
    if canonical is None:
        raise InvalidInput("联系电话格式不正确。", code="invalid_input.phone", details={"field": "phone"})
    return canonical


def register_person(
    unit: Unit,
    *,
    actor: User,
    category: str,
    reason: str,
    responsible: User,
    name: str,
    check_every_days: int | str,
    id_number: str = "",
    phone: str = "",
    address: str = "",
    now: datetime,
) -> KeyPerson:
    """登记: the unit for itself or the office for any unit; the first check is due one period on."""
    require(
        is_unit_staff(actor, unit.pk) or is_office_staff(actor), "只有本单位或应急值班室可以登记重点人员。"
    )
    if category not in KeyPerson.Category.values:
        raise InvalidInput("请选择人员类别。", code="invalid_input.category", details={"field": "category"})
    if responsible.unit_id != unit.pk or not responsible.is_active:
        raise InvalidInput(
            "责任人须为责任单位在岗人员。", code="invalid_input.person", details={"field": "responsible"}
        )
    every = _every(check_every_days)
    with KEYPERSONS.start(KeyAction.REGISTER, actor, now=now) as step:
        person = KEYPERSONS.create(
            step,
            category=category,
            reason=text(reason, "列管原因", "reason", min_len=2, max_len=300),
            unit=unit,
            responsible=responsible,
            name=text(name, "姓名", "name", min_len=2, max_len=40),
            id_number=_id_number(id_number),
            phone=_phone(phone),
            address=(address or "").strip()[:200],
            check_every_days=every,
            next_check_by=now + timedelta(days=every),
            created_by=actor,
            created_at=now,
        )
        # The payload keeps no personal data: the event log is read more widely than the record.
        step.record(payload={"unit": unit.code, "every": every, "responsible": responsible.pk})
        if responsible.pk != actor.pk:
            step.after_commit(
                notify_users,
                [responsible],
                kind="duty_keyperson",
                message=f"您被指定为一名{person.get_category_display()}的责任人，请每 {every} 天核查一次",
            )
    return person


def record_check(person: KeyPerson, *, actor: User, result: str, note: str, now: datetime) -> KeyPersonCheck:
    """A check done: recorded with the deadline it answered (late or not); the next one is due
    one period from now."""
    if result not in KeyPersonCheck.Result.values:
        raise InvalidInput("请选择核查结果。", code="invalid_input.result", details={"field": "result"})
    body = text(note, "情况说明", "note", min_len=2, max_len=500)
    with KEYPERSONS.verb(person, KeyAction.CHECK, actor, now=now) as step:
        item = step.item
        check = KeyPersonCheck.objects.create(
            person=item, result=result, note=body, checked_by=actor, checked_at=now, due_at=item.next_check_by
        )
        item.last_checked_at = now
        item.checks_done += 1
        item.next_check_by = now + timedelta(days=item.check_every_days)
        step.record(
            note=body,
            payload={"result": result, "late": check.late, "next": item.next_check_by.isoformat()},
            fields=["last_checked_at", "checks_done", "next_check_by"],
        )
    return check


def close_person(person: KeyPerson, *, actor: User, reason: str, now: datetime) -> KeyPerson:
    """解除: with the reason (returned home, follow-up finished …); no check is due any more."""
    why = text(reason, "解除原因", "reason", min_len=2, max_len=300)
    with KEYPERSONS.verb(person, KeyAction.CLOSE, actor, now=now) as step:
        item = step.item
        item.closed_at, item.close_reason, item.next_check_by = now, why, None
        step.record(note=why, fields=["closed_at", "close_reason", "next_check_by"])
    return step.item


def due_soon(
    now: datetime, unit_ids: list[int] | None = None, *, within: timedelta = timedelta(days=1)
) -> list[KeyPerson]:
    """Persons 在管 whose check is overdue or due within `within` (the board, the unit's page)."""
    rows = KeyPerson.objects.filter(state=KeyState.ACTIVE, next_check_by__lte=now + within)
    if unit_ids is not None:
        rows = rows.filter(unit_id__in=unit_ids)
    return list(rows.select_related("unit", "responsible").order_by("next_check_by"))
