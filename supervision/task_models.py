"""The 督查室's decision tasks, their progress reports, notices, plans and indicators.

`Task.state` and `TaskNotice.state` are caches of their event logs, written only by the verbs
(supervision.services.tasks / task_notices); the models refuse any other write (loop.writes).
Imported by supervision.models so Django sees them.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models

from loop.events import EventBase
from loop.writes import StatefulModel, StatefulQuerySet
from supervision.task_workflow import (
    TASK_OPEN_STATES,
    ExtensionStep,
    Source,
    TaskAction,
    TaskState,
)
from supervision.workflow import Action as NoticeAction
from supervision.workflow import Colour
from supervision.workflow import State as NoticeState

# ------------------------------------------------------------------ 八大计划 and indicators


class Plan(models.Model):
    """One of the plans a meeting decided (八大计划): the heading tasks and indicators sit under."""

    number = models.PositiveSmallIntegerField("序号", unique=True)
    name = models.CharField("计划名称", max_length=60, unique=True)  # "永动机"招商引资倍增计划
    keywords = models.CharField(
        "识别关键词", max_length=200, blank=True, help_text="以顿号分隔：提取时据此把承诺归入本计划"
    )
    summary = models.TextField("计划要点", blank=True)
    lead_unit = models.ForeignKey(
        "org.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="牵头单位"
    )
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="分管领导",
    )

    class Meta:
        verbose_name = "计划"
        verbose_name_plural = "计划"
        ordering = ["number"]

    def __str__(self) -> str:
        return self.name

    def keyword_list(self) -> list[str]:
        return [k for k in self.keywords.replace("，", "、").split("、") if k.strip()]


class Direction(models.TextChoices):
    UP = "up", "越大越好"
    DOWN = "down", "越小越好"


class IndicatorKind(models.TextChoices):
    ABSOLUTE = "absolute", "绝对值"
    RATIO = "ratio", "比率（分子/分母）"
    CUMULATIVE = "cumulative", "年度累计"


class Frequency(models.TextChoices):
    MONTHLY = "monthly", "月度"
    QUARTERLY = "quarterly", "季度"
    YEARLY = "yearly", "年度"


class Indicator(models.Model):
    """A measured figure of a plan, against a target due on a date."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="indicators", verbose_name="计划")
    code = models.SlugField("指标编码", max_length=40, unique=True)
    name = models.CharField("指标名称", max_length=80)
    measure_unit = models.CharField("计量单位", max_length=20)  # %, 个, 亿元
    direction = models.CharField("方向", max_length=8, choices=Direction.choices, default=Direction.UP)
    kind = models.CharField(
        "类型", max_length=12, choices=IndicatorKind.choices, default=IndicatorKind.ABSOLUTE
    )
    baseline = models.DecimalField("基期值", max_digits=14, decimal_places=2)
    baseline_date = models.DateField("基期")
    target = models.DecimalField("目标值", max_digits=14, decimal_places=2)
    due = models.DateField("目标期限")
    basis = models.TextField("统计口径", blank=True)
    source = models.CharField("数据来源", max_length=120, blank=True)
    frequency = models.CharField(
        "报送频次", max_length=12, choices=Frequency.choices, default=Frequency.MONTHLY
    )
    owner_unit = models.ForeignKey(
        "org.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="报送单位"
    )
    # A figure another app holds (招商 signed projects …): its value comes from the provider
    # registered under this key (supervision.indicators), not typed in twice.
    provider = models.CharField("数据接口", max_length=40, blank=True)

    class Meta:
        verbose_name = "指标"
        verbose_name_plural = "指标"
        ordering = ["plan__number", "code"]

    def __str__(self) -> str:
        return self.name


class Measurement(models.Model):
    """One figure of an indicator for one period. Every entry is kept (history); the latest entry
    of a period is its value, so a correction is a new row, not an overwrite."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="measurements")
    period = models.DateField("统计期")  # the period's last day
    value = models.DecimalField("数值", max_digits=14, decimal_places=2)
    numerator = models.DecimalField("分子", max_digits=16, decimal_places=2, null=True, blank=True)
    denominator = models.DecimalField("分母", max_digits=16, decimal_places=2, null=True, blank=True)
    source_document = models.CharField("依据材料", max_length=200, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    via = models.CharField("来源", max_length=12, default="form")  # form / csv / api / provider
    created_at = models.DateTimeField("录入时间")

    class Meta:
        verbose_name = "指标数据"
        verbose_name_plural = "指标数据"
        ordering = ["indicator", "period", "created_at", "pk"]
        indexes = [models.Index(fields=["indicator", "period"], name="measure_ind_period")]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.period} {self.value}"


# ------------------------------------------------------------------ tasks


class TaskQuerySet(StatefulQuerySet["Task"]):
    def visible_to(self, user: object) -> TaskQuerySet:
        """督查室, leaders and the administrator see every task; a unit its own (lead or co-unit)."""
        role = getattr(user, "role", "")
        if getattr(user, "is_superuser", False) or role in ("supervisor", "leader", "admin", "auditor"):
            return self
        unit_id = getattr(user, "unit_id", None)
        if unit_id is None:
            return self.none()
        return (
            self.filter(models.Q(lead_unit_id=unit_id) | models.Q(co_units__id=unit_id))
            .exclude(state__in=[TaskState.DRAFT, TaskState.APPROVED])
            .distinct()
        )

    def open(self) -> TaskQuerySet:
        return self.filter(state__in=TASK_OPEN_STATES)


class Task(StatefulModel):
    """督办事项: one decision of a meeting (or a leader's 批示), owned by a unit, dated, verified."""

    number = models.CharField("事项编号", max_length=20, unique=True)
    title = models.CharField("事项", max_length=200)
    body = models.TextField("工作要求", max_length=4000)
    source_kind = models.CharField("来源", max_length=20, choices=Source.choices, default=Source.MEETING)
    source_text = models.TextField("原文", blank=True, max_length=4000)
    record = models.ForeignKey(
        "supervision.MeetingRecord", null=True, blank=True, on_delete=models.PROTECT, related_name="tasks"
    )
    # A leader's 批示 on a 12345 case or on a hotspot (高频事): the item it was given on. The case
    # page shows it (through cases.hooks.supervision_panel), the hotspot page too (hotspots.hooks).
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="工单"
    )
    hotspot = models.ForeignKey(
        "hotspots.Hotspot",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="高频事",
    )
    plan = models.ForeignKey(Plan, null=True, blank=True, on_delete=models.PROTECT, related_name="tasks")
    indicators = models.ManyToManyField(Indicator, blank=True, related_name="tasks", verbose_name="关联指标")
    target_text = models.CharField("目标", max_length=120, blank=True)
    major = models.BooleanField("重大事项", default=False)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name="上级事项",
    )
    lead_unit = models.ForeignKey(
        "org.Unit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="lead_tasks",
        verbose_name="牵头单位",
    )
    co_units = models.ManyToManyField(
        "org.Unit", blank=True, related_name="co_tasks", verbose_name="协办单位"
    )
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="led_tasks",
        verbose_name="责任领导",
    )
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="supervised_tasks",
        verbose_name="督查员",
    )
    state = models.CharField("状态", max_length=20, choices=TaskState.choices, default=TaskState.DRAFT)
    deadline = models.DateTimeField("办结时限", null=True, blank=True, db_index=True)
    report_every = models.PositiveSmallIntegerField("报送周期（工作日）", default=10)
    next_report_by = models.DateTimeField("下次报送期限", null=True, blank=True)
    progress = models.PositiveSmallIntegerField("完成进度（%）", default=0)
    staged = models.BooleanField("分阶段办结", default=False)
    assigned_at = models.DateTimeField("交办时间", null=True, blank=True)
    signed_at = models.DateTimeField("签收时间", null=True, blank=True)
    closed_at = models.DateTimeField("销号时间", null=True, blank=True)
    returns = models.PositiveSmallIntegerField("退回次数", default=0)
    extensions = models.PositiveSmallIntegerField("延期次数", default=0)
    adjust_reason = models.TextField("调整理由", blank=True, max_length=1000)
    extension_step = models.CharField(
        "延期申请", max_length=16, choices=ExtensionStep.choices, default=ExtensionStep.NONE, blank=True
    )
    extension_until = models.DateTimeField("申请延至", null=True, blank=True)
    extension_reason = models.TextField("延期理由", blank=True, max_length=1000)
    review_note = models.TextField("审核意见", blank=True, max_length=1000)
    created_at = models.DateTimeField("创建时间")
    updated_at = models.DateTimeField(auto_now=True)

    objects = TaskQuerySet.as_manager()

    class Meta:
        verbose_name = "督办事项"
        verbose_name_plural = "督办事项"
        ordering = ["deadline", "number"]
        indexes = [models.Index(fields=["state", "deadline"], name="task_state_deadline")]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def is_open(self) -> bool:
        return self.state in TASK_OPEN_STATES

    def overdue(self, now: datetime) -> bool:
        return self.is_open and self.deadline is not None and self.deadline <= now

    def rolled_progress(self) -> int:
        """A task split into sub-tasks (分解) is as far as its sub-tasks are, on average."""
        children = list(self.children.all())
        if not children:
            return 100 if self.state == TaskState.CLOSED else self.progress
        return round(sum(c.rolled_progress() for c in children) / len(children))


class TaskEvent(EventBase):
    """One action on a task. Append-only (loop.events)."""

    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="events")
    action = models.CharField("动作", max_length=20, choices=TaskAction.choices)
    from_state = models.CharField(max_length=20, choices=TaskState.choices, blank=True)
    to_state = models.CharField(max_length=20, choices=TaskState.choices)

    class Meta:
        verbose_name = "督办事项事件"
        verbose_name_plural = "督办事项事件"
        ordering = ["task", "seq"]
        constraints = [models.UniqueConstraint(fields=["task", "seq"], name="task_event_seq_unique")]

    def __str__(self) -> str:
        return f"{self.task_id}#{self.seq} {self.get_action_display()}"


class TaskReportReminder(models.Model):
    """The sweep's claim that a task's missed progress report (报送期限 `due`) was reminded:
    committed with the reminder itself, so each period is reminded once, and a failed run leaves
    no claim behind (the next sweep reminds it)."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="report_reminders")
    due = models.DateTimeField("报送期限")
    created_at = models.DateTimeField("提醒时间")

    class Meta:
        verbose_name = "进展报送提醒"
        verbose_name_plural = "进展报送提醒"
        constraints = [models.UniqueConstraint(fields=["task", "due"], name="task_report_reminder_once")]

    def __str__(self) -> str:
        return f"{self.task_id} {self.due:%Y-%m-%d}"


class ReportKind(models.TextChoices):
    PROGRESS = "progress", "进展报告"
    STAGE = "stage", "阶段办结"
    CLOSE = "close", "办结报告"


class TaskReport(models.Model):
    """A progress report (or the 办结 request's report). Written by the verbs with their event."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="reports")
    kind = models.CharField("类别", max_length=10, choices=ReportKind.choices, default=ReportKind.PROGRESS)
    body = models.TextField("进展情况", max_length=4000)
    progress = models.PositiveSmallIntegerField("完成进度（%）")
    # Evidence is a description of documents (文号, 台账), never a required screenshot (减负).
    evidence = models.TextField("佐证材料", blank=True, max_length=2000)
    next_steps = models.TextField("下步计划", blank=True, max_length=2000)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("报送时间")

    class Meta:
        verbose_name = "进展报告"
        verbose_name_plural = "进展报告"
        ordering = ["task", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.task_id} {self.get_kind_display()} {self.progress}%"


# ------------------------------------------------------------------ task notices (三色督办单)


class TaskNotice(StatefulModel):
    """A 督办单 on a task: the same loop as a case's 督办单 (supervision.workflow's table and
    guards), to the task's lead unit; escalated 蓝 → 黄 → 红 while unanswered."""

    number = models.CharField("督办单编号", max_length=20, unique=True)
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="notices")
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    supervisor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    colour = models.CharField("颜色", max_length=8, choices=Colour.choices, default=Colour.BLUE)
    reason = models.CharField("督办原因", max_length=40, blank=True)
    state = models.CharField("状态", max_length=20, choices=NoticeState.choices, default=NoticeState.ISSUED)
    body = models.TextField("督办要求", max_length=2000)
    previous = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="next"
    )
    created_at = models.DateTimeField("下发时间")
    respond_by = models.DateTimeField("反馈期限", db_index=True)
    signed_at = models.DateTimeField("签收时间", null=True, blank=True)
    answer = models.TextField("反馈内容", blank=True, max_length=5000)
    answered_at = models.DateTimeField("反馈时间", null=True, blank=True)
    approved_at = models.DateTimeField("审核时间", null=True, blank=True)
    return_note = models.TextField("退回意见", blank=True, max_length=500)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "事项督办单"
        verbose_name_plural = "事项督办单"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.number} {self.get_colour_display()}督办单"


class TaskNoticeEvent(EventBase):
    notice = models.ForeignKey(TaskNotice, on_delete=models.PROTECT, related_name="events")
    action = models.CharField("动作", max_length=20, choices=NoticeAction.choices)
    from_state = models.CharField(max_length=20, choices=NoticeState.choices, blank=True)
    to_state = models.CharField(max_length=20, choices=NoticeState.choices)

    class Meta:
        verbose_name = "事项督办单事件"
        verbose_name_plural = "事项督办单事件"
        ordering = ["notice", "seq"]
        constraints = [models.UniqueConstraint(fields=["notice", "seq"], name="task_notice_event_seq_unique")]

    def __str__(self) -> str:
        return f"{self.notice_id}#{self.seq} {self.action}"


# ------------------------------------------------------------------ meeting records and drafts


class MeetingRecord(models.Model):
    """A meeting record pasted or uploaded, and the drafts extracted from it for review."""

    title = models.CharField("标题", max_length=200)
    held_on = models.DateField("会议日期", null=True, blank=True)
    text = models.TextField("全文", max_length=200_000)
    filename = models.CharField("文件名", max_length=200, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("上传时间")

    class Meta:
        verbose_name = "会议纪要"
        verbose_name_plural = "会议纪要"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


class DraftStatus(models.TextChoices):
    PENDING = "pending", "待审核"
    CONFIRMED = "confirmed", "已立项"
    DISCARDED = "discarded", "已舍弃"
    MERGED = "merged", "已合并"


class DraftTask(models.Model):
    """One commitment the extraction found, as the 督查员 reviews it: nothing becomes a task
    until confirmed (立项)."""

    record = models.ForeignKey(MeetingRecord, on_delete=models.CASCADE, related_name="drafts")
    order = models.PositiveIntegerField("顺序")
    sentence = models.TextField("原文", max_length=4000)
    title = models.CharField("事项", max_length=200)
    plan = models.ForeignKey(Plan, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    lead_unit = models.ForeignKey(
        "org.Unit",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="牵头单位",
    )
    co_units = models.ManyToManyField("org.Unit", blank=True, related_name="+", verbose_name="协办单位")
    deadline = models.DateField("时限", null=True, blank=True)
    target = models.CharField("目标", max_length=120, blank=True)
    status = models.CharField("状态", max_length=12, choices=DraftStatus.choices, default=DraftStatus.PENDING)
    task = models.OneToOneField(Task, null=True, blank=True, on_delete=models.SET_NULL, related_name="draft")

    class Meta:
        verbose_name = "待审事项"
        verbose_name_plural = "待审事项"
        ordering = ["record", "order", "pk"]

    def __str__(self) -> str:
        return self.title
