"""An indicator's figures over JSON: their history, 核实 and the CSV import, under
/api/v1/supervision/indicators/… and /measurements/….

The same verbs and the same rules as the indicator's page (supervision.views.plans): entering is
`indicators.record_measurement` / `import_csv` (who may: `may_report`), 核实 is
`indicators.verify_measurement` (who may, and when: `verify_refusal`, the one rule the page's
button asks too). An indicator is a 404 to whoever may not see the 督查督办 pages.
Registered on supervision.api's router.
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Status

from accounts.models import User
from cases.schemas import row_by_id
from mochou.api_errors import ERRORS_READ, ERRORS_WRITE, ErrorOut
from mochou.errors import NotFound
from supervision import indicators as ind
from supervision.api import router
from supervision.task_models import Indicator, Measurement
from supervision.task_schemas import MeasurementFilters, MeasurementImportIn, MeasurementOut
from supervision.views.tasks import may_view_tasks

NO_INDICATOR = "指标不存在"
NO_MEASUREMENT = "指标数据不存在"


def _actor(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined,no-any-return]  # set by accounts.tokens.BearerToken


def indicator_for(user: User, code: str) -> Indicator:
    """The indicator, or a 404 (as on the page, whoever does not see 督查督办 does not see it)."""
    indicator = Indicator.objects.select_related("plan").filter(code=code).first()
    if indicator is None or not may_view_tasks(user):
        raise NotFound(NO_INDICATOR)
    return indicator


def _current_ids(indicator_id: int) -> set[int]:
    """The entries that are their period's value (a correction supersedes the older entry)."""
    latest: dict[object, int] = {}
    rows = Measurement.objects.filter(indicator_id=indicator_id).order_by("period", "created_at", "pk")
    for pk, period in rows.values_list("pk", "period"):
        latest[period] = pk
    return set(latest.values())


def measurement_out(m: Measurement, user: User, *, current: bool) -> MeasurementOut:
    return MeasurementOut(
        id=m.pk,
        indicator=m.indicator.code,
        period=m.period,
        value=m.value,
        numerator=m.numerator,
        denominator=m.denominator,
        source_document=m.source_document,
        via=m.via,
        reported_by=m.reported_by.name if m.reported_by else None,
        verified_by=m.verified_by.name if m.verified_by else None,
        current=current,
        allowed_actions=["verify"] if ind.may_verify(user, m) else [],
        created_at=m.created_at,
    )


def loaded_measurement(pk: int) -> Measurement:
    return Measurement.objects.select_related("indicator__plan", "reported_by", "verified_by").get(pk=pk)


@router.get(
    "/indicators/{code}/measurements",
    response={200: list[MeasurementOut], **ERRORS_READ, 422: ErrorOut},
    summary="指标数据（每次录入，含更正前的数据和核实情况）",
    description="按统计期、录入时间排序；current 为 false 的是已被更正的旧数据。",
)
def list_measurements(
    request: HttpRequest, code: str, filters: Query[MeasurementFilters]
) -> list[MeasurementOut]:
    user = _actor(request)
    indicator = indicator_for(user, code)
    current = _current_ids(indicator.pk)
    rows = indicator.measurements.select_related("indicator__plan", "reported_by", "verified_by").order_by(
        "period", "created_at", "pk"
    )
    if filters.period:
        rows = rows.filter(period=filters.period)
    if filters.unverified is True:
        rows = rows.filter(verified_by__isnull=True, pk__in=current)
    page = rows[filters.offset : filters.offset + filters.limit]
    return [measurement_out(m, user, current=m.pk in current) for m in page]


@router.post(
    "/indicators/{code}/measurements/{measurement_id}/verify",
    response={200: MeasurementOut, **ERRORS_WRITE},
    summary="核实指标数据（督查室或计划牵头单位负责人；录入人本人不能核实）",
    description=(
        "403 permission_denied.role（无核实权限）/ permission_denied.reporter（录入人本人）；"
        "409 supervision.measurement_verified（已核实）/ supervision.measurement_superseded"
        "（该期已更正，应核实更正后的数据）；404 指标或数据不存在。"
    ),
)
def verify(request: HttpRequest, code: str, measurement_id: int) -> MeasurementOut:
    user = _actor(request)
    indicator = indicator_for(user, code)
    found = row_by_id(Measurement.objects.filter(indicator=indicator), measurement_id)
    if found is None:
        raise NotFound(NO_MEASUREMENT)
    ind.verify_measurement(found, actor=user)
    return measurement_out(loaded_measurement(found.pk), user, current=True)


@router.post(
    "/measurements/import",
    response={201: list[MeasurementOut], **ERRORS_WRITE},
    summary="批量导入指标数据（CSV，全部成功或全部不导入）",
    description=(
        "与指标页面的导入相同（.xlsx 请在页面导入或另存为 CSV）。每行须是督查室或该指标报送单位"
        "可录入的指标；出错时 422，details.line 指出第几行（表头为第1行），"
        "不是报送单位的行为 403 permission_denied.indicator。"
    ),
)
def import_measurements(request: HttpRequest, payload: MeasurementImportIn) -> Status[list[MeasurementOut]]:
    user = _actor(request)
    made = ind.import_csv(payload.csv, actor=user)
    rows = Measurement.objects.select_related("indicator__plan", "reported_by", "verified_by").filter(
        pk__in=[m.pk for m in made]
    )
    by_pk = {m.pk: m for m in rows}
    # A file may give one period twice: its later row supersedes the earlier one.
    current = {pk for i in {m.indicator_id for m in made} for pk in _current_ids(i)}
    return Status(201, [measurement_out(by_pk[m.pk], user, current=m.pk in current) for m in made])
