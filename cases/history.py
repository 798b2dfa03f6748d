"""Who had a case, for how long and why it moved on: read from the event log, never stored.

提级办理 counts the moves (cases.services.escalation); the supervisors' 问题工单 page shows the
summary. Both are recomputed from the events whenever they are asked for.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from cases.models import Case, CaseEvent
from cases.workflow import Action
from org.models import Unit

# What counts towards 提级办理: passed back by a unit (退单) or sent back for another round (重办).
MOVE_ACTIONS = (Action.RETURN, Action.REOPEN)

# The events that hand the case to a unit, and what the summary calls each.
_STARTS = {
    Action.DISPATCH: "派单",
    Action.REJECT_DISPUTE: "退单异议不成立，退回",
    Action.REOPEN: "重办",
}
_ENDS = {
    Action.RETURN: "退单",
    Action.APPROVE_REPLY: "答复",
    Action.MERGE: "合并",
    Action.TRANSFER: "转办",
}


@dataclass
class Stint:
    """One unit's spell with the case."""

    unit: str
    started_at: datetime
    started_by: str  # how it came to the unit: 派单, 重办 …
    start_note: str
    ended_at: datetime | None = None
    ended_by: str = ""  # how it left: 退单, 答复 …; empty while the unit still has it
    end_note: str = ""

    def duration(self, now: datetime | None = None) -> timedelta:
        return (self.ended_at or now or timezone.now()) - self.started_at

    @property
    def held(self) -> str:
        """The spell's length in words: 3天4小时, 5小时, 20分钟."""
        seconds = int(self.duration().total_seconds())
        days, rest = divmod(seconds, 86400)
        hours, rest = divmod(rest, 3600)
        if days:
            return f"{days}天{hours}小时" if hours else f"{days}天"
        if hours:
            return f"{hours}小时"
        return f"{max(1, rest // 60)}分钟"


def moves(case: Case) -> list[CaseEvent]:
    """The events that count towards 提级办理, in order."""
    return list(CaseEvent.objects.filter(case=case, action__in=MOVE_ACTIONS).order_by("seq"))


def stints(case: Case) -> list[Stint]:
    """The case's spells with units, from its log: who had it, from when to when, why it moved."""
    events = list(CaseEvent.objects.filter(case=case).order_by("seq"))
    codes = {e.payload.get(key) for e in events for key in ("lead_unit", "unit") if e.payload.get(key)}
    names = dict(Unit.objects.filter(code__in=codes).values_list("code", "name"))
    spells: list[Stint] = []
    current_unit = ""
    for event in events:
        action = Action(event.action)
        open_spell = spells[-1] if spells and spells[-1].ended_at is None else None
        if action in _ENDS and open_spell is not None:
            open_spell.ended_at, open_spell.ended_by, open_spell.end_note = (
                event.created_at, _ENDS[action], event.note,
            )  # fmt: skip
        if action in _STARTS:
            code = event.payload.get("lead_unit") or event.payload.get("unit") or current_unit
            current_unit = code or current_unit
            if open_spell is not None and open_spell.ended_at is None:
                open_spell.ended_at, open_spell.ended_by = event.created_at, _STARTS[action]
            spells.append(
                Stint(
                    unit=names.get(code, code or "（未知单位）"),
                    started_at=event.created_at,
                    started_by=_STARTS[action],
                    start_note=event.note,
                )
            )
    return spells
