"""莫愁超市's staff pages: needs, one need with its responses and actions, agencies and their
ranking, the office's agency register."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.forms import BaseForm, Form
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from investment.models import Project
from mochou.errors import DomainError
from mochou.http import AuthenticatedHttpRequest

from . import access, ranking, services
from .forms import (
    AgencyForm,
    DeliverForm,
    NeedForm,
    QualificationForm,
    RateForm,
    ReasonForm,
    SelectForm,
    ServiceForm,
    StartForm,
)
from .models import Agency, Need
from .workflow import Action, ServiceType, State

ACTION_FORMS: dict[Action, type[Form]] = {
    Action.SELECT: SelectForm,
    Action.START: StartForm,
    Action.DELIVER: DeliverForm,
    Action.RATE: RateForm,
    Action.WITHDRAW: ReasonForm,
    Action.FAIL: ReasonForm,
}


def _form_error(form: BaseForm, error: DomainError) -> None:
    field = error.details.get("field")
    form.add_error(field if field in form.fields else None, error.message)


def _require_use(request: AuthenticatedHttpRequest) -> None:
    if not access.may_use(request.user):
        raise PermissionDenied("您没有使用中介超市的权限。")


@login_required
@require_GET
def need_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_use(request)
    needs = services.visible_needs(request.user)
    state = request.GET.get("state", "")
    if state in State.values:
        needs = needs.filter(state=state)
    projects = access.publishable_projects(request.user).order_by("-created_at")[:300]
    context = {"needs": needs[:200], "states": State.choices, "state": state, "projects": projects}
    return render(request, "intermediaries/needs.html", context)


@login_required
@require_GET
def need_pick(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The list's 发布需求 picker: on to the chosen project's form."""
    _require_use(request)  # an outsider is refused here, not bounced on to a page that refuses
    number = request.GET.get("project", "")
    if not number or len(number) > 16:
        messages.error(request, "请选择项目。")
        return redirect("intermediaries:needs")
    return redirect("intermediaries:need_new", number=number)


def _make(action: Action, need: Need, data: Any = None) -> Form:
    if action == Action.SELECT:
        return SelectForm(data, need=need, prefix=action.value)
    return ACTION_FORMS[action](data, prefix=action.value)


def _detail(
    request: AuthenticatedHttpRequest,
    need: Need,
    *,
    bound: dict[Action, Form] | None = None,
    status: int = 200,
) -> HttpResponse:
    available = access.GUARDS.available(request.user, need, offered=ACTION_FORMS)
    forms = {a: (bound or {}).get(a) or _make(a, need) for a in available}
    records = {r.agency.pk: r for r in ranking.records(today=timezone.localdate())}
    responses = [(r, records.get(r.agency_id)) for r in need.responses.select_related("agency")]
    context = {
        "need": need,
        "responses": responses,
        "cheapest": services.cheapest(need),
        "forms": [(a, a.label, forms[a]) for a in available],
        "events": need.events.select_related("actor").order_by("seq"),
    }
    return render(request, "intermediaries/need.html", context, status=status)


def _need_for(request: AuthenticatedHttpRequest, pk: int) -> Need:
    _require_use(request)
    need: Need = get_object_or_404(services.visible_needs(request.user), pk=pk)
    return need


@login_required
@require_GET
def need_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _need_for(request, pk))


def _run(request: AuthenticatedHttpRequest, need: Need, action: Action, form: Form) -> Need:
    data, user = form.cleaned_data, request.user
    if action == Action.SELECT:
        return services.select(need, actor=user, response=data["response"], reason=data["reason"])
    if action == Action.START:
        return services.start(need, actor=user, started_on=data["started_on"])
    if action == Action.DELIVER:
        return services.deliver(need, actor=user, delivered_on=data["delivered_on"])
    if action == Action.RATE:
        return services.rate(need, actor=user, rating=data["rating"], note=data["rating_note"])
    if action == Action.WITHDRAW:
        return services.withdraw(need, actor=user, reason=data["reason"])
    return services.fail(need, actor=user, reason=data["reason"])


@login_required
@require_POST
def act(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    need = _need_for(request, pk)
    raw = request.POST.get("action", "")
    if raw not in {a.value for a in ACTION_FORMS}:
        messages.error(request, "未知的操作。")
        return redirect("intermediaries:need", pk=need.pk)
    action = Action(raw)
    refusal = access.GUARDS.refusal(request.user, need, action)
    if refusal is not None:
        messages.error(request, refusal.message)
        return _detail(request, need, status=refusal.status)
    form = _make(action, need, request.POST)
    if form.is_valid():
        try:
            _run(request, need, action, form)
        except DomainError as error:
            _form_error(form, error)
        else:
            messages.success(request, f"已{action.label}。")
            return redirect("intermediaries:need", pk=need.pk)
    return _detail(request, need, bound={action: form}, status=422)


@login_required
def need_new(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    """发布需求 for one project the user's side answers for."""
    _require_use(request)
    project = get_object_or_404(Project.objects.visible_to(request.user), number=number)
    if access.GUARDS.refusal(request.user, Need(project=project), Action.PUBLISH) is not None:
        raise PermissionDenied("只有项目的责任单位或招商局可以发布中介服务需求。")
    form = NeedForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            need = services.publish(project, actor=request.user, data=form.cleaned_data)
        except DomainError as error:
            _form_error(form, error)
        else:
            messages.success(request, "需求已发布，具备该类资质的入驻机构可以响应。")
            return redirect("intermediaries:need", pk=need.pk)
    status = 422 if request.method == "POST" else 200
    return render(request, "intermediaries/need_new.html", {"project": project, "form": form}, status=status)


# ---------------------------------------------------------------- agencies


@login_required
@require_GET
def agency_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """中介机构 and their record, public to projects: counts first, rates with their n."""
    _require_use(request)
    kind = request.GET.get("type", "")
    kind = kind if kind in ServiceType.values else ""
    context = {
        "records": ranking.records(today=timezone.localdate(), service_type=kind),
        "types": ServiceType.choices,
        "type": kind,
        "may_manage": access.may_manage_agencies(request.user),
        "pending": Agency.objects.filter(checked_at__isnull=True, is_active=True)
        if access.may_manage_agencies(request.user)
        else [],
    }
    return render(request, "intermediaries/agencies.html", context)


AGENCY_FORMS: dict[str, type[Form]] = {"service": ServiceForm, "qualification": QualificationForm}


def _agency_page(
    request: AuthenticatedHttpRequest,
    agency: Agency,
    *,
    bound: dict[str, Form] | None = None,
    status: int = 200,
) -> HttpResponse:
    today = timezone.localdate()
    record = next((r for r in ranking.records(today=today) if r.agency.pk == agency.pk), None)
    forms = {k: (bound or {}).get(k) or f(prefix=k) for k, f in AGENCY_FORMS.items()}
    context = {
        "agency": agency,
        "record": record,
        "today": today,
        "may_manage": access.may_manage_agencies(request.user),
        "forms": forms,
        "reason_form": ReasonForm(prefix="remove"),
    }
    return render(request, "intermediaries/agency.html", context, status=status)


@login_required
def agency_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    _require_use(request)
    agency = get_object_or_404(Agency, pk=pk)
    if request.method != "POST":
        return _agency_page(request, agency)
    if not access.may_manage_agencies(request.user):
        raise PermissionDenied("只有中介超市的管理单位可以修改机构信息。")
    do, user = request.POST.get("do", ""), request.user
    try:
        if do in AGENCY_FORMS:
            form = AGENCY_FORMS[do](request.POST, prefix=do)
            if not form.is_valid():
                return _agency_page(request, agency, bound={do: form}, status=422)
            try:
                if do == "service":
                    services.set_service(agency, actor=user, **form.cleaned_data)
                else:
                    services.add_qualification(agency, actor=user, **form.cleaned_data)
            except DomainError as error:
                _form_error(form, error)
                return _agency_page(request, agency, bound={do: form}, status=error.status)
        elif do == "check":
            services.check_agency(agency, actor=user)
        elif do == "link":
            services.issue_link(agency.contacts.filter(is_active=True).get(), actor=user)
        elif do == "remove":
            services.remove_agency(agency, actor=user, reason=request.POST.get("remove-reason", ""))
        else:
            messages.error(request, "未知的操作。")
            return redirect("intermediaries:agency", pk=agency.pk)
    except DomainError as error:
        messages.error(request, error.message)
    except agency.contacts.model.DoesNotExist:
        messages.error(request, "该机构没有在用的联系人。")
    else:
        messages.success(request, "已保存。")
    return redirect("intermediaries:agency", pk=agency.pk)


@login_required
def agency_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not access.may_manage_agencies(request.user):
        raise PermissionDenied("只有中介超市的管理单位可以登记中介机构。")
    form = AgencyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            agency = services.register_agency(actor=request.user, **form.cleaned_data)
        except DomainError as error:
            _form_error(form, error)
        else:
            messages.success(request, "机构已登记：请登记服务事项和资质，再由另一位同事审核入驻。")
            return redirect("intermediaries:agency", pk=agency.pk)
    status = 422 if request.method == "POST" else 200
    return render(request, "intermediaries/agency_new.html", {"form": form}, status=status)
