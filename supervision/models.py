"""督办单 (supervision notices) and their event log.

`Notice.state` is a cache of the last `NoticeEvent`; only the verbs (supervision.services) write
it, and the model refuses any other write (loop.writes). The notice began as
`cases.SupervisionNotice` (a bare record on a case); migration 0001 adopted its table and 0002
renamed it and added the loop.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from loop.events import EventBase
from loop.writes import StatefulModel, StatefulQuerySet
from supervision.workflow import OPEN_STATES, Action, Colour, State


class NoticeQuerySet(StatefulQuerySet["Notice"]):
    def visible_to(self, user: object) -> NoticeQuerySet:
        """The centre's roles see every notice; a unit's staff those addressed to their unit, on
        cases the unit still sees (a unit that returned a case no longer reads it on a notice)."""
        from cases.models import Case

        if getattr(user, "is_superuser", False) or getattr(user, "is_centre_staff", False):
            return self
        unit_id = getattr(user, "unit_id", None)
        if getattr(user, "is_unit_staff", False) and unit_id is not None:
            return self.filter(unit_id=unit_id, case__in=Case.objects.visible_to(user))  # type: ignore[arg-type]
        return self.none()

    def late(self, now: datetime) -> NoticeQuerySet:
        """Late now or late when it was done: open past a deadline, signed or answered after it, an
        answer on an escalated notice, or escalated itself."""
        return self.filter(
            Q(state__in=OPEN_STATES, respond_by__lte=now)
            | Q(signed_at__gt=F("sign_by"))
            | Q(state=State.ISSUED, sign_by__lte=now)
            | Q(approved_at__gt=F("respond_by"))
            | Q(approved_at__isnull=False, previous__isnull=False)
            | Q(state=State.ESCALATED)
        )


class Notice(StatefulModel):
    """督办单: a supervisor's notice to a unit about one of its cases, to be signed for and answered."""

    number = models.CharField("督办单编号", max_length=20, unique=True)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="supervision_notices")
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="supervision_notices")
    supervisor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    colour = models.CharField("颜色", max_length=8, choices=Colour.choices, default=Colour.BLUE)
    state = models.CharField("状态", max_length=20, choices=State.choices, default=State.ISSUED)
    body = models.TextField("督办要求", max_length=2000)
    # 重大/紧急 items may start above 蓝; the notice remembers why it did.
    major = models.BooleanField("重大事项", default=False)
    # 黄 and 红 are addressed to the unit's leader by name (蓝 to the unit).
    addressed_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The unanswered notice this one follows on the ladder (蓝 → 黄 → 红).
    previous = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="next"
    )
    created_at = models.DateTimeField("下发时间")
    sign_by = models.DateTimeField("签收期限", null=True, blank=True)
    respond_by = models.DateTimeField("反馈期限", null=True, blank=True, db_index=True)
    signed_at = models.DateTimeField("签收时间", null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answer = models.TextField("反馈内容", blank=True, max_length=5000)
    answered_at = models.DateTimeField("反馈提交时间", null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    return_note = models.TextField("退回意见", blank=True, max_length=500)
    approved_at = models.DateTimeField("反馈审核时间", null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        verbose_name = "督办单"
        verbose_name_plural = "督办单"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["state", "respond_by"], name="notice_state_respond")]

    def __str__(self) -> str:
        return f"{self.number} {self.get_colour_display()}督办单"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def signed_late(self) -> bool:
        return bool(self.signed_at and self.sign_by and self.signed_at > self.sign_by)

    @property
    def answered_late(self) -> bool:
        """Answered (approved by the leader) after the 反馈期限, or on a notice that exists only
        because an earlier one's 反馈期限 passed unanswered (黄, 红 after 蓝): late either way."""
        if self.approved_at is None:
            return False
        return self.previous_id is not None or bool(self.respond_by and self.approved_at > self.respond_by)

    def overdue(self, now: datetime) -> bool:
        return self.is_open and self.respond_by is not None and self.respond_by <= now

    def ladder(self) -> list[Notice]:
        """Every notice of this one's ladder, 蓝 first (this one included)."""
        first: Notice = self
        while first.previous_id is not None:
            first = Notice.objects.select_related("unit").get(pk=first.previous_id)
        chain = [first]
        while (following := Notice.objects.filter(previous=chain[-1]).first()) is not None:
            chain.append(following)
        return chain


class NoticeEvent(EventBase):
    """One action on a notice. Append-only (loop.events)."""

    notice = models.ForeignKey(Notice, on_delete=models.PROTECT, related_name="events")
    action = models.CharField("动作", max_length=20, choices=Action.choices)
    from_state = models.CharField(max_length=20, choices=State.choices, blank=True)
    to_state = models.CharField(max_length=20, choices=State.choices)

    class Meta:
        verbose_name = "督办单事件"
        verbose_name_plural = "督办单事件"
        ordering = ["notice", "seq"]
        constraints = [models.UniqueConstraint(fields=["notice", "seq"], name="notice_event_seq_unique")]

    def __str__(self) -> str:
        return f"{self.notice_id}#{self.seq} {self.get_action_display()}"

    @property
    def action_label(self) -> str:
        return Action(self.action).label


class NoticeReminder(models.Model):
    """One reminder or escalation per notice, deadline and rung: makes the sweep idempotent."""

    class Kind(models.TextChoices):
        SIGN_NEAR = "sign_near", "签收临期"
        SIGN_OVERDUE = "sign_overdue", "签收超期"
        RESPOND_NEAR = "respond_near", "反馈临期"
        RESPOND_OVERDUE = "respond_overdue", "反馈超期"

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    deadline = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["notice", "kind", "deadline"], name="notice_reminder_once"),
        ]

    def __str__(self) -> str:
        return f"{self.notice_id} {self.kind}"


# The 督查室's decision tasks, plans and indicators live in their own module (Django sees them here).
from supervision.task_models import (  # noqa: E402
    DraftStatus,
    DraftTask,
    Indicator,
    Measurement,
    MeetingRecord,
    Plan,
    Task,
    TaskEvent,
    TaskNotice,
    TaskNoticeEvent,
    TaskReport,
    TaskReportReminder,
)

__all__ = [
    "DraftStatus",
    "DraftTask",
    "Indicator",
    "Measurement",
    "MeetingRecord",
    "Notice",
    "NoticeEvent",
    "NoticeReminder",
    "Plan",
    "Task",
    "TaskEvent",
    "TaskNotice",
    "TaskNoticeEvent",
    "TaskReport",
    "TaskReportReminder",
]
