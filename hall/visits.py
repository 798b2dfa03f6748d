"""The hall's answer to affairs' statistics (affairs.statistics.hall_visits): on which days a
served ticket (办理完成) was linked to each application — a trip to the hall for it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from hall.models import Ticket
from hall.workflow import State


def visit_days(application_ids: Iterable[int]) -> dict[int, set[date]]:
    days: dict[int, set[date]] = defaultdict(set)
    rows = Ticket.objects.filter(application_id__in=list(application_ids), state=State.DONE)
    for app_id, day in rows.values_list("application_id", "day"):
        days[app_id].add(day)
    return dict(days)
