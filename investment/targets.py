"""目标考核表: each township's, park's and chain's (and the city's) annual targets against what the
approved stages give, with the 序时 (the share of the year gone by).

Targets are entered by the 招商局 (`set_target`), one figure of one scope of one year at a time;
they are append-only rows — the latest per (year, scope, figure) is in force, the earlier ones are
the history shown on the page — and each entry is written to the audit log.

The actuals are the reports' (reports.tallies over the year up to the day asked), so the table, the
monthly 工作进度表 and the plans' indicators never disagree. 序时 is
`supervision.indicators.elapsed_share` over the year at the end of the day asked (the one such
computation). A row is 超序时 when its completion is at least the 序时, 落后序时 when it is below.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from accounts.audit.services import record
from mochou.errors import InvalidInput, NotPermitted
from org.models import Unit
from supervision.indicators import elapsed_share

from . import access
from .models import Chain, Park, Target, TargetFigure
from .reports import Tally, suppress, tallies

if TYPE_CHECKING:
    from accounts.models import User

# Which Tally attribute each target figure reads.
ACTUAL = {
    TargetFigure.SIGNED: "signed",
    TargetFigure.AMOUNT: "amount",
    TargetFigure.MAJOR: "major",
    TargetFigure.STARTED: "started",
    TargetFigure.PRODUCING: "producing",
    TargetFigure.FUNDS: "funds",
}
AMOUNT_FIGURES = frozenset({TargetFigure.AMOUNT, TargetFigure.FUNDS})
SCOPES = ("township", "park", "chain")
MAX_TARGET = Decimal("999999999999.99")


def set_target(
    *,
    actor: User,
    year: int,
    figure: str,
    value: Any,
    township: Unit | None = None,
    park: Park | None = None,
    chain: Chain | None = None,
    now: datetime | None = None,
    request: HttpRequest | None = None,
) -> Target:
    """Enter (or correct, by a new row) one target; audited."""
    if not access.may_set_targets(actor):
        raise NotPermitted("只有招商局可以填报考核目标。", code="investment.not_permitted")
    if not 2000 <= year <= 2100:
        raise InvalidInput("年份不正确。", code="investment.invalid", details={"field": "year"})
    if figure not in TargetFigure.values:
        raise InvalidInput("请选择考核项。", code="investment.required", details={"field": "figure"})
    if sum(x is not None for x in (township, park, chain)) > 1:
        raise InvalidInput(
            "一个目标只能属于一个乡镇、园区或产业链。", code="investment.invalid", details={"field": "scope"}
        )
    if township is not None and township.kind != "township":
        raise InvalidInput("请选择乡镇。", code="investment.invalid", details={"field": "township"})
    amount = _clean_value(value, figure)
    with transaction.atomic():
        target = Target.objects.create(
            year=year, figure=figure, value=amount, township=township, park=park, chain=chain,
            entered_by=actor, entered_at=now or timezone.now(),
        )  # fmt: skip
        scope, key = target.scope_key
        record(
            actor=actor, action="investment.target", target=target,
            new={"year": year, "scope": scope, "key": key, "figure": figure, "value": str(amount)},
            request=request,
        )  # fmt: skip
    return target


def _clean_value(value: Any, figure: str) -> Decimal:
    from .services import clean_wan

    if figure in AMOUNT_FIGURES:
        amount = clean_wan(value, "value", "目标值", required=True)
        return amount if amount is not None else Decimal(0)  # required: clean_wan raised on none
    whole = InvalidInput("项目个数应为不小于0的整数。", code="investment.invalid", details={"field": "value"})
    try:
        number = Decimal(str(value).strip())
    except ArithmeticError:
        raise whole from None
    if not number.is_finite() or number != number.to_integral_value() or not 0 <= number <= 100000:
        raise whole
    return number.quantize(Decimal(1))


def in_force(year: int) -> dict[tuple[str, int | None, str], Decimal]:
    """The targets in force for the year: (scope, key, figure) → value (the latest entry)."""
    out: dict[tuple[str, int | None, str], Decimal] = {}
    for t in Target.objects.filter(year=year).order_by("entered_at", "pk"):
        scope, key = t.scope_key
        out[(scope, key, t.figure)] = t.value
    return out


def history(year: int) -> list[Target]:
    return list(
        Target.objects.filter(year=year)
        .select_related("township", "park", "chain", "entered_by")
        .order_by("-entered_at", "-pk")
    )


def time_share(year: int, on: date) -> Decimal:
    """序时: the share of the year gone by at the end of `on` (0–1, four places)."""
    share = elapsed_share(date(year, 1, 1), date(year + 1, 1, 1), on + timedelta(days=1))
    return Decimal(str(share)).quantize(Decimal("0.0001"), ROUND_HALF_UP)


@dataclass
class Cell:
    figure: str
    actual: Decimal | None  # None: an amount hidden from this user (access.amount_shown)
    target: Decimal | None
    rate: Decimal | None = None  # actual / target, 0–n (four places)
    behind: bool = False  # below 序时


@dataclass
class AssessmentRow:
    label: str
    key: Any
    cells: list[Cell] = field(default_factory=list)


@dataclass
class Assessment:
    year: int
    on: date
    by: str
    time_share: Decimal
    figures: list[tuple[str, str]]
    rows: list[AssessmentRow]


def assessment(year: int, *, by: str, on: date, user: Any) -> Assessment:
    """目标考核表 by township, park or chain: for each row and figure, the actual of the year to `on`
    (approved stages only), the target in force, the completion and whether it is behind 序时."""
    if by not in SCOPES:
        raise InvalidInput("分组不正确。", code="investment.invalid", details={"field": "by"})
    end = min(on + timedelta(days=1), date(year + 1, 1, 1))
    tally = suppress(tallies(date(year, 1, 1), max(end, date(year, 1, 1)), by=by), user)
    targets = in_force(year)
    share = time_share(year, on)
    rows = []
    for t in tally:
        scope, key = ("city", None) if t.key == "total" else (by, t.key)
        rows.append(
            AssessmentRow(t.label, t.key, [_cell(t, f, targets.get((scope, key, f)), share) for f in ACTUAL])
        )
    return Assessment(year, on, by, share, [(str(f.value), str(f.label)) for f in ACTUAL], rows)


def _cell(t: Tally, figure: TargetFigure, target: Decimal | None, share: Decimal) -> Cell:
    attr = ACTUAL[figure]
    actual: Decimal | None = Decimal(getattr(t, attr)) if attr not in t.hidden else None
    cell = Cell(str(figure.value), actual, target)
    if actual is not None and target:
        cell.rate = (actual / target).quantize(Decimal("0.0001"), ROUND_HALF_UP)  # 四舍五入, as reports round
        cell.behind = cell.rate < share
    return cell
