"""莫愁小分队's loop: a visit on request (上门帮办), from the booking to the enterprise's rating.

申请 ──安排──> 已安排 ──记录走访──> 已走访 ──评价──> 已评价
 │  └─退回 (the team, with a reason)─> 已退回
 └──┴─取消 (the enterprise, its liaison or the team, with a reason)─> 已取消
"""

from __future__ import annotations

from django.db import models

from loop.machine import Machine


class State(models.TextChoices):
    REQUESTED = "requested", "申请"
    SCHEDULED = "scheduled", "已安排"
    VISITED = "visited", "已走访"
    RATED = "rated", "已评价"
    CANCELLED = "cancelled", "已取消"
    RETURNED = "returned", "已退回"


class Action(models.TextChoices):
    BOOK = "book", "申请上门帮办"
    SCHEDULE = "schedule", "安排走访"
    RECORD = "record", "记录走访"
    RATE = "rate", "评价"
    CANCEL = "cancel", "取消"
    RETURN = "return", "退回"


class Origin(models.TextChoices):
    """Who asked for the visit: "无事不扰" caps only the visits the enterprise did not ask for."""

    ENTERPRISE = "enterprise", "企业申请"
    LIAISON = "liaison", "店小二代约"


TRANSITIONS: dict[tuple[State | None, Action], State] = {
    (None, Action.BOOK): State.REQUESTED,
    (State.REQUESTED, Action.SCHEDULE): State.SCHEDULED,
    (State.REQUESTED, Action.RETURN): State.RETURNED,
    (State.REQUESTED, Action.CANCEL): State.CANCELLED,
    (State.SCHEDULED, Action.CANCEL): State.CANCELLED,
    (State.SCHEDULED, Action.RECORD): State.VISITED,
    (State.VISITED, Action.RATE): State.RATED,
}
MACHINE: Machine[State, Action] = Machine(
    State, Action, TRANSITIONS, item_label="上门帮办", code="enterprises.visit"
)

# Visits that take an enterprise's time (counted by the cap): every one not cancelled or returned.
COUNTED_STATES = frozenset({State.REQUESTED, State.SCHEDULED, State.VISITED, State.RATED})
# The enterprise's own actions, taken through its personal link (no account, see guards.py).
ENTERPRISE_ACTIONS = frozenset({Action.BOOK, Action.CANCEL, Action.RATE})
# 好差评's five levels, as the hotline and 一网通办 have them; 1 and 2 are 差评.
RATINGS = {5: "非常满意", 4: "满意", 3: "基本满意", 2: "不满意", 1: "非常不满意"}
