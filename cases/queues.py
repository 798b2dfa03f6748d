"""The work queues, one definition shared by the pages, the API and the benchmarks.

Each queue is a filter on cases visible to the user; its meaning depends on the user's role
(a unit's 待签收 is its own pending dispatches; the centre's is every pending dispatch).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q
from django.utils import timezone

from accounts.models import Role, User
from cases.deadlines import late_q
from cases.models import Case, CaseQuerySet, SupervisionNotice
from cases.workflow import State


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
    Queue("to_callback", "待回访", frozenset({Role.AGENT, Role.DISPATCHER, Role.LEADER, Role.ADMIN})),
    Queue("to_close", "待结案", frozenset({Role.AGENT, Role.DISPATCHER, Role.LEADER, Role.ADMIN})),
    Queue("late", "临期/超期", CASE_ROLES),
    Queue(
        "supervised",
        "我的督办",
        frozenset({Role.SUPERVISOR, Role.CLERK, Role.UNIT_LEADER, Role.LEADER, Role.ADMIN}),
    ),
    Queue("all", "全部工单", CASE_ROLES),
)
QUEUE_BY_SLUG = {q.slug: q for q in QUEUES}

# Queues that, for a unit's staff, hold only the cases their unit leads.
LEAD_UNIT_QUEUES = frozenset({"to_accept", "in_progress", "suspended", "to_approve", "late"})

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
        # Urgent requests (danger to life or property, public-opinion risk) jump the queue.
        return cases.filter(state=State.REGISTERED).order_by("-urgency", "-created_at")
    if slug == "to_accept":
        return cases.filter(unit_filter, state=State.DISPATCHED)
    if slug == "in_progress":
        return cases.filter(unit_filter, state=State.IN_PROGRESS)
    if slug == "suspended":
        return cases.filter(unit_filter, state=State.SUSPENDED).order_by("suspended_until")
    if slug == "to_approve":
        return cases.filter(unit_filter, state=State.PENDING_APPROVAL)
    if slug == "to_callback":
        return cases.filter(state=State.REPLIED)
    if slug == "to_close":
        return cases.filter(state=State.CALLED_BACK)
    if slug == "late":
        return cases.filter(late_q(now)).order_by("due_at", "accept_due_at")
    if slug == "supervised":
        # Subqueries rather than a join + DISTINCT over whole case rows.
        notices = SupervisionNotice.objects.all()
        if user.role == Role.SUPERVISOR:
            notices = notices.filter(supervisor=user)
        elif user.is_unit_staff:
            # A unit's staff without a unit supervise nothing (filtering on a null unit matched no row).
            notices = notices.filter(unit_id=user.unit_id) if user.unit_id is not None else notices.none()
        return cases.filter(pk__in=notices.values("case_id"))
    if slug == "all":
        return cases
    raise KeyError(slug)
