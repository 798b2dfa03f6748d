"""Stamp `stop_by` and `order_by` on the violations confirmed or stopped before 0004 added them.

The deadline a step owed is computed as the verbs compute it (enforcement.deadlines.stop_deadline
and order_deadline), from the log: `stop_by` = the 认定 event + MOCHOU_ENFORCEMENT_STOP_HOURS,
`order_by` = the end of the Nth working day (MOCHOU_ENFORCEMENT_ORDER_WORKING_DAYS) after the
制止 event. A migration must not import app code that may change, so the minimal computation is
copied here: the settings are read as the app reads them (the values in force now: those in force
back then were never stored), and working days come from the historical `worktime.CalendarDay`
table (调休 included) with the working day ending at MOCHOU_WORK_HOURS' last period; a year the
calendar does not hold counts Monday to Friday (its holidays cannot be known here), which is the
closest a migration can come without the table. Rows that already carry a stamp are left alone, so
running it again (or after the verbs stamped new rows) changes nothing. Reversing it is a no-op:
the stamps are facts the verbs would have written.
"""

from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import migrations
from django.utils import timezone


def _last_period_end() -> time:
    spec = str(getattr(settings, "MOCHOU_WORK_HOURS", "08:30-12:00,14:00-17:30"))
    last = [part for part in spec.split(",") if part.strip()][-1]
    hours, minutes = last.split("-")[1].strip().split(":")
    return time(int(hours), int(minutes))


def stamp(apps, schema_editor):
    Violation = apps.get_model("enforcement", "Violation")
    ViolationEvent = apps.get_model("enforcement", "ViolationEvent")
    CalendarDay = apps.get_model("worktime", "CalendarDay")
    stop_hours = int(getattr(settings, "MOCHOU_ENFORCEMENT_STOP_HOURS", 24))
    order_days = int(getattr(settings, "MOCHOU_ENFORCEMENT_ORDER_WORKING_DAYS", 10))
    tz = timezone.get_default_timezone()
    ends = _last_period_end()
    years: dict[int, dict[date, bool]] = {}

    def is_workday(day: date) -> bool:
        if day.year not in years:
            years[day.year] = dict(
                CalendarDay.objects.filter(date__year=day.year).values_list("date", "is_workday")
            )
        known = years[day.year]
        return known[day] if known else day.weekday() < 5

    def order_deadline(stopped_at: datetime) -> datetime:
        day = stopped_at.astimezone(tz).date()
        for _ in range(order_days):
            day += timedelta(days=1)
            while not is_workday(day):
                day += timedelta(days=1)
        return datetime.combine(day, ends, tzinfo=tz)

    def first(action: str) -> dict[int, datetime]:
        rows = ViolationEvent.objects.filter(action=action).order_by("violation_id", "seq")
        found: dict[int, datetime] = {}
        for violation_id, at in rows.values_list("violation_id", "created_at"):
            found.setdefault(violation_id, at)
        return found

    confirmed = first("confirm")
    for violation_id in Violation.objects.filter(
        stop_by__isnull=True, pk__in=list(confirmed)
    ).values_list("pk", flat=True):
        # A queryset update: the model's guard on state writes (loop.writes) is not in play here.
        Violation.objects.filter(pk=violation_id).update(
            stop_by=confirmed[violation_id] + timedelta(hours=stop_hours)
        )
    stopped = first("stop")
    for violation_id in Violation.objects.filter(
        order_by__isnull=True, pk__in=list(stopped)
    ).values_list("pk", flat=True):
        Violation.objects.filter(pk=violation_id).update(order_by=order_deadline(stopped[violation_id]))


class Migration(migrations.Migration):
    dependencies = [
        ("enforcement", "0006_reminders_before_stop_order_and_plan"),
        ("worktime", "0001_calendar_day"),
    ]

    operations = [migrations.RunPython(stamp, migrations.RunPython.noop)]
