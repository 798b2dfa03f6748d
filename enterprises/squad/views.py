"""莫愁小分队's staff pages: the team's queue, one visit with its actions, a liaison's booking."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.forms import BaseForm, Form
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from enterprises.models import Enterprise, SquadVisit
from mochou.errors import DomainError
from mochou.http import AuthenticatedHttpRequest

from . import guards, services
from .config import config
from .forms import BookForm, ReasonForm, RecordForm, ScheduleForm
from .workflow import Action, State

# Each staff action's form; the rating is the enterprise's (squad/access.py).
ACTION_FORMS: dict[Action, type[Form]] = {
    Action.SCHEDULE: ScheduleForm,
    Action.RECORD: RecordForm,
    Action.RETURN: ReasonForm,
    Action.CANCEL: ReasonForm,
}


def shows_link(user: Any) -> bool:
    """The top bar's link, with no query (the bar is on every page): centre staff and superusers.
    Members and liaisons reach the queue from the 企业诉求 pages and their notifications."""
    return bool(user.is_authenticated and user.is_active and (user.is_superuser or user.is_centre_staff))


def _form_error(form: BaseForm, error: DomainError) -> None:
    field = error.details.get("field")
    form.add_error(field if field in form.fields else None, error.message)


@login_required
@require_GET
def queue(request: AuthenticatedHttpRequest) -> HttpResponse:
    """上门帮办: open requests first, then scheduled, then the rest."""
    visits = services.visible_visits(request.user)
    state = request.GET.get("state", "")
    if state in State.values:
        visits = visits.filter(state=state)
    context = {
        "visits": visits.order_by("wished_date", "pk")[:200],
        "states": State.choices,
        "state": state,
        "is_leader": guards.is_leader(request.user),
        "cap": config(),
    }
    return render(request, "enterprises/squad/queue.html", context)


def _visit_for(request: AuthenticatedHttpRequest, pk: int) -> SquadVisit:
    return get_object_or_404(services.visible_visits(request.user), pk=pk)


def _detail(
    request: AuthenticatedHttpRequest,
    visit: SquadVisit,
    *,
    bound: dict[Action, Form] | None = None,
    status: int = 200,
) -> HttpResponse:
    available = guards.GUARDS.available(request.user, visit, offered=ACTION_FORMS)
    forms = {a: (bound or {}).get(a) or ACTION_FORMS[a](prefix=a.value) for a in available}
    context = {
        "visit": visit,
        "forms": [(a, a.label, forms[a]) for a in available],
        "events": visit.events.select_related("actor").order_by("seq"),
        "problems": visit.problems.select_related("appeal__case"),
    }
    return render(request, "enterprises/squad/detail.html", context, status=status)


@login_required
@require_GET
def detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _visit_for(request, pk))


def _run(request: AuthenticatedHttpRequest, visit: SquadVisit, action: Action, form: Form) -> SquadVisit:
    data, user = form.cleaned_data, request.user
    if action == Action.SCHEDULE:
        return services.schedule(visit, actor=user, day=data["scheduled_date"], members=list(data["members"]))
    if action == Action.RECORD and isinstance(form, RecordForm):
        return services.record(
            visit,
            actor=user,
            visited_on=data["visited_on"],
            attendees=list(data["attendees"]),
            discussed=data["discussed"],
            problems=form.problems(),
        )
    if action == Action.RETURN:
        return services.return_visit(visit, actor=user, reason=data["reason"])
    return services.cancel(visit, actor=user, reason=data["reason"])


@login_required
@require_POST
def act(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    visit = _visit_for(request, pk)
    try:
        action = Action(request.POST.get("action", ""))
    except ValueError:
        messages.error(request, "未知的操作。")
        return redirect("enterprises:squad_detail", pk=visit.pk)
    if action not in ACTION_FORMS:
        messages.error(request, "未知的操作。")
        return redirect("enterprises:squad_detail", pk=visit.pk)
    refusal = guards.GUARDS.refusal(request.user, visit, action)
    if refusal is not None:
        messages.error(request, refusal.message)
        return _detail(request, visit, status=refusal.status)
    form = ACTION_FORMS[action](request.POST, prefix=action.value)
    if form.is_valid():
        try:
            _run(request, visit, action, form)
        except DomainError as error:
            _form_error(form, error)
        else:
            messages.success(request, f"已{action.label}。")
            return redirect("enterprises:squad_detail", pk=visit.pk)
    return _detail(request, visit, bound={action: form}, status=422)


@login_required
def book(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """代企业申请: the enterprise's liaison books a visit for it (counted by the cap)."""
    enterprise = get_object_or_404(Enterprise.objects.visible_to(request.user), pk=pk)
    if not guards.may_book_for(request.user, enterprise):
        raise PermissionDenied("只有该企业的店小二可以代企业申请上门帮办。")
    form = BookForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            visit = services.book(
                enterprise,
                actor=request.user,
                topics=form.cleaned_data["topics"],
                wished_date=form.cleaned_data["wished_date"],
            )
        except DomainError as error:
            _form_error(form, error)
        else:
            messages.success(request, "已提交上门帮办申请，小分队队长安排后会通知走访人员。")
            return redirect("enterprises:squad_detail", pk=visit.pk)
    status = 422 if request.method == "POST" else 200
    context = {"enterprise": enterprise, "form": form, "cap": config()}
    return render(request, "enterprises/squad/book.html", context, status=status)
