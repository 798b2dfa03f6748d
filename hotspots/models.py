"""高频事 as stored: the hotspots of the last computation, their cases, and the proactive tasks.

A `Hotspot` row is one problem followed from run to run (hotspots.services.recompute matches a
new group to the stored hotspot sharing most of its cases), so that a supervisor is told of it
once and a task taken up on it stays with it. Its figures are those of the last run.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from hotspots.workflow import State
from loop.events import EventBase
from loop.writes import StatefulModel, StatefulQuerySet


class Hotspot(models.Model):
    title = models.CharField("代表性标题", max_length=120)
    place = models.CharField("地点", max_length=60, blank=True)
    township = models.ForeignKey(
        "org.Unit", verbose_name="乡镇", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    category = models.ForeignKey(
        "cases.Category",
        verbose_name="事项分类",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    heat = models.FloatField("热度", default=0.0, db_index=True)
    count = models.PositiveIntegerField("窗口内件数", default=0)
    previous = models.PositiveIntegerField("上一窗口件数", default=0)
    growth = models.FloatField("增长", default=0.0)
    reopened_share = models.FloatField("重办占比", default=0.0)
    unsatisfied_share = models.FloatField("不满意占比", default=0.0)
    window_start = models.DateTimeField("窗口开始")
    window_end = models.DateTimeField("窗口结束")
    first_at = models.DateTimeField("首件时间")
    last_at = models.DateTimeField("末件时间")
    # In the last computation's list; a hotspot that faded keeps its row, its cases and its tasks.
    is_active = models.BooleanField("当前高频", default=True, db_index=True)
    first_seen_at = models.DateTimeField("首次发现")
    computed_at = models.DateTimeField("计算时间")
    # The supervisors were told of it (once per hotspot: hotspots.services.notify_new).
    notified_at = models.DateTimeField("已通知督办员", null=True, blank=True)

    class Meta:
        verbose_name = "高频事"
        verbose_name_plural = "高频事"
        ordering = ["-heat", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_new(self) -> bool:
        return self.previous == 0


class HotspotMember(models.Model):
    """One case behind a hotspot. Kept once a case joined (a task's result stays visible on it
    after it leaves the window); `in_window`: in the last computation's window."""

    hotspot = models.ForeignKey(Hotspot, on_delete=models.CASCADE, related_name="members")
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    in_window = models.BooleanField("在当前窗口", default=True)

    class Meta:
        verbose_name = "高频事工单"
        verbose_name_plural = "高频事工单"
        constraints = [models.UniqueConstraint(fields=["hotspot", "case"], name="hotspot_member_once")]

    def __str__(self) -> str:
        return f"{self.hotspot_id}:{self.case_id}"


class ProactiveTaskQuerySet(StatefulQuerySet["ProactiveTask"]):
    def visible_to(self, user: object) -> ProactiveTaskQuerySet:
        """The centre's roles see every task; a unit's staff the tasks given to their unit."""
        if getattr(user, "is_superuser", False) or getattr(user, "is_centre_staff", False):
            return self
        unit_id = getattr(user, "unit_id", None)
        if getattr(user, "is_unit_staff", False) and unit_id is not None:
            return self.filter(unit_id=unit_id)
        return self.none()


class ProactiveTask(StatefulModel):
    """未诉先办: a hotspot given to a unit as one task, with a deadline and the unit's result."""

    hotspot = models.ForeignKey(Hotspot, on_delete=models.PROTECT, related_name="tasks")
    unit = models.ForeignKey("org.Unit", verbose_name="承办单位", on_delete=models.PROTECT, related_name="+")
    state = models.CharField("状态", max_length=20, choices=State.choices, default=State.ASSIGNED)
    instruction = models.TextField("办理要求", max_length=2000)
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("交办时间")
    due_at = models.DateTimeField("办理期限")
    result = models.TextField("办理结果", max_length=5000, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reported_at = models.DateTimeField("报告时间", null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProactiveTaskQuerySet.as_manager()

    class Meta:
        verbose_name = "未诉先办任务"
        verbose_name_plural = "未诉先办任务"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.hotspot_id} → {self.unit_id}"

    @property
    def late(self) -> bool:
        return bool(self.reported_at and self.reported_at > self.due_at)


class ProactiveTaskEvent(EventBase):
    task = models.ForeignKey(ProactiveTask, on_delete=models.PROTECT, related_name="events")

    class Meta:
        verbose_name = "未诉先办任务事件"
        verbose_name_plural = "未诉先办任务事件"
        ordering = ["task", "seq"]
        constraints = [models.UniqueConstraint(fields=["task", "seq"], name="proactive_event_seq_unique")]

    def __str__(self) -> str:
        return f"{self.task_id}#{self.seq}"
