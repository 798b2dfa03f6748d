"""The figures 招商引资 gives the plans' indicators (督查督办), so that nobody enters them twice.

Another app (supervision's plan indicators) asks `measure(key, start=…, end=…)` for the value of a
period [start, end) and lists the keys it may bind an indicator to with `FIGURES`. Everything is
read from approved stages (reports.py); nothing here writes.

    from investment.indicators import FIGURES, measure
    measure("signed_amount", start=date(2025, 1, 1), end=date(2026, 1, 1))  # Decimal, 万元
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Sum

from .models import ChainSystem, FundsArrival, Signing
from .reports import first_dates, park_share, reserve, signed_projects
from .workflow import Action, State


@dataclass(frozen=True)
class Figure:
    label: str
    unit: str
    compute: Callable[[date, date], Decimal]
    plan: str  # which of the 八大计划 it measures
    # For an amount: how many projects it is made of (the API hides one of too few, access.py).
    projects: Callable[[date, date], int] | None = None


def _signed(start: date, end: date, *, major: bool = False, leading_industry: bool = False) -> Decimal:
    rows = Signing.objects.filter(date__gte=start, date__lt=end)
    if major:
        rows = rows.filter(major=True, counted=1)
    if leading_industry:  # the chain as it was when signed (Signing keeps it)
        rows = rows.filter(chain__system=ChainSystem.INDUSTRY)
    return Decimal(rows.aggregate(n=Sum("counted"))["n"] or 0)


def _amount(start: date, end: date) -> Decimal:
    return Signing.objects.filter(date__gte=start, date__lt=end).aggregate(s=Sum("amount"))["s"] or Decimal(0)


def _firsts(action: Action) -> Callable[[date, date], Decimal]:
    def compute(start: date, end: date) -> Decimal:
        return Decimal(sum(1 for d in first_dates(action).values() if start <= d < end))

    return compute


def _flag(attr: str) -> Callable[[date, date], Decimal]:
    """New signings (the counting rules: a project's first, a change of investor) of projects
    flagged so (龙头, 小巨人), in [start, end)."""

    def compute(start: date, end: date) -> Decimal:
        rows = Signing.objects.filter(date__gte=start, date__lt=end, **{f"project__{attr}": True})
        return Decimal(rows.aggregate(n=Sum("counted"))["n"] or 0)

    return compute


def _tech_amount(start: date, end: date) -> Decimal:
    rows = Signing.objects.filter(date__gte=start, date__lt=end, project__is_tech_upgrade=True)
    return rows.aggregate(s=Sum("amount"))["s"] or Decimal(0)


def _funds(start: date, end: date) -> Decimal:
    return FundsArrival.objects.filter(month__gte=start, month__lt=end).aggregate(s=Sum("amount"))[
        "s"
    ] or Decimal(0)


def _fund_projects(start: date, end: date) -> int:
    rows = FundsArrival.objects.filter(month__gte=start, month__lt=end)
    return rows.values("project_id").distinct().count()


def _tech_funds(start: date, end: date) -> Decimal:
    rows = FundsArrival.objects.filter(month__gte=start, month__lt=end, project__is_tech_upgrade=True)
    return rows.aggregate(s=Sum("amount"))["s"] or Decimal(0)


def _tech_fund_projects(start: date, end: date) -> int:
    rows = FundsArrival.objects.filter(month__gte=start, month__lt=end, project__is_tech_upgrade=True)
    return rows.values("project_id").distinct().count()


def _tech_projects(start: date, end: date) -> int:
    rows = Signing.objects.filter(date__gte=start, date__lt=end, project__is_tech_upgrade=True)
    return rows.values("project_id").distinct().count()


def _share(start: date, end: date) -> Decimal:
    value = park_share(start, end)["share"]
    return value if value is not None else Decimal(0)


def park_share_of(start: date, end: date) -> Decimal | None:
    """梧桐树: the parks' share of the city's industrial output (%), None while no month has both
    the parks' and the city's output entered (an indicator then has no figure, not 0%)."""
    value: Decimal | None = park_share(start, end)["share"]
    return value


FIGURES: dict[str, Figure] = {
    "signed_count": Figure("新签约项目数", "个", _signed, "永动机"),
    "signed_amount": Figure("新签约协议投资额", "万元", _amount, "永动机", signed_projects),
    "major_signed_count": Figure(
        "新签约10亿元以上项目数", "个", lambda s, e: _signed(s, e, major=True), "永动机"
    ),
    # The first plan's indicator: ≥10亿元 projects of the leading industries ("4+1"), not the
    # "3+6" agriculture (which is the fourth plan's).
    "major_leading_signed_count": Figure(
        "新签约10亿元以上主导产业（4+1）项目数",
        "个",
        lambda s, e: _signed(s, e, major=True, leading_industry=True),
        "永动机",
    ),
    "started_count": Figure("新开工项目数", "个", _firsts(Action.START), "永动机"),
    "producing_count": Figure("新投产项目数", "个", _firsts(Action.PRODUCE), "永动机"),
    "funds_arrived": Figure("到位资金", "万元", _funds, "永动机", _fund_projects),
    # At the period's end (the last day before `end`), not as it stands today.
    "reserve_count": Figure(
        "在谈储备项目数（期末）", "个", lambda s, e: Decimal(reserve(before=e)[0]), "永动机"
    ),
    "leading_signed_count": Figure("新签约龙头企业项目数", "个", _flag("is_leading"), "头部+小巨人"),
    "little_giant_signed_count": Figure(
        "新签约“小巨人”企业项目数", "个", _flag("is_little_giant"), "头部+小巨人"
    ),
    # 签约 and 增资 of 技改 projects (the agreed investment, increments included), not the
    # statistics' 技改投资完成额, which no app here holds.
    "tech_upgrade_amount": Figure("技改项目签约投资额", "万元", _tech_amount, "金钥匙", _tech_projects),
    "tech_upgrade_funds": Figure("技改项目到位资金", "万元", _tech_funds, "金钥匙", _tech_fund_projects),
    "park_output_share": Figure("园区工业总产值占比", "%", _share, "梧桐树"),
}


def measure(key: str, *, start: date, end: date) -> Decimal:
    """The value of one figure for [start, end); KeyError for a key not in FIGURES. Amounts and
    shares with two places, counts whole (the same on SQLite and PostgreSQL)."""
    figure = FIGURES[key]
    value = Decimal(figure.compute(start, end))
    return value.quantize(Decimal("1") if figure.unit in COUNT_UNITS else Decimal("0.01"))


COUNT_UNITS = frozenset({"个", "家", "人"})


__all__ = ["FIGURES", "Figure", "State", "measure"]
