"""The 督办单 on a decision task: read, sign for, answer, approve, print."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from mochou.errors import DomainError, InvalidInput
from mochou.http import AuthenticatedHttpRequest
from supervision.forms import ACTION_FORMS
from supervision.guards import GUARDS, OFFERED
from supervision.services import task_notices as tn
from supervision.services.task_notices import reason_label
from supervision.task_models import Task, TaskNotice
from supervision.views.tasks import _visible
from supervision.workflow import Action


def _notice(user: Any, number: str) -> TaskNotice:
    tasks = _visible(user)
    notice: TaskNotice = get_object_or_404(
        TaskNotice.objects.select_related("task", "unit", "supervisor", "previous").filter(
            task__in=Task.objects.filter(pk__in=tasks.values("pk"))
        ),
        number=number,
    )
    return notice


def _context(user: Any, notice: TaskNotice, *, error: str = "") -> dict[str, Any]:
    actions = []
    for verb in GUARDS.available(user, notice, offered=OFFERED):
        form_class = ACTION_FORMS[verb]
        form = form_class(notice=notice) if verb == Action.ANSWER else form_class()  # type: ignore[call-arg]
        actions.append({"action": verb, "form": form})
    return {
        "notice": notice,
        "reason": reason_label(notice.reason),
        "overdue": notice.state in ("issued", "signed") and notice.respond_by <= timezone.now(),
        "events": list(notice.events.select_related("actor").order_by("seq")),
        "actions": actions,
        "error": error,
    }


@login_required
def detail(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    notice = _notice(request.user, number)
    return render(request, "supervision/tasks/notice.html", _context(request.user, notice))


@login_required
def print_notice(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    notice = _notice(request.user, number)
    return render(
        request,
        "supervision/tasks/notice_print.html",
        {"notice": notice, "reason": reason_label(notice.reason)},
    )


@login_required
@require_POST
def act(request: AuthenticatedHttpRequest, number: str, action: str) -> HttpResponse:
    try:
        verb = Action(action)
    except ValueError:
        raise Http404("没有这个操作") from None
    if verb not in ACTION_FORMS:
        raise Http404("没有这个操作")
    user = request.user
    notice = _notice(user, number)
    form = ACTION_FORMS[verb](request.POST)
    error: DomainError | None = GUARDS.refusal(user, notice, verb)
    if error is None and not form.is_valid():
        error = InvalidInput("请按提示修改后再提交。")
    if error is None:
        data = form.cleaned_data
        try:
            if verb == Action.SIGN:
                tn.sign_task_notice(notice, actor=user)
            elif verb == Action.ANSWER:
                tn.answer_task_notice(notice, actor=user, body=data["body"])
            elif verb == Action.APPROVE:
                tn.approve_task_notice(notice, actor=user)
            elif verb == Action.RETURN:
                tn.return_task_notice(notice, actor=user, note=data["note"])
        except DomainError as exc:
            error = exc
    if error is None:
        messages.success(request, f"已{verb.label}。")
        return redirect("supervision:task_notice", number=notice.number)
    context = _context(user, _notice(user, number), error=error.message)
    return render(
        request,
        "supervision/tasks/notice.html",
        context,
        status=error.status if 400 <= error.status < 500 else 400,
    )
