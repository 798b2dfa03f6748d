"""The case page and the actions on it.

Every action is one POST to /cases/<number>/act/<action>/, handled by one function below that
calls the matching verb of cases.services. An htmx request gets the case body back (status 200,
with the error shown next to the form when the action failed); a plain form post is redirected
to the case page on success, or gets the full page with the error and the DomainError's status.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.models import User
from accounts.privacy import case_text_for, citizen_phone_for
from cases import hooks, services
from cases.deadlines import deadline_of
from cases.forms import ACTION_FORMS, ActionForm, yes_no
from cases.guards import available_actions, refusal
from cases.history import stints
from cases.models import Case, Dispute, Reply
from cases.timeline import sees_drafts, visible_events
from cases.views.triage_panel import triage_context
from cases.workflow import Action, State
from loop.pages import ActionPage
from mochou.errors import DomainError, InvalidInput
from mochou.http import AuthenticatedHttpRequest, is_htmx

# Helper text above each action's form: the button carries the action's own label.
ACTION_HINTS: dict[Action, str] = {
    Action.ANSWER_AT_INTAKE: "咨询件可依据莫愁指南当场答复，答复后仍需回访",
    Action.DISPATCH: "选择主办单位，必要时加派协办单位",
    Action.ACCEPT: "确认本单位承办此件",
    Action.RETURN: "不属于本单位职责时退单，由热线中心审核派单异议",
    Action.CONTACT: "签收后及时联系诉求人，了解情况、约定办理；联系上的时间计入响应率",
    Action.RULE_DISPUTE: "承办单位退单，请审核：异议成立则另行派单，不成立则退回原单位办理",
    Action.REQUEST_EXTENSION: "无法在期限内办结时，向中心申请延长办理时限",
    Action.DECIDE_EXTENSION: "承办单位申请延期，请审批",
    Action.REQUEST_SUSPENSION: "须等待法院、鉴定、诉求人补充材料等本单位无法控制的事项时，申请中止计时",
    Action.DECIDE_SUSPENSION: "承办单位申请挂起（中止计时），请审批",
    Action.RESUME: "所等待的事项已有结果，恢复办理计时（期限顺延挂起的工作时间）",
    Action.CONTRIBUTE: "本单位为协办单位，请向主办单位提交意见",
    Action.REPLY: "办理完毕后填写答复，提交单位负责人审核",
    Action.APPROVE_REPLY: "审核后答复将告知诉求人并转入回访",
    Action.REJECT_REPLY: "答复不妥时退回承办人修改",
    Action.CALLBACK: "联系诉求人，记录是否解决与满意度",
    Action.CLAIM_CALLBACK: "认领后由您回访，其他话务员不再重复拨打（到期或放弃后回到回访池）",
    Action.RELEASE_CALLBACK: "暂时无法回访时放回回访池，由其他话务员认领",
    Action.REPORT_RECTIFICATION: "诉求人差评，请针对其意见整改，并在整改期限内报告整改情况",
    Action.VERIFY_RECTIFICATION: "核实承办单位的整改情况：到位则转回访，由诉求人再次评价",
    Action.CLOSE: "确认答复与回访结果后结案",
    Action.REOPEN: "诉求人不满意或问题未解决时，退回承办单位重新办理",
    Action.MERGE: "与已有工单反映同一事项时，合并到主工单",
    Action.TRANSFER: "不属于本市管辖时转至其他平台，并继续跟踪",
    Action.SUPERVISE: "向承办单位发出督办单",
    Action.REPIN: "办理时限已发布新版本；确有必要时按现行时限重新计算本件期限（记录在案）",
}

# Actions whose form is the quick, everyday one: rendered first on the page.
PRIMARY_ACTIONS = (
    Action.DISPATCH,
    Action.ACCEPT,
    Action.REPLY,
    Action.APPROVE_REPLY,
    Action.CLAIM_CALLBACK,
    Action.CALLBACK,
    Action.REPORT_RECTIFICATION,
    Action.VERIFY_RECTIFICATION,
    Action.CLOSE,
)
# Over a 差评 that stands (rated after its rectification, or before 好差评 existed) the next step
# is to redo the case; closing it needs a stated reason and is the secondary choice.
POORLY_RATED_ORDER = (Action.REOPEN, Action.CLOSE)


# ---------------------------------------------------------------- handlers: form data → service call


def _parent_case(user: User, number: str) -> Case:
    parent = Case.objects.visible_to(user).filter(number=number.strip()).first()
    if parent is None:
        raise InvalidInput(f"找不到受理编号为 {number} 的工单。", details={"field": "parent"})
    return parent


Handler = Callable[[Case, User, dict[str, Any]], object]

HANDLERS: dict[Action, Handler] = {
    Action.ANSWER_AT_INTAKE: lambda c, u, d: services.answer_at_intake(c, actor=u, answer=d["answer"]),
    Action.DISPATCH: lambda c, u, d: services.dispatch(
        c,
        actor=u,
        lead_unit=d["lead_unit"],
        co_units=d["co_units"],
        category=d["category"],
        urgency=d["urgency"],
        note=d["note"],
    ),
    Action.ACCEPT: lambda c, u, d: services.accept(c, actor=u),
    Action.RETURN: lambda c, u, d: services.return_case(
        c, actor=u, reason=d["reason"], reason_kind=d["reason_kind"], suggested_unit=d["suggested_unit"]
    ),
    Action.RULE_DISPUTE: lambda c, u, d: services.rule_dispute(
        c,
        actor=u,
        upheld=d["decision"] == "upheld",
        note=d["note"],
        decided_unit=d["decided_unit"] if d["decision"] == "upheld" else None,
        amend_catalogue=d["amend_catalogue"],
    ),
    Action.REQUEST_EXTENSION: lambda c, u, d: services.request_extension(
        c, actor=u, days=d["days"], reason=d["reason"]
    ),
    Action.DECIDE_EXTENSION: lambda c, u, d: services.decide_extension(
        c, actor=u, approve=d["decision"] == "approve", note=d["note"]
    ),
    Action.REQUEST_SUSPENSION: lambda c, u, d: services.request_suspension(
        c, actor=u, reason=d["reason"], explanation=d["explanation"], document=d["document"], days=d["days"]
    ),
    Action.DECIDE_SUSPENSION: lambda c, u, d: services.decide_suspension(
        c, actor=u, approve=d["decision"] == "approve", note=d["note"]
    ),
    Action.RESUME: lambda c, u, d: services.resume(c, actor=u, note=d["note"]),
    Action.REPIN: lambda c, u, d: services.repin_limits(c, actor=u, reason=d["reason"]),
    Action.CONTACT: lambda c, u, d: services.contact(
        c, actor=u, way=d["way"], reached=d["reached"] == "yes", note=d["note"]
    ),
    Action.CONTRIBUTE: lambda c, u, d: services.contribute(c, actor=u, body=d["body"]),
    Action.REPLY: lambda c, u, d: services.submit_reply(
        c,
        actor=u,
        body=d["body"],
        result=d["result"],
        template=d.get("template"),
        files=d.get("reply_files") or [],
    ),
    Action.APPROVE_REPLY: lambda c, u, d: services.approve_reply(c, actor=u, note=d["note"]),
    Action.REJECT_REPLY: lambda c, u, d: services.reject_reply(c, actor=u, note=d["note"]),
    Action.CALLBACK: lambda c, u, d: services.callback(
        c,
        actor=u,
        reached=d["reached"] == "yes",
        resolved=yes_no(d["resolved"]),
        satisfaction=d["satisfaction"],
        comment=d["comment"],
    ),
    Action.CLAIM_CALLBACK: lambda c, u, d: services.claim_callback(c, actor=u),
    Action.RELEASE_CALLBACK: lambda c, u, d: services.release_callback(c, actor=u),
    Action.REPORT_RECTIFICATION: lambda c, u, d: services.report_rectification(
        c, actor=u, report=d["report"]
    ),
    Action.VERIFY_RECTIFICATION: lambda c, u, d: services.verify_rectification(
        c, actor=u, accepted=d["decision"] == "accept", note=d["note"]
    ),
    Action.CLOSE: lambda c, u, d: services.close(c, actor=u, note=d["note"]),
    Action.REOPEN: lambda c, u, d: services.reopen(c, actor=u, reason=d["reason"]),
    Action.MERGE: lambda c, u, d: services.merge(
        c, actor=u, parent=_parent_case(u, d["parent"]), note=d["note"]
    ),
    Action.TRANSFER: lambda c, u, d: services.transfer(c, actor=u, target=d["target"], note=d["note"]),
    Action.SUPERVISE: lambda c, u, d: services.supervise(
        c, actor=u, body=d["body"], respond_days=d["respond_days"]
    ),
}


# ---------------------------------------------------------------- views


def _visible_case(user: User, number: str) -> Case:
    cases = Case.objects.visible_to(user).select_related(
        "category", "township", "lead_unit", "parent", "registered_by", "registered_by__unit"
    )
    return get_object_or_404(cases, number=number)


@login_required
def case_detail(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    case = _visible_case(request.user, number)
    return render(request, "cases/case.html", case_context(request, case))


def _done(request: AuthenticatedHttpRequest, case: Case, verb: Action) -> HttpResponse:
    notice = f"已{verb.label}。"
    if not is_htmx(request):
        messages.success(request, notice)
        return redirect("cases:detail", number=case.number)
    fresh = Case.objects.visible_to(request.user).filter(pk=case.pk).first()
    if fresh is None:  # a unit that has just returned the case no longer sees it
        messages.success(request, f"{notice}工单 {case.number} 已退回热线中心。")
        response = HttpResponse(status=204)
        response["HX-Redirect"] = reverse("home")
        return response
    case = _visible_case(request.user, fresh.number)
    return render(request, "cases/_case_body.html", case_context(request, case, notice=notice))


def _failed(
    request: AuthenticatedHttpRequest, case: Case, verb: Action, form: Any, error: DomainError, status: int
) -> HttpResponse:
    context = case_context(request, case, failed=(verb, form), error=error.message)
    if is_htmx(request):
        # htmx swaps 2xx only: the error comes back as a normal page body.
        return render(request, "cases/_case_body.html", context)
    return render(request, "cases/case.html", context, status=status)


def _bind(request: AuthenticatedHttpRequest, case: Case, verb: Action) -> ActionForm:
    return ACTION_FORMS[verb](request.POST, request.FILES, case=case, user=request.user)


CASE_PAGE: ActionPage[Case, Action] = ActionPage(
    actions=Action,
    refusal=refusal,
    forms={verb: ACTION_FORMS[verb] for verb in HANDLERS},
    load=_visible_case,
    run=lambda verb, case, user, data, request: HANDLERS[verb](case, user, data),
    failed=_failed,
    done=_done,
    bind=_bind,
)


@login_required
@require_POST
def act(request: AuthenticatedHttpRequest, number: str, action: str) -> HttpResponse:
    return CASE_PAGE.act(request, number, action)


# ---------------------------------------------------------------- the page's data


def case_context(
    request: AuthenticatedHttpRequest,
    case: Case,
    *,
    notice: str = "",
    error: str = "",
    failed: tuple[Action, ActionForm] | None = None,
) -> dict[str, Any]:
    user = request.user
    now = timezone.now()
    phone, phone_unmasked = citizen_phone_for(user, case, purpose="case_page", request=request)
    replies = list(case.replies.select_related("author", "reviewer", "unit").prefetch_related("attachments"))
    if not sees_drafts(user, case):
        replies = [r for r in replies if r.status == Reply.Status.APPROVED]
    # The checks of the answer awaiting approval (cases.hooks.reply_checks): shown to the clerk on
    # the draft and to the leader on the approval form, before it goes to the citizen.
    submitted = [r for r in replies if r.status == Reply.Status.SUBMITTED]
    pending = max(submitted, key=lambda r: r.submitted_at, default=None)
    reply_checks = hooks.reply_checks(case, pending.body) if pending is not None else None
    actions = []
    poorly_rated = case.state == State.CALLED_BACK and case.poorly_rated
    for verb in sorted(available_actions(user, case), key=lambda v: _action_order(v, poorly_rated)):
        if verb == Action.SUPERVISE and (url := hooks.supervise_form_url(case)):
            # 督办 opens the supervision app's own form (colour, 反馈期限), not a form of this page.
            actions.append({"action": verb, "link": url, "hint": ACTION_HINTS[verb], "secondary": False})
            continue
        form = failed[1] if failed and failed[0] == verb else ACTION_FORMS[verb](case=case, user=user)
        hint = ACTION_HINTS.get(verb, "")
        secondary = verb == Action.RELEASE_CALLBACK or (poorly_rated and verb == Action.CLOSE)
        if poorly_rated and verb == Action.CLOSE:
            hint = "诉求人不满意：确属诉求不合理或政策不支持的，写明理由后结案"
        checks = reply_checks if verb == Action.APPROVE_REPLY else None
        actions.append({"action": verb, "form": form, "hint": hint, "secondary": secondary, "checks": checks})
    return {
        "case": case,
        "phone": phone,
        "phone_unmasked": phone_unmasked,
        "content": case_text_for(user, case, purpose="case_page", request=request),
        "deadline": deadline_of(case, now),
        "assignments": list(case.assignments.select_related("unit").order_by("dispatched_at", "role")),
        "replies": replies,
        "pending_reply": pending,
        # The leader reads them on the approval form; everyone else who sees the draft, on it.
        "draft_checks": None if any(a.get("checks") is not None for a in actions) else reply_checks,
        "callbacks": list(case.callbacks.select_related("by")),
        "rectifications": list(case.rectifications.select_related("unit", "reported_by", "verified_by")),
        "claim_holder": case.callback_claim_holder(now) if case.state == State.REPLIED else None,
        "extensions": list(case.extensions.select_related("unit", "requested_by", "decided_by")),
        "suspensions": list(case.suspensions.select_related("unit", "decided_by")),
        # The 督办单 are the supervision app's: it renders their section (cases.hooks).
        "supervision_panel": hooks.supervision_panel(case, user, request),
        # The 政务服务 application a complaint is about: the affairs app's section (cases.hooks).
        "application_panel": hooks.application_panel(case, user, request),
        # 高频事 and the results of 未诉先办 tasks on them: the hotspots app's section (cases.hooks).
        "hotspot_panel": hooks.hotspot_panel(case, user, request),
        # 违法建设: the linked violation's state or the 转为违建 button (the enforcement app's section).
        "violation_panel": hooks.violation_panel(case, user, request),
        # 突发事件: the incidents the case was reported in, or 登记为突发事件 (the duty app's section).
        "incident_panel": hooks.incident_panel(case, user, request),
        # 退单 and their rulings: the unit sees its own (the ruling is addressed to it).
        "disputes": _disputes_for(user, case),
        "excluded_unit_ids": Dispute.excluded_unit_ids(case),
        # 提级办理: the supervisors' summary of who had the case, for how long and why it moved.
        "stints": stints(case) if case.escalated_at is not None and not user.is_unit_staff else [],
        "duplicates": list(case.duplicates.all()),
        "events": visible_events(user, case),
        "actions": actions,
        "notice": notice,
        "error": error,
        "failed_action": failed[0] if failed else None,
        "links_to_other_cases": user.is_centre_staff or user.is_superuser,
        # The triage's advice is for the centre, which dispatches; units get the dispatch itself.
        # It may still be on its way (triage runs in the worker): then the page polls for it.
        **triage_context(user, case),
    }


def _disputes_for(user: User, case: Case) -> list[Dispute]:
    related = ("unit", "suggested_unit", "decided_unit", "ruled_by", "returned_by")
    disputes = case.disputes.select_related(*related)
    if user.is_unit_staff:  # a unit's staff without a unit see none
        disputes = disputes.filter(unit_id=user.unit_id) if user.unit_id is not None else disputes.none()
    return list(disputes)


def _action_order(verb: Action, poorly_rated: bool = False) -> int:
    if poorly_rated and verb in POORLY_RATED_ORDER:
        return -len(POORLY_RATED_ORDER) + POORLY_RATED_ORDER.index(verb)
    return PRIMARY_ACTIONS.index(verb) if verb in PRIMARY_ACTIONS else len(PRIMARY_ACTIONS)
