"""The hotline console's records: calls as the telephone system reports them, agents' extensions,
and which knowledge-base guide answered a consultation at intake (直接办结)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class CallState(models.TextChoices):
    RINGING = "ringing", "振铃"
    ANSWERED = "answered", "通话中"
    ENDED = "ended", "已挂断"


# A call only moves forward: an event that arrives late (hangup before answered) never regresses it.
STATE_RANK = {CallState.RINGING: 0, CallState.ANSWERED: 1, CallState.ENDED: 2}


class AgentExtension(models.Model):
    """The telephone extension (分机号) an agent answers on; the switch reports calls by extension."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name="话务员", on_delete=models.CASCADE, related_name="extension"
    )
    extension = models.CharField("分机号", max_length=20, unique=True)

    class Meta:
        verbose_name = "话务员分机"
        verbose_name_plural = "话务员分机"

    def __str__(self) -> str:
        return f"{self.extension} {self.user}"


class Call(models.Model):
    """One inbound call, keyed by the switch's own id (Asterisk UNIQUEID / FreeSWITCH uuid)."""

    call_id = models.CharField("呼叫标识", max_length=64, unique=True)
    caller = models.CharField("来电号码", max_length=20, blank=True, db_index=True)
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="接听话务员",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="calls",
    )
    state = models.CharField("状态", max_length=12, choices=CallState.choices, default=CallState.RINGING)
    started_at = models.DateTimeField("来电时间")
    answered_at = models.DateTimeField("接听时间", null=True, blank=True)
    ended_at = models.DateTimeField("挂断时间", null=True, blank=True)
    case = models.ForeignKey(
        "cases.Case",
        verbose_name="工单",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="calls",
    )
    # The agent has finished with the call (a case saved, or dismissed): it leaves the screen pop.
    wrapped_up_at = models.DateTimeField("话后处理完成", null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "来电"
        verbose_name_plural = "来电"
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["agent", "wrapped_up_at", "-started_at"], name="call_agent_open")]

    def __str__(self) -> str:
        return f"{self.call_id} {self.get_state_display()}"


class IntakeAnswer(models.Model):
    """直接办结 from the console: which guide the answer came from (its id and title at the time)."""

    case = models.OneToOneField(
        "cases.Case", verbose_name="工单", on_delete=models.CASCADE, related_name="intake_answer"
    )
    call = models.ForeignKey(Call, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    guide_id = models.PositiveIntegerField("指南编号", null=True, blank=True)
    guide_title = models.CharField("指南标题", max_length=200, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("时间")

    class Meta:
        verbose_name = "直接办结记录"
        verbose_name_plural = "直接办结记录"

    def __str__(self) -> str:
        return f"{self.case_id} ← 指南 {self.guide_id or '—'}"
