"""The proactive task's loop (未诉先办): a hotspot taken up as one task for a unit.

待办理 (交办: a supervisor or leader gives the hotspot to a unit with a deadline) → 已办结 (the
unit reports what it did). The result then shows on every case behind the hotspot.
"""

from __future__ import annotations

from django.db import models

from loop.machine import Machine


class State(models.TextChoices):
    ASSIGNED = "assigned", "待办理"
    REPORTED = "reported", "已办结"


class Action(models.TextChoices):
    ASSIGN = "assign", "交办"
    REPORT = "report", "报告办理结果"


S, A = State, Action
TRANSITIONS: dict[tuple[State | None, Action], State] = {
    (None, A.ASSIGN): S.ASSIGNED,
    (S.ASSIGNED, A.REPORT): S.REPORTED,
}
MACHINE: Machine[State, Action] = Machine(
    State, Action, TRANSITIONS, item_label="未诉先办任务", code="hotspots"
)
