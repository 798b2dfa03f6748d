"""A ticket's loop at the 莫愁政务大厅: 取号 → 叫号 → 办理中 → 完成, or 过号 / 取消.

A ticket is taken by matter at the kiosk (or issued by hall staff for a 帮办代办 applicant, or
checked in from an appointment); a window clerk calls the next one the window serves, recalls it,
starts and finishes the service, or marks it 过号 after NO_SHOW_CALLS calls without an answer.
A 过号 ticket whose holder comes back is queued again (重新排队), behind the ones waiting.
"""

from __future__ import annotations

from django.db import models

from loop.machine import Machine


class State(models.TextChoices):
    WAITING = "waiting", "待叫号"
    CALLED = "called", "已叫号"
    SERVING = "serving", "办理中"
    DONE = "done", "已完成"
    MISSED = "missed", "过号"
    CANCELLED = "cancelled", "已取消"


class Action(models.TextChoices):
    TAKE = "take", "取号"
    CALL = "call", "叫号"
    RECALL = "recall", "重呼"
    START = "start", "开始办理"
    FINISH = "finish", "办理完成"
    NO_SHOW = "no_show", "过号"
    RESTORE = "restore", "重新排队"
    CANCEL = "cancel", "取消"


class Priority(models.IntegerChoices):
    """Who is called first: appointments, then 帮办代办 / elderly and disabled, then everyone in
    the order they took their ticket."""

    APPOINTMENT = 0, "预约"
    ASSISTED = 1, "帮办优先"
    NORMAL = 2, "普通"


S, A = State, Action
TRANSITIONS: dict[tuple[State | None, Action], State] = {
    (None, A.TAKE): S.WAITING,
    (S.WAITING, A.CALL): S.CALLED,
    (S.CALLED, A.RECALL): S.CALLED,
    (S.CALLED, A.START): S.SERVING,
    (S.CALLED, A.NO_SHOW): S.MISSED,
    (S.SERVING, A.FINISH): S.DONE,
    (S.MISSED, A.RESTORE): S.WAITING,
    (S.WAITING, A.CANCEL): S.CANCELLED,
}
MACHINE: Machine[State, Action] = Machine(State, Action, TRANSITIONS, item_label="排队号", code="hall")

# At a window now: the window is busy with it.
AT_WINDOW_STATES = frozenset({S.CALLED, S.SERVING})
FINAL_STATES = frozenset({S.DONE, S.CANCELLED})
