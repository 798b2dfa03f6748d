"""/api/v1/enforcement: 城乡控违 over JSON — the same verbs as the pages (enforcement.services).

A violation the user may not see is a 404; refusals come from the guards as DomainErrors (403
role/unit, 409 state, 422 input), mapped once in mochou/api_errors.py. The owner is masked here
always: the full name is for the documents, printed from the pages (audited).
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Status

from accounts.models import User
from cases.schemas import IsoDate, UnitOut
from enforcement import services
from enforcement.guards import GUARDS, available_actions, may_read_board
from enforcement.models import PatrolLog, Violation
from enforcement.privacy import owner_masked
from enforcement.schemas import (
    BoardOut,
    BoardRowOut,
    DocumentOut,
    PatchesIn,
    PatchOut,
    PatrolIn,
    PatrolOut,
    ReportIn,
    ViolationActionIn,
    ViolationDetailOut,
    ViolationEventOut,
    ViolationFileIn,
    ViolationFilters,
    ViolationOut,
    ViolationPageOut,
)
from enforcement.services.patches import import_patches
from enforcement.services.patrols import log_patrol
from enforcement.views.board import board_for
from enforcement.workflow import Action
from mochou.api_errors import ERRORS_LIST, ERRORS_READ, ERRORS_WRITE
from mochou.errors import InvalidInput, NotFound, NotPermitted
from org.models import Unit

router = Router()
NOT_FOUND = "违建不存在或无权查看"


def _actor(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined,no-any-return]  # set by accounts.tokens.BearerToken


def _visible(request: HttpRequest, number: str) -> Violation:
    found = Violation.objects.visible_to(_actor(request)).select_related("township", "village", "case")
    violation = found.filter(number=number).first()
    if violation is None:
        raise NotFound(NOT_FOUND)
    return violation


def _unit(code: str | None, field: str) -> Unit | None:
    if not code:
        return None
    unit = Unit.objects.filter(code=code, is_active=True).first()
    if unit is None:
        raise InvalidInput(f"单位编码 {code} 不存在。", code="invalid_input.unit", details={"field": field})
    return unit


def _photos(items: list[str]) -> list[bytes]:
    try:
        return [base64.b64decode(item, validate=True) for item in items]
    except (binascii.Error, ValueError):
        raise InvalidInput(
            "照片应为 base64 编码。", code="invalid_input.photos", details={"field": "photos"}
        ) from None


def _files(items: list[ViolationFileIn]) -> list[tuple[str, bytes]]:
    try:
        return [(item.name, base64.b64decode(item.data, validate=True)) for item in items]
    except (binascii.Error, ValueError):
        raise InvalidInput(
            "文书文件应为 base64 编码。", code="invalid_input.files", details={"field": "files"}
        ) from None


def _out(v: Violation, user: User) -> dict[str, Any]:
    name, phone = owner_masked(v)
    return {
        "number": v.number,
        "state": v.state,
        "state_label": v.get_state_display(),
        "township": UnitOut(code=v.township.code, name=v.township.display_name),
        "village": UnitOut(code=v.village.code, name=v.village.name) if v.village else None,
        "address": v.address,
        "lat": v.lat,
        "lng": v.lng,
        "area": v.area,
        "structure": v.structure,
        "land_type": v.land_type,
        "built_on": v.built_on,
        "is_new": v.is_new,
        "channel": v.channel,
        "owner_name": name,
        "owner_phone": phone,
        "case": v.case.number if v.case else None,
        "reported_at": v.reported_at,
        "check_by": v.check_by,
        "demolish_by": v.demolish_by,
        "plan_due": v.plan_due,
        "closed_at": v.closed_at,
        "outcome": v.outcome,
        "allowed_actions": [a.value for a in available_actions(user, v)],
    }


def _detail(v: Violation, user: User) -> ViolationDetailOut:
    events = [
        ViolationEventOut(
            seq=e.seq,
            action=e.action,
            action_label=e.action_label,
            from_state=e.from_state,
            to_state=e.to_state,
            actor=e.actor.name if e.actor else None,
            note=e.note,
            payload=e.payload,
            created_at=e.created_at,
        )
        for e in v.events.select_related("actor").order_by("seq")
    ]
    docs = [DocumentOut(kind=d.kind, number=d.number, issued_at=d.issued_at) for d in v.documents.all()]
    return ViolationDetailOut(**_out(v, user), description=v.description, documents=docs, events=events)


@router.get("/violations", response={200: ViolationPageOut, **ERRORS_LIST}, summary="违建列表")
def list_violations(request: HttpRequest, filters: Query[ViolationFilters]) -> ViolationPageOut:
    user, now = _actor(request), timezone.now()
    rows = Violation.objects.visible_to(user).select_related("township", "village", "case")
    if filters.state:
        rows = rows.filter(state=filters.state)
    if filters.township:
        rows = rows.filter(township__code=filters.township)
    if filters.kind:
        rows = rows.filter(is_new=filters.kind == "new")
    if filters.overdue:
        rows = rows.overdue(now)
    total = rows.count()
    page = rows.order_by("-reported_at", "-pk")[filters.offset : filters.offset + filters.limit]
    return ViolationPageOut(total=total, items=[ViolationOut(**_out(v, user)) for v in page])


@router.get("/violations/{number}", response={200: ViolationDetailOut, **ERRORS_READ}, summary="违建详情")
def get_violation(request: HttpRequest, number: str) -> ViolationDetailOut:
    return _detail(_visible(request, number), _actor(request))


@router.post("/violations", response={201: ViolationDetailOut, **ERRORS_WRITE}, summary="登记违建")
def create_violation(request: HttpRequest, body: ReportIn) -> Status[ViolationDetailOut]:
    user = _actor(request)
    township = _unit(body.township, "township")
    assert township is not None  # noqa: S101 - a required field
    report = services.Report(
        township=township,
        village=_unit(body.village, "village"),
        address=body.address,
        lat=body.lat,
        lng=body.lng,
        crs=body.crs,
        area=body.area,
        structure=body.structure,
        land_type=body.land_type,
        built_on=body.built_on,
        channel=body.channel,
        description=body.description,
        owner_name=body.owner_name,
        owner_phone=body.owner_phone,
        photos=_photos(body.photos),
        patch_ref=body.patch_ref,
        patrol=_patrol(body.patrol, user),
    )
    violation = services.report_violation(report, actor=user)
    return Status(201, _detail(Violation.objects.get(pk=violation.pk), user))


def _patrol(pk: int | None, user: User) -> PatrolLog | None:
    """The patroller's own log (another's is refused as the pages refuse it: the verb checks)."""
    if pk is None:
        return None
    log = PatrolLog.objects.filter(pk=pk).first()
    if log is None or log.patroller_id != user.pk:
        raise InvalidInput(
            "巡查发现只能由本人登记在自己的巡查日志下。",
            code="invalid_input.patrol",
            details={"field": "patrol"},
        )
    return log


def _need(value: Any, field: str, label: str) -> Any:
    if value is None or value == "":
        raise InvalidInput(f"请填写{label}。", code="invalid_input.required", details={"field": field})
    return value


def _run(action: Action, v: Violation, user: User, body: ViolationActionIn) -> None:
    photos = _photos(body.photos)
    if action == Action.CONFIRM:
        services.confirm(v, actor=user, note=body.note)
    elif action == Action.DISMISS:
        services.dismiss(v, actor=user, reason=_need(body.reason, "reason", "核查结论"), note=body.note)
    elif action == Action.STOP:
        services.stop(v, actor=user, note=body.note)
    elif action == Action.PLAN:
        services.plan(v, actor=user, due=_need(body.due, "due", "计划处置日期"), note=body.note)
    elif action == Action.ORDER:
        services.order(v, actor=user, days=_need(body.days, "days", "自拆期限"), note=body.note)
    elif action == Action.APPEAL:
        services.appeal(
            v,
            actor=user,
            kind=_need(body.kind, "kind", "复议/诉讼类型"),
            document=body.document,
            files=_files(body.files),
        )
    elif action in (Action.UPHOLD, Action.REVOKE):
        services.resolve_appeal(
            v,
            actor=user,
            upheld=action == Action.UPHOLD,
            document=body.document,
            files=_files(body.files),
            days=body.days,
            served_on=body.served_on if action == Action.UPHOLD else None,
            ruling=(body.ruling or "") if action == Action.UPHOLD else "",
        )
    elif action == Action.SELF_DEMOLISH:
        services.self_demolish(v, actor=user, photo_data=photos, note=body.note)
    elif action == Action.ANNOUNCE:
        services.announce(v, actor=user, note=body.note)
    elif action == Action.FORCE_DEMOLISH:
        services.force_demolish(v, actor=user, photo_data=photos, note=body.note)
    elif action == Action.REINSPECT:
        passed = _need(body.passed, "passed", "复核结论")
        services.reinspect(
            v, actor=user, passed=passed, photo_data=photos, note=body.note, days=body.days or 7
        )
    elif action == Action.SIGN_OFF:
        services.sign_off(v, actor=user, note=body.note)
    elif action == Action.ACCOUNT:
        unit = _unit(_need(body.unit, "unit", "所在单位"), "unit")
        services.record_accountability(
            v,
            actor=user,
            person=body.person,
            unit=unit,  # type: ignore[arg-type]
            form=_need(body.form, "form", "问责方式"),
            decided_on=_need(body.decided_on, "decided_on", "问责日期"),
            note=body.note,
        )
    else:
        raise NotFound("没有这个操作")


@router.post(
    "/violations/{number}/actions/{action}",
    response={200: ViolationDetailOut, **ERRORS_WRITE},
    summary="对违建执行操作（confirm/dismiss/stop/plan/order/appeal/uphold/revoke/self_demolish/announce/force_demolish/reinspect/sign_off/account）",
)
def act(request: HttpRequest, number: str, action: str, body: ViolationActionIn) -> ViolationDetailOut:
    user = _actor(request)
    try:
        verb = Action(action)
    except ValueError:
        raise NotFound("没有这个操作") from None
    if verb in (Action.REPORT, Action.REJECT):
        raise NotFound("没有这个操作")
    v = _visible(request, number)
    refused = GUARDS.refusal(user, v, verb)
    if refused is not None:
        raise refused
    _run(verb, v, user, body)
    return _detail(_visible(request, number), user)


@router.post("/patrols", response={201: PatrolOut, **ERRORS_WRITE}, summary="记录巡查（无异常一键记录）")
def create_patrol(request: HttpRequest, body: PatrolIn) -> Status[PatrolOut]:
    log = log_patrol(actor=_actor(request), area=body.area, nothing_found=body.nothing_found, note=body.note)
    return Status(
        201,
        PatrolOut(
            id=log.pk,
            township=log.township.code,
            patrolled_at=log.patrolled_at,
            nothing_found=log.nothing_found,
        ),
    )


@router.post(
    "/patches", response={200: PatchOut, **ERRORS_WRITE}, summary="导入卫片图斑（CSV 或 GeoJSON 文本）"
)
def post_patches(request: HttpRequest, body: PatchesIn) -> PatchOut:
    name = "patches.geojson" if body.format == "geojson" else "patches.csv"
    result = import_patches(body.content.encode(), name, actor=_actor(request))
    return PatchOut(created=result.created, skipped=result.skipped)


@router.get("/board", response={200: BoardOut, **ERRORS_WRITE}, summary="乡镇控违月报（含零增长）")
def get_board(request: HttpRequest, month: IsoDate | None = None) -> BoardOut:
    user = _actor(request)
    if not may_read_board(user):
        raise NotPermitted("您的角色不查看控违月报。")
    built = board_for(user, month or timezone.localdate())
    rows = [
        BoardRowOut(
            township=UnitOut(code=r.township.code, name=r.township.display_name),
            found=r.found,
            new=r.new,
            self_share=r.self_share,
            stop_hours=r.stop_hours,
            demolished=r.demolished,
            in_time=r.in_time,
            area=r.area,
            existing_closed=r.existing_closed,
            pass_rate=r.pass_rate,
            dismiss_share=r.dismiss_share,
            overdue=r.overdue,
            accountabilities=r.accountabilities,
            open_new=r.open_new,
            zero_growth=r.zero_growth,
        )
        for r in built.rows
    ]
    return BoardOut(month=built.month, rows=rows)
