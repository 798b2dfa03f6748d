"""The 督办单 pages: the queue (督办单), one notice with its actions, issuing one on a case, and
the printable 督办单. Every write is one verb of supervision.services."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.privacy import case_text_for, citizen_phone_for, mask_name
from cases.guards import refusal as case_refusal
from cases.models import Case
from cases.workflow import Action as CaseAction
from loop.pages import ActionPage
from mochou.errors import DomainError
from mochou.http import AuthenticatedHttpRequest
from supervision import services
from supervision.forms import ACTION_FORMS, IssueForm, QueueFilter
from supervision.guards import GUARDS, available_actions
from supervision.models import Notice
from supervision.views import task_notices
from supervision.views.common import notice_row, notice_rows
from supervision.workflow import Action, Colour

PAGE_SIZE = 100

HINTS: dict[Action, str] = {
    Action.SIGN: "确认本单位已收到督办单，将按期反馈",
    Action.ANSWER: "填写办理情况，提交单位负责人审核后反馈督办员",
    Action.APPROVE: "审核通过后反馈送达督办员",
    Action.RETURN: "反馈不妥时退回承办人修改",
}


def _visible(user: Any) -> Any:
    return Notice.objects.visible_to(user).select_related(
        "case", "unit", "supervisor", "addressed_to", "signed_by", "answered_by", "approved_by", "previous"
    )


def _notice(user: Any, number: str) -> Notice:
    notice: Notice = get_object_or_404(_visible(user), number=number)
    return notice


@login_required
def queue(request: AuthenticatedHttpRequest) -> HttpResponse:
    user, now = request.user, timezone.now()
    if not (user.is_centre_staff or user.is_unit_staff or user.is_superuser):
        raise PermissionDenied("您的角色不查看督办单。")
    form = QueueFilter(request.GET or None)
    notices = _visible(user).order_by("-created_at", "-pk")
    if form.is_valid():
        data = form.cleaned_data
        if data["state"]:
            notices = notices.filter(state=data["state"])
        if data["colour"]:
            notices = notices.filter(colour=data["colour"])
        if data["unit"]:
            unit = data["unit"].strip()
            notices = notices.filter(
                Q(unit__name__contains=unit) | Q(unit__short_name__contains=unit) | Q(unit__code=unit)
            )
        if data["late"]:
            notices = notices.late(now)
        if data["q"]:
            q = data["q"].strip()
            notices = notices.filter(Q(number__icontains=q) | Q(case__number=q))
    total = notices.count()
    rows = notice_rows(list(notices[:PAGE_SIZE]), user, now)
    return render(
        request,
        "supervision/queue.html",
        {
            "rows": rows,
            "form": form,
            "total": total,
            "shown": len(rows),
            "colours": Colour,
            # The 督办单 on decision tasks are listed apart (another loop, another table); a unit
            # that comes here for its 督办单 is pointed there.
            "task_notices_open": task_notices.open_count(user),
        },
    )


def notice_context(
    request: AuthenticatedHttpRequest,
    notice: Notice,
    *,
    failed: tuple[Action, Any] | None = None,
    error: str = "",
) -> dict[str, Any]:
    user, now = request.user, timezone.now()
    actions = []
    for verb in available_actions(user, notice):
        form_class = ACTION_FORMS[verb]
        if failed and failed[0] == verb:
            form = failed[1]
        else:
            form = form_class(notice=notice) if verb == Action.ANSWER else form_class()  # type: ignore[call-arg]  # only AnswerForm takes the notice
        actions.append({"action": verb, "form": form, "hint": HINTS[verb]})
    return {
        "row": notice_row(notice, user, now),
        "notice": notice,
        "ladder": notice.ladder(),
        "events": list(notice.events.select_related("actor", "actor_unit").order_by("seq")),
        "actions": actions,
        "error": error,
        "failed_action": failed[0] if failed else None,
    }


@login_required
def detail(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    notice = _notice(request.user, number)
    return render(request, "supervision/notice.html", notice_context(request, notice))


def _run(verb: Action, notice: Notice, user: Any, data: dict[str, Any]) -> None:
    if verb == Action.SIGN:
        services.sign_notice(notice, actor=user)
    elif verb == Action.ANSWER:
        services.answer_notice(notice, actor=user, body=data["body"])
    elif verb == Action.APPROVE:
        services.approve_answer(notice, actor=user, note=data["note"])
    elif verb == Action.RETURN:
        services.return_answer(notice, actor=user, note=data["note"])
    else:  # pragma: no cover - ACTION_FORMS holds exactly these
        raise Http404("没有这个操作")


def _failed(
    request: Any, notice: Notice, verb: Action, form: Any, error: DomainError, status: int
) -> HttpResponse:
    context = notice_context(request, notice, failed=(verb, form), error=error.message)
    return render(request, "supervision/notice.html", context, status=status)


NOTICE_PAGE: ActionPage[Notice, Action] = ActionPage(
    actions=Action,
    refusal=GUARDS.refusal,
    forms=ACTION_FORMS,
    load=_notice,
    run=lambda verb, notice, user, data, request: _run(verb, notice, user, data),
    failed=_failed,
    detail_url="supervision:detail",
    bind=lambda request, notice, verb: ACTION_FORMS[verb](request.POST),
)


@login_required
@require_POST
def act(request: AuthenticatedHttpRequest, number: str, action: str) -> HttpResponse:
    return NOTICE_PAGE.act(request, number, action)


@login_required
def issue(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    """督办: the form for a 督办单 on one case (the case page's 督办 button leads here)."""
    user = request.user
    case = get_object_or_404(Case.objects.visible_to(user).select_related("lead_unit"), number=number)
    refused = case_refusal(user, case, CaseAction.SUPERVISE)
    form = IssueForm(request.POST or None)
    error = refused.message if refused is not None else ""
    status = refused.status if refused is not None else 200
    if request.method == "POST" and refused is None:
        if form.is_valid():
            data = form.cleaned_data
            try:
                notice = services.issue_notice(
                    case,
                    actor=user,
                    body=data["body"],
                    respond_days=data["respond_days"],
                    colour=data["colour"],
                    major=data["major"],
                )
            except DomainError as exc:
                error, status = exc.message, exc.status
                field = exc.details.get("field")
                if field in form.fields:
                    form.add_error(field, exc.message)
            else:
                messages.success(request, f"已下发{notice.get_colour_display()}督办单 {notice.number}。")
                return redirect("supervision:detail", number=notice.number)
        else:
            error, status = "请按提示修改后再提交。", 422
    context = {"case": case, "form": form, "error": error, "may_issue": refused is None}
    return render(request, "supervision/issue.html", context, status=status)


@login_required
def print_notice(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    """The printable 督办单 (one A4 page): the citizen's data as this user may see it."""
    user = request.user
    notice = _notice(user, number)
    case = notice.case
    phone, _ = citizen_phone_for(user, case, purpose="supervision_print", request=request)
    context = {
        "notice": notice,
        "row": notice_row(notice, user, timezone.now()),
        "case": case,
        # On paper the caller's name is always masked: a printed sheet leaves the screen's audit.
        "citizen_name": mask_name(case.citizen_name),
        "phone": phone,
        "content": case_text_for(user, case, purpose="supervision_print", request=request),
    }
    return render(request, "supervision/print.html", context)
