"""The plans' indicators: their figures, the 序时 trajectory and the light.

A figure another app holds (the 招商 app's signed projects …) is not typed in twice: that app
registers a provider here (`register_indicator_provider("investment.projects_10yi", fn)`) in its
AppConfig.ready, and an indicator whose `provider` names it reads its value from it. This app
imports no other app for it.

完成率 = (value − baseline) / (target − baseline) (either direction); 时间进度 = the share of the
time from the baseline date to the due date gone; 序时进度差 = 完成率 − 时间进度 in points.
The light: 绿 when the gap is above −first threshold, 黄 above −second, else 红; and never greener
than the deadline facts (past the due date and not reached: 红; reached: 绿).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.utils import timezone

from accounts.models import Role, User
from mochou.errors import InvalidInput, NotPermitted
from supervision.task_config import light_thresholds
from supervision.task_models import Indicator, IndicatorKind, Measurement

Provider = Callable[[Indicator, date], Decimal | None]
_PROVIDERS: dict[str, Provider] = {}


def register_indicator_provider(key: str, fn: Provider) -> None:
    """An app that owns a figure offers it: `fn(indicator, on)` returns its value on `on`."""
    _PROVIDERS[key] = fn


def providers() -> dict[str, Provider]:
    return dict(_PROVIDERS)


def elapsed_share(start: datetime | date, end: datetime | date, now: datetime | date) -> float:
    """How much of [start, end] has gone by at `now`, between 0 and 1."""
    total = (end - start).total_seconds()  # type: ignore[operator]
    if total <= 0:
        return 1.0
    gone = (now - start).total_seconds()  # type: ignore[operator]
    return max(0.0, min(1.0, gone / total))


# ------------------------------------------------------------------ entering figures


def may_report(user: User, indicator: Indicator) -> bool:
    """The 督查室 and the unit that owns the figure enter it (one fact, entered once, by its owner)."""
    if user.role in (Role.SUPERVISOR, Role.ADMIN):
        return True
    return (
        user.role in (Role.CLERK, Role.UNIT_LEADER)
        and user.unit_id is not None
        and user.unit_id == indicator.owner_unit_id
    )


def _decimal(value: object, field: str) -> Decimal:
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise InvalidInput(
            f"“{value}”不是数字。", code="invalid_input.number", details={"field": field}
        ) from None
    if not number.is_finite() or abs(number) >= Decimal("1e12"):
        raise InvalidInput("数值超出范围。", code="invalid_input.number", details={"field": field})
    return number.quantize(Decimal("0.01"))


def record_measurement(
    indicator: Indicator,
    *,
    actor: User,
    period: date,
    value: object | None = None,
    numerator: object | None = None,
    denominator: object | None = None,
    source_document: str = "",
    via: str = "form",
    now: datetime | None = None,
) -> Measurement:
    """One figure for one period; a ratio stores numerator and denominator apart and derives the %."""
    if not may_report(actor, indicator):
        raise NotPermitted(
            "只有督查室或该指标的报送单位可以录入指标数据。", code="permission_denied.indicator"
        )
    num = den = None
    if indicator.kind == IndicatorKind.RATIO:
        if numerator is None or denominator is None:
            raise InvalidInput(
                "比率指标须填写分子和分母。", code="invalid_input.ratio", details={"field": "numerator"}
            )
        num, den = _decimal(numerator, "numerator"), _decimal(denominator, "denominator")
        if den <= 0:
            raise InvalidInput("分母应大于0。", code="invalid_input.ratio", details={"field": "denominator"})
        figure = (num / den * 100).quantize(Decimal("0.01"))
    else:
        if value is None:
            raise InvalidInput("请填写数值。", code="invalid_input.number", details={"field": "value"})
        figure = _decimal(value, "value")
    return Measurement.objects.create(
        indicator=indicator,
        period=period,
        value=figure,
        numerator=num,
        denominator=den,
        source_document=source_document.strip()[:200],
        reported_by=actor,
        via=via[:12],
        created_at=now or timezone.now(),
    )


CSV_HEADER = ("指标编码", "统计期", "数值", "分子", "分母", "依据材料")


def import_csv(text: str, *, actor: User) -> list[Measurement]:
    """Import figures from CSV (header: 指标编码,统计期,数值,分子,分母,依据材料); all or nothing."""
    from django.db import transaction

    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    if not rows or set(CSV_HEADER[:3]) - set(rows[0]):
        raise InvalidInput("CSV 表头应为：" + ",".join(CSV_HEADER), code="invalid_input.csv")
    made = []
    with transaction.atomic():
        for line, row in enumerate(rows, start=2):
            indicator = Indicator.objects.filter(code=(row.get("指标编码") or "").strip()).first()
            if indicator is None:
                raise InvalidInput(
                    f"第{line}行：没有编码为“{row.get('指标编码')}”的指标。", code="invalid_input.csv"
                )
            try:
                period = date.fromisoformat((row.get("统计期") or "").strip())
            except ValueError:
                raise InvalidInput(f"第{line}行：统计期应为 YYYY-MM-DD。", code="invalid_input.csv") from None
            made.append(
                record_measurement(
                    indicator,
                    actor=actor,
                    period=period,
                    value=(row.get("数值") or None),
                    numerator=(row.get("分子") or None),
                    denominator=(row.get("分母") or None),
                    source_document=row.get("依据材料") or "",
                    via="csv",
                )
            )
    return made


# ------------------------------------------------------------------ reading figures


def series(indicator: Indicator) -> list[Measurement]:
    """The value of each period (its latest entry), in period order."""
    latest: dict[date, Measurement] = {}
    for m in indicator.measurements.order_by("period", "created_at", "pk"):
        latest[m.period] = m
    return [latest[p] for p in sorted(latest)]


def current_value(indicator: Indicator, on: date) -> tuple[Decimal | None, date | None, str]:
    """The figure as of `on`: from the provider when one is registered, else the latest period."""
    if indicator.provider and (fn := _PROVIDERS.get(indicator.provider)) is not None:
        value = fn(indicator, on)
        if value is not None:
            return Decimal(value), on, "provider"
    past = [m for m in series(indicator) if m.period <= on]
    if not past:
        return None, None, ""
    return past[-1].value, past[-1].period, past[-1].via


@dataclass(frozen=True)
class IndicatorStatus:
    indicator: Indicator
    value: Decimal | None
    period: date | None
    completion: float | None  # %
    elapsed: float  # %
    gap: float | None  # points
    light: str  # green / yellow / red / grey
    why: str

    @property
    def light_label(self) -> str:
        return {"green": "正常", "yellow": "滞后", "red": "严重滞后", "grey": "无数据"}[self.light]


def planned_value(indicator: Indicator, on: date) -> Decimal:
    """The 序时 trajectory: where the figure should be on `on` (linear from baseline to target)."""
    share = Decimal(str(elapsed_share(indicator.baseline_date, indicator.due, on)))
    return (indicator.baseline + (indicator.target - indicator.baseline) * share).quantize(Decimal("0.01"))


def status(indicator: Indicator, on: date) -> IndicatorStatus:
    value, period, _ = current_value(indicator, on)
    elapsed = 100 * elapsed_share(indicator.baseline_date, indicator.due, on)
    if value is None:
        return IndicatorStatus(indicator, None, None, None, elapsed, None, "grey", "尚无数据")
    span = indicator.target - indicator.baseline
    completion = 100.0 if span == 0 else float((value - indicator.baseline) / span * 100)
    gap = completion - elapsed
    first, second = light_thresholds()
    light = "green" if gap > -first else ("yellow" if gap > -second else "red")
    why = f"完成{completion:.0f}%，时间进度{elapsed:.0f}%，序时进度差{gap:+.0f}个百分点"
    reached = completion >= 100
    if reached:
        light, why = "green", "已达到目标值"
    elif on > indicator.due:
        light, why = "red", f"已过目标期限（{indicator.due:%Y-%m-%d}）仍未达到目标"
    return IndicatorStatus(indicator, value, period, completion, elapsed, gap, light, why)
