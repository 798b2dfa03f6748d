"""Bulk dispatch and bulk accept from a queue page, with a result line per case (cases.bulk)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from cases.bulk import BulkResult, bulk_accept, bulk_dispatch, numbers_of
from cases.forms import BulkDispatchForm
from cases.guards import may
from cases.workflow import Action
from mochou.errors import DomainError, NotPermitted
from mochou.http import AuthenticatedHttpRequest, is_htmx

BULK_VERBS = {"dispatch": Action.DISPATCH, "accept": Action.ACCEPT}


@login_required
@require_GET
def bulk_dispatch_fields(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The bulk dispatch choices (every unit), loaded when the dispatcher opens them: the queue
    page itself does not carry ~70 units in every load."""
    if not may(request.user, Action.DISPATCH):
        raise Http404("没有这个操作")
    form = BulkDispatchForm(auto_id="bulk_%s")
    return render(request, "cases/_bulk_dispatch_fields.html", {"bulk_form": form})


@login_required
@require_POST
def bulk_action(request: AuthenticatedHttpRequest, action: str) -> HttpResponse:
    verb = BULK_VERBS.get(action)
    if verb is None:
        raise Http404("没有这个操作")
    user = request.user
    results: list[BulkResult] = []
    error = ""
    try:
        if not may(user, verb):
            raise NotPermitted(f"您的角色不能批量{verb.label}。", code="permission_denied.role")
        numbers = numbers_of(request.POST.getlist("cases"))
        if verb is Action.DISPATCH:
            form = BulkDispatchForm(request.POST)
            if not form.is_valid():
                error = "；".join(str(e) for errors in form.errors.values() for e in errors)
            else:
                data = form.cleaned_data
                results = bulk_dispatch(
                    user,
                    numbers,
                    lead_unit=data["lead_unit"],
                    co_units=list(data["co_units"]),
                    note=data["note"],
                )
        else:
            results = bulk_accept(user, numbers)
    except DomainError as exc:
        error = exc.message
    context = {
        "results": results,
        "error": error,
        "verb": verb,
        "done": sum(r.done for r in results),
        "refused": sum(not r.done for r in results),
    }
    if is_htmx(request):
        response = render(request, "cases/_bulk_result.html", context)
        if context["done"]:
            response["HX-Trigger"] = "queue-changed"  # the table reloads without the moved cases
        return response
    return render(request, "cases/bulk_result.html", context, status=200 if not error else 422)
