"""The enterprise's own 上门帮办 page, behind its personal link (as enterprises/access.py).

Phone-sized, no login: the contact books a visit, sees the enterprise's visits, cancels one not
yet made, and rates one made. Nothing internal is shown: no staff notes, only the team members'
names who went and the appeals opened for the problems found.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from enterprises import services as enterprise_services
from enterprises.access import _private
from enterprises.models import SquadVisit
from mochou.errors import DomainError, NotFound

from . import guards, services
from .config import config
from .forms import BookForm, RateForm, ReasonForm
from .workflow import Action


def _page(
    request: HttpRequest, token: str, *, form: BookForm | None = None, status: int = 200
) -> HttpResponse:
    contact = enterprise_services.contact_for_token(token)
    visits = services.visits_of(contact.enterprise)
    rows = [(v, guards.enterprise_actions(contact, v)) for v in visits]
    context = {
        "enterprise": contact.enterprise,
        "contact": contact,
        "token": token,
        "form": form or BookForm(),
        "rows": rows,
        "rate_form": RateForm(),
        "reason_form": ReasonForm(),
        "cap": config(),
        "Action": {a.name: a.value for a in Action},
    }
    return _private(render(request, "enterprises/squad/access.html", context, status=status))


def page(request: HttpRequest, token: str) -> HttpResponse:
    try:
        contact = enterprise_services.contact_for_token(token)
    except NotFound as error:
        return _private(
            render(request, "enterprises/link_invalid.html", {"message": error.message}, status=404)
        )
    if request.method != "POST":
        return _page(request, token)
    form = BookForm(request.POST)
    if form.is_valid():
        try:
            services.book(
                contact.enterprise,
                contact=contact,
                topics=form.cleaned_data["topics"],
                wished_date=form.cleaned_data["wished_date"],
            )
        except DomainError as error:
            field = error.details.get("field")
            form.add_error(field if field in form.fields else None, error.message)
        else:
            messages.success(request, "上门帮办申请已提交，小分队安排后店小二会与您联系。")
            return _private(redirect("enterprises:squad_access", token=token))
    return _page(request, token, form=form, status=422)


@require_POST
def act(request: HttpRequest, token: str, pk: int) -> HttpResponse:
    """取消 or 评价 one of the enterprise's visits."""
    try:
        contact = enterprise_services.contact_for_token(token)
    except NotFound as error:
        return _private(
            render(request, "enterprises/link_invalid.html", {"message": error.message}, status=404)
        )
    visit = get_object_or_404(SquadVisit, pk=pk, enterprise=contact.enterprise)
    action = request.POST.get("action", "")
    try:
        if action == Action.RATE:
            form = RateForm(request.POST)
            if not form.is_valid():
                raise DomainError("请选择评价等级。", code="squad.rating")
            services.rate(
                visit,
                contact=contact,
                rating=form.cleaned_data["rating"],
                note=form.cleaned_data["rating_note"],
            )
            messages.success(request, "感谢您的评价。")
        elif action == Action.CANCEL:
            services.cancel(visit, contact=contact, reason=request.POST.get("reason", ""))
            messages.success(request, "已取消该次上门帮办。")
        else:
            messages.error(request, "未知的操作。")
    except DomainError as error:
        messages.error(request, error.message)
    return _private(redirect("enterprises:squad_access", token=token))
