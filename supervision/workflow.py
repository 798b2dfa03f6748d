"""The 督办单's loop: its states, actions and the one table of what follows what.

已下发 → 已签收 (the unit signs for it) → 反馈待审 (a clerk drafts the 反馈) → 已反馈 (the unit's
leader approves it; 退回修改 sends it back to the clerk). A notice still unsigned or unanswered
when its 反馈期限 passes is 已升级: the sweep issues the next colour (蓝 → 黄 → 红) in its place.
A drafted answer waiting for the leader is not escalated (the answer exists; the leader is told).
"""

from __future__ import annotations

from django.db import models

from loop.machine import Machine


class State(models.TextChoices):
    ISSUED = "issued", "已下发"
    SIGNED = "signed", "已签收"
    PENDING_APPROVAL = "pending_approval", "反馈待审"
    ANSWERED = "answered", "已反馈"
    ESCALATED = "escalated", "已升级"


class Action(models.TextChoices):
    ISSUE = "issue", "下发督办单"
    SIGN = "sign", "签收"
    ANSWER = "answer", "提交反馈"
    APPROVE = "approve", "审核通过"
    RETURN = "return", "退回修改"
    ESCALATE = "escalate", "升级督办"  # the system's, at the 反馈期限


class Colour(models.TextChoices):
    """三色督办单: each colour follows an unanswered previous one."""

    BLUE = "blue", "蓝色"
    YELLOW = "yellow", "黄色"
    RED = "red", "红色"


LADDER = (Colour.BLUE, Colour.YELLOW, Colour.RED)


def next_colour(colour: str) -> Colour | None:
    """The colour that follows an unanswered notice of `colour`, or None after 红."""
    at = LADDER.index(Colour(colour))
    return LADDER[at + 1] if at + 1 < len(LADDER) else None


def colour_rank(colour: str) -> int:
    return LADDER.index(Colour(colour))


S, A = State, Action
TRANSITIONS: dict[tuple[State | None, Action], State] = {
    (None, A.ISSUE): S.ISSUED,
    (S.ISSUED, A.SIGN): S.SIGNED,
    (S.SIGNED, A.ANSWER): S.PENDING_APPROVAL,
    (S.PENDING_APPROVAL, A.APPROVE): S.ANSWERED,
    (S.PENDING_APPROVAL, A.RETURN): S.SIGNED,
    (S.ISSUED, A.ESCALATE): S.ESCALATED,
    (S.SIGNED, A.ESCALATE): S.ESCALATED,
}
MACHINE: Machine[State, Action] = Machine(
    State, Action, TRANSITIONS, item_label="督办单", code="supervision.notice"
)

# Still owed by the unit: the 反馈期限 runs in these.
OPEN_STATES = frozenset({S.ISSUED, S.SIGNED, S.PENDING_APPROVAL})
# The system's own actions, which no user takes (the guards cover every other).
SYSTEM_ACTIONS = frozenset({A.ESCALATE})
