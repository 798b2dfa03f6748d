"""莫愁小分队: the team's members, the visits on request, their log and the problems they found."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q

from loop.events import EventBase
from loop.writes import StatefulModel, StatefulQuerySet

from .workflow import Action, Origin, State


class SquadMember(models.Model):
    """A member of 莫愁小分队 (a staff user); the leader accepts and schedules the requests."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name="成员", on_delete=models.PROTECT, related_name="squad_member"
    )
    is_leader = models.BooleanField("队长", default=False)
    is_active = models.BooleanField("在队", default=True)

    class Meta:
        verbose_name = "小分队成员"
        verbose_name_plural = "小分队成员"
        ordering = ["-is_leader", "user__username"]

    def __str__(self) -> str:
        return f"{self.user}{'（队长）' if self.is_leader else ''}"


class SquadVisitQuerySet(StatefulQuerySet["SquadVisit"]):
    pass


class SquadVisit(StatefulModel):
    """上门帮办: one visit an enterprise (or its liaison for it) asked the team for."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name="企业", on_delete=models.PROTECT, related_name="squad_visits"
    )
    contact = models.ForeignKey(
        "enterprises.EnterpriseContact",
        verbose_name="企业联系人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="squad_visits",
    )
    origin = models.CharField("发起方", max_length=12, choices=Origin.choices)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="代约店小二",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    topics = models.TextField("帮办事项", max_length=1000)
    wished_date = models.DateField("希望日期")
    state = models.CharField("状态", max_length=12, choices=State.choices, blank=True)
    scheduled_date = models.DateField("安排日期", null=True, blank=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name="走访人员", blank=True, related_name="squad_assignments"
    )
    visited_on = models.DateField("走访日期", null=True, blank=True)
    attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name="实际走访人员", blank=True, related_name="squad_attended"
    )
    discussed = models.TextField("交流内容", max_length=4000, blank=True)
    rating = models.PositiveSmallIntegerField("评价", null=True, blank=True)
    rating_note = models.CharField("评价意见", max_length=500, blank=True)
    reason = models.CharField("取消或退回原因", max_length=500, blank=True)
    created_at = models.DateTimeField("申请时间")
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = SquadVisitQuerySet.as_manager()

    class Meta:
        verbose_name = "上门帮办"
        verbose_name_plural = "上门帮办"
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["enterprise", "wished_date"], name="squadvisit_enterprise_date"),
            models.Index(fields=["state"], name="squadvisit_state"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="squadvisit_rating_1_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.wished_date}"

    @property
    def period_day(self) -> date:
        """The day the cap counts it on: the scheduled day once there is one."""
        return self.scheduled_date or self.wished_date


class SquadVisitEvent(EventBase):
    visit = models.ForeignKey(SquadVisit, on_delete=models.PROTECT, related_name="events")
    action = models.CharField("动作", max_length=20, choices=Action.choices)

    class Meta:
        verbose_name = "上门帮办记录"
        verbose_name_plural = "上门帮办记录"
        ordering = ["visit", "seq"]
        constraints = [models.UniqueConstraint(fields=["visit", "seq"], name="squadvisitevent_seq_once")]


class SquadProblem(models.Model):
    """A problem the team found on a visit: it is an appeal of the enterprise (the 店小二 loop)."""

    visit = models.ForeignKey(SquadVisit, on_delete=models.PROTECT, related_name="problems")
    appeal = models.OneToOneField(
        "enterprises.Appeal", on_delete=models.PROTECT, related_name="squad_problem"
    )

    class Meta:
        verbose_name = "走访发现问题"
        verbose_name_plural = "走访发现问题"
        ordering = ["visit", "pk"]

    def __str__(self) -> str:
        return f"{self.visit} {self.appeal}"
