"""Who may do what to a violation: one rule per action, asked by the verbs, pages and API alike.

The township finds and handles its violations (登记, 制止, 限期自拆, 拆除); the office (市控违办,
enforcement.config) does everything a township does, anywhere, and alone decides whether a report
is a violation (认定 / 不属实): a township judging its own case would be 灯下黑, since its 零增长
is measured by it. 复核 is done by someone other than the demolisher and the finder.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime

from django.utils import timezone

from accounts.models import Role, User
from enforcement.config import office_code
from enforcement.deadlines import remedy_wait
from enforcement.models import Violation
from enforcement.workflow import MACHINE, Action, State
from loop.guards import Guards
from mochou.errors import Conflict, NotPermitted
from org.models import UnitKind

STAFF = (Role.CLERK, Role.UNIT_LEADER, Role.ADMIN)


def is_office(actor: User) -> bool:
    # The actor's unit is loaded once and kept on the user: the top bar and every guard ask this.
    return actor.role == Role.ADMIN or (actor.unit is not None and actor.unit.code == office_code())


def _own_unit(actor: User, violation: Violation) -> bool:
    """The violation's township (or its village) or the office."""
    if is_office(actor):
        return True
    return actor.unit_id is not None and actor.unit_id in (violation.township_id, violation.village_id)


def _office_only(actor: User, violation: Violation) -> None:
    if not is_office(actor):
        raise NotPermitted(
            "只有市控违办可以认定或排除违建（乡镇不自行认定本辖区案件）。", code="permission_denied.office"
        )


def _only_existing(actor: User, violation: Violation) -> None:
    if violation.is_new:
        raise Conflict(
            "新增违建须当场制止、限期拆除，不能列入存量处置计划。", code="enforcement.new_not_planned"
        )


# The clock of the verb under way: a guard's data check runs inside `Loop.verb` before the step
# exists, so a verb that acts at a given `now` (the demo, a back-dated record, tests) lends it here.
_CLOCK: ContextVar[datetime | None] = ContextVar("enforcement_clock", default=None)


@contextmanager
def clock(now: datetime | None) -> Iterator[None]:
    """Let the guard's time checks read `now` (the verb's clock) instead of the wall clock."""
    token = _CLOCK.set(now)
    try:
        yield
    finally:
        _CLOCK.reset(token)


def current_time() -> datetime:
    return _CLOCK.get() or timezone.now()


def _deadline_passed(actor: User, violation: Violation) -> None:
    if violation.demolish_by is None or violation.demolish_by > current_time():
        raise Conflict("自拆期限未到，不能公告或组织强拆。", code="enforcement.deadline_not_passed")


def _not_announced_yet(actor: User, violation: Violation) -> None:
    if violation.announced_at is not None:
        raise Conflict("已发布强制拆除公告，请待公告期满。", code="enforcement.already_announced")


def _announcement_expired(actor: User, violation: Violation) -> None:
    """行政强制法 §44: 强拆 only after a 公告 gave the owner a period to demolish, and it ran out."""
    if violation.announce_until is None:
        raise Conflict(
            "组织强拆前须发布强制拆除公告，限期当事人自行拆除（行政强制法第四十四条）。",
            code="enforcement.not_announced",
        )
    if violation.announce_until > current_time():
        raise Conflict("强制拆除公告期限未满，不能组织强拆。", code="enforcement.announcement_running")


def _remedy_periods_over(actor: User, violation: Violation) -> None:
    """行政强制法 §44: 强拆 only once the owner's periods to challenge the 限期拆除决定 have run
    out — 复议 (行政复议法 §20) and 诉讼 (行政诉讼法 §46) from its service, or, after a ruling that
    upheld it, the 15 days to sue (§45) or to appeal (§85) from the ruling's service
    (`deadlines.remedy_periods`, which the page asks too). A pending 复议/诉讼 is the state
    复议/诉讼中, from which the table allows no 强拆."""
    periods = remedy_wait(violation, current_time())
    if periods is not None:
        raise Conflict(periods.refusal(), code="enforcement.appeal_period_running", details=periods.details())


def _not_the_doer(actor: User, violation: Violation) -> None:
    """The finder is not the closer: 复核 by another person than the demolisher and the reporter."""
    if actor.pk in (violation.demolished_by_id, violation.reported_by_id):
        raise NotPermitted("复核须由拆除人、发现登记人以外的人员进行。", code="permission_denied.same_person")


GUARDS: Guards[State, Action] = Guards(
    machine=MACHINE,
    role_label=lambda role: str(Role(role).label),
    own_unit=_own_unit,
    own_unit_message="只有违建所在乡镇（街道）或市控违办可以{what}。",
)

A = Action
GUARDS.rule(A.REPORT, STAFF, what="登记违建")
GUARDS.rule(A.CONFIRM, STAFF, what="认定违建", own_unit=True, checks=[_office_only])
GUARDS.rule(A.DISMISS, STAFF, what="核查排除", own_unit=True, checks=[_office_only])
GUARDS.rule(A.STOP, STAFF, what="制止违建", own_unit=True)
GUARDS.rule(A.PLAN, STAFF, what="列入存量处置计划", own_unit=True, checks=[_only_existing])
GUARDS.rule(A.ORDER, STAFF, what="责令限期拆除", own_unit=True)
GUARDS.rule(A.APPEAL, STAFF, what="登记复议/诉讼", own_unit=True)
GUARDS.rule(A.UPHOLD, STAFF, what="登记复议/诉讼结果", own_unit=True)
GUARDS.rule(A.REVOKE, STAFF, what="登记复议/诉讼结果", own_unit=True)
GUARDS.rule(A.SELF_DEMOLISH, STAFF, what="登记自行拆除", own_unit=True)
GUARDS.rule(
    A.ANNOUNCE,
    STAFF,
    what="发布强制拆除公告",
    own_unit=True,
    checks=[_deadline_passed, _not_announced_yet],
)
GUARDS.rule(
    A.FORCE_DEMOLISH,
    STAFF,
    what="组织强拆",
    own_unit=True,
    checks=[_deadline_passed, _announcement_expired, _remedy_periods_over],
)
GUARDS.rule(A.REINSPECT, STAFF, what="复核", own_unit=True, checks=[_not_the_doer])
GUARDS.rule(A.REJECT, STAFF, what="复核", own_unit=True, checks=[_not_the_doer])
GUARDS.rule(A.SIGN_OFF, STAFF, what="销号", own_unit=True, checks=[_office_only])
GUARDS.rule(
    A.ACCOUNT,
    (Role.CLERK, Role.UNIT_LEADER, Role.ADMIN, Role.SUPERVISOR),
    what="记录问责",
    checks=[
        lambda actor, v: (
            None if (is_office(actor) or actor.role == Role.SUPERVISOR) else _office_only(actor, v)
        )
    ],
)

# What a person does on an existing violation (pages and API offer these); REJECT is 复核's outcome.
OFFERED = (
    A.CONFIRM,
    A.DISMISS,
    A.STOP,
    A.PLAN,
    A.ORDER,
    A.APPEAL,
    A.UPHOLD,
    A.REVOKE,
    A.SELF_DEMOLISH,
    A.ANNOUNCE,
    A.FORCE_DEMOLISH,
    A.REINSPECT,
    A.SIGN_OFF,
    A.ACCOUNT,
)


def available_actions(user: User, violation: Violation) -> list[Action]:
    return GUARDS.available(user, violation, offered=OFFERED)


def in_township(user: User) -> bool:
    """A township's (or one of its villages') staff: those who find violations in their own area."""
    unit = user.unit
    return unit is not None and unit.kind in (UnitKind.TOWNSHIP, UnitKind.VILLAGE)


def may_report(user: User) -> bool:
    """Whether to offer the report form: the guard's role rule, and a place to report in — the
    office anywhere, a township's staff in their own area; a department clerk has none."""
    if not getattr(user, "is_authenticated", False) or not GUARDS.may(user, A.REPORT):
        return False
    return is_office(user) or in_township(user)


# Who reads every township's board (乡镇控违月报) besides the office: the city's leaders and the
# supervision office.
BOARD_READERS = frozenset({Role.LEADER, Role.SUPERVISOR, Role.ADMIN})


def may_read_board(user: User) -> bool:
    """The office, the city's leaders and the supervision office read every township's figures;
    a township its own row (and the 零增长 list). A department's staff have no row: refused, not
    shown an empty board."""
    return user.is_active and (
        user.role in BOARD_READERS
        or is_office(user)
        or (user.role in (Role.CLERK, Role.UNIT_LEADER) and in_township(user))
    )
