"""An agency's own page, behind its person's personal link (no account, as an enterprise's).

It lists the open needs of the agency's service types, each with why it may not respond (资质
expired, deadline passed, already responded), and takes its responses. No project's confidential
data: the project's code name only, never the investor or amounts.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from enterprises.access import _private
from mochou.errors import DomainError, NotFound

from . import services
from .forms import RespondForm
from .models import Need


def page(request: HttpRequest, token: str) -> HttpResponse:
    try:
        contact = services.contact_for_token(token)
    except NotFound as error:
        return _private(
            render(request, "enterprises/link_invalid.html", {"message": error.message}, status=404)
        )
    agency = contact.agency
    if request.method == "POST":
        raw = request.POST.get("need", "")
        need = get_object_or_404(Need, pk=int(raw) if raw.isdigit() and len(raw) < 10 else 0)
        form = RespondForm(request.POST)
        if not form.is_valid():
            messages.error(request, "请填写报价（万元）和承诺工期（工作日）。")
        else:
            try:
                services.respond(need, contact=contact, **form.cleaned_data)
            except DomainError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, "已提交响应。")
        return _private(redirect("intermediaries:agency_access", token=token))
    today = timezone.localdate()
    context = {
        "agency": agency,
        "contact": contact,
        "needs": services.open_needs_for(agency, today=today),
        "responses": agency.responses.select_related("need__project").order_by("-created_at")[:50],
        "form": RespondForm(),
    }
    return _private(render(request, "intermediaries/agency_access.html", context))
