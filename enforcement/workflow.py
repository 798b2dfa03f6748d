"""The violation's loop (违法建设): its states, actions and the one table of what follows what.

待核查 (found, registered; checked on site within the configured hours) → 不属实/合法 (closed with
the reason) or 已认定 (认定违建) → 已制止 (当场制止 / 责令停止建设) → 限期自拆 (a deadline) →
已拆除 (自拆, or 组织强拆 once the deadline passed and then the 强制拆除公告's period) → 已复核 (on
site, with photos, by someone other than the demolisher and the finder; 复核不通过 sends it back
to 限期自拆) → 已销号.
Side paths: 复议/诉讼 pauses the 自拆 deadline (维持 resumes it with the time left; 撤销 closes
it); a 存量 violation goes into a dated disposal plan (存量待处置) before its order; 问责 is
recorded in any state without moving it.
"""

from __future__ import annotations

from django.db import models

from loop.machine import Machine


class State(models.TextChoices):
    REPORTED = "reported", "待核查"
    DISMISSED = "dismissed", "不属实/合法"
    CONFIRMED = "confirmed", "已认定违建"
    STOPPED = "stopped", "已制止"
    PLANNED = "planned", "存量待处置"
    ORDERED = "ordered", "限期自拆"
    APPEALED = "appealed", "复议/诉讼中"
    DEMOLISHED = "demolished", "已拆除待复核"
    VERIFIED = "verified", "已复核待销号"
    CLOSED = "closed", "已销号"


class Action(models.TextChoices):
    REPORT = "report", "登记"
    DISMISS = "dismiss", "核查不属实/合法"
    CONFIRM = "confirm", "认定违建"
    STOP = "stop", "制止/责令停止建设"
    PLAN = "plan", "列入存量处置计划"
    ORDER = "order", "限期自拆"
    APPEAL = "appeal", "复议/诉讼"
    UPHOLD = "uphold", "复议/诉讼维持"
    REVOKE = "revoke", "复议/诉讼撤销"
    SELF_DEMOLISH = "self_demolish", "自行拆除"
    ANNOUNCE = "announce", "强制拆除公告"
    FORCE_DEMOLISH = "force_demolish", "组织强拆"
    REINSPECT = "reinspect", "复核通过"
    REJECT = "reject", "复核不通过"  # a sub-action of 复核, chosen by its outcome
    SIGN_OFF = "sign_off", "销号"
    ACCOUNT = "account", "问责"


S, A = State, Action
TRANSITIONS: dict[tuple[State | None, Action], State] = {
    (None, A.REPORT): S.REPORTED,
    (S.REPORTED, A.DISMISS): S.DISMISSED,
    (S.REPORTED, A.CONFIRM): S.CONFIRMED,
    (S.CONFIRMED, A.STOP): S.STOPPED,
    (S.CONFIRMED, A.PLAN): S.PLANNED,
    (S.STOPPED, A.ORDER): S.ORDERED,
    (S.PLANNED, A.ORDER): S.ORDERED,
    (S.STOPPED, A.APPEAL): S.APPEALED,
    (S.ORDERED, A.APPEAL): S.APPEALED,
    (S.APPEALED, A.UPHOLD): S.ORDERED,
    (S.APPEALED, A.REVOKE): S.DISMISSED,
    (S.ORDERED, A.SELF_DEMOLISH): S.DEMOLISHED,
    # 行政强制法 §44: a 公告 giving the owner a last period to demolish comes before any 强拆.
    (S.ORDERED, A.ANNOUNCE): S.ORDERED,
    (S.ORDERED, A.FORCE_DEMOLISH): S.DEMOLISHED,
    (S.DEMOLISHED, A.REINSPECT): S.VERIFIED,
    (S.DEMOLISHED, A.REJECT): S.ORDERED,
    (S.VERIFIED, A.SIGN_OFF): S.CLOSED,
    # 问责 in any state: an event on the log, the state unchanged.
    **{(state, A.ACCOUNT): state for state in State},
}
MACHINE: Machine[State, Action] = Machine(State, Action, TRANSITIONS, item_label="违建", code="enforcement")

# Resolved: nothing more is owed on the building (the 零增长 board counts the others).
RESOLVED_STATES = frozenset({S.DISMISSED, S.CLOSED})
OPEN_STATES = frozenset(set(State) - RESOLVED_STATES)
# Confirmed as a violation (for the board: everything past 认定, and not revoked).
CONFIRMED_STATES = frozenset(
    {S.CONFIRMED, S.STOPPED, S.PLANNED, S.ORDERED, S.APPEALED, S.DEMOLISHED, S.VERIFIED, S.CLOSED}
)
