"""Returns (退单) and their rulings counted per unit and period: they feed the units' assessment.

Counted on the Dispute rows (one per return, its ruling on it), by the time of the return.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q
from django.utils import timezone

from cases.models import Dispute


@dataclass(frozen=True)
class UnitReturns:
    unit_id: int
    unit: str
    returns: int
    upheld: int
    rejected: int
    pending: int

    @property
    def rejected_share(self) -> str:
        """退单异议不成立的比例 among the ruled returns: the wrongful returns, as people read it."""
        ruled = self.upheld + self.rejected
        return f"{100 * self.rejected / ruled:.0f}%" if ruled else "—"


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def returns_by_unit(start: date, end: date) -> list[UnitReturns]:
    """Per unit: returns made from `start` to `end` (both days included) and how they were ruled,
    most returns first."""
    S = Dispute.Status
    rows = (
        Dispute.objects.filter(
            returned_at__gte=_start_of(start), returned_at__lt=_start_of(end + timedelta(days=1))
        )
        .values("unit_id", "unit__name")
        .annotate(
            returns=Count("pk"),
            upheld=Count("pk", filter=Q(status=S.UPHELD)),
            rejected=Count("pk", filter=Q(status=S.REJECTED)),
            pending=Count("pk", filter=Q(status=S.PENDING)),
        )
        .order_by("-returns", "unit__name")
    )
    return [
        UnitReturns(
            unit_id=r["unit_id"],
            unit=r["unit__name"],
            returns=r["returns"],
            upheld=r["upheld"],
            rejected=r["rejected"],
            pending=r["pending"],
        )
        for r in rows
    ]
