"""预约: booked from the phone page by matter and slot, checked in at the kiosk for a ticket
called first. Slots are offered on the working days of the calendar (worktime), each with its
capacity, counted under the slot's lock so that two bookings at once never pass it."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone

from accounts.phones import normalize_mobile
from affairs.models import Matter
from affairs.services.applications import numbered
from hall.models import Appointment, AppointmentStatus, Slot, Ticket
from hall.services import tickets
from mochou.errors import Conflict, InvalidInput
from worktime.calendar import is_workday, next_workday

DAYS_AHEAD = 7  # working days offered
CHECK_IN_EARLY = timedelta(minutes=30)
TAKEN = (AppointmentStatus.BOOKED, AppointmentStatus.CHECKED_IN)


def open_days(now: datetime, count: int = DAYS_AHEAD) -> list[date]:
    """Today (if a working day) and the next working days: `count` in all."""
    day = timezone.localdate(now)
    days: list[date] = [day] if is_workday(day) else []
    while len(days) < count:
        day = next_workday(day)
        days.append(day)
    return days


@dataclass(frozen=True)
class SlotOffer:
    slot: Slot
    day: date
    left: int


def _starts(slot: Slot, day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, slot.start))


def _ends(slot: Slot, day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, slot.end))


def offers(matter: Matter, day: date, now: datetime) -> list[SlotOffer]:
    """The matter's queue's slots on a working day, with the places left; past ones left out."""
    if not is_workday(day):
        return []
    queue = tickets.queue_for(matter)
    out = []
    for slot in Slot.objects.filter(queue=queue).order_by("start"):
        if _ends(slot, day) <= now:
            continue
        booked = Appointment.objects.filter(slot=slot, day=day, status__in=TAKEN).count()
        out.append(SlotOffer(slot, day, max(0, slot.capacity - booked)))
    return out


def book(
    matter: Matter, slot: Slot, day: date, *, name: str, phone: str, now: datetime | None = None
) -> Appointment:
    moment = now or timezone.now()
    tickets._live_at_window(matter)
    if tickets.queue_for(matter).pk != slot.queue_id:
        raise InvalidInput("该时段不办理此事项。", code="hall.slot_other_queue")
    if day not in open_days(moment):
        raise InvalidInput(f"只能预约今后 {DAYS_AHEAD} 个工作日。", code="hall.day_not_open")
    if _ends(slot, day) <= moment:
        raise InvalidInput("该时段已过。", code="hall.slot_past")
    name = name.strip()[:40]
    if not name:
        raise InvalidInput("请填写姓名。", code="hall.name_required")
    mobile = normalize_mobile(phone, field="phone")
    with transaction.atomic():
        locked = Slot.objects.select_for_update().get(pk=slot.pk)
        taken = Appointment.objects.filter(slot=locked, day=day, status__in=TAKEN)
        if taken.count() >= locked.capacity:
            raise Conflict("该时段已约满，请选择其他时段。", code="hall.slot_full")
        if Appointment.objects.filter(
            day=day, matter=matter, phone=mobile, status=AppointmentStatus.BOOKED
        ).exists():
            raise Conflict("您当天已预约过该事项。", code="hall.already_booked")
        return numbered(
            lambda code: Appointment.objects.create(
                matter=matter,
                slot=locked,
                day=day,
                name=name,
                phone=mobile,
                code=code,
                token=secrets.token_urlsafe(24),
                created_at=moment,
            ),
            lambda: f"{secrets.randbelow(10**6):06d}",
        )


def cancel(appointment: Appointment, *, now: datetime | None = None) -> Appointment:
    """The applicant cancels (from their appointment's page) before checking in."""
    with transaction.atomic():
        locked = Appointment.objects.select_for_update().get(pk=appointment.pk)
        if locked.status != AppointmentStatus.BOOKED:
            raise Conflict(
                f"预约{locked.get_status_display()}，不能取消。", code="hall.appointment_not_booked"
            )
        locked.status, locked.cancelled_at = AppointmentStatus.CANCELLED, now or timezone.now()
        locked.save(update_fields=["status", "cancelled_at"])
    return locked


def check_in(code: str, phone_last4: str, *, now: datetime | None = None) -> Ticket:
    """签到取号 at the kiosk: today's appointment, from half an hour before its slot to its end."""
    moment = now or timezone.now()
    code, last4 = code.strip(), phone_last4.strip()
    wrong = InvalidInput("预约码或手机号后四位不正确。", code="hall.check_in_wrong")
    if not (code.isdigit() and len(code) == 6 and last4.isdigit() and len(last4) == 4):
        raise wrong
    with transaction.atomic():
        appt = (
            Appointment.objects.select_for_update()
            .filter(day=timezone.localdate(moment), code=code)
            .select_related("matter", "slot")
            .first()
        )
        if appt is None or not secrets.compare_digest(appt.phone[-4:], last4):
            raise wrong
        if appt.status != AppointmentStatus.BOOKED:
            raise Conflict(f"该预约{appt.get_status_display()}。", code="hall.appointment_not_booked")
        if moment < _starts(appt.slot, appt.day) - CHECK_IN_EARLY:
            raise Conflict(
                f"预约时段 {appt.slot.start:%H:%M} 开始前半小时内签到。", code="hall.check_in_early"
            )
        if moment >= _ends(appt.slot, appt.day):
            raise Conflict("预约时段已过，请取普通号。", code="hall.check_in_late")
        ticket = tickets.take(appt.matter, appointment=appt, now=moment)
        appt.status, appt.checked_in_at = AppointmentStatus.CHECKED_IN, moment
        appt.save(update_fields=["status", "checked_in_at"])
    return ticket
