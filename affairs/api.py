"""/api/v1/affairs: the 事项清单 and applications (办件) over JSON.

The same verbs as the pages (affairs.services); an application the user may not see is a 404;
refusals come from the guards as DomainErrors (403 role/unit, 409 state, 422 input), mapped once
in mochou/api_errors.py. The applicant's name is masked here: the API is for the hall's systems
and statistics, not for reading people's data in bulk.
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status

from accounts.models import User
from accounts.privacy import mask_name
from affairs.api_exchange import router as exchange_router
from affairs.api_stats import router as stats_router
from affairs.formfields import shown_answers
from affairs.guards import available_actions
from affairs.models import Application, Bundle, Joint, Matter, Partner
from affairs.privacy import applicant_for_joint
from affairs.schemas import (
    ApplicationActionIn,
    ApplicationDetailOut,
    ApplicationEventOut,
    ApplicationIn,
    ApplicationOut,
    ApplicationPageOut,
    BundleFieldOut,
    BundleOut,
    BundlePartOut,
    JointIn,
    JointNoticeIn,
    JointNoticeOut,
    JointNoticePartOut,
    JointOut,
    JointPartOut,
    JointPendingOut,
    MatterOut,
    ShownApplicantOut,
)
from affairs.services import applications as services
from affairs.services.applications import ApplicantData, OnBehalf
from affairs.services.joint import (
    joint_notice,
    joint_state,
    notify_joint,
    rollup_label,
    submit_joint,
    union_form,
    union_materials,
)
from affairs.workflow import Action, Channel, State
from mochou.api_errors import ERRORS_LIST, ERRORS_READ, ERRORS_WRITE
from mochou.errors import NotFound

router = Router()
router.add_router("/stats", stats_router)  # 政务服务统计 (affairs/api_stats.py)
router.add_router("/exchange", exchange_router)
NOT_FOUND = "办件不存在或无权查看"


def _actor(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined,no-any-return]  # set by accounts.tokens.BearerToken


def _matter_out(m: Matter) -> MatterOut:
    return MatterOut(
        code=m.code or "", name=m.name, category=m.category, department=m.department.code,
        department_name=m.department.display_name, kind=m.kind, statutory_days=m.statutory_days,
        promised_days=m.promised_days, fee=m.fee, online=m.online, at_window=m.at_window, visits=m.visits,
        how=m.how, location=m.location, legal_basis=m.legal_basis, guide=m.guide_id,
        materials=m.materials, fields=m.fields, steps=m.steps,
    )  # fmt: skip


def _out(app: Application, user: User) -> dict[str, object]:
    step = app.current_step
    person = app.applicant
    return {
        "number": app.number,
        "matter": app.matter_snapshot.get("code", ""),
        "matter_name": app.matter.name,
        "department": app.department.code,
        "state": app.state,
        "state_label": app.get_state_display(),
        "channel": app.channel,
        "on_behalf": app.on_behalf,
        "on_behalf_for": app.on_behalf_for,
        "partner": app.partner.code if app.partner else None,
        "origin": app.origin.code if app.origin else None,
        "remote_number": app.remote_number,
        "remote_progress": app.remote_progress,
        "applicant_name": person.name if person.is_enterprise else mask_name(person.name),
        "missing": app.missing,
        "notice_items": app.notice_items,
        "created_at": app.created_at,
        "accepted_at": app.accepted_at,
        "promised_due_at": app.promised_due_at,
        "concluded_at": app.concluded_at,
        "step": step["name"] if step else None,
        "joint": app.joint.number if app.joint else None,
        # Masked as the applicant's name is: the API is not for reading people's data in bulk.
        "answers": shown_answers(app.matter_snapshot.get("fields") or [], app.answers, full=False),
        "allowed_actions": available_actions(user, app),
    }


def _visible(request: HttpRequest, number: str) -> Application:
    app = (
        Application.objects.visible_to(_actor(request))
        .select_related("matter", "department", "applicant", "joint")
        .filter(number=number)
        .first()
    )
    if app is None:
        raise NotFound(NOT_FOUND)
    return app


def _detail(app: Application, user: User) -> ApplicationDetailOut:
    events = [
        ApplicationEventOut(
            seq=e.seq,
            action=e.action,
            from_state=e.from_state,
            to_state=e.to_state,
            actor=e.actor.name if e.actor else None,
            note=e.note,
            payload=e.payload,
            created_at=e.created_at,
        )
        for e in app.events.select_related("actor").order_by("seq")
    ]
    return ApplicationDetailOut(**_out(app, user), events=events)  # type: ignore[arg-type]


@router.get("/matters", response={200: list[MatterOut], **ERRORS_LIST}, summary="事项清单（已发布）")
def list_matters(request: HttpRequest) -> list[MatterOut]:
    rows = Matter.objects.live().select_related("department").order_by("category", "code")
    return [_matter_out(m) for m in rows]


@router.get("/matters/{code}", response={200: MatterOut, **ERRORS_READ}, summary="一个事项")
def get_matter(request: HttpRequest, code: str) -> MatterOut:
    m = Matter.objects.live().select_related("department").filter(code=code).first()
    if m is None:
        raise NotFound("事项不存在或未发布")
    return _matter_out(m)


class ApplicationFilters(Schema):
    state: State | None = None
    limit: int = 100


@router.get("/applications", response={200: ApplicationPageOut, **ERRORS_LIST}, summary="办件列表")
def list_applications(request: HttpRequest, filters: Query[ApplicationFilters]) -> ApplicationPageOut:
    user = _actor(request)
    rows = Application.objects.visible_to(user).select_related("matter", "department", "applicant", "joint")
    if filters.state:
        rows = rows.filter(state=filters.state)
    limit = max(1, min(filters.limit, 500))
    items = [ApplicationOut(**_out(a, user)) for a in rows.order_by("-created_at", "-pk")[:limit]]  # type: ignore[arg-type]
    return ApplicationPageOut(total=rows.count(), items=items)


@router.get("/applications/{number}", response={200: ApplicationDetailOut, **ERRORS_READ}, summary="一个办件")
def get_application(request: HttpRequest, number: str) -> ApplicationDetailOut:
    return _detail(_visible(request, number), _actor(request))


@router.post(
    "/applications",
    response={201: ApplicationDetailOut, **ERRORS_WRITE},
    summary="综窗收件（窗口申报）",
    description="政务大厅综合窗口为申请人申报任一部门的事项。网上申报走群众端页面。",
)
def create_application(request: HttpRequest, body: ApplicationIn) -> Status[ApplicationDetailOut]:
    user = _actor(request)
    matter = Matter.objects.live().filter(code=body.matter).first()
    if matter is None:
        raise NotFound("事项不存在或未发布")
    a = body.applicant
    person = ApplicantData(a.name, a.id_number, a.phone, a.address, a.is_enterprise)
    partner = None
    if body.partner:
        partner = Partner.objects.filter(code=body.partner, is_active=True).first()
        if partner is None:
            raise NotFound("没有该通办地区", code="affairs.partner")
    helped = (
        OnBehalf(body.on_behalf_for.value if body.on_behalf_for else "", body.on_behalf_note)
        if body.on_behalf
        else None
    )
    app = services.submit(
        matter, person, provided=body.provided, channel=Channel.WINDOW, actor=user,
        on_behalf=helped, note=body.note, keep=body.keep, partner=partner, answers=body.answers,
    )  # fmt: skip
    return Status(201, _detail(app, user))


@router.post(
    "/applications/{number}/{action}",
    response={200: ApplicationDetailOut, **ERRORS_WRITE},
    summary="办件操作",
    description=(
        "action：notify 一次性告知、correct 窗口补正、accept 受理、refuse 不予受理、"
        "approve_step 环节审批、grant 准予、deny 不予许可、deliver 出件、withdraw 代为撤回、"
        "rate 登记好差评（rating 1–5）、rectify 差评整改反馈、forward 跨域通办转办理地。"
    ),
)
def act(request: HttpRequest, number: str, action: Action, body: ApplicationActionIn) -> ApplicationDetailOut:
    user = _actor(request)
    app = _visible(request, number)
    data = body.model_dump()
    data["delivery"] = body.delivery.value if body.delivery else ""
    app = services.take(app, action, actor=user, data=data)
    return _detail(_visible(request, number), user)


# ---------------------------------------------------------------- 一事联办 (packages)


def _bundle_out(b: Bundle) -> BundleOut:
    parts = list(b.parts.select_related("matter"))
    return BundleOut(
        code=b.code, name=b.name, description=b.description,
        parts=[BundlePartOut(matter=p.matter.code or "", matter_name=p.matter.name, stage=p.stage)
               for p in parts],
        materials=[m["name"] for m in union_materials(b)],
        fields=[BundleFieldOut(**f) for f in union_form(b)],
    )  # fmt: skip


def _joint_out(joint: Joint, parts: list[Application]) -> JointOut:
    person = joint.applicant
    state = joint_state(parts)
    return JointOut(
        number=joint.number,
        bundle=joint.bundle.code,
        bundle_name=joint.bundle.name,
        channel=Channel(joint.channel),
        state=state, state_label=rollup_label(parts), created_at=joint.created_at,
        applicant_name=person.name if person.is_enterprise else mask_name(person.name),
        parts=[
            JointPartOut(
                number=p.number, matter=p.matter_snapshot.get("code", ""), matter_name=p.matter.name,
                department=p.department.code,
                stage=p.stage,
                state=State(p.state),
                state_label=p.get_state_display(),
            )
            for p in parts
        ],
    )  # fmt: skip


@router.get("/bundles", response={200: list[BundleOut], **ERRORS_LIST}, summary="一件事清单")
def list_bundles(request: HttpRequest) -> list[BundleOut]:
    return [_bundle_out(b) for b in Bundle.objects.filter(is_active=True)]


def _joint_visible(request: HttpRequest, number: str) -> tuple[Joint, list[Application]]:
    joint = Joint.objects.select_related("bundle", "applicant").filter(number=number).first()
    user = _actor(request)
    parts = list(joint.parts.select_related("matter", "department").order_by("stage", "pk")) if joint else []
    # Seen by whoever may see one of its parts (the office: all; a department: its own part's).
    if joint is None or not Application.objects.visible_to(user).filter(joint=joint).exists():
        raise NotFound("一件事办件不存在或无权查看")
    return joint, parts


@router.get("/joints/{number}", response={200: JointOut, **ERRORS_READ}, summary="一件事办件（汇总状态）")
def get_joint(request: HttpRequest, number: str) -> JointOut:
    return _joint_out(*_joint_visible(request, number))


@router.post(
    "/joints",
    response={201: JointOut, **ERRORS_WRITE},
    summary="一件事综窗收件",
    description="一张表单申报“一件事”：材料为各部分的并集，只收一次；各部分分送实施部门。",
)
def create_joint(request: HttpRequest, body: JointIn) -> Status[JointOut]:
    user = _actor(request)
    bundle = Bundle.objects.filter(code=body.bundle, is_active=True).first()
    if bundle is None:
        raise NotFound("没有该“一件事”")
    a = body.applicant
    joint = submit_joint(
        bundle, ApplicantData(a.name, a.id_number, a.phone, a.address, a.is_enterprise),
        provided=body.provided, channel=Channel.WINDOW, actor=user, keep=body.keep, note=body.note,
        answers=body.answers,
    )  # fmt: skip
    return Status(201, _joint_out(*_joint_visible(request, joint.number)))


# ---------------------------------------------------------------- 一件事's 一次性告知


def _notice_out(request: HttpRequest, joint: Joint) -> JointNoticeOut:
    """What the application page's 一件事 panel shows this user (joint.joint_notice), with the
    applicant shown as the page shows it (affairs.privacy: full and audited only for whoever may
    act on a part now)."""
    user = _actor(request)
    notice = joint_notice(joint, user)
    shown = applicant_for_joint(user, joint, notice.parts, purpose="一件事一次性告知", request=request)
    return JointNoticeOut(
        number=joint.number, bundle=joint.bundle.code, bundle_name=joint.bundle.name,
        state=joint_state(notice.parts), state_label=rollup_label(notice.parts),
        applicant=ShownApplicantOut(
            name=shown.name, id_number=shown.id_number, phone=shown.phone, address=shown.address,
            full=shown.full,
        ),
        parts=[
            JointNoticePartOut(
                number=p.number, matter=p.matter_snapshot.get("code", ""), matter_name=p.matter.name,
                department=p.department.code, stage=p.stage, state=State(p.state),
                state_label=p.get_state_display(), missing=p.missing, notice_items=p.notice_items,
                notice_note=p.notice_note, notified_at=p.notified_at, corrected_at=p.corrected_at,
            )
            for p in notice.parts
        ],
        pending=[JointPendingOut(number=p.number, matter_name=p.matter.name, missing=p.missing)
                 for p in notice.pending],
        can_notify=notice.can_notify,
        asked=notice.asked,
    )  # fmt: skip


@router.get(
    "/joints/{number}/notice",
    response={200: JointNoticeOut, **ERRORS_READ},
    summary="一件事的一次性告知",
    description=(
        "各部分已告知的补正清单、当前用户整件告知将通知的部分，以及申请人需一次性补正的全部材料，"
        "与办件页面“一件事”栏所示相同。可查看其中任一部分的用户可读；申请人信息仅对当前可办理某一部分的"
        "用户完整显示（留痕），其余脱敏。"
    ),
)
def get_joint_notice(request: HttpRequest, number: str) -> JointNoticeOut:
    joint, _ = _joint_visible(request, number)
    return _notice_out(request, joint)


@router.post(
    "/joints/{number}/notice",
    response={200: JointNoticeOut, **ERRORS_WRITE},
    summary="整件一次性告知",
    description=(
        "政务大厅综合窗口对“一件事”中待预审且缺材料的每一部分一次性告知各自所缺材料（每部分只告知一次），"
        "申请人收到一条短信。非综合窗口 403；没有可告知的部分 409（affairs.joint_nothing_to_notify）。"
    ),
)
def notify_joint_notice(request: HttpRequest, number: str, body: JointNoticeIn) -> JointNoticeOut:
    joint, _ = _joint_visible(request, number)
    notify_joint(joint, actor=_actor(request), note=body.note)
    return _notice_out(request, joint)
