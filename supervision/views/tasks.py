"""The decision tasks' pages: the 督办台账 (ledger), one task with its actions, a new task (批示),
and the 督办单 on a task. Every write is one verb of supervision.services."""

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

from accounts.models import Role
from loop.pages import ActionPage
from mochou.errors import DomainError
from mochou.http import AuthenticatedHttpRequest
from supervision.ledger import ledger_queryset, task_row
from supervision.services import task_notices as tn
from supervision.services import tasks as svc
from supervision.task_forms import (
    ACTION_FORMS,
    AssignForm,
    LedgerFilter,
    NewTaskForm,
    NoticeIssueForm,
    ReportForm,
    SplitForm,
)
from supervision.task_guards import TASK_GUARDS, task_actions
from supervision.task_models import Task
from supervision.task_workflow import TaskAction, TaskState

A = TaskAction
LIGHT_ORDER = {"red": 0, "yellow": 1, "blue": 2, "green": 3, "none": 4, "done": 5}
HINTS: dict[TaskAction, str] = {
    A.APPROVE: "确认事项内容无误后立项",
    A.ASSIGN: "明确牵头单位、协办单位、责任领导和办结时限",
    A.SIGN: "确认本单位牵头办理该事项",
    A.REQUEST_ADJUST: "事项不属于本单位职责或表述需调整时，说明理由报督查室",
    A.GRANT_ADJUST: "同意后事项回到“已立项”，修改后重新交办",
    A.REFUSE_ADJUST: "不同意调整，事项仍由原单位签收办理",
    A.REPORT: "按期报送进展；已预填上次内容",
    A.REQUEST_EXTENSION: "在办结时限前申请，督查室审核后报责任领导审批",
    A.APPROVE_EXTENSION: "同意延期申请",
    A.REFUSE_EXTENSION: "不同意延期，按原时限办理",
    A.REQUEST_CLOSE: "事项办结后提交办结情况和佐证材料",
    A.FIRST_REVIEW: "督查室核实办结情况，通过后报责任领导审结",
    A.RETURN: "办结情况不实或不完整，退回重办（同时发黄色督办单）",
    A.FINAL_REVIEW: "责任领导审结，事项销号",
    A.LEADER_RETURN: "责任领导认为未办结，退回重办",
}


def may_view_tasks(user: Any) -> bool:
    return bool(
        user.is_superuser
        or user.role in (Role.SUPERVISOR, Role.LEADER, Role.ADMIN, Role.AUDITOR)
        or (user.role in (Role.CLERK, Role.UNIT_LEADER) and user.unit_id is not None)
    )


@login_required
def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    """/supervision/: the 督查室 and leaders start at the 八大计划 cockpit, a unit at the ledger
    (which shows it its own tasks); anyone else is refused, as on those pages."""
    user = request.user
    if not may_view_tasks(user):
        raise PermissionDenied("您的角色不查看督查督办。")
    if user.role in (Role.CLERK, Role.UNIT_LEADER) and not user.is_superuser:
        return redirect("supervision:tasks")
    return redirect("supervision:cockpit")


def _visible(user: Any) -> Any:
    if not may_view_tasks(user):
        raise PermissionDenied("您的角色不查看督办事项。")
    return ledger_queryset(Task.objects.visible_to(user))


def _task(user: Any, number: str) -> Task:
    task: Task = get_object_or_404(_visible(user), number=number)
    return task


def filtered_rows(request: AuthenticatedHttpRequest) -> tuple[LedgerFilter, list[Any]]:
    now = timezone.now()
    form = LedgerFilter(request.GET or None)
    tasks = _visible(request.user)
    light, sort = "", "deadline"
    if form.is_valid():
        data = form.cleaned_data
        if data["plan"]:
            tasks = tasks.filter(plan=data["plan"])
        if data["leader"]:
            tasks = tasks.filter(leader=data["leader"])
        if unit := (data["unit"] or "").strip():
            tasks = tasks.filter(
                Q(lead_unit__name__contains=unit)
                | Q(lead_unit__short_name__contains=unit)
                | Q(lead_unit__code=unit)
            )
        if data["source_kind"]:
            tasks = tasks.filter(source_kind=data["source_kind"])
        if data["state"]:
            tasks = tasks.filter(state=data["state"])
        light, sort = data["light"] or "", data["sort"] or "deadline"
    if sort in ("deadline", "-deadline", "number"):
        tasks = tasks.order_by(sort, "number")
    rows = [task_row(t, now) for t in tasks[:500]]
    if light:
        rows = [r for r in rows if r.light == light]
    if sort == "light":
        rows.sort(key=lambda r: (LIGHT_ORDER[r.light], r.days_left if r.days_left is not None else 9999))
    return form, rows


@login_required
def ledger(request: AuthenticatedHttpRequest) -> HttpResponse:
    form, rows = filtered_rows(request)
    context = {"form": form, "rows": rows, "may_create": TASK_GUARDS.may(request.user, A.APPROVE)}
    template = (
        "supervision/tasks/_ledger_table.html"
        if request.headers.get("HX-Request")
        else "supervision/tasks/ledger.html"
    )
    return render(request, template, context)


def _form_for(verb: TaskAction, task: Task) -> Any:
    if verb == A.ASSIGN:
        return AssignForm(task=task, prefix=verb.value)
    if verb == A.REPORT:
        last = svc.last_report(task)
        initial: dict[str, object] = {"progress": task.progress}
        if last is not None:  # 减负: the last report prefilled, to be amended, not retyped
            initial.update(body=last.body, evidence=last.evidence, next_steps=last.next_steps)
        return ReportForm(initial=initial, prefix=verb.value)
    return ACTION_FORMS[verb](prefix=verb.value)


def task_context(
    request: AuthenticatedHttpRequest,
    task: Task,
    *,
    failed: Any = None,
    error: str = "",
    split_form: SplitForm | None = None,
) -> dict[str, Any]:
    user, now = request.user, timezone.now()
    actions = []
    for verb in task_actions(user, task):
        form = failed[1] if failed and failed[0] == verb else _form_for(verb, task)
        actions.append({"action": verb, "form": form, "hint": HINTS[verb]})
    may_notice = TASK_GUARDS.may(user, A.FIRST_REVIEW) and task.is_open and task.lead_unit_id is not None
    # 分解 is the 督查室's (who may 立项: split_task asks the same rule) on a task not yet 销号.
    may_split = TASK_GUARDS.may(user, A.APPROVE) and task.state != TaskState.CLOSED
    return {
        "task": task,
        "row": task_row(task, now),
        "reports": list(task.reports.select_related("author").order_by("-created_at", "-pk")),
        "notices": list(task.notices.order_by("-created_at")),
        "children": [
            task_row(c, now) for c in task.children.select_related("lead_unit").prefetch_related("notices")
        ],
        "events": list(task.events.select_related("actor").order_by("seq")),
        "actions": actions,
        "notice_form": NoticeIssueForm() if may_notice else None,
        "split_form": (split_form or SplitForm(task=task, prefix="split")) if may_split else None,
        "error": error,
        "failed_action": failed[0] if failed else None,
    }


@login_required
def detail(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    return render(request, "supervision/tasks/task.html", task_context(request, _task(request.user, number)))


def _run(verb: TaskAction, task: Task, user: Any, data: dict[str, Any]) -> None:
    if verb == A.APPROVE:
        svc.approve_task(task, actor=user)
    elif verb == A.ASSIGN:
        svc.assign_task(
            task,
            actor=user,
            lead_unit=data["lead_unit"],
            co_units=list(data["co_units"]),
            leader=data["leader"],
            deadline=data["deadline"],
            report_every=data["report_every"],
            indicators=list(data["indicators"]),
        )
    elif verb == A.SIGN:
        svc.sign_task(task, actor=user)
    elif verb == A.REQUEST_ADJUST:
        svc.request_adjust(task, actor=user, reason=data["reason"])
    elif verb in (A.GRANT_ADJUST, A.REFUSE_ADJUST):
        svc.rule_adjust(task, actor=user, grant=verb == A.GRANT_ADJUST, note=data["note"])
    elif verb == A.REPORT:
        svc.report_progress(
            task,
            actor=user,
            body=data["body"],
            progress=data["progress"],
            evidence=data["evidence"],
            next_steps=data["next_steps"],
            stage=data["stage"],
        )
    elif verb == A.REQUEST_EXTENSION:
        svc.request_extension(task, actor=user, until=data["until"], reason=data["reason"])
    elif verb in (A.APPROVE_EXTENSION, A.REFUSE_EXTENSION):
        svc.rule_extension(task, actor=user, grant=verb == A.APPROVE_EXTENSION, note=data["note"])
    elif verb == A.REQUEST_CLOSE:
        svc.request_close(task, actor=user, body=data["body"], evidence=data["evidence"])
    elif verb == A.FIRST_REVIEW:
        svc.first_review(task, actor=user, note=data["note"])
    elif verb in (A.RETURN, A.LEADER_RETURN):
        svc.return_task(task, actor=user, note=data["note"])
    elif verb == A.FINAL_REVIEW:
        svc.final_review(task, actor=user, note=data["note"])
    else:  # pragma: no cover
        raise Http404("没有这个操作")


def _failed(
    request: Any, task: Task, verb: TaskAction, form: Any, error: DomainError, status: int
) -> HttpResponse:
    context = task_context(request, task, failed=(verb, form), error=error.message)
    return render(request, "supervision/tasks/task.html", context, status=status)


TASK_PAGE: ActionPage[Task, TaskAction] = ActionPage(
    actions=TaskAction,
    refusal=TASK_GUARDS.refusal,
    forms=ACTION_FORMS,
    load=_task,
    run=lambda verb, task, user, data, request: _run(verb, task, user, data),
    failed=_failed,
    detail_url="supervision:task",
    bind=lambda request, task, verb: ACTION_FORMS[verb](request.POST, prefix=verb.value),
)


@login_required
@require_POST
def act(request: AuthenticatedHttpRequest, number: str, action: str) -> HttpResponse:
    return TASK_PAGE.act(request, number, action)


@login_required
def new_task(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    if not TASK_GUARDS.may(user, A.APPROVE):
        raise PermissionDenied("只有督查室可以立项。")
    form = NewTaskForm(request.POST or None)
    error, status = "", 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                task = svc.create_task(
                    actor=user,
                    title=data["title"],
                    body=data["body"],
                    source_kind=data["source_kind"],
                    plan=data["plan"],
                    target_text=data["target_text"],
                    deadline=data["deadline"],
                    major=data["major"],
                    indicators=list(data["indicators"]),
                )
            except DomainError as exc:
                error, status = exc.message, exc.status
            else:
                messages.success(request, f"已立项 {task.number}，请交办。")
                return redirect("supervision:task", number=task.number)
        else:
            error, status = "请按提示修改后再提交。", 422
    return render(request, "supervision/tasks/new.html", {"form": form, "error": error}, status=status)


@login_required
@require_POST
def issue_notice(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    user = request.user
    task = _task(user, number)
    form = NoticeIssueForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写督办要求。")
        return redirect("supervision:task", number=task.number)
    data = form.cleaned_data
    try:
        notice = tn.issue_task_notice(
            task, actor=user, colour=data["colour"], body=data["body"], respond_days=data["respond_days"]
        )
    except DomainError as exc:
        context = task_context(request, task, error=exc.message)
        return render(request, "supervision/tasks/task.html", context, status=exc.status)
    messages.success(request, f"已下发{notice.get_colour_display()}督办单 {notice.number}。")
    return redirect("supervision:task_notice", number=notice.number)


@login_required
@require_POST
def split(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    """分解: the task's sub-tasks, one per unit (supervision.services.tasks.split_task)."""
    user = request.user
    task = _task(user, number)
    form = SplitForm(request.POST, task=task, prefix="split")
    error, status = "请按提示修改后再提交。", 422
    if form.is_valid():
        try:
            children = svc.split_task(task, actor=user, parts=form.parts())
        except DomainError as exc:
            error, status = exc.message, exc.status
        else:
            messages.success(request, f"已分解为 {len(children)} 项子任务，请逐项交办。")
            return redirect("supervision:task", number=task.number)
    context = task_context(request, task, error=error, split_form=form)
    return render(request, "supervision/tasks/task.html", context, status=status)
