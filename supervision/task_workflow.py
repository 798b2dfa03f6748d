"""The decision task's loop (督查室's 督办事项): its states, actions and the one table.

草拟 → 立项 (the 督查员 confirms a reviewed draft) → 交办 (lead unit + co-units + responsible
leader) → 签收, or 申请调整 ruled on by the 督查室 (同意: back to 已立项 to be re-assigned; 不同意:
back to 已交办) → 办理中 with progress reports (阶段办结 among them) → 申请办结 with evidence → 初审
by the 督查室 → 审结 by the leader who assigned it → 已销号. 退回重办 at either review sends it
back to 办理中. 延期 is requested while 办理中 (before the deadline) and approved by the 督查室 then
the leader: the task stays 办理中 meanwhile (its `extension_step` says where the request is).
"""

from __future__ import annotations

from django.db import models

from loop.machine import Machine


class TaskState(models.TextChoices):
    DRAFT = "draft", "草拟"
    APPROVED = "approved", "已立项"
    ASSIGNED = "assigned", "已交办"
    ADJUSTING = "adjusting", "申请调整"
    IN_PROGRESS = "in_progress", "办理中"
    CLOSE_REQUESTED = "close_requested", "申请办结"
    LEADER_REVIEW = "leader_review", "待审结"
    CLOSED = "closed", "已销号"


class TaskAction(models.TextChoices):
    DRAFT = "draft", "草拟"
    INSTRUCT = "instruct", "领导批示"
    APPROVE = "approve", "立项"
    ASSIGN = "assign", "交办"
    SIGN = "sign", "签收"
    REQUEST_ADJUST = "request_adjust", "申请调整"
    GRANT_ADJUST = "grant_adjust", "同意调整"
    REFUSE_ADJUST = "refuse_adjust", "不同意调整"
    REPORT = "report", "报送进展"
    REQUEST_EXTENSION = "request_ext", "申请延期"
    APPROVE_EXTENSION = "approve_ext", "同意延期"
    REFUSE_EXTENSION = "refuse_ext", "不同意延期"
    REQUEST_CLOSE = "request_close", "申请办结"
    FIRST_REVIEW = "first_review", "初审通过"
    RETURN = "return", "退回重办"
    FINAL_REVIEW = "final_review", "审结销号"
    LEADER_RETURN = "leader_return", "领导退回重办"


class Source(models.TextChoices):
    """Where a task comes from: decides its default time limit (supervision.task_config)."""

    MEETING = "meeting", "会议纪要"
    INSTRUCTION_URGENT = "instruction_urgent", "领导批示（急件）"
    INSTRUCTION = "instruction", "领导批示（非急件）"
    OTHER = "other", "其他"


S, A = TaskState, TaskAction
TASK_TRANSITIONS: dict[tuple[TaskState | None, TaskAction], TaskState] = {
    (None, A.DRAFT): S.DRAFT,
    (None, A.APPROVE): S.APPROVED,  # a reviewed draft of the record, confirmed: 立项 at once
    # A leader's 批示 on a case or hotspot: the leader decides what, to whom and by when, so it
    # is 交办 as it is made (the 督查室 follows it up like any other task).
    (None, A.INSTRUCT): S.ASSIGNED,
    (S.DRAFT, A.APPROVE): S.APPROVED,
    (S.APPROVED, A.ASSIGN): S.ASSIGNED,
    (S.ASSIGNED, A.SIGN): S.IN_PROGRESS,
    (S.ASSIGNED, A.REQUEST_ADJUST): S.ADJUSTING,
    (S.ADJUSTING, A.GRANT_ADJUST): S.APPROVED,
    (S.ADJUSTING, A.REFUSE_ADJUST): S.ASSIGNED,
    (S.IN_PROGRESS, A.REPORT): S.IN_PROGRESS,
    (S.IN_PROGRESS, A.REQUEST_EXTENSION): S.IN_PROGRESS,
    (S.IN_PROGRESS, A.APPROVE_EXTENSION): S.IN_PROGRESS,
    (S.IN_PROGRESS, A.REFUSE_EXTENSION): S.IN_PROGRESS,
    (S.IN_PROGRESS, A.REQUEST_CLOSE): S.CLOSE_REQUESTED,
    (S.CLOSE_REQUESTED, A.FIRST_REVIEW): S.LEADER_REVIEW,
    (S.CLOSE_REQUESTED, A.RETURN): S.IN_PROGRESS,
    (S.LEADER_REVIEW, A.FINAL_REVIEW): S.CLOSED,
    (S.LEADER_REVIEW, A.LEADER_RETURN): S.IN_PROGRESS,
}
TASK_MACHINE: Machine[TaskState, TaskAction] = Machine(
    TaskState, TaskAction, TASK_TRANSITIONS, item_label="督办事项", code="supervision.task"
)

# The unit owes work in these: its deadline runs and the sweep watches it.
TASK_OPEN_STATES = frozenset({S.ASSIGNED, S.ADJUSTING, S.IN_PROGRESS, S.CLOSE_REQUESTED, S.LEADER_REVIEW})
# Waiting for the unit itself (not for a review): late here is the unit's lateness.
TASK_UNIT_STATES = frozenset({S.ASSIGNED, S.IN_PROGRESS})


class ExtensionStep(models.TextChoices):
    NONE = "", "无"
    REQUESTED = "requested", "待督查室审核"
    SUPERVISOR_OK = "supervisor_ok", "待领导审批"
