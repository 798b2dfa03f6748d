"""The enterprise's own page, opened through the personal link its liaison sent by SMS.

No login and no staff top bar: a contact submits appeals and sees the enterprise's appeals, their
states and approved answers — nothing of any other enterprise, nothing internal (no unit notes,
no staff names beyond the liaison's). The token is in the URL, so the page is never cached and
never sent to another site as a Referer ("same-origin": with
"no-referrer" browsers post the form with `Origin: null`, which Django's CSRF check refuses).
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from enterprises import services
from enterprises.forms import AppealForm
from mochou.errors import DomainError, NotFound


def _private(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def access(request: HttpRequest, token: str) -> HttpResponse:
    try:
        contact = services.contact_for_token(token)
    except NotFound as error:
        return _private(
            render(request, "enterprises/link_invalid.html", {"message": error.message}, status=404)
        )
    enterprise = contact.enterprise
    form = AppealForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                appeal = services.submit_appeal(enterprise, contact, **form.cleaned_data)
            except DomainError as error:
                field = error.details.get("field")
                form.add_error(field if field in form.fields else None, error.message)
            else:
                messages.success(
                    request,
                    f"诉求已提交，受理编号 {appeal.case.number}。办理结果将以短信告知 {contact.name}。",
                )
                return _private(redirect("enterprises:access", token=token))
        status = 422
    context = {
        "enterprise": enterprise,
        "contact": contact,
        "form": form,
        "appeals": services.appeals_of(enterprise),
        "token": token,  # for the link to the enterprise's 上门帮办 page
    }
    return _private(render(request, "enterprises/access.html", context, status=status))
