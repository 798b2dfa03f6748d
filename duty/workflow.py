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
MACHINE: Machine[State, Action] = Machine(State, Action, TRANSITIONS, item_label="突发事件")
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
    TaskState, TaskAction, TASK_TRANSITIONS, item_label="处置任务"
)
TASK_OPEN_STATES = frozenset({TS.ISSUED, TS.ACCEPTED, TS.DONE})
