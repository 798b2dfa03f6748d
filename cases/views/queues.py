"""The home redirect and the queue pages: columns, sorting, lazy filter choices, the nav counts."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import F, Max, Q, QuerySet
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from accounts.homes import home_of
from accounts.models import SavedFilter, User
from accounts.privacy import (
    audit_phone_search,
    citizen_phone_for,
    mask_name,
    mask_phone,
    may_search_by_phone,
    may_see_phone,
    phone_search_refusal,
)
from cases.deadlines import deadline_of
from cases.forms import PAGE_SIZE, QueueFilterForm
from cases.guards import can_register, may
from cases.models import Case, CaseEvent, Category, Dispute, Extension, Suspension
from cases.queues import (
    HOME_QUEUE,
    QUEUE_BY_SLUG,
    SORTS,
    CappedPaginator,
    filterable_units,
    nav_count,
    queue_cases,
    queues_for,
    sorted_cases,
)
from cases.workflow import Action
from mochou.http import AuthenticatedHttpRequest, is_htmx
from org.models import Unit

# The queue whose cases a bulk action moves on, and the action: the bar above its table.
BULK_ACTIONS = {"to_dispatch": Action.DISPATCH, "to_accept": Action.ACCEPT}
# Choices a picker's search returns at most.
CHOICES_SHOWN = 30


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
    form = QueueFilterForm(request.GET, user=user)
    cases, sort = sorted_cases(form.apply(queue_cases(user, slug, now), user=user), request.GET.get("sort"))
    cases = cases.select_related("category", "township", "lead_unit")
    page = CappedPaginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    if form.phone_searched() and may_search_by_phone(user):
        audit_phone_search(user, page.object_list, request)
    params = request.GET.copy()
    params.pop("page", None)
    if form.phone_searched():
        # A caller's number stays out of the page's links (the page echoes only its masked form);
        # htmx sends it along from the filter form (hx-include).
        params.pop("q", None)
    bulk = BULK_ACTIONS.get(slug)
    context = {
        "queue": QUEUE_BY_SLUG[slug],
        "form": form,
        "page": page,
        "rows": queue_rows(user, list(page.object_list), now, slug),
        "columns": sort_columns(params, sort),
        "sort": sort,
        "query_string": params.urlencode(),
        "queue_url": reverse("cases:queue", args=[slug]),
        # Searching by phone echoes only the masked number back to the page.
        "searched_phone": _searched_phone(form) if may_search_by_phone(user) else "",
        # A full number typed by a role that may not search by phone: said, not an empty table.
        "phone_refused": phone_search_refusal(user) if form.phone_searched() else "",
        "bulk": bulk.value if bulk is not None and may(user, bulk) else "",
        "request_column": slug in {"extension_requests", "suspension_requests", "disputes"},
    }
    if is_htmx(request):
        return render(request, "cases/_queue_table.html", context)
    # The nav's counts arrive after the page (queue_counts): with a million cases, counting every
    # queue took most of a unit clerk's page time (docs/benchmarks.md).
    context["nav"] = [{"queue": q, "count": None} for q in queues]
    context["can_register"] = can_register(user)
    context["saved_filters"] = list(SavedFilter.objects.filter(user=user))
    context["saveable_query"] = saveable_query(request.GET)
    return render(request, "cases/queue.html", context)


@login_required
@require_GET
def queue_counts(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """The queue nav with the number of cases in each of the user's queues (an htmx fragment).
    Each count stops at COUNT_CAP ("999+"): its cost does not grow with the table."""
    user = request.user
    now = timezone.now()
    nav = [{"queue": q, "count": nav_count(queue_cases(user, q.slug, now))} for q in queues_for(user)]
    return render(request, "cases/_queue_nav.html", {"nav": nav, "queue": QUEUE_BY_SLUG.get(slug)})


@login_required
@require_GET
def queue_choices(request: AuthenticatedHttpRequest, kind: str) -> HttpResponse:
    """The options of a filter picker matching a search (an htmx fragment of <option>s): the
    units the user may filter by, or the categories at every level of the tree."""
    term = (request.GET.get("term") or "").strip()[:40]
    chosen = request.GET.get(kind) or ""
    pool: QuerySet[Any]  # everything this user may pick
    options: QuerySet[Any]
    if kind == "unit":
        pool, empty = filterable_units(request.user), "全部单位"
        options = pool.filter(Q(name__icontains=term) | Q(short_name__icontains=term)) if term else pool
    elif kind == "category":
        pool = Category.objects.filter(is_active=True).order_by("path")
        empty = "全部分类"
        options = pool.filter(path__icontains=term) if term else pool.filter(level=1)
    else:
        raise Http404("没有这个筛选项")
    shown: list[Unit | Category] = list(options[:CHOICES_SHOWN])
    if chosen.isdigit() and all(str(o.pk) != chosen for o in shown):
        kept = pool.filter(pk=int(chosen)).first()  # the choice in force stays offered
        if kept is not None:
            shown.insert(0, kept)
    choices = [{"value": o.pk, "label": _choice_label(o), "selected": str(o.pk) == chosen} for o in shown]
    return render(
        request,
        "cases/_choice_options.html",
        {"empty": empty, "choices": choices, "nothing": bool(term) and not choices, "term": term},
    )


@login_required
@require_POST
def reveal_phone(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    """A caller's full number in a queue row, for whoever may see it (audited, as on the case
    page); everybody else gets the masked number back."""
    case = get_object_or_404(Case.objects.visible_to(request.user), number=number)
    phone, unmasked = citizen_phone_for(request.user, case, purpose="queue", request=request)
    return render(request, "cases/_caller_phone.html", {"phone": phone, "unmasked": unmasked})


# ---------------------------------------------------------------- the rows and their columns


def queue_rows(user: User, cases: list[Case], now: datetime, slug: str) -> list[dict[str, Any]]:
    """What each row shows. A few queries per page, whatever its length: when each case's current
    step began (its last change of state), and the pending requests of the two request queues."""
    ids = [c.pk for c in cases]
    steps = dict(
        CaseEvent.objects.filter(case_id__in=ids)
        .exclude(from_state=F("to_state"))
        .values("case_id")
        .annotate(at=Max("created_at"))
        .values_list("case_id", "at")
    )
    requests = _pending_requests(slug, ids)
    rows = []
    for case in cases:
        step_at = steps.get(case.pk) or case.created_at
        rows.append(
            {
                "case": case,
                "deadline": deadline_of(case, now),
                "caller": mask_name(case.citizen_name),
                "phone": mask_phone(case.citizen_phone),
                "may_reveal": bool(case.citizen_phone) and may_see_phone(user, case),
                "waiting": elapsed(case.created_at, now),
                "step_waiting": elapsed(step_at, now) if step_at > case.created_at else "",
                "request": requests.get(case.pk, ""),
            }
        )
    return rows


def _pending_requests(slug: str, ids: Iterable[int]) -> dict[int, str]:
    if slug == "extension_requests":
        extensions = Extension.objects.filter(case_id__in=ids, status=Extension.Status.PENDING)
        return {
            e.case_id: f"{e.unit.display_name}申请延期{e.days}个工作日：{e.reason}"
            for e in extensions.select_related("unit")
        }
    if slug == "suspension_requests":
        suspensions = Suspension.objects.filter(case_id__in=ids, status=Suspension.Status.PENDING)
        return {
            s.case_id: f"{s.unit.display_name}申请挂起{s.days}个工作日："
            f"{s.get_reason_display()}（{s.document}）"
            for s in suspensions.select_related("unit")
        }
    if slug == "disputes":
        disputes = Dispute.objects.filter(case_id__in=ids, status=Dispute.Status.PENDING)
        return {d.case_id: dispute_summary(d) for d in disputes.select_related("unit", "suggested_unit")}
    return {}


def dispute_summary(dispute: Dispute) -> str:
    """A return as its queue row says it: who, why, and whom they named."""
    named = f"；建议由{dispute.suggested_unit.display_name}承办" if dispute.suggested_unit else ""
    return f"{dispute.unit.display_name}退单：{dispute.get_reason_display()}——{dispute.explanation}{named}"


def elapsed(since: datetime, now: datetime) -> str:
    """How long ago, for people: "3天2小时", "5小时20分钟", "12分钟", "刚刚" (calendar time: what
    the caller has been waiting; the deadlines count working time)."""
    minutes = max(0, int((now - since) / timedelta(minutes=1)))
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return f"{days}天{hours}小时" if hours else f"{days}天"
    if hours:
        return f"{hours}小时{minutes}分钟" if minutes else f"{hours}小时"
    return f"{minutes}分钟" if minutes else "刚刚"


def sort_columns(params: QueryDict, sort: str) -> dict[str, dict[str, str]]:
    """For each sortable column: the link that sorts by it (the other way round when it already
    does) and its aria-sort state. The links keep the filters; they start again at page 1."""
    base = params.copy()
    base.pop("sort", None)
    columns: dict[str, dict[str, str]] = {}
    for key in SORTS:
        state = "ascending" if sort == key else "descending" if sort == f"-{key}" else "none"
        link = base.copy()
        following = f"-{key}" if state == "ascending" else key
        link["sort"] = following
        columns[key] = {"href": "?" + link.urlencode(), "next": following, "aria_sort": state}
    return columns


# The parameters a saved filter keeps: the filters and the order, never the page.
SAVED_PARAMS = ("q", "unit", "category", "township", "state", "date_from", "date_to", "sort")


def saveable_query(params: QueryDict) -> str:
    kept = QueryDict(mutable=True)
    for name in SAVED_PARAMS:
        value = (params.get(name) or "").strip()
        if value:
            kept[name] = value[:200]
    return kept.urlencode()


def _choice_label(choice: Unit | Category) -> str:
    """As the filter form labels them: a unit by its name, a category by its whole path."""
    return choice.path.replace("/", " / ") if isinstance(choice, Category) else choice.name


def _searched_phone(form: QueueFilterForm) -> str:
    phone = form.phone_searched()
    return mask_phone(phone) if phone else ""
