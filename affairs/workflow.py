"""The application's loop (办件): its states, actions and the one table of what follows what.

申报 (online by the applicant, or at the hall's 综窗 by a window clerk) → 待预审 → the window
checks the materials: 受理, 不予受理 (with its reason), or one 一次性告知 listing everything missing
→ 待补正 → the applicant's 补正 (once: after it the window accepts or refuses, it asks nothing
more) → 审批中: the matter's department approves in its configured steps, each by its own user →
准予 / 不予许可 (办结) → 出件 (window pick-up or post, with the tracking number) → 已出件 →
好差评 (five levels): 好评 closes it; a 差评 opens a rectification (整改) the department answers
within RECTIFY_DAYS working days.
An applicant may withdraw (撤回) before acceptance.
"""

from __future__ import annotations

from django.db import models

from loop.machine import Machine


class State(models.TextChoices):
    SUBMITTED = "submitted", "待预审"
    CORRECTING = "correcting", "待补正"
    APPROVING = "approving", "审批中"
    REFUSED = "refused", "不予受理"
    GRANTED = "granted", "准予（待出件）"
    DENIED = "denied", "不予许可（待送达）"
    DELIVERED = "delivered", "已出件"
    RECTIFYING = "rectifying", "差评整改中"
    RATED = "rated", "已评价"
    WITHDRAWN = "withdrawn", "已撤回"
    # 跨域通办: received here, handled by the partner region (办理地); its progress comes back.
    FORWARDED = "forwarded", "已转办理地"


class Action(models.TextChoices):
    SUBMIT = "submit", "申报"
    NOTIFY = "notify", "一次性告知"
    CORRECT = "correct", "补正"
    ACCEPT = "accept", "受理"
    REFUSE = "refuse", "不予受理"
    APPROVE_STEP = "approve_step", "环节审批"
    GRANT = "grant", "准予"
    DENY = "deny", "不予许可"
    DELIVER = "deliver", "出件"
    WITHDRAW = "withdraw", "撤回"
    RATE = "rate", "好评"
    RATE_POOR = "rate_poor", "差评"
    RECTIFY = "rectify", "整改反馈"
    # 跨域通办: forwarded to the partner region, and what its exchange reports back (the system
    # records these from a signed message; nobody takes them on a page).
    FORWARD = "forward", "转办理地"
    REMOTE_PROGRESS = "remote_progress", "办理地进展"
    REMOTE_GRANT = "remote_grant", "办理地准予"
    REMOTE_DENY = "remote_deny", "办理地不予许可"
    REMOTE_REFUSE = "remote_refuse", "办理地不予受理"


class Channel(models.TextChoices):
    ONLINE = "online", "网上申报"
    WINDOW = "window", "窗口申报"
    PARTNER = "partner", "异地代收"


class Delivery(models.TextChoices):
    WINDOW = "window", "窗口领取"
    POST = "post", "邮寄送达"
    PARTNER = "partner", "收件地出件"


S, A = State, Action
TRANSITIONS: dict[tuple[State | None, Action], State] = {
    (None, A.SUBMIT): S.SUBMITTED,
    (S.SUBMITTED, A.NOTIFY): S.CORRECTING,
    (S.CORRECTING, A.CORRECT): S.SUBMITTED,
    (S.SUBMITTED, A.ACCEPT): S.APPROVING,
    (S.SUBMITTED, A.REFUSE): S.REFUSED,
    # Waiting for 补正 and never to be accepted (a 一件事 whose earlier stage was not granted, or
    # an applicant who never came back): refused with its reason rather than left open.
    (S.CORRECTING, A.REFUSE): S.REFUSED,
    (S.APPROVING, A.APPROVE_STEP): S.APPROVING,
    (S.APPROVING, A.GRANT): S.GRANTED,
    (S.APPROVING, A.DENY): S.DENIED,
    (S.GRANTED, A.DELIVER): S.DELIVERED,
    (S.DENIED, A.DELIVER): S.DELIVERED,
    (S.SUBMITTED, A.WITHDRAW): S.WITHDRAWN,
    (S.CORRECTING, A.WITHDRAW): S.WITHDRAWN,
    # 好差评 after 出件: five levels; 1–2 (差评) open a rectification the department answers.
    (S.DELIVERED, A.RATE): S.RATED,
    (S.DELIVERED, A.RATE_POOR): S.RECTIFYING,
    (S.RECTIFYING, A.RECTIFY): S.RATED,
    # 跨域通办 (异地收件、属地办理): the window here checks the materials and forwards; the partner
    # accepts and decides; the result comes back and is delivered here.
    (S.SUBMITTED, A.FORWARD): S.FORWARDED,
    (S.FORWARDED, A.REMOTE_PROGRESS): S.FORWARDED,
    (S.FORWARDED, A.REMOTE_GRANT): S.GRANTED,
    (S.FORWARDED, A.REMOTE_DENY): S.DENIED,
    (S.FORWARDED, A.REMOTE_REFUSE): S.REFUSED,
}
MACHINE: Machine[State, Action] = Machine(State, Action, TRANSITIONS, item_label="办件", code="affairs")

# Before acceptance: the window's queue (预审).
RECEIVING_STATES = frozenset({S.SUBMITTED, S.CORRECTING})
# 办结: the department has decided (or the window refused); the 办结 time is set.
CONCLUDED_STATES = frozenset({S.REFUSED, S.GRANTED, S.DENIED, S.DELIVERED, S.RECTIFYING, S.RATED})
FINAL_STATES = frozenset({S.REFUSED, S.RATED, S.WITHDRAWN})
# The applicant's own actions: authenticated by the application's tracking code, not a role.
# What the exchange records from a partner's signed message (actor None, never offered on a page).
REMOTE_ACTIONS = frozenset({A.REMOTE_PROGRESS, A.REMOTE_GRANT, A.REMOTE_DENY, A.REMOTE_REFUSE})
APPLICANT_ACTIONS = frozenset({A.CORRECT, A.WITHDRAW, A.RATE, A.RATE_POOR})
# 好差评's five levels; 1 and 2 are 差评.
RATINGS = {5: "非常满意", 4: "满意", 3: "基本满意", 2: "不满意", 1: "非常不满意"}
POOR_RATINGS = frozenset({1, 2})
# Working days the department has to answer a 差评 with its rectification.
RECTIFY_DAYS = 5
