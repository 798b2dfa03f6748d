"""The 督办单 on a decision task: the list (事项督办单), read, sign for, answer, approve, print."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from loop.pages import ActionPage
from mochou.errors import DomainError
from mochou.http import AuthenticatedHttpRequest
from supervision.forms import ACTION_FORMS
from supervision.guards import GUARDS, OFFERED
from supervision.services import task_notices as tn
from supervision.services.task_notices import reason_label
from supervision.task_models import Task, TaskNotice
from supervision.views.tasks import _visible, may_view_tasks
from supervision.workflow import OPEN_STATES, Action, Colour

PAGE_SIZE = 200


def _notices(user: Any) -> Any:
    """The notices on the tasks the user may see (a unit: its own tasks'), as the task page."""
    tasks = _visible(user)
    return TaskNotice.objects.select_related("task", "unit", "supervisor", "previous").filter(
        task__in=Task.objects.filter(pk__in=tasks.values("pk"))
    )


def _notice(user: Any, number: str) -> TaskNotice:
    notice: TaskNotice = get_object_or_404(_notices(user), number=number)
    return notice


def open_count(user: Any) -> int | None:
    """How many task notices wait on the user (None: the user does not see tasks)."""
    if not may_view_tasks(user):
        return None
    count: int = _notices(user).filter(state__in=OPEN_STATES).count()
    return count


@login_required
def queue(request: AuthenticatedHttpRequest) -> HttpResponse:
    """事项督办单: a unit finds here the 督办单 on its tasks (the top bar's 督办单 lists a case's)."""
    now = timezone.now()
    notices = _notices(request.user).order_by("-created_at", "-pk")
    show = request.GET.get("show", "open")
    if show == "open":
        notices = notices.filter(state__in=OPEN_STATES)
    colour = request.GET.get("colour", "")
    if colour in Colour.values:
        notices = notices.filter(colour=colour)
    rows = [
        {
            "notice": n,
            "reason": reason_label(n.reason),
            "overdue": n.state in OPEN_STATES and n.respond_by <= now,
        }
        for n in notices[:PAGE_SIZE]
    ]
    context = {"rows": rows, "show": show, "colour": colour, "colours": Colour.choices}
    return render(request, "supervision/tasks/notices.html", context)


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


def _run(verb: Action, notice: TaskNotice, user: Any, data: dict[str, Any]) -> None:
    if verb == Action.SIGN:
        tn.sign_task_notice(notice, actor=user)
    elif verb == Action.ANSWER:
        tn.answer_task_notice(notice, actor=user, body=data["body"])
    elif verb == Action.APPROVE:
        tn.approve_task_notice(notice, actor=user)
    elif verb == Action.RETURN:
        tn.return_task_notice(notice, actor=user, note=data["note"])
    else:  # pragma: no cover - ACTION_FORMS holds exactly these
        raise Http404("没有这个操作")


def _failed(
    request: Any, notice: TaskNotice, verb: Action, form: Any, error: DomainError, status: int
) -> HttpResponse:
    context = _context(request.user, notice, error=error.message)
    return render(request, "supervision/tasks/notice.html", context, status=status)


TASK_NOTICE_PAGE: ActionPage[TaskNotice, Action] = ActionPage(
    actions=Action,
    refusal=GUARDS.refusal,
    forms=ACTION_FORMS,
    load=_notice,
    run=lambda verb, notice, user, data, request: _run(verb, notice, user, data),
    failed=_failed,
    detail_url="supervision:task_notice",
    bind=lambda request, notice, verb: ACTION_FORMS[verb](request.POST),
)


@login_required
@require_POST
def act(request: AuthenticatedHttpRequest, number: str, action: str) -> HttpResponse:
    return TASK_NOTICE_PAGE.act(request, number, action)
