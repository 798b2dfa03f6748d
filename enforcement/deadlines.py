"""What a violation owes by when, in one place: the list's 只看超期, the map's 超期 colour, the
board's 超期 and the sweep's 超期 rungs all ask this module.

One deadline applies in each waiting state (the others owe nothing: 复议/诉讼 pauses the clock,
已拆除 waits on the re-inspector, 已销号 and 不属实 are resolved):
- 待核查: `check_by` (登记 + MOCHOU_ENFORCEMENT_CHECK_HOURS);
- 已认定: `stop_by` (认定 + MOCHOU_ENFORCEMENT_STOP_HOURS): 制止, or a 存量 one into its plan;
- 已制止: `order_by` (制止 + MOCHOU_ENFORCEMENT_ORDER_WORKING_DAYS working days): 限期拆除决定;
- 存量待处置: the plan's own date (`plan_due`): overdue from the day after it;
- 限期自拆: `demolish_by` (the decision's deadline).
Each stamp is stored when it is decided (the settings in force then), never recomputed; the
verbs stamp them with `stop_deadline` and `order_deadline` (migration 0007 copies both to stamp
the violations confirmed or stopped before the stamps existed).

Not a deadline owed by the office but a period it must wait out: the owner's 复议/诉讼 periods
after the 限期拆除决定 is served, or the 15 days left after a ruling that upheld it
(`remedy_periods`), before which 强拆 is refused (the guard) and the page says why.
"""

from __future__ import annotations

import calendar
from datetime import date, datetime, time, timedelta
from typing import Any, NamedTuple, Protocol

from django.db.models import Q
from django.utils import timezone

from enforcement import config
from enforcement.models import AppealKind, Ruling
from enforcement.workflow import Action, State
from replytemplates.placeholders import chinese_date
from worktime.calendar import add_working_days, is_workday


class Deadlines(Protocol):
    check_by: datetime | None
    stop_by: datetime | None
    order_by: datetime | None
    plan_due: date | None
    demolish_by: datetime | None


def plan_deadline(due: date) -> datetime:
    """A plan dated `due` is kept if acted on during that day: overdue from the next midnight."""
    return timezone.make_aware(datetime.combine(due + timedelta(days=1), time.min))


def stop_deadline(confirmed_at: datetime) -> datetime:
    """制止 is due this long after 认定 (wall clock: building goes on at weekends)."""
    return confirmed_at + timedelta(hours=config.stop_hours())


def order_deadline(stopped_at: datetime) -> datetime:
    """The 限期拆除决定 is due by the end of the Nth working day after 制止."""
    return add_working_days(stopped_at, config.order_working_days())


# 行政诉讼法 §45 (suing within 15 days of receiving a 复议决定) and §85 (appealing a first-instance
# judgment within 15 days of its service): fixed by the law, so no setting.
RULING_DAYS = 15


class Period(NamedTuple):
    """One period the owner has to challenge what was served (its last day inclusive)."""

    key: str  # its name in the refusal's details: review_until, lawsuit_until, appeal_until
    what: str  # 申请行政复议 / 提起行政诉讼 / 提起上诉
    until: date
    basis: str  # its length and its law: 60日，行政复议法第二十条
    label: str  # the page's short name: 复议期, 诉讼期, 复议决定送达后的起诉期 …


class RemedyPeriods(NamedTuple):
    """What was served on the owner and the periods to challenge it, which 强拆 waits out."""

    served: str  # 限期拆除决定 / 复议决定 / 一审判决
    served_on: date
    periods: tuple[Period, ...]

    def until(self, key: str) -> date | None:
        return next((p.until for p in self.periods if p.key == key), None)

    @property
    def review_until(self) -> date | None:
        return self.until("review_until")

    @property
    def lawsuit_until(self) -> date | None:
        return self.until("lawsuit_until")

    @property
    def last_day(self) -> date:
        return max(p.until for p in self.periods)

    @property
    def enforceable_from(self) -> datetime:
        """The first moment 强拆 may be recorded: the next midnight after the last day."""
        return timezone.make_aware(datetime.combine(self.last_day + timedelta(days=1), time.min))

    def refusal(self) -> str:
        """Why 强拆 is refused now, with the dates (the guard's message)."""
        each = "、".join(f"{p.what}的期限至{chinese_date(p.until)}（{p.basis}）" for p in self.periods)
        start = chinese_date(self.last_day + timedelta(days=1))
        return (
            f"{self.served}于{chinese_date(self.served_on)}送达，当事人{each}止；"
            f"期限届满前不能组织强拆（行政强制法第四十四条），自{start}起方可组织强拆。"
        )

    def notice(self) -> str:
        """The same in one line, where the page would offer 强拆."""
        each = "、".join(f"{p.label}至{chinese_date(p.until)}" for p in self.periods)
        return f"{each}届满前不得强制拆除（行政强制法第四十四条）"

    def details(self) -> dict[str, str]:
        return {
            "served_on": self.served_on.isoformat(),
            **{p.key: p.until.isoformat() for p in self.periods},
            "enforceable_from": (self.last_day + timedelta(days=1)).isoformat(),
        }


def _add_months(day: date, months: int) -> date:
    """民法典 §202: the same-numbered day of the month the period ends in, or that month's last."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _on_a_working_day(day: date) -> date:
    """民事诉讼法 §85: a period whose last day is a rest day ends on the next working day."""
    while not is_workday(day):
        day += timedelta(days=1)
    return day


def decision_periods(served: datetime) -> RemedyPeriods:
    """The periods against the 限期拆除决定 served at `served`, counted from the day after service
    (民事诉讼法 §85: the start day does not count)."""
    day = timezone.localdate(served)
    review_days, months = config.review_days(), config.lawsuit_months()
    return RemedyPeriods(
        served="限期拆除决定",
        served_on=day,
        periods=(
            Period(
                "review_until",
                "申请行政复议",
                _on_a_working_day(day + timedelta(days=review_days)),
                f"{review_days}日，行政复议法第二十条",
                "复议期",
            ),
            Period(
                "lawsuit_until",
                "提起行政诉讼",
                _on_a_working_day(_add_months(day, months)),
                f"{months}个月，行政诉讼法第四十六条",
                "诉讼期",
            ),
        ),
    )


def ruling_periods(ruling: str, served_on: date) -> RemedyPeriods | None:
    """The period left after a ruling that upheld the decision, from the day after its service:
    a 复议决定 may still be taken to court (行政诉讼法 §45), a first-instance judgment appealed
    (§85); a final judgment leaves none."""
    until = _on_a_working_day(served_on + timedelta(days=RULING_DAYS))
    if ruling == Ruling.REVIEW:
        period = Period(
            "lawsuit_until",
            "提起行政诉讼",
            until,
            f"{RULING_DAYS}日，行政诉讼法第四十五条",
            "复议决定送达后的起诉期",
        )
    elif ruling == Ruling.FIRST_INSTANCE:
        period = Period(
            "appeal_until",
            "提起上诉",
            until,
            f"{RULING_DAYS}日，行政诉讼法第八十五条",
            "一审判决送达后的上诉期",
        )
    else:
        return None
    return RemedyPeriods(served=Ruling(ruling).label, served_on=served_on, periods=(period,))


class _Logged(Protocol):
    ordered_at: datetime | None

    @property
    def events(self) -> Any: ...


def _last_ruling(violation: _Logged) -> tuple[str, date] | None:
    """The last ruling on the log that upheld the 限期拆除决定 (a 维持 after an appeal filed from
    限期自拆; one filed at 已制止 preceded the decision, whose periods then run from `ordered_at`,
    set by that 维持): its kind and the day it was served. A 维持 recorded before the service date
    was asked for counts as served the day it was recorded."""
    filed_from = filed_kind = ""
    ruling: tuple[str, date] | None = None
    for action, from_state, payload, created_at in (
        violation.events.filter(action__in=[Action.APPEAL, Action.UPHOLD])
        .order_by("seq")
        .values_list("action", "from_state", "payload", "created_at")
    ):
        payload = payload or {}
        if action == Action.APPEAL:
            filed_from, filed_kind = from_state, payload.get("kind", "")
        elif filed_from == State.ORDERED:
            kind = payload.get("ruling") or (
                Ruling.REVIEW if filed_kind == AppealKind.REVIEW else Ruling.FIRST_INSTANCE
            )
            served = payload.get("served_on")
            ruling = (kind, date.fromisoformat(served) if served else timezone.localdate(created_at))
    return ruling


def remedy_periods(violation: _Logged) -> RemedyPeriods | None:
    """The owner's periods 强拆 must wait out (行政强制法 §44), whether or not they have run out:
    those against the 限期拆除决定 (served when recorded: `ordered_at`), or, once a 复议/诉讼
    against it was upheld, the one left after that ruling; None when there is nothing to wait for
    (no decision yet, or a final judgment). The guard of 强拆 and the violation page both ask this."""
    if violation.ordered_at is None:
        return None
    ruling = _last_ruling(violation)
    if ruling is None:
        return decision_periods(violation.ordered_at)
    return ruling_periods(*ruling)


def remedy_wait(violation: _Logged, now: datetime) -> RemedyPeriods | None:
    """The periods still running at `now`, or None once 强拆 need wait no longer."""
    periods = remedy_periods(violation)
    return periods if periods is not None and now < periods.enforceable_from else None


def deadline_of(v: Deadlines, state: str, *, demolish_by: datetime | None = None) -> datetime | None:
    """The deadline owed in `state` (a past state when the board looks back: `demolish_by` is then
    the 自拆 deadline that stood at that moment)."""
    if state == State.REPORTED:
        return v.check_by
    if state == State.CONFIRMED:
        return v.stop_by
    if state == State.STOPPED:
        return v.order_by
    if state == State.PLANNED:
        return plan_deadline(v.plan_due) if v.plan_due else None
    if state == State.ORDERED:
        return demolish_by if demolish_by is not None else v.demolish_by
    return None


def is_overdue(v: Deadlines, state: str, now: datetime, *, demolish_by: datetime | None = None) -> bool:
    deadline = deadline_of(v, state, demolish_by=demolish_by)
    return deadline is not None and deadline <= now


def overdue_q(now: datetime) -> Q:
    """The rows past the deadline of the state they are in now (as `is_overdue`)."""
    return (
        Q(state=State.REPORTED, check_by__lte=now)
        | Q(state=State.CONFIRMED, stop_by__lte=now)
        | Q(state=State.STOPPED, order_by__lte=now)
        | Q(state=State.PLANNED, plan_due__lt=timezone.localdate(now))
        | Q(state=State.ORDERED, demolish_by__lte=now)
    )
