"""One case's event log folded into the rows the rates count (no database access here).

`fold(events, units)` walks a case's events in order and returns its spells with units (承办段),
its approved answers and its callback outcomes, each with the moment it is counted at. The same
fold feeds the fact tables (stats.build) and the exact recomputation (stats.exact), so the two can
only differ if the tables are stale.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from cases.models import GOOD_RATINGS, SuspensionReason
from cases.workflow import Action

SATISFIED = GOOD_RATINGS  # the case loop's one definition of a good rating


@dataclass(frozen=True)
class UnitInfo:
    id: int
    assessed_id: int | None  # a village counts to its township; the centre to nobody
    level: str  # stats.models.Level


@dataclass(frozen=True)
class Event:
    seq: int
    action: str
    at: datetime
    payload: Mapping[str, Any]


@dataclass
class Stint:
    seq: int
    unit: UnitInfo
    start: str  # StintFact.Start
    first_dispatch: bool
    started_at: datetime
    accept_due_at: datetime | None = None
    accepted_at: datetime | None = None
    accept_late: bool | None = None
    returned_at: datetime | None = None
    dispute: int | None = None
    ruling: str = ""
    handle_due_at: datetime | None = None
    contacted_at: datetime | None = None
    answered_at: datetime | None = None
    answer_late: bool | None = None
    # Computed by `settle`.
    accept_anchor: datetime | None = None
    accept_on_time: bool | None = None
    handle_anchor: datetime | None = None
    handle_on_time: bool | None = None
    responded: bool | None = None
    case_id: int = 0

    @property
    def assessed_unit_id(self) -> int | None:
        return self.unit.assessed_id or self.unit.id

    @property
    def level(self) -> str:
        return self.unit.level

    def settle(self) -> None:
        """When the spell counts, and how: fixed once the deadline passes or the step is done."""
        if self.start != "reopen" and self.accept_due_at is not None:
            on_time = self.accepted_at is not None and not (
                self.accept_late if self.accept_late is not None else self.accepted_at > self.accept_due_at
            )
            if on_time:
                self.accept_anchor, self.accept_on_time = self.accepted_at, True
            elif self.returned_at is not None and self.returned_at <= self.accept_due_at:
                self.accept_anchor = self.accept_on_time = None  # returned in time: 退单率 counts it
            else:
                self.accept_anchor, self.accept_on_time = self.accept_due_at, False
        if self.returned_at is not None or self.handle_due_at is None:
            return
        answered_on_time = self.answered_at is not None and not (
            self.answer_late if self.answer_late is not None else self.answered_at > self.handle_due_at
        )
        if answered_on_time:
            self.handle_anchor, self.handle_on_time = self.answered_at, True
        else:
            self.handle_anchor, self.handle_on_time = self.handle_due_at, False
        if self.start != "reopen":
            contacts = [t for t in (self.contacted_at, self.answered_at) if t is not None]
            contact = min(contacts) if contacts else None
            self.responded = bool(
                self.accept_on_time and contact is not None and contact <= self.handle_due_at
            )


@dataclass
class Answer:
    seq: int
    unit: UnitInfo | None  # None: 直接办结 at the centre
    intake: bool
    at: datetime
    called_back_at: datetime | None = None
    reopened_at: datetime | None = None
    case_id: int = 0

    @property
    def assessed_unit_id(self) -> int | None:
        return self.unit.assessed_id if self.unit else None

    @property
    def level(self) -> str:
        return self.unit.level if self.unit else "centre"


@dataclass
class Callback:
    seq: int
    unit: UnitInfo | None
    at: datetime
    reached: bool
    resolved: bool | None
    satisfaction: str
    next_at: datetime | None = None
    case_id: int = 0

    @property
    def assessed_unit_id(self) -> int | None:
        return self.unit.assessed_id if self.unit else None

    @property
    def level(self) -> str:
        return self.unit.level if self.unit else "centre"


@dataclass
class Folded:
    stints: list[Stint] = field(default_factory=list)
    answers: list[Answer] = field(default_factory=list)
    callbacks: list[Callback] = field(default_factory=list)
    merged_at: datetime | None = None
    merged_into: str = ""
    transferred_at: datetime | None = None


def _time(value: Any) -> datetime | None:
    return datetime.fromisoformat(value) if isinstance(value, str) and value else None


def fold(events: Iterable[Event], units: Mapping[str, UnitInfo]) -> Folded:
    """The case's facts from its events (in `seq` order); `units` maps unit codes to their info."""
    out = Folded()
    current: Stint | None = None  # the spell whose unit holds the case now
    last: Stint | None = None  # the latest spell (a reopen goes back to its unit)
    dispatched = False
    A = Action
    for e in events:
        p = e.payload
        if e.action in (A.DISPATCH, A.REJECT_DISPUTE):
            unit = units.get(str(p.get("lead_unit") or p.get("unit") or ""))
            if e.action == A.REJECT_DISPUTE:
                for s in out.stints:
                    if s.dispute is not None and s.dispute == p.get("dispute"):
                        s.ruling = "rejected"
            if unit is None:
                current = None
                continue
            current = Stint(
                seq=len(out.stints) + 1, unit=unit,
                start="dispatch" if e.action == A.DISPATCH else "redispatch",
                first_dispatch=e.action == A.DISPATCH and not dispatched, started_at=e.at,
                accept_due_at=_time(p.get("accept_due_at")), handle_due_at=_time(p.get("due_at")),
            )  # fmt: skip
            dispatched = dispatched or e.action == A.DISPATCH
            out.stints.append(current)
            last = current
        elif current is not None and e.action == A.ACCEPT and current.accepted_at is None:
            current.accepted_at = e.at
            late = p.get("late")
            current.accept_late = bool(late) if late is not None else None
        elif current is not None and e.action == A.RETURN:
            current.returned_at, current.ruling = e.at, "pending"
            dispute = p.get("dispute")
            current.dispute = int(dispute) if dispute is not None else None
            current = None
        elif e.action == A.RULE_DISPUTE:
            for s in out.stints:
                if s.dispute is not None and s.dispute == p.get("dispute") and p.get("upheld"):
                    s.ruling = "upheld"
        elif current is not None and e.action in (A.DECIDE_EXTENSION, A.RESUME) and p.get("due_at"):
            current.handle_due_at = _time(p["due_at"]) or current.handle_due_at
        elif current is not None and e.action == A.REPIN:
            after = p.get("after") or {}
            current.handle_due_at = _time(after.get("due_at")) or current.handle_due_at
            if current.accepted_at is None:
                current.accept_due_at = _time(after.get("accept_due_at")) or current.accept_due_at
        elif current is not None and e.action == A.CONTACT:
            if p.get("reached") and current.contacted_at is None:
                current.contacted_at = e.at
        elif (
            current is not None
            and e.action == A.REQUEST_SUSPENSION
            and p.get("reason") == SuspensionReason.CITIZEN_DOCUMENTS
            and current.contacted_at is None
        ):
            current.contacted_at = e.at
        elif e.action == A.APPROVE_REPLY:
            unit_info = current.unit if current is not None else (last.unit if last else None)
            if current is not None and current.answered_at is None:
                current.answered_at = e.at
                late = p.get("late")
                current.answer_late = bool(late) if late is not None else None
            out.answers.append(Answer(seq=len(out.answers) + 1, unit=unit_info, intake=False, at=e.at))
        elif e.action == A.ANSWER_AT_INTAKE:
            out.answers.append(Answer(seq=len(out.answers) + 1, unit=None, intake=True, at=e.at))
        elif e.action in (A.CALLBACK, A.RECTIFY):
            answer = out.answers[-1] if out.answers else None
            if answer is not None and answer.called_back_at is None:
                answer.called_back_at = e.at
            if e.action == A.CALLBACK:  # a 差评 sent to rectification is not the final word (RECTIFY)
                reached = bool(p.get("reached"))
                resolved = p.get("resolved")
                out.callbacks.append(
                    Callback(
                        seq=len(out.callbacks) + 1, unit=answer.unit if answer else None, at=e.at,
                        reached=reached,
                        resolved=bool(resolved) if reached and resolved is not None else None,
                        satisfaction=str(p.get("satisfaction") or "") if reached else "",
                    )
                )  # fmt: skip
        elif e.action == A.REOPEN:
            if out.answers and out.answers[-1].reopened_at is None:
                out.answers[-1].reopened_at = e.at
            if last is not None:
                current = Stint(
                    seq=len(out.stints) + 1, unit=last.unit, start="reopen", first_dispatch=False,
                    started_at=e.at, handle_due_at=_time(p.get("due_at")),
                )  # fmt: skip
                out.stints.append(current)
                last = current
        elif e.action == A.OVERRIDE:
            new = p.get("new") or {}
            if out.callbacks and out.callbacks[-1].reached:
                if "satisfaction" in new:
                    out.callbacks[-1].satisfaction = str(new["satisfaction"] or "")
                if isinstance(new.get("resolved"), bool):
                    out.callbacks[-1].resolved = new["resolved"]
        elif e.action == A.MERGE:
            out.merged_at, out.merged_into = e.at, str(p.get("parent") or "")
        elif e.action == A.TRANSFER:
            out.transferred_at = e.at
    for s in out.stints:
        s.settle()
    for before, after in zip(out.callbacks, out.callbacks[1:], strict=False):
        before.next_at = after.at
    return out
