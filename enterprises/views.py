"""Staff pages of 店小二: my enterprises, one enterprise (appeals, contacts, visits), enterprise forms."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.forms import BaseForm
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from accounts.models import User
from accounts.privacy import mask_phone
from cases.models import Case
from cases.workflow import OPEN_STATES
from enterprises import services
from enterprises.forms import ContactForm, EnterpriseForm, VisitForm
from enterprises.models import ContactDataView, Enterprise, EnterpriseContact
from enterprises.squad import guards as squad_guards
from mochou.errors import DomainError
from mochou.http import AuthenticatedHttpRequest

PAGE_SIZE = 50


def is_manager(user: User) -> bool:
    return user.is_active and (user.role in services.MANAGER_ROLES or user.is_superuser)


def may_see_mobiles(user: User, enterprise: Enterprise) -> bool:
    """The liaison calls the contacts; managers set them up. Everyone else sees masked numbers."""
    return user.pk == enterprise.liaison_id or is_manager(user)


def _enterprise_for(request: AuthenticatedHttpRequest, pk: int) -> Enterprise:
    # 404, not 403: someone else's enterprise is not theirs to know about.
    queryset = Enterprise.objects.visible_to(request.user).select_related("township", "liaison__unit")
    return get_object_or_404(queryset, pk=pk)


def _form_error(form: BaseForm, error: DomainError) -> None:
    field = error.details.get("field")
    form.add_error(field if field in form.fields else None, error.message)


@login_required
@require_GET
def my_enterprises(request: AuthenticatedHttpRequest) -> HttpResponse:
    """我的企业: the liaison's enterprises (all of them for centre staff), open appeals, last visit."""
    user = request.user
    enterprises = (
        Enterprise.objects.visible_to(user).with_summary().select_related("township", "liaison__unit")
    )
    mine_only = not (user.is_centre_staff or user.is_superuser)
    if not mine_only and request.GET.get("mine") == "1":
        enterprises = enterprises.filter(liaison=user)
    page = Paginator(enterprises.order_by("-open_appeals", "name"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "enterprises/list.html",
        {"page": page, "mine_only": mine_only, "is_manager": is_manager(user)},
    )


def _detail_context(request: AuthenticatedHttpRequest, enterprise: Enterprise, **forms: object) -> dict:
    user = request.user
    appeals = services.appeals_of(enterprise)
    # A liaison in a department sees the case page only when the case is theirs (cases.visible_to).
    visible = set(
        Case.objects.visible_to(user).filter(pk__in=[a.case_id for a in appeals]).values_list("pk", flat=True)
    )
    for appeal in appeals:
        appeal.case_visible = appeal.case_id in visible  # type: ignore[attr-defined]  # for the template
    contacts = list(enterprise.contacts.order_by("-is_active", "name"))
    for contact in contacts:
        contact.masked_mobile = mask_phone(contact.mobile)  # type: ignore[attr-defined]  # for the template
    is_liaison = user.pk == enterprise.liaison_id
    context = {
        "enterprise": enterprise,
        "appeals": appeals,
        "open_count": sum(1 for a in appeals if a.case.state in OPEN_STATES),
        "contacts": contacts,
        "visits": enterprise.visits.select_related("liaison")[:50],
        "is_liaison": is_liaison,
        "may_manage_contacts": is_liaison or is_manager(user),
        "may_see_mobiles": may_see_mobiles(user, enterprise),
        "is_manager": is_manager(user),
        "masked_contact_mobile": mask_phone(enterprise.contact_mobile),
        "visit_form": forms.get("visit_form") or VisitForm(initial={"date": timezone.localdate()}),
        "contact_form": forms.get("contact_form") or ContactForm(),
        # 莫愁小分队: the enterprise's visits on request, and whether this user may book one for it.
        "squad_visits": enterprise.squad_visits.order_by("-created_at", "-pk")[:20],
        "may_book_squad": squad_guards.may_book_for(user, enterprise),
    }
    return context


@login_required
@require_GET
def enterprise_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    enterprise = _enterprise_for(request, pk)
    return render(request, "enterprises/detail.html", _detail_context(request, enterprise))


@login_required
@require_POST
def log_visit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    enterprise = _enterprise_for(request, pk)
    form = VisitForm(request.POST)
    if form.is_valid():
        try:
            services.log_visit(enterprise, actor=request.user, **form.cleaned_data)
        except DomainError as error:
            _form_error(form, error)
        else:
            messages.success(request, "走访已记录。")
            return redirect("enterprises:detail", pk=enterprise.pk)
    context = _detail_context(request, enterprise, visit_form=form)
    return render(request, "enterprises/detail.html", context, status=422)


@login_required
@require_POST
def add_contact(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    enterprise = _enterprise_for(request, pk)
    form = ContactForm(request.POST)
    if form.is_valid():
        try:
            services.add_contact(enterprise, actor=request.user, **form.cleaned_data)
        except DomainError as error:
            _form_error(form, error)
        else:
            messages.success(request, "联系人已添加。")
            return redirect("enterprises:detail", pk=enterprise.pk)
    context = _detail_context(request, enterprise, contact_form=form)
    return render(request, "enterprises/detail.html", context, status=422)


@login_required
@require_POST
def send_link(request: AuthenticatedHttpRequest, pk: int, contact_id: int) -> HttpResponse:
    enterprise = _enterprise_for(request, pk)
    contact = get_object_or_404(EnterpriseContact, pk=contact_id, enterprise=enterprise)
    try:
        services.issue_access_link(contact, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            f"诉求专用链接已通过短信发送给 {contact.name}（{mask_phone(contact.mobile)}），原链接作废。",
        )
    return redirect("enterprises:detail", pk=enterprise.pk)


@login_required
@require_POST
def reveal_mobile(request: AuthenticatedHttpRequest, pk: int, contact_id: int) -> HttpResponse:
    """The full number, for the liaison to call; every reveal is recorded (ContactDataView)."""
    enterprise = _enterprise_for(request, pk)
    contact = get_object_or_404(EnterpriseContact, pk=contact_id, enterprise=enterprise)
    if not may_see_mobiles(request.user, enterprise):
        raise PermissionDenied("只有该企业的店小二和管理员可以查看完整手机号。")
    ContactDataView.objects.create(
        user=request.user,
        contact=contact,
        purpose="enterprise_detail",
        ip=request.META.get("REMOTE_ADDR") or None,
    )
    return render(request, "enterprises/_mobile.html", {"contact": contact})


def _require_manager(request: AuthenticatedHttpRequest) -> None:
    if not is_manager(request.user):
        raise PermissionDenied("只有派单员和管理员可以登记企业、指派店小二。")


@login_required
def enterprise_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_manager(request)
    return _edit(request, Enterprise())


@login_required
def enterprise_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    _require_manager(request)
    enterprise = get_object_or_404(Enterprise, pk=pk)
    return _edit(request, enterprise)


def _edit(request: AuthenticatedHttpRequest, enterprise: Enterprise) -> HttpResponse:
    form = EnterpriseForm(request.POST or None, instance=enterprise)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_enterprise(form.save(commit=False), actor=request.user)
        except DomainError as error:
            _form_error(form, error)
        else:
            messages.success(request, f"企业“{saved.name}”已保存。")
            return redirect("enterprises:detail", pk=saved.pk)
    status = 422 if request.method == "POST" else 200
    return render(request, "enterprises/form.html", {"form": form, "enterprise": enterprise}, status=status)
