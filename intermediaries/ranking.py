"""Agencies' record, public to projects: deliveries and on-time rate, ratings — counts first.

On-time rate = 按时交付数 ÷ 交付数 over the needs the agency was selected for and delivered
(已交付 and 已评价); its 95 % Wilson interval (mochou/stats_intervals.py) says how much n
supports it. Ratings: count and mean of the five levels (5 非常满意 … 1 非常不满意).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg, Count, Q

from mochou.stats_intervals import wilson

from .models import Agency, Need
from .workflow import DONE_STATES


@dataclass(frozen=True)
class Record:
    agency: Agency
    responses: int
    selected: int
    delivered: int
    on_time: int
    rated: int
    rating_mean: Decimal | None
    service_types: list[str]
    qualified: bool  # at least one 资质 valid today

    @property
    def on_time_rate(self) -> float | None:
        return self.on_time / self.delivered if self.delivered else None

    @property
    def on_time_interval(self) -> tuple[float, float] | None:
        return wilson(self.on_time, self.delivered) if self.delivered else None


def records(*, today: date, service_type: str = "") -> list[Record]:
    """Every agency on the register and checked, most deliveries first, then on-time rate."""
    agencies = Agency.objects.filter(is_active=True, checked_at__isnull=False).prefetch_related(
        "services", "qualifications"
    )
    if service_type:
        agencies = agencies.filter(services__service_type=service_type)
    done = Need.objects.filter(state__in=DONE_STATES, selected__isnull=False)
    tallies = {
        row["selected__agency"]: row
        for row in done.values("selected__agency").annotate(
            delivered=Count("pk"),
            on_time=Count("pk", filter=Q(on_time=True)),
            rated=Count("pk", filter=Q(rating__isnull=False)),
            mean=Avg("rating"),
        )
    }
    picked = dict(
        Need.objects.filter(selected__isnull=False)
        .values("selected__agency")
        .annotate(n=Count("pk"))
        .values_list("selected__agency", "n")
    )
    responded = dict(Agency.objects.annotate(n=Count("responses")).values_list("pk", "n"))
    out = []
    for agency in agencies.distinct():
        tally = tallies.get(agency.pk, {})
        mean = tally.get("mean")
        out.append(
            Record(
                agency=agency,
                responses=responded.get(agency.pk, 0),
                selected=picked.get(agency.pk, 0),
                delivered=tally.get("delivered", 0),
                on_time=tally.get("on_time", 0),
                rated=tally.get("rated", 0),
                rating_mean=None
                if mean is None
                else Decimal(str(mean)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP),
                service_types=[s.get_service_type_display() for s in agency.services.all()],
                qualified=any(q.expires_on >= today for q in agency.qualifications.all()),
            )
        )
    out.sort(key=lambda r: (-r.delivered, -(r.on_time_rate or 0), -r.rated, r.agency.name))
    return out
