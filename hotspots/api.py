"""高频事 over JSON: GET /api/v1/hotspots?start=…&end=…&township=…&category=…"""

from __future__ import annotations

from datetime import datetime, time

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema

from cases.schemas import IsoDate
from hotspots.guards import may_read
from hotspots.queries import hotspots_in
from mochou.api_errors import ERRORS_LIST, ErrorOut
from mochou.errors import NotPermitted

router = Router()


class HotspotFilters(Schema):
    start: IsoDate | None = None  # cases created on or after this day (YYYY-MM-DD only)
    end: IsoDate | None = None  # … and on or before this day
    township: str | None = None  # the 乡镇's unit code
    category: int | None = None  # a category id
    limit: int = 50


class HotspotOut(Schema):
    id: int
    title: str
    heat: float
    count: int
    previous: int
    growth: float
    is_new: bool
    reopened_share: float
    unsatisfied_share: float
    place: str
    township: str | None
    category: str | None
    period_count: int
    first_at: datetime
    last_at: datetime
    cases: list[str]


# 403: hotspots are for the centre's supervisors and the leaders; other roles are refused.
@router.get("", response={200: list[HotspotOut], **ERRORS_LIST, 403: ErrorOut}, summary="高频事列表")
def list_hotspots(request: HttpRequest, filters: Query[HotspotFilters]) -> list[dict[str, object]]:
    """The stored hotspots with cases in the period, hottest first; `cases` are their 受理编号.
    For 督办员, 领导 and the administrator (403 otherwise)."""
    user = request.auth  # type: ignore[attr-defined]  # set by accounts.tokens.BearerToken
    if not may_read(user):
        raise NotPermitted("高频事供督办员和领导查看。", code="permission_denied.role")
    start = timezone.make_aware(datetime.combine(filters.start, time.min)) if filters.start else None
    end = timezone.make_aware(datetime.combine(filters.end, time.max)) if filters.end else None
    township_id = None
    if filters.township:
        from org.models import Unit

        township_id = Unit.objects.filter(code=filters.township).values_list("pk", flat=True).first() or -1
    rows = hotspots_in(start, end, township=township_id, category=filters.category)
    if start is None and end is None:
        rows = rows.filter(is_active=True)
    out = []
    for h in rows.prefetch_related("members__case")[: max(1, min(filters.limit, 200))]:
        out.append(
            {
                "id": h.pk, "title": h.title, "heat": h.heat, "count": h.count, "previous": h.previous,
                "growth": h.growth, "is_new": h.is_new, "reopened_share": h.reopened_share,
                "unsatisfied_share": h.unsatisfied_share, "place": h.place,
                "township": h.township.display_name if h.township else None,
                "category": h.category.path if h.category else None,
                "period_count": getattr(h, "period_count", 0), "first_at": h.first_at, "last_at": h.last_at,
                "cases": sorted(m.case.number for m in h.members.all()),
            }
        )  # fmt: skip
    return out
