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

from django.db import transaction
from django.utils import timezone

from accounts.models import Role, User
from mochou.errors import Conflict, DomainError, InvalidInput, NotPermitted
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


def verify_refusal(user: User, measurement: Measurement) -> DomainError | None:
    """Why `user` may not 核实 this figure, or None. A figure is checked by someone other than who
    entered it: the 督查室, or the 单位负责人 of the plan's lead unit (the plan's owner); only a
    period's current entry (a corrected one is superseded), once."""
    indicator = measurement.indicator
    office = user.role in (Role.SUPERVISOR, Role.ADMIN)
    owner = (
        user.role == Role.UNIT_LEADER
        and user.unit_id is not None
        and user.unit_id == indicator.plan.lead_unit_id
    )
    if not user.is_active or not (office or owner):
        return NotPermitted(
            "只有督查室或该计划牵头单位的负责人可以核实指标数据。", code="permission_denied.role"
        )
    if measurement.reported_by_id is not None and measurement.reported_by_id == user.pk:
        return NotPermitted("录入人不能核实自己录入的数据。", code="permission_denied.reporter")
    if measurement.verified_by_id is not None:
        return Conflict("该数据已核实。", code="supervision.measurement_verified")
    latest = (
        Measurement.objects.filter(indicator_id=measurement.indicator_id, period=measurement.period)
        .order_by("-created_at", "-pk")
        .values_list("pk", flat=True)
        .first()
    )
    if latest != measurement.pk:
        return Conflict("该期数据已更正，请核实更正后的数据。", code="supervision.measurement_superseded")
    return None


def may_verify(user: User, measurement: Measurement) -> bool:
    return verify_refusal(user, measurement) is None


def verify_measurement(measurement: Measurement | int, *, actor: User) -> Measurement:
    """核实: the figure is confirmed by someone other than its reporter (verify_refusal decides)."""
    pk = measurement.pk if isinstance(measurement, Measurement) else measurement
    with transaction.atomic():
        locked = (
            Measurement.objects.select_for_update(of=("self",)).select_related("indicator__plan").get(pk=pk)
        )
        if (refusal := verify_refusal(actor, locked)) is not None:
            raise refusal
        locked.verified_by = actor
        locked.save(update_fields=["verified_by"])
    return locked


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
MAX_IMPORT_ROWS = 5000


def _header_error(kind: str) -> InvalidInput:
    return InvalidInput(
        f"{kind} 第1行（表头）应为：" + ",".join(CSV_HEADER),
        code=f"invalid_input.{kind.lower()}",
        details={"line": 1},
    )


def _cell(value: object) -> str:
    """A cell as text: spreadsheets give numbers and dates, CSV gives strings."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _import_rows(rows: list[tuple[int, dict[str, str]]], *, actor: User, kind: str) -> list[Measurement]:
    """Record every row or none: the first bad row names its line and rolls everything back."""
    from django.db import transaction

    from mochou.errors import DomainError

    code = f"invalid_input.{kind.lower()}"
    if not rows:
        raise InvalidInput(f"{kind} 文件没有数据行。", code=code, details={"line": 2})
    if len(rows) > MAX_IMPORT_ROWS:
        raise InvalidInput(f"一次最多导入{MAX_IMPORT_ROWS}行。", code=code, details={"line": rows[-1][0]})
    made = []
    via = kind.lower()
    with transaction.atomic():
        for line, row in rows:
            where = {"line": line}
            indicator = Indicator.objects.filter(code=row.get("指标编码", "")).first()
            if indicator is None:
                raise InvalidInput(
                    f"第{line}行：没有编码为“{row.get('指标编码', '')}”的指标。", code=code, details=where
                )
            try:
                period = date.fromisoformat(row.get("统计期", ""))
            except ValueError:
                raise InvalidInput(
                    f"第{line}行：统计期应为 YYYY-MM-DD。", code=code, details={**where, "field": "period"}
                ) from None
            try:
                made.append(
                    record_measurement(
                        indicator,
                        actor=actor,
                        period=period,
                        value=row.get("数值") or None,
                        numerator=row.get("分子") or None,
                        denominator=row.get("分母") or None,
                        source_document=row.get("依据材料", ""),
                        via=via,
                    )
                )
            except DomainError as error:  # a bad number, a missing denominator, not the owner …
                raise type(error)(
                    f"第{line}行：{error.message}", code=error.code, details={**error.details, **where}
                ) from None
    return made


def import_csv(text: str, *, actor: User) -> list[Measurement]:
    """Import figures from CSV (header: 指标编码,统计期,数值,分子,分母,依据材料); all or nothing.
    Errors name the file's line (the header is line 1; a quoted field over two lines counts two)."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    try:
        if reader.fieldnames is None or set(CSV_HEADER[:3]) - {f.strip() for f in reader.fieldnames}:
            raise _header_error("CSV")
        rows = []
        for row in reader:
            cells = {(k or "").strip(): _cell(v) for k, v in row.items() if isinstance(v, str | None)}
            if any(cells.values()):  # a blank line between rows is not an error
                rows.append((reader.line_num, cells))
    except csv.Error as error:
        raise InvalidInput(
            f"第{reader.line_num}行：CSV 格式有误（{error}）。",
            code="invalid_input.csv",
            details={"line": reader.line_num},
        ) from None
    return _import_rows(rows, actor=actor, kind="CSV")


def import_xlsx(data: bytes, *, actor: User) -> list[Measurement]:
    """The same import from an .xlsx workbook (first sheet, same header as the CSV); all or
    nothing; errors name the sheet's row number as Excel/WPS shows it."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # not a workbook (zip, XML or format errors: openpyxl raises several kinds)
        raise InvalidInput(
            "无法读取该 .xlsx 文件，请用 Excel 或 WPS 另存为 .xlsx 后再导入。", code="invalid_input.xlsx"
        ) from None
    try:
        sheet = book.worksheets[0]
        lines = sheet.iter_rows(values_only=True)
        header = [_cell(v) for v in next(lines, ())]
        if set(CSV_HEADER[:3]) - set(header):
            raise _header_error("XLSX")
        rows = []
        for line, values in enumerate(lines, start=2):
            if line > MAX_IMPORT_ROWS + 1:
                raise InvalidInput(
                    f"一次最多导入{MAX_IMPORT_ROWS}行。", code="invalid_input.xlsx", details={"line": line}
                )
            cells = {name: _cell(v) for name, v in zip(header, values, strict=False) if name}
            if any(cells.values()):
                rows.append((line, cells))
    finally:
        book.close()
    return _import_rows(rows, actor=actor, kind="XLSX")


# ------------------------------------------------------------------ reading figures


def series(indicator: Indicator) -> list[Measurement]:
    """The entry of each period (its latest entry), in period order."""
    latest: dict[date, Measurement] = {}
    for m in indicator.measurements.order_by("period", "created_at", "pk"):
        latest[m.period] = m
    return [latest[p] for p in sorted(latest)]


def period_values(indicator: Indicator) -> list[tuple[Measurement, Decimal]]:
    """Each period's entry and the indicator's value for that period.

    For 绝对值 and 比率 the value is the entry itself. For 年度累计 an entry is what the period
    added (this month's signed projects), and the period's value is the sum of the same calendar
    year's entries up to and including it: the year-to-date figure, which starts again at 0 each
    January. A corrected period counts once (its latest entry)."""
    rows: list[tuple[Measurement, Decimal]] = []
    year, running = None, Decimal(0)
    for m in series(indicator):
        if indicator.kind != IndicatorKind.CUMULATIVE:
            rows.append((m, m.value))
            continue
        if m.period.year != year:
            year, running = m.period.year, Decimal(0)
        running += m.value
        rows.append((m, running))
    return rows


def current_value(indicator: Indicator, on: date) -> tuple[Decimal | None, date | None, str]:
    """The figure as of `on`: from the provider when one is registered, else the latest period
    (for 年度累计 its year-to-date sum; a period of an earlier year counts as that year's total)."""
    if indicator.provider and (fn := _PROVIDERS.get(indicator.provider)) is not None:
        value = fn(indicator, on)
        if value is not None:
            return Decimal(value), on, "provider"
    past = [(m, v) for m, v in period_values(indicator) if m.period <= on]
    if not past:
        return None, None, ""
    m, v = past[-1]
    return v, m.period, m.via


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
