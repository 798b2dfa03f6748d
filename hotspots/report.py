"""The hotspots of a period for the stats app's monthly report (stats.queries.register_hotspot_provider)."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from django.urls import reverse
from django.utils import timezone

from hotspots.queries import top_hotspots

if TYPE_CHECKING:
    from stats.periods import Period

REPORT_LIMIT = 10


def period_hotspots(period: Period) -> list[dict[str, Any]]:
    """The hottest hotspots with cases in the period (its days inclusive), in the report's shape."""
    zone = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.combine(period.start, time.min), zone)
    end = timezone.make_aware(datetime.combine(period.end + timedelta(days=1), time.min), zone)
    return [
        {
            "title": spot.title,
            "heat": round(spot.heat, 1),
            "place": spot.place or (spot.township.name if spot.township else ""),
            "category": spot.category.path if spot.category else "",
            "count": spot.period_count,  # type: ignore[attr-defined]  # annotated by the query
            "url": reverse("hotspots:detail", args=[spot.pk]),
        }
        for spot in top_hotspots(start, end, limit=REPORT_LIMIT)
    ]
