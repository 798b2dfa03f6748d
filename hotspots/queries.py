"""What the monthly report and the leaders' homes read of 高频事."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Count, Q, QuerySet

from cases.models import Category, category_q
from hotspots.models import Hotspot


def top_hotspots(
    start: datetime,
    end: datetime,
    limit: int = 10,
    township: int | None = None,
    category: int | None = None,
) -> list[Hotspot]:
    """The hottest stored hotspots with cases created in ``[start, end)``, hottest first; each
    carries ``period_count`` (its cases in the period). ``township``/``category``: unit/category ids."""
    return list(hotspots_in(start, end, township=township, category=category)[:limit])


def newest_hotspots(
    start: datetime,
    end: datetime,
    limit: int = 5,
    township: int | None = None,
    category: int | None = None,
) -> list[Hotspot]:
    """The hotspots first found most recently among those with cases in ``[start, end)``, newest
    first (the leader's home asks what has just appeared, not what has been hot all along); the
    hotter of two found the same moment first. Each carries ``period_count``."""
    found = hotspots_in(start, end, township=township, category=category)
    return list(found.order_by("-first_seen_at", "-heat", "pk")[:limit])


def hotspots_in(
    start: datetime | None, end: datetime | None, *, township: int | None = None, category: int | None = None
) -> QuerySet[Hotspot]:
    period = Q()
    if start is not None:
        period &= Q(members__case__created_at__gte=start)
    if end is not None:
        period &= Q(members__case__created_at__lt=end)
    qs = Hotspot.objects.all()
    if township is not None:
        qs = qs.filter(township_id=township)
    if category is not None:  # the category and everything below it, as on the dashboard
        path = Category.objects.filter(pk=category).values_list("path", flat=True).first()
        qs = qs.filter(category_q(path or ""))
    qs = qs.annotate(period_count=Count("members", filter=period, distinct=True)).filter(period_count__gt=0)
    return qs.select_related("township", "category").order_by("-heat", "pk")
