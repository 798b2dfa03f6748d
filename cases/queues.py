"""The work queues, one definition shared by the pages, the API and the benchmarks.

Each queue is a filter on cases visible to the user; its meaning depends on the user's role
(a unit's 待签收 is its own pending dispatches; the centre's is every pending dispatch).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cached_property

from django.core.paginator import Paginator
from django.db import models
from django.db.models import F, OrderBy, Q
from django.utils import timezone

from accounts.models import Role, User
from cases import hooks
from cases.deadlines import CLOCKS, late_q
from cases.guards import DISPATCH_ROLES
from cases.models import Case, CaseQuerySet, Dispute, Extension, Suspension
from cases.workflow import State
from org.models import Unit


@dataclass(frozen=True)
class Queue:
    slug: str
    label: str
    roles: frozenset[str]


# Everyone who works cases; the auditors read the audit log, not the cases.
CASE_ROLES = frozenset(set(Role.values) - {Role.AUDITOR})

QUEUES: tuple[Queue, ...] = (
    Queue("to_dispatch", "待派单", frozenset({Role.DISPATCHER, Role.AGENT, Role.ADMIN, Role.LEADER})),
    Queue(
        "to_accept",
        "待签收",
        frozenset({Role.CLERK, Role.UNIT_LEADER, Role.DISPATCHER, Role.LEADER, Role.ADMIN}),
    ),
    Queue(
        "in_progress",
        "办理中",
        frozenset({Role.CLERK, Role.UNIT_LEADER, Role.DISPATCHER, Role.LEADER, Role.ADMIN}),
    ),
    Queue(
        "suspended",
        "已挂起",
        frozenset({Role.CLERK, Role.UNIT_LEADER, Role.DISPATCHER, Role.LEADER, Role.ADMIN}),
    ),
    Queue("to_approve", "待审核", frozenset({Role.UNIT_LEADER, Role.CLERK, Role.LEADER, Role.ADMIN})),
    # The callback pool (回访池): agents claim from it (cases.services.callback_pool), no notices.
    Queue("to_callback", "回访池", frozenset({Role.AGENT, Role.DISPATCHER, Role.LEADER, Role.ADMIN})),
    Queue("my_callbacks", "我认领的回访", frozenset({Role.AGENT, Role.DISPATCHER, Role.ADMIN})),
    Queue(
        "rectifying",
        "差评整改",
        frozenset({Role.CLERK, Role.UNIT_LEADER, Role.DISPATCHER, Role.LEADER, Role.ADMIN}),
    ),
    Queue("to_verify", "整改待核实", frozenset({Role.DISPATCHER, Role.LEADER, Role.ADMIN})),
    Queue("to_close", "待结案", frozenset({Role.AGENT, Role.DISPATCHER, Role.LEADER, Role.ADMIN})),
    Queue("late", "临期/超期", CASE_ROLES),
    Queue(
        "supervised",
        "我的督办",
        frozenset({Role.SUPERVISOR, Role.CLERK, Role.UNIT_LEADER, Role.LEADER, Role.ADMIN}),
    ),
    # Requests waiting for the centre's decision (cases.guards: DECIDE_EXTENSION / DECIDE_SUSPENSION).
    Queue("extension_requests", "待审批延期", frozenset(DISPATCH_ROLES)),
    Queue("suspension_requests", "待审批挂起", frozenset(DISPATCH_ROLES)),
    # 退单 waiting for the centre's ruling (派单异议审核), and 问题工单 for the supervisors (提级办理).
    Queue("disputes", "派单异议审核", frozenset(DISPATCH_ROLES)),
    Queue("escalated", "问题工单", frozenset({Role.SUPERVISOR, Role.DISPATCHER, Role.LEADER, Role.ADMIN})),
    Queue("all", "全部工单", CASE_ROLES),
)
QUEUE_BY_SLUG = {q.slug: q for q in QUEUES}

# Queues that, for a unit's staff, hold only the cases their unit leads.
LEAD_UNIT_QUEUES = frozenset({"to_accept", "in_progress", "suspended", "to_approve", "late", "rectifying"})

# The queue each role lands on after logging in.
HOME_QUEUE: dict[str, str] = {
    Role.AGENT: "to_callback",
    Role.DISPATCHER: "to_dispatch",
    Role.CLERK: "to_accept",
    Role.UNIT_LEADER: "to_approve",
    Role.SUPERVISOR: "late",
    Role.LEADER: "late",
    Role.ADMIN: "to_dispatch",
}


def queues_for(user: User) -> list[Queue]:
    return [q for q in QUEUES if user.role in q.roles or user.is_superuser]


def queue_cases(user: User, slug: str, now: datetime | None = None) -> CaseQuerySet:
    """The cases of one queue for this user, newest first (late queue: most urgent deadline first)."""
    now = now or timezone.now()
    if user.is_unit_staff and user.unit_id is None:
        return Case.objects.none()  # unit staff of no unit: nobody's cases, not the unassigned ones
    if user.is_unit_staff and slug in LEAD_UNIT_QUEUES:
        # A unit's working queues are the cases it leads, which it always sees: filtering on the
        # lead unit alone keeps the (lead_unit, state, created_at) index in charge, without the
        # visibility subquery over every assignment (docs/benchmarks.md).
        cases = Case.objects.filter(lead_unit_id=user.unit_id)
    else:
        cases = Case.objects.visible_to(user)
    unit_filter = Q(lead_unit_id=user.unit_id) if user.is_unit_staff else Q()
    if slug == "to_dispatch":
        # Urgent requests (danger to life or property, public-opinion risk) jump the queue. A return
        # waiting for its ruling is in 派单异议审核 instead: it cannot be dispatched yet.
        disputed = Dispute.objects.filter(status=Dispute.Status.PENDING).values("case_id")
        ready = cases.filter(state=State.REGISTERED).exclude(pk__in=disputed)
        return ready.order_by("-urgency", "-created_at")
    if slug == "to_accept":
        return cases.filter(unit_filter, state=State.DISPATCHED)
    if slug == "in_progress":
        return cases.filter(unit_filter, state=State.IN_PROGRESS)
    if slug == "suspended":
        return cases.filter(unit_filter, state=State.SUSPENDED).order_by("suspended_until")
    if slug == "to_approve":
        return cases.filter(unit_filter, state=State.PENDING_APPROVAL)
    if slug == "to_callback":
        # The pool: longest waiting first; a running claim is shown as taken (callback_claimed_by).
        pool = cases.filter(state=State.REPLIED).select_related("callback_claimed_by")
        return pool.order_by("replied_at", "pk")
    if slug == "my_callbacks":
        return cases.filter(
            state=State.REPLIED, callback_claimed_by=user, callback_claimed_until__gt=now
        ).order_by("callback_claimed_until")
    if slug == "rectifying":
        # The unit's rectifications still to report (整改中) and those the centre is verifying.
        return cases.filter(unit_filter, state__in=(State.RECTIFYING, State.RECTIFIED)).order_by(
            "rectify_due_at", "pk"
        )
    if slug == "to_verify":
        return cases.filter(state=State.RECTIFIED).order_by("updated_at")
    if slug == "to_close":
        return cases.filter(state=State.CALLED_BACK)
    if slug == "late":
        return cases.filter(late_q(now)).order_by("due_at", "accept_due_at")
    if slug == "supervised":
        # The 督办单 live in the supervision app: it answers which cases (a subquery, not a join).
        return cases.filter(pk__in=hooks.supervised_cases(user))
    if slug == "extension_requests":
        # One pending request per case at most (a unique constraint): no duplicate rows.
        extensions = Extension.objects.filter(status=Extension.Status.PENDING)
        return cases.filter(pk__in=extensions.values("case_id")).order_by("due_at")
    if slug == "suspension_requests":
        suspensions = Suspension.objects.filter(status=Suspension.Status.PENDING)
        return cases.filter(pk__in=suspensions.values("case_id")).order_by("due_at")
    if slug == "disputes":
        # Longest waiting first: the return is the case's last change.
        pending = Dispute.objects.filter(status=Dispute.Status.PENDING)
        return cases.filter(pk__in=pending.values("case_id")).order_by("updated_at", "pk")
    if slug == "escalated":
        return cases.open().filter(escalated_at__isnull=False).order_by("escalated_at", "pk")
    if slug == "all":
        return cases
    raise KeyError(slug)


# ---------------------------------------------------------------- sorting

# The deadline that runs in the case's state (签收 while dispatched, 办理 while handled …): the
# countdown column, built from the same clocks the countdown is computed from.
RUNNING_DEADLINE = models.Case(
    *(models.When(state__in=sorted(clock.states), then=F(clock.field)) for clock in CLOCKS.clocks),
    default=None,
    output_field=models.DateTimeField(),
)


@dataclass(frozen=True)
class Sort:
    key: str
    label: str
    field: str | models.Case  # ascending
    nulls_last: bool = False


# The allow-list of sortable columns: ?sort=<key> ascending, ?sort=-<key> descending. Anything else
# is ignored (the queue's own order stays). 已等待 ascending is the longest wait first.
SORTS: dict[str, Sort] = {
    s.key: s
    for s in (
        Sort("number", "受理编号", "number"),
        Sort("waiting", "已等待", "created_at"),
        Sort("deadline", "期限", RUNNING_DEADLINE, nulls_last=True),
        Sort("category", "分类", "category__path", nulls_last=True),
        Sort("township", "乡镇", "township__name", nulls_last=True),
        Sort("unit", "主办单位", "lead_unit__name", nulls_last=True),
    )
}


def parse_sort(value: str | None) -> tuple[Sort, bool] | None:
    """(the column, descending) of a ?sort= value on the allow-list, else None."""
    value = (value or "").strip()
    descending = value.startswith("-")
    found = SORTS.get(value.removeprefix("-"))
    return (found, descending) if found is not None else None


def sorted_cases(cases: CaseQuerySet, value: str | None) -> tuple[CaseQuerySet, str]:
    """`cases` in the asked order with the pk as the tie-break (so pages never overlap), and the
    sort value in force ("" for the queue's own order)."""
    parsed = parse_sort(value)
    if parsed is None:
        return cases.order_by(*(cases.query.order_by or ("-created_at",)), "-pk"), ""
    sort, descending = parsed
    expression = F(sort.field) if isinstance(sort.field, str) else sort.field
    nulls = {"nulls_last": True} if sort.nulls_last else {}
    order: OrderBy = expression.desc(**nulls) if descending else expression.asc(**nulls)
    return cases.order_by(order, "-pk" if descending else "pk"), ("-" if descending else "") + sort.key


# ---------------------------------------------------------------- what the filters offer


def filterable_units(user: User) -> models.QuerySet[Unit]:
    """The lead units a user may filter a queue by: a unit's staff their own unit and the units
    below it (the cases they see); the centre, leaders and supervisors every handling unit."""
    if user.is_unit_staff and not user.is_superuser:
        if user.unit is None:
            return Unit.objects.none()
        return (
            Unit.objects.active()
            .filter(pk__in=user.unit.descendant_ids())
            .order_by("kind", "sort_order", "code")
        )
    return Unit.objects.handlers().order_by("kind", "sort_order", "code")


# Counting a queue stops here: the nav shows "999+" beyond, so its cost never grows with the data.
COUNT_CAP = 1000


# A queue page counts its cases up to here ("共 10000+ 件", 200 pages of 50): an exact count of a
# unit's 106,000 cases at 1,000,000 took 210 ms of its page; the statistics are where totals are exact.
PAGE_COUNT_CAP = 10_000


class CappedPaginator(Paginator):  # type: ignore[type-arg]  # of a CaseQuerySet
    """A Paginator whose count stops at PAGE_COUNT_CAP (a LIMITed subquery): its cost does not
    grow with the queue. `capped` says the queue holds more than `count`."""

    @cached_property
    def _counted(self) -> tuple[int, bool]:
        cases: CaseQuerySet = self.object_list  # type: ignore[assignment]
        found = cases.order_by()[: PAGE_COUNT_CAP + 1].count()
        return min(found, PAGE_COUNT_CAP), found > PAGE_COUNT_CAP

    @cached_property
    def count(self) -> int:
        return self._counted[0]

    @property
    def capped(self) -> bool:
        return self._counted[1]


def nav_count(cases: CaseQuerySet) -> str:
    """The number of cases for the nav, counted up to COUNT_CAP (a LIMITed subquery): "12", "999+"."""
    cap = COUNT_CAP
    count = cases.order_by()[:cap].count()
    return f"{cap - 1}+" if count >= cap else str(count)
