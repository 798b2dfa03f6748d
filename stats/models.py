"""What the rates are counted on, folded from the case event log, and the scoring schemes.

The three fact tables are a cache of the event log (stats.facts folds one case's events into its
rows; stats.build rebuilds a case's rows whole, so a rebuild is idempotent). Nothing here is the
record: delete every row and `mochou stats rebuild --all` gives them back. Each row carries the
moment it is counted at (its anchor), so that a period's rates are range queries on one index.
"""

from __future__ import annotations

from typing import Any

from django.db import models

from loop.versions import SettingsEntry, SettingsVersion


class Level(models.TextChoices):
    """The two groups assessed separately (分组考核); the centre is assessed on its own rates."""

    TOWNSHIP = "township", "乡镇（街道、场库）"
    DEPARTMENT = "department", "市直部门"
    CENTRE = "centre", "12345热线中心"


class StintFact(models.Model):
    """One lead unit's spell with a case (承办段): from 派单/退单异议不成立/重办 to 退单 or 答复."""

    class Start(models.TextChoices):
        DISPATCH = "dispatch", "派单"
        REDISPATCH = "redispatch", "退单异议不成立，退回"
        REOPEN = "reopen", "重办"

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    seq = models.PositiveSmallIntegerField("段序号")
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    # The unit assessed for it: a village's spell counts to its township.
    assessed_unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    level = models.CharField(max_length=12, choices=Level.choices)
    start = models.CharField(max_length=12, choices=Start.choices)
    first_dispatch = models.BooleanField(default=False)
    started_at = models.DateTimeField()
    accept_due_at = models.DateTimeField(null=True)
    accepted_at = models.DateTimeField(null=True)
    returned_at = models.DateTimeField(null=True)
    ruling = models.CharField(max_length=12, blank=True)  # pending / upheld / rejected
    handle_due_at = models.DateTimeField(null=True)
    contacted_at = models.DateTimeField(null=True)
    answered_at = models.DateTimeField(null=True)
    # When the spell counts in 按时签收率 (null: not counted) and whether on time.
    accept_anchor = models.DateTimeField(null=True)
    accept_on_time = models.BooleanField(null=True)
    # When it counts in 按时办结率, 结案率 and 响应率 (null: not counted), and the verdicts.
    handle_anchor = models.DateTimeField(null=True)
    handle_on_time = models.BooleanField(null=True)
    responded = models.BooleanField(null=True)

    class Meta:
        verbose_name = "承办段（统计）"
        verbose_name_plural = "承办段（统计）"
        constraints = [models.UniqueConstraint(fields=["case", "seq"], name="stint_fact_once")]
        indexes = [
            models.Index(fields=["accept_anchor"], name="stint_accept_anchor"),
            models.Index(fields=["handle_anchor"], name="stint_handle_anchor"),
            models.Index(fields=["started_at"], name="stint_started"),
            # A running window's day so far reads the rows whose outcome came today (stats.daily).
            models.Index(fields=["returned_at"], name="stint_returned"),
            models.Index(fields=["answered_at"], name="stint_answered"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}#{self.seq}"


class AnswerFact(models.Model):
    """One approved answer (审核通过的答复, or 直接办结 at the centre): owed a callback, maybe re-done."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    seq = models.PositiveSmallIntegerField("答复序号")
    unit = models.ForeignKey("org.Unit", null=True, on_delete=models.PROTECT, related_name="+")
    assessed_unit = models.ForeignKey("org.Unit", null=True, on_delete=models.PROTECT, related_name="+")
    level = models.CharField(max_length=12, choices=Level.choices)
    intake = models.BooleanField(default=False)  # 直接办结
    at = models.DateTimeField()
    called_back_at = models.DateTimeField(null=True)
    reopened_at = models.DateTimeField(null=True)

    class Meta:
        verbose_name = "答复（统计）"
        verbose_name_plural = "答复（统计）"
        constraints = [models.UniqueConstraint(fields=["case", "seq"], name="answer_fact_once")]
        indexes = [
            models.Index(fields=["at"], name="answer_fact_at"),
            models.Index(fields=["called_back_at"], name="answer_fact_called_back"),
            models.Index(fields=["reopened_at"], name="answer_fact_reopened"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}#{self.seq}"


class CallbackFact(models.Model):
    """One callback outcome (回访: the citizen reached, or unreachable after the last attempt)."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    seq = models.PositiveSmallIntegerField("回访序号")
    unit = models.ForeignKey("org.Unit", null=True, on_delete=models.PROTECT, related_name="+")
    assessed_unit = models.ForeignKey("org.Unit", null=True, on_delete=models.PROTECT, related_name="+")
    level = models.CharField(max_length=12, choices=Level.choices)
    at = models.DateTimeField()
    # The case's next callback: within the same period it replaces this one.
    next_at = models.DateTimeField(null=True)
    reached = models.BooleanField()
    resolved = models.BooleanField(null=True)
    satisfaction = models.CharField(max_length=16, blank=True)

    class Meta:
        verbose_name = "回访（统计）"
        verbose_name_plural = "回访（统计）"
        constraints = [models.UniqueConstraint(fields=["case", "seq"], name="callback_fact_once")]
        indexes = [
            models.Index(fields=["at"], name="callback_fact_at"),
            models.Index(fields=["next_at"], name="callback_fact_next"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}#{self.seq}"


class DayCount(models.Model):
    """The fact rows' counters summed per assessed unit and local day (stats.daily keeps them).

    A cell counts in a window [S, E) of whole days when S <= day < E and known < E: `day` is the
    local day of the row's anchor, `known` the day its outcome became known for the counters that
    depend on the window's end (退单, 办结, 回访, 重办 by then; a callback not yet replaced by
    then), else `day`. A callback replaced later is +1 on its day and -1 on the day it was
    replaced, so a cell's numbers can be negative; a window's sums never are. A year is then a
    sum over about 70 units x 366 days x a few `known` days, whatever the number of cases.
    Like the fact tables this is a cache: `mochou stats rebuild --tally` gives it back."""

    unit = models.IntegerField("考核单位")  # the assessed unit's id; 0 = the centre
    day = models.DateField()
    known = models.DateField()
    dispatched = models.IntegerField(default=0)
    returned = models.IntegerField(default=0)
    accept_due = models.IntegerField(default=0)
    accepted_on_time = models.IntegerField(default=0)
    handle_due = models.IntegerField(default=0)
    handled_on_time = models.IntegerField(default=0)
    handled = models.IntegerField(default=0)
    response_due = models.IntegerField(default=0)
    responded = models.IntegerField(default=0)
    answered = models.IntegerField(default=0)
    reopened = models.IntegerField(default=0)
    callback_due = models.IntegerField(default=0)
    called_back = models.IntegerField(default=0)
    rated = models.IntegerField(default=0)
    resolved = models.IntegerField(default=0)
    satisfied = models.IntegerField(default=0)
    unreachable = models.IntegerField(default=0)
    answered_at_intake = models.IntegerField(default=0)
    disposed = models.IntegerField(default=0)

    class Meta:
        verbose_name = "日计数（统计）"
        verbose_name_plural = "日计数（统计）"
        constraints = [models.UniqueConstraint(fields=["unit", "day", "known"], name="day_count_once")]
        indexes = [models.Index(fields=["day", "known"], name="day_count_day")]

    def __str__(self) -> str:
        return f"{self.unit}@{self.day}/{self.known}"


class BuildMark(models.Model):
    """How far the fact tables have read the event log (the last CaseEvent id folded)."""

    name = models.CharField(max_length=20, primary_key=True)
    last_event_id = models.BigIntegerField(default=0)
    built_at = models.DateTimeField(null=True)

    def __str__(self) -> str:
        return f"{self.name}@{self.last_event_id}"


class SchemeVersion(SettingsVersion):
    """考核方案版本: the scoring schemes in force for a period (loop.versions: drafted, published,
    then read-only; the history is the list of versions)."""

    class Meta(SettingsVersion.Meta):
        verbose_name = "考核方案版本"
        verbose_name_plural = "考核方案版本"
        constraints = [models.UniqueConstraint(fields=["number"], name="scheme_version_number_unique")]

    def copy_entries_to(self, draft: SettingsVersion) -> None:
        if not isinstance(draft, SchemeVersion):
            raise TypeError(f"schemes copy into a SchemeVersion, not {type(draft).__name__}")
        Scheme.objects.bulk_create(
            Scheme(
                version=draft, code=s.code, name=s.name, is_default=s.is_default,
                definition=s.definition, provenance=s.provenance, sort_order=s.sort_order,
            )
            for s in self.entries.all()
        )  # fmt: skip


class Scheme(SettingsEntry):
    """One scoring scheme: items (rate, weight, how a rate becomes points), groups, grades, boards.
    The shape is checked by stats.schemes.parse before it is saved (stats.admin)."""

    version = models.ForeignKey(SchemeVersion, on_delete=models.CASCADE, related_name="entries")
    code = models.SlugField("代码", max_length=40)
    name = models.CharField("名称", max_length=60)
    is_default = models.BooleanField("默认方案", default=False)
    definition = models.JSONField("方案定义")
    provenance = models.TextField("出处", blank=True)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "考核方案"
        verbose_name_plural = "考核方案"
        ordering = ["sort_order", "code"]
        constraints = [models.UniqueConstraint(fields=["version", "code"], name="scheme_code_once")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        from mochou.errors import InvalidInput
        from stats.schemes import parse  # checks the shape; schemes imports nothing of this module's

        try:
            parse(self.definition)
        except InvalidInput as exc:
            raise ValidationError({"definition": exc.message}) from exc

    def save(self, *args: Any, **kwargs: Any) -> None:
        from stats.schemes import parse

        parse(self.definition)  # never a scheme the scoring cannot read, whoever saves it
        super().save(*args, **kwargs)
