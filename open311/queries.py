"""The parameters of GET requests.{fmt}, checked as the specification words them.

service_request_id (comma-separated; when present the other filters are ignored), service_code
(comma-separated), status (open, closed; comma-separated), start_date and end_date (W3C dates).
Without dates the last 90 days are searched; a range may not span more than 90 days; at most
1000 requests are returned, newest first. A comma list names at most 50 distinct values (a
400 beyond): each value costs the database work, and repeats are asked once.
"""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta

from django.db.models import Q, QuerySet
from django.http import QueryDict
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from cases.models import Case
from cases.workflow import OPEN_STATES
from open311.catalog import MAX_CODES, get_services
from open311.present import CLOSED_STATES
from open311.render import Open311Error

MAX_SPAN = timedelta(days=90)
MAX_RESULTS = 1000
MAX_IDS = MAX_CODES  # service_request_id values one GET may ask for
STATUSES = {"open": OPEN_STATES, "closed": CLOSED_STATES}
# "+08:00" arrives as " 08:00" when a client does not percent-encode the "+".
_UNENCODED_PLUS = re.compile(r" (\d{2}:?\d{2})$")


def _split(value: str) -> list[str]:
    """The distinct values of a comma list, in their order."""
    return list(dict.fromkeys(part.strip() for part in value.split(",") if part.strip()))


def parse_w3c(name: str, raw: str, *, end: bool = False) -> datetime:
    """A W3C date or date-time; a bare date means the start of that day (the end, for end_date)."""
    text = _UNENCODED_PLUS.sub(r"+\1", raw.strip())
    problem = f"{name} 不是有效的 W3C 日期时间（例如 2025-09-24T10:00:00+08:00 或 2025-09-24）：{raw}"
    try:
        # parse_date first: parse_datetime (fromisoformat) would read a bare date as midnight.
        day = parse_date(text)
        if day is not None:
            moment = datetime.combine(day, time.max if end else time.min)
        else:
            parsed = parse_datetime(text)
            if parsed is None:
                raise Open311Error(400, problem)
            moment = parsed
    except ValueError:  # well-formed but impossible, e.g. 2025-02-30
        raise Open311Error(400, problem) from None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def filter_requests(qs: QuerySet[Case], params: QueryDict, *, now: datetime | None = None) -> QuerySet[Case]:
    ids = _split(params.get("service_request_id", ""))
    if len(ids) > MAX_IDS:
        raise Open311Error(400, f"service_request_id 最多可列 {MAX_IDS} 个（现为 {len(ids)} 个）。")
    if ids:
        return qs.filter(number__in=ids)

    errors: list[str] = []
    codes = _split(params.get("service_code", ""))
    if codes:
        services = get_services(codes)  # one query; an unknown code is a 404 of its own
        qs = qs.filter(Q(category__in=services) | Q(category__parent__in=services))

    statuses = _split(params.get("status", "").lower())
    unknown = [s for s in statuses if s not in STATUSES]
    if unknown:
        errors.append(f"status 只能是 open 或 closed（可用逗号分隔）：{', '.join(unknown)}")
    elif statuses:
        states = set().union(*(STATUSES[s] for s in statuses))
        qs = qs.filter(state__in=states)

    start: datetime | None = None
    end: datetime | None = None
    for name in ("start_date", "end_date"):
        raw = params.get(name, "")
        if raw.strip():
            try:
                moment = parse_w3c(name, raw, end=name == "end_date")
            except Open311Error as error:
                errors.extend(error.descriptions)
                continue
            if name == "start_date":
                start = moment
            else:
                end = moment
    if errors:
        raise Open311Error(400, *errors)
    if start is None:
        if end is None:
            end = now or timezone.now()
        start = end - MAX_SPAN
    elif end is None:
        end = start + MAX_SPAN
    if start > end:
        raise Open311Error(400, "start_date 不能晚于 end_date。")
    if end - start > MAX_SPAN:
        raise Open311Error(400, "start_date 与 end_date 的间隔不能超过 90 天。")
    return qs.filter(created_at__gte=start, created_at__lte=end)[:MAX_RESULTS]
