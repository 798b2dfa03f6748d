"""The two loops of the duty system: incidents (突发事件信息报送) and the tasks they spawn.

Incident: 待初报 (the office knows of it: a call, a 12345 case) → 处置中 (初报 filed; 续报 n
numbered, each with the next 续报 deadline) → 已终报. A unit that learns of an incident itself
files the 初报 at once (the first action brings the incident into being already reported).

Task: 已下达 → 已签收 → 已反馈 → 已销号 (the office verifies: 清零销号), or 退回 to 已签收.
"""

from __future__ import annotations

from django.db import models

from loop.machine import Machine


class State(models.TextChoices):
    PENDING = "pending", "待初报"
    REPORTED = "reported", "处置中"
    FINISHED = "finished", "已终报"


class Action(models.TextChoices):
    REGISTER = "register", "登记事件"
    FIRST = "first", "初报"
    FOLLOW = "follow", "续报"
    FINAL = "final", "终报"
    LINK = "link", "关联工单"


S, A = State, Action
TRANSITIONS: dict[tuple[State | None, Action], State] = {
    (None, A.REGISTER): S.PENDING,
    (None, A.FIRST): S.REPORTED,
    (S.PENDING, A.FIRST): S.REPORTED,
    (S.REPORTED, A.FOLLOW): S.REPORTED,
    (S.REPORTED, A.FINAL): S.FINISHED,
    (S.PENDING, A.LINK): S.PENDING,
    (S.REPORTED, A.LINK): S.REPORTED,
    (S.FINISHED, A.LINK): S.FINISHED,
}
MACHINE: Machine[State, Action] = Machine(
    State, Action, TRANSITIONS, item_label="突发事件", code="duty.incident"
)
OPEN_STATES = frozenset({S.PENDING, S.REPORTED})


class TaskState(models.TextChoices):
    ISSUED = "issued", "已下达"
    ACCEPTED = "accepted", "已签收"
    DONE = "done", "已反馈"
    CLOSED = "closed", "已销号"


class TaskAction(models.TextChoices):
    ASSIGN = "assign", "下达任务"
    ACCEPT = "accept", "签收"
    REPORT = "report", "反馈结果"
    VERIFY = "verify", "销号"
    REJECT = "reject", "退回"


TS, TA = TaskState, TaskAction
TASK_TRANSITIONS: dict[tuple[TaskState | None, TaskAction], TaskState] = {
    (None, TA.ASSIGN): TS.ISSUED,
    (TS.ISSUED, TA.ACCEPT): TS.ACCEPTED,
    (TS.ACCEPTED, TA.REPORT): TS.DONE,
    (TS.DONE, TA.VERIFY): TS.CLOSED,
    (TS.DONE, TA.REJECT): TS.ACCEPTED,
}
TASK_MACHINE: Machine[TaskState, TaskAction] = Machine(
    TaskState, TaskAction, TASK_TRANSITIONS, item_label="处置任务", code="duty.task"
)
TASK_OPEN_STATES = frozenset({TS.ISSUED, TS.ACCEPTED, TS.DONE})


# ---------------------------------------------------------------- key persons (重点人员)
# Registered (在管) with a check every N days; each check keeps them 在管 and sets the next;
# 解除 (closed) with a reason. A person closed by mistake is registered again (a new record).


class KeyState(models.TextChoices):
    ACTIVE = "active", "在管"
    CLOSED = "closed", "已解除"


class KeyAction(models.TextChoices):
    REGISTER = "register", "登记"
    CHECK = "check", "走访核查"
    CLOSE = "close", "解除管控"


KS, KA = KeyState, KeyAction
KEY_TRANSITIONS: dict[tuple[KeyState | None, KeyAction], KeyState] = {
    (None, KA.REGISTER): KS.ACTIVE,
    (KS.ACTIVE, KA.CHECK): KS.ACTIVE,
    (KS.ACTIVE, KA.CLOSE): KS.CLOSED,
}
KEY_MACHINE: Machine[KeyState, KeyAction] = Machine(
    KeyState, KeyAction, KEY_TRANSITIONS, item_label="重点人员", code="duty.keyperson"
)


# ---------------------------------------------------------------- drills (演练)
# 计划 → 已实施 (held: when, who took part, what happened) → 已评估 (problems found, improvements);
# a planned drill may be 取消 with a reason.


class DrillState(models.TextChoices):
    PLANNED = "planned", "计划"
    HELD = "held", "已实施"
    ASSESSED = "assessed", "已评估"
    CANCELLED = "cancelled", "已取消"


class DrillAction(models.TextChoices):
    PLAN = "plan", "制定计划"
    HOLD = "hold", "实施"
    ASSESS = "assess", "评估"
    CANCEL = "cancel", "取消"


DS, DA = DrillState, DrillAction
DRILL_TRANSITIONS: dict[tuple[DrillState | None, DrillAction], DrillState] = {
    (None, DA.PLAN): DS.PLANNED,
    (DS.PLANNED, DA.HOLD): DS.HELD,
    (DS.HELD, DA.ASSESS): DS.ASSESSED,
    (DS.PLANNED, DA.CANCEL): DS.CANCELLED,
}
DRILL_MACHINE: Machine[DrillState, DrillAction] = Machine(
    DrillState, DrillAction, DRILL_TRANSITIONS, item_label="演练", code="duty.drill"
)
