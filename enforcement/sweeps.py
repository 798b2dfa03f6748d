"""The deadline sweep of 城乡控违: 核查 due within the configured hours, 制止 after 认定, the
限期拆除决定 after 制止, a 存量 plan by its date, 自拆 by its deadline (enforcement.deadlines).

Every deadline has two rungs: 临期 (the configured lead time before it: enforcement.config) and
超期 (once past). A step done in time leaves its state, so neither rung finds it any more; a sweep
that first runs after the deadline sends 超期 only (a 临期 notice would be late news). Each rung
of each deadline is claimed once by a unique
ViolationReminder(violation, kind, deadline) row, committed with its notices: a second run, two
workers or a worker restarted mid-sweep never remind twice, and a stopped worker only delays
(the next run finds everything still owed). A new deadline (复核不通过, 复议维持) is a new claim.
Who is told: the township's clerks and leader, and 市控违办 (the office decides 认定 and watches
every township's deadlines).
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta
from typing import NamedTuple

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from accounts.models import Role
from enforcement import config
from enforcement.deadlines import plan_deadline
from enforcement.models import Violation, ViolationReminder
from enforcement.workflow import State
from notifications.services import notify_unit
from org.models import Unit
from worktime.calendar import CalendarMissing, add_working_days

log = logging.getLogger(__name__)
K = ViolationReminder.Kind
KIND = "enforcement"
STAFF = (Role.CLERK, Role.UNIT_LEADER)
_MESSAGES: dict[str, str] = {
    K.CHECK_NEAR: "违建 {number}（{township}）将于 {due} 到核查期限，请尽快现场核查",
    K.CHECK_OVERDUE: "违建 {number}（{township}）已超过核查期限（{due}），请立即现场核查",
    K.DEMOLISH_NEAR: "违建 {number}（{township}）自拆期限 {due} 将到，请督促当事人按期拆除",
    K.DEMOLISH_OVERDUE: "违建 {number}（{township}）已逾自拆期限（{due}）未拆除，请依法公告后组织强拆",
    K.STOP_NEAR: "违建 {number}（{township}）将于 {due} 到制止期限，请及时制止（存量的列入处置计划）",
    K.ORDER_NEAR: "违建 {number}（{township}）将于 {due} 到限期拆除决定期限，请及时依法作出限期拆除决定",
    K.PLAN_NEAR: "存量违建 {number}（{township}）计划处置日期 {due} 将到，请按计划责令限期拆除",
    K.STOP_OVERDUE: "违建 {number}（{township}）认定后已过制止期限（{due}），请即制止（存量的列入处置计划）",
    K.ORDER_OVERDUE: "违建 {number}（{township}）制止后已过限期拆除决定期限（{due}），请依法作出决定",
    K.PLAN_OVERDUE: "存量违建 {number}（{township}）已过计划处置日期（{due}），请按计划责令限期拆除",
}


class Rung(NamedTuple):
    kind: str
    field: str  # the deadline's field
    on_rung: Q  # which rows are on that rung now
    # A date field (the 存量 plan's date): a violation enters that state once, so its claim is per
    # (violation, kind), stamped with the moment the date is past (enforcement.deadlines).
    dated: bool = False


def _order_near(now: datetime) -> datetime | None:
    """Working days, as the deadline counts them: the end of the Nth working day after today.
    Asked only when a decision is owed; a year missing from the calendar skips this one rung
    (logged; the 超期 rung and every other still run, and the next sweep catches up)."""
    if not Violation.objects.filter(state=State.STOPPED, order_by__gt=now).exists():
        return None
    try:
        return add_working_days(now, config.order_near_working_days())
    except CalendarMissing as missing:
        log.warning("enforcement sweep: no 限期拆除决定临期 notices, %s", missing.message)
        return None


def _rungs(now: datetime) -> list[Rung]:
    check_near = now + timedelta(hours=config.check_near_hours())
    demolish_near = now + timedelta(hours=config.demolish_near_hours())
    stop_near = now + timedelta(hours=config.stop_near_hours())
    order_near = _order_near(now)
    today = timezone.localdate(now)
    plan_near = today + timedelta(days=config.plan_near_days())
    return [
        Rung(K.CHECK_OVERDUE, "check_by", Q(state=State.REPORTED, check_by__lte=now)),
        Rung(K.CHECK_NEAR, "check_by", Q(state=State.REPORTED, check_by__gt=now, check_by__lte=check_near)),
        Rung(K.STOP_OVERDUE, "stop_by", Q(state=State.CONFIRMED, stop_by__lte=now)),
        Rung(K.STOP_NEAR, "stop_by", Q(state=State.CONFIRMED, stop_by__gt=now, stop_by__lte=stop_near)),
        Rung(K.ORDER_OVERDUE, "order_by", Q(state=State.STOPPED, order_by__lte=now)),
        Rung(
            K.ORDER_NEAR,
            "order_by",
            Q(state=State.STOPPED, order_by__gt=now, order_by__lte=order_near) if order_near else Q(pk=None),
        ),
        Rung(K.PLAN_OVERDUE, "plan_due", Q(state=State.PLANNED, plan_due__lt=today), dated=True),
        Rung(
            K.PLAN_NEAR,
            "plan_due",
            Q(state=State.PLANNED, plan_due__gte=today, plan_due__lte=plan_near),
            dated=True,
        ),
        Rung(K.DEMOLISH_OVERDUE, "demolish_by", Q(state=State.ORDERED, demolish_by__lte=now)),
        Rung(
            K.DEMOLISH_NEAR,
            "demolish_by",
            Q(state=State.ORDERED, demolish_by__gt=now, demolish_by__lte=demolish_near),
        ),
    ]


def sweep_deadlines(now: datetime | None = None) -> dict[str, int]:
    """Every reminder due at `now` and not sent yet; the count per kind."""
    now = now or timezone.now()
    done = {kind: 0 for kind in K.values}
    office = Unit.objects.filter(code=config.office_code()).first()
    for kind, field, on_rung, dated in _rungs(now):
        claimed = ViolationReminder.objects.filter(violation=OuterRef("pk"), kind=kind)
        if not dated:
            claimed = claimed.filter(deadline=OuterRef(field))
        pending = Violation.objects.filter(on_rung).exclude(Exists(claimed)).order_by(field, "pk")
        for violation_id, value in list(pending.values_list("pk", field)):
            if dated:
                deadline, due = plan_deadline(value), f"{value:%Y-%m-%d}"
            else:
                deadline, due = value, _local(value)
            if _claim_and_notify(violation_id, kind, deadline, due, office):
                done[kind] += 1
    return done


def _local(moment: datetime | date) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")  # type: ignore[arg-type]


def _claim_and_notify(
    violation_id: int, kind: str, deadline: datetime, due: str, office: Unit | None
) -> bool:
    """The claim and its notices commit together: a crash in between neither loses nor doubles one."""
    try:
        with transaction.atomic():
            ViolationReminder.objects.create(violation_id=violation_id, kind=kind, deadline=deadline)
            v = Violation.objects.select_related("township").get(pk=violation_id)
            message = _MESSAGES[kind].format(
                number=v.number,
                township=v.township.display_name,
                due=due,
            )
            notify_unit(v.township, kind=KIND, message=message, roles=STAFF)
            if office is not None:
                notify_unit(office, kind=KIND, message=message, roles=STAFF)
    except IntegrityError:
        return False  # another sweep claimed it first
    return True
