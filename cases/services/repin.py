"""按现行时限重算: a deliberate move of a running case to the time limits in force now.

A case keeps the limits version it came in under (cases.models.LimitVersion), so publishing new
limits never moves a running deadline silently. A dispatcher may re-pin a case on purpose; its
deadlines are then recomputed from the data — the start of its clock (the last dispatch or
reopening), the extensions granted and the working time spent suspended since — and the event
keeps the old and new values.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from accounts.audit.services import record
from accounts.models import User
from cases.models import Case, CaseEvent, LimitVersion
from cases.services.common import CASES, limits, now_or, text
from cases.workflow import Action, State
from worktime.calendar import add_working_days, add_working_hours

# A rejected 派单异议 hands the case back with fresh deadlines, as a dispatch does.
CLOCK_STARTS = (Action.DISPATCH, Action.REJECT_DISPUTE, Action.REOPEN)


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def handling_deadline(case: Case, handle_days: int) -> datetime | None:
    """The handling deadline the case's own history gives with `handle_days`: from the start of
    its clock, plus each extension granted and each suspension's working time, in their order."""
    return _deadline_from(list(case.events.filter(seq__gt=0).order_by("seq")), handle_days)


def _deadline_from(events: list[CaseEvent], handle_days: int) -> datetime | None:
    starts = [e for e in events if e.action in CLOCK_STARTS]
    if not starts:
        return None
    start = starts[-1]
    due = add_working_days(start.created_at, handle_days)
    if start.action == Action.REOPEN and start.payload.get("kept_extension"):
        # That 重办 kept an approved extension's later deadline (cases.services.closing.reopen_deadline).
        before = _deadline_from([e for e in events if e.seq < start.seq], handle_days)
        due = max(due, before) if before is not None else due
    for event in (e for e in events if e.seq > start.seq):
        if event.action == Action.DECIDE_EXTENSION and event.payload.get("approved"):
            due = add_working_days(due, int(event.payload["days"]))
        elif event.action == Action.RESUME and float(event.payload.get("suspended_hours") or 0) > 0:
            due = add_working_hours(due, float(event.payload["suspended_hours"]))
    return due


def repin_limits(case: Case, *, actor: User, reason: str, now: datetime | None = None) -> Case:
    with CASES.verb(case, Action.REPIN, actor, now=now_or(now)) as step:
        case = step.item
        why = text(reason, "重算理由", min_len=4, max_len=500)
        version = LimitVersion.in_force(step.now)
        before: dict[str, Any] = {
            "limit_version": case.limit_version.number if case.limit_version else None,
            "accept_due_at": _iso(case.accept_due_at),
            "due_at": _iso(case.due_at),
        }
        case.limit_version = version
        accept_hours, handle_days = limits(case)
        if case.state == State.DISPATCHED and case.dispatched_at is not None:
            case.accept_due_at = add_working_hours(case.dispatched_at, accept_hours)
        if case.due_at is not None:
            case.due_at = handling_deadline(case, handle_days) or case.due_at
        after = {
            "limit_version": version.number if version else None,
            "accept_due_at": _iso(case.accept_due_at),
            "due_at": _iso(case.due_at),
        }
        step.record(
            note=why,
            payload={"before": before, "after": after},
            fields=["limit_version", "accept_due_at", "due_at"],
        )
        record(actor=actor, action="case.repin", target=case, old=before, new=after, reason=why)
    return case
