"""The case loop over JSON: /api/v1/cases/…

Each endpoint parses its input (cases.schemas), finds the case through
`Case.objects.visible_to(user)` (so an invisible case is a 404, never a 403 that would confirm
it exists), turns codes into objects, and calls the same verb in cases.services as the pages.
Nothing here writes a case: permissions (403), states (409) and the loop's own input rules
(422) come from the services as DomainErrors, mapped to JSON in mochou/api_errors.py.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime, time, timedelta
from typing import Any, TypeVar

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Status
from ninja.params import functions as param_functions

from accounts.models import User
from accounts.privacy import (
    audit_phone_search,
    case_text_for,
    citizen_phone_for,
    mask_phone,
    may_search_by_phone,
    phone_search_refusal,
    searched_phone,
)
from cases import bulk, hooks, services
from cases.deadlines import deadline_of
from cases.guards import OFFERED, available_actions, may
from cases.models import (
    Assignment,
    Case,
    CaseQuerySet,
    Category,
    Channel,
    Dispute,
    Kind,
    Rectification,
    Reply,
    Urgency,
    category_q,
)
from cases.queues import queue_cases, sorted_cases
from cases.schemas import (
    MAX_ID,
    ActionOut,
    AnswerAtIntakeIn,
    ApproveIn,
    BulkAcceptIn,
    BulkDispatchIn,
    BulkItemOut,
    BulkOut,
    CallbackClaimOut,
    CallbackIn,
    CaseDetailOut,
    CaseFilters,
    CaseOut,
    CasePageOut,
    CloseIn,
    ContactIn,
    ContributeIn,
    CoUnitOut,
    DeadlineOut,
    DecideExtensionIn,
    DecideSuspensionIn,
    DispatchIn,
    DisputeOut,
    EventOut,
    ExtendIn,
    ExtensionOut,
    MergeIn,
    RectificationOut,
    RegisterIn,
    RejectReplyIn,
    ReopenIn,
    RepinIn,
    ReplyCheckOut,
    ReplyIn,
    ReplyOut,
    ReportRectificationIn,
    ResumeIn,
    ReturnIn,
    RuleDisputeIn,
    SuperviseIn,
    SuspensionIn,
    TransferIn,
    UnitOut,
    VerifyRectificationIn,
)
from cases.services.dispatch import DISPATCHABLE_KINDS
from cases.timeline import sees_drafts, visible_events
from cases.workflow import Action, State
from mochou import idempotency
from mochou.api_errors import ERRORS_LIST, ERRORS_READ, ERRORS_WRITE, field_error
from mochou.errors import InvalidInput, NotPermitted
from org.models import Unit

router = Router()

# The related rows every rendering of a case needs, fetched in the same query.
CASE_RELATED = ("category", "township", "lead_unit")

F = TypeVar("F", bound=Callable[..., Any])


def action_path(action: Action) -> str:
    """URL segment of an action: "decide_extension" → "decide-extension"."""
    return action.value.replace("_", "-")


# Every action a client can POST; the OpenAPI test checks each has its path.
# Register has its own endpoint (POST /cases); triage is the system's, never a client's; an
# unanswered callback is a callback whose input says so.
ACTION_PATHS = tuple(action_path(a) for a in OFFERED)


# ---------------------------------------------------------------- lookups


def _actor(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined,no-any-return]  # set by accounts.tokens.BearerToken


def _visible_case(request: HttpRequest, number: str) -> Case:
    """The case if this user may see it; Case.DoesNotExist (→ 404) otherwise."""
    return Case.objects.visible_to(_actor(request)).select_related(*CASE_RELATED, "parent").get(number=number)


def _unknown(field: str, message: str, code: str) -> InvalidInput:
    return InvalidInput(message, code=code, details={"errors": [field_error(field, message, type_=code)]})


def _units(codes: dict[str, str], *, dispatchable: bool = False) -> dict[str, Unit]:
    """Resolve {field: unit code} in one query; every unknown code is reported with its field, and
    with `dispatchable` every unit that may not handle cases (the centre, an inactive unit) too —
    the service refuses those as well, but without knowing which field named them."""
    found = {u.code: u for u in Unit.objects.filter(code__in=set(codes.values()))}
    errors = [
        field_error(field, f"单位编码“{code}”不存在", type_="invalid_input.unit")
        for field, code in codes.items()
        if code not in found
    ]
    if dispatchable:
        errors += [
            field_error(field, f"“{found[code].name}”不是可派单的承办单位", type_="invalid_input.unit")
            for field, code in codes.items()
            if code in found and (not found[code].is_active or found[code].kind not in DISPATCHABLE_KINDS)
        ]
    if errors:
        raise InvalidInput(errors[0]["message"], code="invalid_input.unit", details={"errors": errors})
    return {field: found[code] for field, code in codes.items()}


def _category(ref: str | int | None, field: str = "category") -> Category | None:
    """A category by id or full path ("城乡建设/城市建设和市政管理/市政设施")."""
    if ref is None or ref == "":
        return None
    # ASCII digits only: "²".isdigit() is true, and int("²") raises.
    is_id = isinstance(ref, int) or (ref.isascii() and ref.isdigit())
    lookup: dict[str, int | str] = {"pk": int(ref)} if is_id else {"path": str(ref).strip().strip("/")}
    too_big = is_id and int(ref) > MAX_ID  # no such row; PostgreSQL would refuse the number
    category = None if too_big else Category.objects.filter(is_active=True, **lookup).first()
    if category is None:
        raise _unknown(field, f"事项分类“{ref}”不存在或已停用", "invalid_input.category")
    return category


def _parent_case(request: HttpRequest, number: str) -> Case:
    parent = Case.objects.visible_to(_actor(request)).filter(number=number.strip()).first()
    if parent is None:
        raise _unknown("parent", f"主工单“{number}”不存在", "invalid_input.parent")
    return parent


# ---------------------------------------------------------------- rendering


def _unit_out(unit: Unit | None) -> UnitOut | None:
    return UnitOut(code=unit.code, name=unit.display_name) if unit else None


def _deadline_out(case: Case, now: datetime) -> DeadlineOut | None:
    status = deadline_of(case, now)
    if status is None:
        return None
    return DeadlineOut(
        kind=status.kind,
        due_at=status.due_at,
        level=status.level,
        level_label=status.level_label,
        label=status.label,
        remaining_hours=round(status.remaining_hours, 2),
    )


def _case_fields(case: Case, now: datetime, phone: str) -> dict[str, Any]:
    return {
        "number": case.number,
        "title": case.title,
        "state": case.state,
        "state_label": case.state_label,
        "kind": case.kind,
        "kind_label": Kind(case.kind).label,
        "channel": case.channel,
        "channel_label": Channel(case.channel).label,
        "urgency": case.urgency,
        "urgency_label": Urgency(case.urgency).label,
        "category": case.category.path if case.category else None,
        "township": _unit_out(case.township),
        "lead_unit": _unit_out(case.lead_unit),
        "citizen_name": case.citizen_name,
        "citizen_phone": phone,
        "created_at": case.created_at,
        "accept_due_at": case.accept_due_at,
        "due_at": case.due_at,
        "deadline": _deadline_out(case, now),
    }


def _case_out(case: Case, now: datetime) -> CaseOut:
    # Lists always mask: unmasking is for one case at a time, and each unmasked view is audited.
    return CaseOut(**_case_fields(case, now, mask_phone(case.citizen_phone)))


def _visible_replies(user: User, case: Case) -> Iterable[Reply]:
    """Approved replies for everyone; drafts (submitted, rejected) only for the replying unit."""
    replies = case.replies.select_related("unit", "author").order_by("submitted_at", "pk")
    return replies if sees_drafts(user, case) else replies.filter(status=Reply.Status.APPROVED)


def _reply_out(reply: Reply) -> ReplyOut:
    return ReplyOut(
        id=reply.pk,
        status=reply.status,
        status_label=Reply.Status(reply.status).label,
        unit=_unit_out(reply.unit),
        author=reply.author.name,
        body=reply.body,
        result=reply.result,
        submitted_at=reply.submitted_at,
        approved_at=reply.approved_at,
        review_note=reply.review_note,
        checks=_reply_checks(reply),
    )


def _reply_checks(reply: Reply) -> list[ReplyCheckOut] | None:
    """The checks of an answer awaiting approval, as the leader's form shows them."""
    if reply.status != Reply.Status.SUBMITTED:
        return None
    found = hooks.reply_checks(reply.case, reply.body)
    return None if found is None else [ReplyCheckOut(**c) for c in found["checks"]]


def _co_units(case: Case) -> list[CoUnitOut]:
    rows = case.assignments.filter(role=Assignment.Role.CO).select_related("unit").order_by("pk")
    return [
        CoUnitOut(
            code=a.unit.code,
            name=a.unit.display_name,
            status=a.status,
            status_label=Assignment.Status(a.status).label,
        )
        for a in rows
        # Co-handlers of an earlier, returned dispatch are history, not current co-units.
        if a.status != Assignment.Status.RETURNED
    ]


def _actions(user: User, case: Case) -> list[ActionOut]:
    """What this user may do now (role, unit and state), so a client shows only useful buttons."""
    actions = available_actions(user, case)
    return [ActionOut(action=a.value, label=a.label, path=action_path(a)) for a in actions]


def _case_detail(request: HttpRequest, case: Case, *, just_registered: bool = False) -> CaseDetailOut:
    """`just_registered`: this request registered the case. While it still waits for its dispatch
    it has no assignment, reply, extension, rectification or 退单 yet, and five queries of an
    intake request's few are spared (issue 17); once triage has dispatched it, all is read."""
    user = _actor(request)
    phone, unmasked = citizen_phone_for(user, case, purpose="api", request=request)
    bare = just_registered and case.state == State.REGISTERED and case.dispatched_at is None
    return CaseDetailOut(
        **_case_fields(case, timezone.now(), phone),
        content=case_text_for(user, case, purpose="api", request=request),
        address=case.address,
        phone_unmasked=unmasked,
        co_units=[] if bare else _co_units(case),
        dispatched_at=case.dispatched_at,
        replied_at=case.replied_at,
        closed_at=case.closed_at,
        reopen_count=case.reopen_count,
        callback_attempts=case.callback_attempts,
        resolved=case.resolved,
        satisfaction=case.satisfaction,
        parent=case.parent.number if case.parent else None,
        transferred_to=case.transferred_to,
        replies=[] if bare else [_reply_out(r) for r in _visible_replies(user, case)],
        extensions=[]
        if bare
        else [
            ExtensionOut(
                id=e.pk,
                status=e.status,
                status_label=e.get_status_display(),
                days=e.days,
                reason=e.reason,
                requested_at=e.requested_at,
                decided_at=e.decided_at,
                decision_note=e.decision_note,
            )
            for e in case.extensions.order_by("requested_at", "pk")
        ],
        rectify_due_at=case.rectify_due_at,
        rectifications=[]
        if bare
        else [_rectification_out(r) for r in case.rectifications.select_related("unit")],
        callback_claim=_claim_out(case),
        disputes=[] if bare else [_dispute_out(d) for d in _disputes_of(user, case)],
        escalated_at=case.escalated_at,
        actions=_actions(user, case),
    )


def _disputes_of(user: User, case: Case) -> Iterable[Dispute]:
    """退单 and their rulings; a unit's staff see their own unit's (the ruling is addressed to it)."""
    disputes = case.disputes.select_related("unit", "suggested_unit", "decided_unit")
    if not user.is_unit_staff:
        return disputes
    return disputes.filter(unit_id=user.unit_id) if user.unit_id is not None else disputes.none()


def _dispute_out(d: Dispute) -> DisputeOut:
    return DisputeOut(
        id=d.pk,
        unit=UnitOut(code=d.unit.code, name=d.unit.display_name),
        reason=d.reason,
        reason_label=d.get_reason_display(),
        explanation=d.explanation,
        suggested_unit=_unit_out(d.suggested_unit),
        returned_at=d.returned_at,
        status=d.status,
        status_label=d.get_status_display(),
        ruling=d.ruling,
        decided_unit=_unit_out(d.decided_unit),
        ruled_at=d.ruled_at,
    )


def _rectification_out(r: Rectification) -> RectificationOut:
    return RectificationOut(
        id=r.pk, status=r.status, status_label=r.get_status_display(), satisfaction=r.satisfaction,
        unit=UnitOut(code=r.unit.code, name=r.unit.display_name), opened_at=r.opened_at, due_at=r.due_at,
        report=r.report, reported_at=r.reported_at, late=r.late, returns=r.returns,
        verified_at=r.verified_at, verify_note=r.verify_note,
    )  # fmt: skip


def _claim_out(case: Case) -> CallbackClaimOut | None:
    holder = case.callback_claim_holder(timezone.now()) if case.state == State.REPLIED else None
    if holder is None or case.callback_claimed_until is None:
        return None
    return CallbackClaimOut(agent=holder.name, until=case.callback_claimed_until)


def _fresh_detail(request: HttpRequest, case: Case, *, just_registered: bool = False) -> CaseDetailOut:
    """Re-read after a service call: services return other objects (Reply, Extension…)."""
    fresh = Case.objects.select_related(*CASE_RELATED, "parent").get(pk=case.pk)
    return _case_detail(request, fresh, just_registered=just_registered)


# ---------------------------------------------------------------- list filters


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


def _filtered(user: User, f: CaseFilters) -> CaseQuerySet:
    if f.created_from and f.created_to and f.created_from > f.created_to:
        message = "起始日期不能晚于截止日期"
        raise InvalidInput(message, details={"errors": [field_error("created_to", message, source="query")]})
    cases = queue_cases(user, f.queue) if f.queue else Case.objects.visible_to(user)
    if f.state:
        cases = cases.filter(state=f.state)
    if f.q and f.q.strip():
        cases = cases.search(f.q, user)
    if f.unit:
        cases = cases.filter(lead_unit__code=f.unit)
    if f.township:
        cases = cases.filter(township__code=f.township)
    if f.category:
        cases = cases.filter(category_q(f.category))
    if f.created_from:
        cases = cases.filter(created_at__gte=_start_of(f.created_from))
    if f.created_to:
        cases = cases.filter(created_at__lt=_start_of(f.created_to + timedelta(days=1)))
    # The asked order, else the queue's own (the late queue sorts by deadline); the pk makes pages stable.
    cases, _ = sorted_cases(cases, f.sort)
    return cases.select_related(*CASE_RELATED)


# ---------------------------------------------------------------- reading


@router.get("", response={200: CasePageOut, **ERRORS_LIST}, summary="工单列表")
def list_cases(request: HttpRequest, filters: Query[CaseFilters]) -> CasePageOut:
    user = _actor(request)
    cases = _filtered(user, filters)
    count = cases.count()
    page = list(cases[filters.offset : filters.offset + filters.limit])
    phone = searched_phone(filters.q or "")
    if phone and may_search_by_phone(user):
        audit_phone_search(user, [c for c in page if c.citizen_phone.replace("-", "") == phone], request)
    now = timezone.now()
    notice = phone_search_refusal(user) if phone else ""
    return CasePageOut(count=count, items=[_case_out(c, now) for c in page], notice=notice or None)


# ---------------------------------------------------------------- bulk actions
# Declared before the /{number}/… paths: "/bulk/dispatch" would otherwise be read as case "bulk".


def _bulk_item(result: bulk.BulkResult) -> dict[str, Any]:
    fields = {"number": result.number, "done": result.done, "code": result.code, "message": result.message}
    return fields | {"state": result.state or None}


def _bulk_out(results: list[bulk.BulkResult]) -> BulkOut:
    items = [BulkItemOut.model_validate(_bulk_item(r)) for r in results]
    done = sum(r.done for r in results)
    return BulkOut(done=done, refused=len(results) - done, results=items)


def _may_bulk(user: User, action: Action) -> None:
    if not may(user, action):
        raise NotPermitted(f"您的角色不能批量{action.label}。", code="permission_denied.role")


@router.post(
    "/bulk/dispatch",
    response={200: BulkOut, **ERRORS_WRITE},
    summary="批量派单",
    operation_id="cases_bulk_dispatch",
    description="每件工单各自派单（各自的事务）；某件未能派出不影响其他工单，结果逐件列出。",
)
def bulk_dispatch(request: HttpRequest, payload: BulkDispatchIn) -> BulkOut:
    user = _actor(request)
    _may_bulk(user, Action.DISPATCH)
    if payload.co_units and payload.lead_unit is None:
        message = "按分拣建议派单时协办单位取自建议；指定协办单位须同时指定主办单位"
        raise InvalidInput(message, details={"errors": [field_error("co_units", message)]})
    lead, co_units = None, []
    if payload.lead_unit is not None:
        co_codes = {f"co_units.{i}": c for i, c in enumerate(payload.co_units)}
        units = _units({"lead_unit": payload.lead_unit} | co_codes, dispatchable=True)
        lead = units.pop("lead_unit")
        co_units = list({u.pk: u for u in units.values()}.values())
    numbers = bulk.numbers_of(payload.numbers)
    return _bulk_out(bulk.bulk_dispatch(user, numbers, lead_unit=lead, co_units=co_units, note=payload.note))


@router.post(
    "/bulk/accept",
    response={200: BulkOut, **ERRORS_WRITE},
    summary="批量签收",
    operation_id="cases_bulk_accept",
    description="每件工单各自签收（各自的事务）；结果逐件列出。",
)
def bulk_accept(request: HttpRequest, payload: BulkAcceptIn) -> BulkOut:
    user = _actor(request)
    _may_bulk(user, Action.ACCEPT)
    return _bulk_out(bulk.bulk_accept(user, bulk.numbers_of(payload.numbers)))


@router.get("/{number}", response={200: CaseDetailOut, **ERRORS_READ}, summary="工单详情")
def get_case(request: HttpRequest, number: str) -> CaseDetailOut:
    return _case_detail(request, _visible_case(request, number))


@router.get("/{number}/events", response={200: list[EventOut], **ERRORS_READ}, summary="办理过程")
def list_events(request: HttpRequest, number: str) -> list[EventOut]:
    case = _visible_case(request, number)
    events = visible_events(_actor(request), case)
    return [
        EventOut(
            seq=e.seq,
            action=e.action,
            action_label=e.action_label,
            from_state=e.from_state,
            to_state=e.to_state,
            actor=e.actor.name if e.actor else None,
            actor_unit=_unit_out(e.actor_unit),
            note=e.note,
            payload=e.payload,
            created_at=e.created_at,
        )
        for e in events
    ]


# ---------------------------------------------------------------- intake


@router.post("", response={201: CaseDetailOut, **ERRORS_WRITE}, summary="登记工单")
def register(
    request: HttpRequest,
    payload: RegisterIn,
    idempotency_key: str | None = param_functions.Header(
        None,
        alias=idempotency.HEADER,
        max_length=idempotency.MAX_KEY_LENGTH,
        description=idempotency.HEADER_DESCRIPTION,
    ),
) -> Status[CaseDetailOut]:
    actor = _actor(request)

    def run() -> tuple[int, dict[str, Any]]:
        township = _units({"township": payload.township})["township"] if payload.township else None
        case = services.register_case(
            actor=actor,
            channel=payload.channel,
            kind=payload.kind,
            content=payload.content,
            title=payload.title,
            citizen_name=payload.citizen_name,
            citizen_phone=payload.citizen_phone,
            address=payload.address,
            township=township,
            category=_category(payload.category),
            urgency=payload.urgency,
        )
        return 201, {"case_id": case.pk, "number": case.number}

    # A retry with the same key gets the same case (re-read now, so the phone's masking and its
    # audit apply to this view), never a second registration.
    outcome = idempotency.once(
        f"api:user:{actor.pk}",
        idempotency.checked_key(idempotency_key),
        idempotency.fingerprint(payload.model_dump(mode="json")),
        run,
    )
    fresh = not outcome.replayed
    return Status(
        outcome.status, _fresh_detail(request, Case(pk=outcome.result["case_id"]), just_registered=fresh)
    )


# ---------------------------------------------------------------- actions, one endpoint each


def _action(action: Action) -> Callable[[F], F]:
    return router.post(
        f"/{{number}}/{action_path(action)}",
        response={200: CaseDetailOut, **ERRORS_WRITE},
        summary=action.label,
        operation_id=f"case_{action.value}",
    )


@_action(Action.ANSWER_AT_INTAKE)
def answer_at_intake(request: HttpRequest, number: str, payload: AnswerAtIntakeIn) -> CaseDetailOut:
    case = _visible_case(request, number)
    services.answer_at_intake(case, actor=_actor(request), answer=payload.answer)
    return _fresh_detail(request, case)


@_action(Action.DISPATCH)
def dispatch(request: HttpRequest, number: str, payload: DispatchIn) -> CaseDetailOut:
    case = _visible_case(request, number)
    codes = {"lead_unit": payload.lead_unit} | {f"co_units.{i}": c for i, c in enumerate(payload.co_units)}
    units = _units(codes, dispatchable=True)
    lead = units.pop("lead_unit")
    # A code listed twice would become two co-handling assignments of the same unit.
    co_units = list({u.pk: u for u in units.values()}.values())
    services.dispatch(
        case,
        actor=_actor(request),
        lead_unit=lead,
        co_units=co_units,
        category=_category(payload.category),
        urgency=payload.urgency,
        note=payload.note,
    )
    return _fresh_detail(request, case)


@_action(Action.ACCEPT)
def accept(request: HttpRequest, number: str) -> CaseDetailOut:
    case = _visible_case(request, number)
    services.accept(case, actor=_actor(request))
    return _fresh_detail(request, case)


@_action(Action.RETURN)
def return_case(request: HttpRequest, number: str, payload: ReturnIn) -> CaseDetailOut:
    case = _visible_case(request, number)
    named = {"suggested_unit": payload.suggested_unit} if payload.suggested_unit else {}
    suggested = _units(named, dispatchable=True).get("suggested_unit")
    services.return_case(
        case,
        actor=_actor(request),
        reason=payload.reason,
        reason_kind=payload.reason_kind,
        suggested_unit=suggested,
    )
    return _fresh_detail(request, case)


@_action(Action.RULE_DISPUTE)
def rule_dispute(request: HttpRequest, number: str, payload: RuleDisputeIn) -> CaseDetailOut:
    case = _visible_case(request, number)
    named = {"decided_unit": payload.decided_unit} if payload.decided_unit else {}
    decided = _units(named, dispatchable=True).get("decided_unit")
    services.rule_dispute(
        case,
        actor=_actor(request),
        upheld=payload.upheld,
        note=payload.note,
        decided_unit=decided,
        amend_catalogue=payload.amend_catalogue,
    )
    return _fresh_detail(request, case)


@_action(Action.REQUEST_EXTENSION)
def extend(request: HttpRequest, number: str, payload: ExtendIn) -> CaseDetailOut:
    case = _visible_case(request, number)
    services.request_extension(case, actor=_actor(request), days=payload.days, reason=payload.reason)
    return _fresh_detail(request, case)


@_action(Action.DECIDE_EXTENSION)
def decide_extension(request: HttpRequest, number: str, payload: DecideExtensionIn) -> CaseDetailOut:
    case = _visible_case(request, number)
    services.decide_extension(case, actor=_actor(request), approve=payload.approve, note=payload.note)
    return _fresh_detail(request, case)


@_action(Action.REQUEST_SUSPENSION)
def request_suspension(request: HttpRequest, number: str, payload: SuspensionIn) -> CaseDetailOut:
    case = _visible_case(request, number)
    services.request_suspension(
        case,
        actor=_actor(request),
        reason=payload.reason,
        explanation=payload.explanation,
        document=payload.document,
        days=payload.days,
    )
    return _fresh_detail(request, case)


@_action(Action.DECIDE_SUSPENSION)
def decide_suspension(request: HttpRequest, number: str, payload: DecideSuspensionIn) -> CaseDetailOut:
    case = _visible_case(request, number)
    services.decide_suspension(case, actor=_actor(request), approve=payload.approve, note=payload.note)
    return _fresh_detail(request, case)


@_action(Action.RESUME)
def resume(request: HttpRequest, number: str, payload: ResumeIn) -> CaseDetailOut:
    case = _visible_case(request, number)
    services.resume(case, actor=_actor(request), note=payload.note)
    return _fresh_detail(request, case)


@_action(Action.REPIN)
def repin(request: HttpRequest, number: str, payload: RepinIn) -> CaseDetailOut:
    case = _visible_case(request, number)
    services.repin_limits(case, actor=_actor(request), reason=payload.reason)
    return _fresh_detail(request, case)


@_action(Action.CONTACT)
def contact(request: HttpRequest, number: str, payload: ContactIn) -> CaseDetailOut:
    case = _visible_case(request, number)
    services.contact(case, actor=_actor(request), way=payload.way, reached=payload.reached, note=payload.note)
    return _fresh_detail(request, case)


@_action(Action.CONTRIBUTE)
def contribute(request: HttpRequest, number: str, payload: ContributeIn) -> CaseDetailOut:
    case = _visible_case(request, number)
    services.contribute(case, actor=_actor(request), body=payload.body)
    return _fresh_detail(request, case)


@_action(Action.REPLY)
def reply(request: HttpRequest, number: str, payload: ReplyIn) -> CaseDetailOut:
    case = _visible_case(request, number)
    services.submit_reply(
        case, actor=_actor(request), body=payload.body, result=payload.result, template=payload.template
    )
    return _fresh_detail(request, case)


@_action(Action.APPROVE_REPLY)
def approve(request: HttpRequest, number: str, payload: ApproveIn) -> CaseDetailOut:
    case = _visible_case(request, number)
    services.approve_reply(case, actor=_actor(request), note=payload.note)
    return _fresh_detail(request, case)


@_action(Action.REJECT_REPLY)
def reject_reply(request: HttpRequest, number: str, payload: RejectReplyIn) -> CaseDetailOut:
    case = _visible_case(request, number)
    services.reject_reply(case, actor=_actor(request), note=payload.note)
    return _fresh_detail(request, case)


@_action(Action.CALLBACK)
def callback(request: HttpRequest, number: str, payload: CallbackIn) -> CaseDetailOut:
    case = _visible_case(request, number)
    services.callback(
        case,
        actor=_actor(request),
        reached=payload.reached,
        resolved=payload.resolved,
        satisfaction=payload.satisfaction or "",
        comment=payload.comment,
    )
    return _fresh_detail(request, case)


@_action(Action.CLAIM_CALLBACK)
def claim_callback(request: HttpRequest, number: str) -> CaseDetailOut:
    case = _visible_case(request, number)
    services.claim_callback(case, actor=_actor(request))
    return _fresh_detail(request, case)


@_action(Action.RELEASE_CALLBACK)
def release_callback(request: HttpRequest, number: str) -> CaseDetailOut:
    case = _visible_case(request, number)
    services.release_callback(case, actor=_actor(request))
    return _fresh_detail(request, case)


@_action(Action.REPORT_RECTIFICATION)
def report_rectification(request: HttpRequest, number: str, payload: ReportRectificationIn) -> CaseDetailOut:
    case = _visible_case(request, number)
    services.report_rectification(case, actor=_actor(request), report=payload.report)
    return _fresh_detail(request, case)


@_action(Action.VERIFY_RECTIFICATION)
def verify_rectification(request: HttpRequest, number: str, payload: VerifyRectificationIn) -> CaseDetailOut:
    case = _visible_case(request, number)
    services.verify_rectification(case, actor=_actor(request), accepted=payload.accepted, note=payload.note)
    return _fresh_detail(request, case)


@_action(Action.CLOSE)
def close(request: HttpRequest, number: str, payload: CloseIn) -> CaseDetailOut:
    case = _visible_case(request, number)
    services.close(case, actor=_actor(request), note=payload.note)
    return _fresh_detail(request, case)


@_action(Action.REOPEN)
def reopen(request: HttpRequest, number: str, payload: ReopenIn) -> CaseDetailOut:
    case = _visible_case(request, number)
    services.reopen(case, actor=_actor(request), reason=payload.reason)
    return _fresh_detail(request, case)


@_action(Action.MERGE)
def merge(request: HttpRequest, number: str, payload: MergeIn) -> CaseDetailOut:
    case = _visible_case(request, number)
    parent = _parent_case(request, payload.parent)
    services.merge(case, actor=_actor(request), parent=parent, note=payload.note)
    return _fresh_detail(request, case)


@_action(Action.TRANSFER)
def transfer(request: HttpRequest, number: str, payload: TransferIn) -> CaseDetailOut:
    case = _visible_case(request, number)
    services.transfer(case, actor=_actor(request), target=payload.target, note=payload.note)
    return _fresh_detail(request, case)


@_action(Action.SUPERVISE)
def supervise(request: HttpRequest, number: str, payload: SuperviseIn) -> CaseDetailOut:
    case = _visible_case(request, number)
    services.supervise(case, actor=_actor(request), body=payload.body, respond_days=payload.respond_days)
    return _fresh_detail(request, case)
