"""What the triage integration stores: dispatch rules, suggestions, and dispatchers' corrections."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class DispatchRule(models.Model):
    """Category × township → lead unit (+ co-handlers). Edited by administrators, so the model
    never hard-codes a department. The most specific rule wins (see triage.rules)."""

    category = models.ForeignKey(
        "cases.Category", verbose_name="事项分类", on_delete=models.CASCADE, related_name="+"
    )
    township = models.ForeignKey(
        "org.Unit",
        verbose_name="乡镇（空=全市）",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        limit_choices_to={"kind": "township"},
    )
    lead_unit = models.ForeignKey(
        "org.Unit", verbose_name="主办单位", on_delete=models.PROTECT, related_name="+"
    )
    co_units = models.ManyToManyField("org.Unit", verbose_name="协办单位", blank=True, related_name="+")
    is_active = models.BooleanField("启用", default=True)
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "派单规则"
        verbose_name_plural = "派单规则"
        constraints = [
            models.UniqueConstraint(fields=["category", "township"], name="one_rule_per_category_township"),
            models.UniqueConstraint(
                fields=["category"],
                condition=models.Q(township__isnull=True),
                name="one_citywide_rule_per_category",
            ),
        ]

    def __str__(self) -> str:
        where = self.township.name if self.township is not None else "全市"
        return f"{self.category} × {where} → {self.lead_unit}"


class Suggestion(models.Model):
    """The triage of one case: what the model proposed, how sure, how fast, and what became of it."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="suggestions")
    created_at = models.DateTimeField(auto_now_add=True)
    model_version = models.CharField(max_length=80, blank=True)
    category_label = models.CharField("建议一级分类", max_length=40, blank=True)
    category = models.ForeignKey(
        "cases.Category", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    confidence = models.FloatField(null=True, blank=True)
    top3 = models.JSONField(default=list, blank=True)
    explanation = models.JSONField(default=list, blank=True)
    lead_unit = models.ForeignKey(
        "org.Unit", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    co_units = models.JSONField(default=list, blank=True)
    urgent = models.BooleanField(default=False)
    urgency_reasons = models.JSONField(default=list, blank=True)
    duplicates = models.JSONField(default=list, blank=True)
    latency_ms = models.FloatField(null=True, blank=True)
    auto_dispatched = models.BooleanField(default=False)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = "分拣建议"
        verbose_name_plural = "分拣建议"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.case_id} → {self.category_label or '无'}"


class TrainingExample(models.Model):
    """A labelled message from a dispatcher's decision (a correction of the model, or a confirmation)."""

    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="training_example")
    title = models.CharField(max_length=120)
    body = models.TextField()
    label = models.CharField("一级分类", max_length=40)
    suggested_label = models.CharField("模型建议", max_length=40, blank=True)
    is_correction = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "训练样本"
        verbose_name_plural = "训练样本"

    def __str__(self) -> str:
        return f"{self.case_id} {self.label}"
