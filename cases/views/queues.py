"""The home redirect and the queue pages."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from accounts.homes import home_of
from accounts.privacy import audit_phone_search, mask_phone, may_search_by_phone
from cases.deadlines import deadline_of
from cases.forms import PAGE_SIZE, QueueFilterForm
from cases.guards import can_register
from cases.queues import HOME_QUEUE, QUEUE_BY_SLUG, queue_cases, queues_for
from mochou.http import AuthenticatedHttpRequest, is_htmx


@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    elsewhere = home_of(request.user.role)
    if elsewhere is not None:
        return redirect(elsewhere)
    queues = queues_for(request.user)
    slug = HOME_QUEUE.get(request.user.role, "all")
    if slug not in {q.slug for q in queues}:
        slug = queues[0].slug if queues else "all"
    return redirect("cases:queue", slug=slug)


@login_required
@require_GET
@vary_on_headers("HX-Request")
def queue(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    user = request.user
    queues = queues_for(user)
    if slug not in {q.slug for q in queues}:
        raise Http404("没有这个工作队列")
    now = timezone.now()
    form = QueueFilterForm(request.GET)
    cases = form.apply(queue_cases(user, slug, now), user=user).select_related(
        "category", "township", "lead_unit"
    )
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    if form.phone_searched() and may_search_by_phone(user):
        audit_phone_search(user, page.object_list, request)
    # Deadline labels are computed per row from the in-process working-day cache: no queries.
    rows = [{"case": case, "deadline": deadline_of(case, now)} for case in page.object_list]
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "queue": QUEUE_BY_SLUG[slug],
        "form": form,
        "page": page,
        "rows": rows,
        "query_string": params.urlencode(),
        "queue_url": reverse("cases:queue", args=[slug]),
        # Searching by phone echoes only the masked number back to the page.
        "searched_phone": _searched_phone(form),
    }
    if is_htmx(request):
        return render(request, "cases/_queue_table.html", context)
    # The nav's counts arrive after the page (queue_counts): with a million cases, counting every
    # queue took most of a unit clerk's page time (docs/benchmarks.md).
    context["nav"] = [{"queue": q, "count": None} for q in queues]
    context["can_register"] = can_register(user)
    return render(request, "cases/queue.html", context)


@login_required
@require_GET
def queue_counts(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """The queue nav with the number of cases in each of the user's queues (an htmx fragment)."""
    user = request.user
    now = timezone.now()
    nav = [{"queue": q, "count": queue_cases(user, q.slug, now).count()} for q in queues_for(user)]
    return render(request, "cases/_queue_nav.html", {"nav": nav, "queue": QUEUE_BY_SLUG.get(slug)})


def _searched_phone(form: QueueFilterForm) -> str:
    phone = form.phone_searched()
    return mask_phone(phone) if phone else ""
