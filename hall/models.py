"""The 莫愁政务大厅: its windows, its queues (the letters of the tickets), the appointment slots,
appointments, and tickets (排队号) with their event log.

`Ticket.state` is a cache of its last `TicketEvent`; only the verbs (hall.services) write it
(loop.writes). A ticket's number is the queue's letter and the day's sequence (A012), drawn
without a hot row on PostgreSQL (hall.numbering).
"""

from __future__ import annotations

import secrets
from datetime import date, datetime

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q

from hall.workflow import Action, Priority, State
from loop.events import EventBase
from loop.writes import StatefulModel, StatefulQuerySet

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


class Window(models.Model):
    """窗口: a counter of the hall. A 综合窗口 (综窗) serves every matter; another serves the matters
    and departments it names."""

    number = models.CharField("窗口号", max_length=8, unique=True)
    name = models.CharField("窗口名称", max_length=60)
    comprehensive = models.BooleanField("综合窗口（综窗）", default=False, help_text="受理任一部门的事项")
    matters = models.ManyToManyField("affairs.Matter", verbose_name="办理事项", blank=True, related_name="+")
    departments = models.ManyToManyField("org.Unit", verbose_name="办理部门", blank=True, related_name="+")
    clerks = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name="窗口人员", blank=True, related_name="hall_windows",
        help_text="部门派驻人员；政务服务办公室的工作人员可在任一窗口办理",
    )  # fmt: skip
    is_open = models.BooleanField("开放", default=True)
    order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "窗口"
        verbose_name_plural = "窗口"
        ordering = ["order", "number"]

    def __str__(self) -> str:
        return f"{self.number}号窗口 {self.name}"

    def serves_q(self) -> Q:
        """The tickets this window may call (a filter on Ticket)."""
        if self.comprehensive:
            return Q()
        return Q(matter__in=self.matters.all()) | Q(matter__department__in=self.departments.all())


class Queue(models.Model):
    """A queue of tickets with one letter (A012): the matters and departments it takes; the
    default queue takes every matter no other queue names."""

    letter = models.CharField(
        "字母", max_length=1, unique=True, validators=[RegexValidator(f"^[{LETTERS}]$", "一个大写字母")]
    )
    name = models.CharField("名称", max_length=40)
    matters = models.ManyToManyField("affairs.Matter", verbose_name="事项", blank=True, related_name="+")
    departments = models.ManyToManyField("org.Unit", verbose_name="部门", blank=True, related_name="+")
    is_default = models.BooleanField("默认队列", default=False)

    class Meta:
        verbose_name = "排队队列"
        verbose_name_plural = "排队队列"
        ordering = ["letter"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="hall_one_default_queue"
            )
        ]

    def __str__(self) -> str:
        return f"{self.letter} {self.name}"


class QueueDay(models.Model):
    """One queue's numbering on one day (hall.numbering): written once a day on PostgreSQL (the
    sequence's base), once per ticket on SQLite (one writer at a time there anyway)."""

    queue = models.ForeignKey(Queue, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)
    sequence_base = models.BigIntegerField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["queue", "day"], name="hall_queue_day_once")]

    def __str__(self) -> str:
        return f"{self.queue_id} {self.day} {self.last}"


class Slot(models.Model):
    """An appointment slot of a queue, offered on every working day of the calendar (worktime),
    with the number of appointments it takes."""

    queue = models.ForeignKey(Queue, on_delete=models.CASCADE, related_name="slots")
    start = models.TimeField("开始")
    end = models.TimeField("结束")
    capacity = models.PositiveSmallIntegerField("可约人数", default=4)

    class Meta:
        verbose_name = "预约时段"
        verbose_name_plural = "预约时段"
        ordering = ["queue", "start"]
        constraints = [
            models.UniqueConstraint(fields=["queue", "start"], name="hall_slot_once"),
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="hall_slot_ends_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.queue.letter} {self.start:%H:%M}–{self.end:%H:%M}"


class AppointmentStatus(models.TextChoices):
    BOOKED = "booked", "已预约"
    CHECKED_IN = "checked_in", "已签到取号"
    CANCELLED = "cancelled", "已取消"


def _token() -> str:
    return secrets.token_urlsafe(24)


def _code() -> str:
    return f"{secrets.randbelow(10**6):06d}"


class Appointment(models.Model):
    """预约: a matter at a slot of a working day, booked from the phone page. At the kiosk the
    code and the phone's last four digits check it in for a ticket called first. Personal data:
    the phone is masked on staff pages; a full view is audited."""

    matter = models.ForeignKey("affairs.Matter", on_delete=models.PROTECT, related_name="+")
    slot = models.ForeignKey(Slot, on_delete=models.PROTECT, related_name="appointments")
    day = models.DateField("预约日期")
    name = models.CharField("姓名", max_length=40)
    phone = models.CharField("手机号", max_length=20)
    code = models.CharField("预约码", max_length=6, default=_code)
    token = models.CharField(max_length=48, unique=True, default=_token)
    status = models.CharField(
        "状态", max_length=12, choices=AppointmentStatus.choices, default=AppointmentStatus.BOOKED
    )
    created_at = models.DateTimeField("预约时间")
    checked_in_at = models.DateTimeField("签到时间", null=True, blank=True)
    cancelled_at = models.DateTimeField("取消时间", null=True, blank=True)

    class Meta:
        verbose_name = "预约"
        verbose_name_plural = "预约"
        ordering = ["day", "slot__start", "pk"]
        indexes = [models.Index(fields=["day", "slot", "status"], name="hall_appt_day_slot")]
        constraints = [models.UniqueConstraint(fields=["day", "code"], name="hall_appt_code_per_day")]

    def __str__(self) -> str:
        return f"预约 {self.day} {self.code}"

    def missed(self, today: date) -> bool:
        """未到: booked for a day gone by and never checked in (computed, not stored)."""
        return self.status == AppointmentStatus.BOOKED and self.day < today

    @property
    def shown_status(self) -> str:
        return self.get_status_display()


class TicketQuerySet(StatefulQuerySet["Ticket"]):
    def call_order(self) -> TicketQuerySet:
        """Appointments first, then 帮办 / elderly, then the order of taking."""
        return self.order_by("priority", "queued_at", "pk")


class Ticket(StatefulModel):
    """排队号: one visit to the hall for one matter."""

    number = models.CharField("排队号", max_length=8)
    queue = models.ForeignKey(Queue, on_delete=models.PROTECT, related_name="tickets")
    day = models.DateField("日期")
    seq = models.PositiveIntegerField("当日序号")
    matter = models.ForeignKey("affairs.Matter", on_delete=models.PROTECT, related_name="+")
    priority = models.PositiveSmallIntegerField("优先级", choices=Priority.choices, default=Priority.NORMAL)
    appointment = models.OneToOneField(
        Appointment, null=True, blank=True, on_delete=models.PROTECT, related_name="ticket"
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        help_text="帮办代办：工作人员为老年人、残疾人等取号",
    )  # fmt: skip
    state = models.CharField("状态", max_length=12, choices=State.choices, default=State.WAITING)
    window = models.ForeignKey(
        Window, null=True, blank=True, on_delete=models.PROTECT, related_name="tickets"
    )
    served_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    calls = models.PositiveSmallIntegerField("呼叫次数", default=0)
    taken_at = models.DateTimeField("取号时间")
    # Where the ticket stands in the queue: its taking, or its return after 过号 (behind the others).
    queued_at = models.DateTimeField("排队时间")
    called_at = models.DateTimeField("首次叫号时间", null=True, blank=True)
    last_called_at = models.DateTimeField("最近叫号时间", null=True, blank=True, db_index=True)
    started_at = models.DateTimeField("开始办理时间", null=True, blank=True)
    finished_at = models.DateTimeField("办理完成时间", null=True, blank=True)
    # The 办件 the window created or handled for this visit (affairs), by its number.
    application = models.ForeignKey(
        "affairs.Application", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = TicketQuerySet.as_manager()

    class Meta:
        verbose_name = "排队号"
        verbose_name_plural = "排队号"
        ordering = ["-taken_at", "-pk"]
        indexes = [
            models.Index(fields=["day", "state", "priority", "queued_at"], name="hall_ticket_queue"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["queue", "day", "seq"], name="hall_ticket_number_once"),
            models.CheckConstraint(
                condition=~Q(state__in=["called", "serving"]) | Q(window__isnull=False),
                name="hall_ticket_at_a_window",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.number}"

    @property
    def waited(self) -> float | None:
        """Minutes from taking the ticket to its first call."""
        return _minutes(self.taken_at, self.called_at)

    @property
    def handled(self) -> float | None:
        """Minutes from the start of the service to its end."""
        return _minutes(self.started_at, self.finished_at)


def _minutes(start: datetime | None, end: datetime | None) -> float | None:
    if start is None or end is None:
        return None
    return (end - start).total_seconds() / 60


class TicketEvent(EventBase):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events")
    action = models.CharField("动作", max_length=20, choices=Action.choices)
    from_state = models.CharField(max_length=20, blank=True, choices=State.choices)
    to_state = models.CharField(max_length=20, choices=State.choices)

    class Meta:
        verbose_name = "排队记录"
        verbose_name_plural = "排队记录"
        ordering = ["ticket", "seq"]
        constraints = [models.UniqueConstraint(fields=["ticket", "seq"], name="hall_event_seq_unique")]

    def __str__(self) -> str:
        return f"{self.ticket_id}#{self.seq} {self.action}"
