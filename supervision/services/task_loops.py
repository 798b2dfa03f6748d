"""The decision task's loop and the task notice's loop on the loop core.

A task's 督办单 runs on the 督办单's own table and guards (supervision.workflow / guards): the
same 下发 → 签收 → 反馈 → 审核 and the same 蓝 → 黄 → 红 ladder, over its own rows.
"""

from __future__ import annotations

from loop.verbs import Loop
from supervision.guards import GUARDS
from supervision.task_guards import TASK_GUARDS
from supervision.task_models import Task, TaskEvent, TaskNotice, TaskNoticeEvent
from supervision.task_workflow import TASK_MACHINE, TaskAction, TaskState
from supervision.workflow import MACHINE, Action, State

TASKS: Loop[Task, TaskState, TaskAction] = Loop(
    model=Task,
    event_model=TaskEvent,
    item_field="task",
    machine=TASK_MACHINE,
    guards=TASK_GUARDS,
    related=("lead_unit", "leader", "supervisor"),
)

TASK_NOTICES: Loop[TaskNotice, State, Action] = Loop(
    model=TaskNotice,
    event_model=TaskNoticeEvent,
    item_field="notice",
    machine=MACHINE,
    guards=GUARDS,
    related=("task", "unit", "supervisor"),
)
