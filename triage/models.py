"""What the triage integration stores: the dispatch catalogue (versions of dispatch rules),
suggestions, and dispatchers' corrections."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models.signals import m2m_changed
from django.dispatch import receiver

from loop.versions import SettingsEntry, SettingsVersion


class DispatchCatalogue(SettingsVersion):
    """派单目录版本: the dispatch rules in force for a period (loop.versions). Drafted, published
    for a period that overlaps no other, then read-only; each suggestion records the version its
    unit came from (Suggestion.catalogue)."""

    entries_name = "rules"

    class Meta(SettingsVersion.Meta):
        verbose_name = "派单目录版本"
        verbose_name_plural = "派单目录版本"
        constraints = [models.UniqueConstraint(fields=["number"], name="dispatch_catalogue_number_unique")]

    def copy_entries_to(self, draft: SettingsVersion) -> None:
        if not isinstance(draft, DispatchCatalogue):
            raise TypeError(f"dispatch rules copy into a DispatchCatalogue, not {type(draft).__name__}")
        rules = list(self.rules.order_by("pk").prefetch_related("co_units"))
        copies = DispatchRule.objects.bulk_create(
            DispatchRule(
                version=draft,
                category_id=r.category_id,
                township_id=r.township_id,
                lead_unit_id=r.lead_unit_id,
                keywords=r.keywords,
                hours_from=r.hours_from,
                hours_to=r.hours_to,
                basis=r.basis,
                is_active=r.is_active,
                note=r.note,
            )
            for r in rules
        )
        through = DispatchRule.co_units.through
        through.objects.bulk_create(
            through(dispatchrule_id=copy.pk, unit_id=unit.pk)
            for rule, copy in zip(rules, copies, strict=True)
            for unit in rule.co_units.all()
        )


# A plain rule: no keyword and no time of day (one per version × category × township).
PLAIN_RULE = models.Q(keywords="", hours_from__isnull=True)


class DispatchRule(SettingsEntry):
    """One matter of the 派单目录 in one version: category (× township, time of day, keywords) →
    lead unit (+ co-handlers), with the duty it rests on. Edited by the centre in a draft, so the
    code never hard-codes a department. The most specific matching entry wins (triage.catalogue)."""

    version = models.ForeignKey(
        DispatchCatalogue, verbose_name="派单目录版本", on_delete=models.CASCADE, related_name="rules"
    )
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
    # "施工|工地 噪声|噪音": every space-separated group must occur in the text, any word of a group.
    keywords = models.CharField(
        "关键词",
        max_length=200,
        blank=True,
        help_text="各组以空格分隔、须全部出现，组内“|”分隔任一词，如“施工|工地 噪声|噪音”",
    )
    # A window of the day (Asia/Shanghai); from > to wraps midnight (22:00–06:00 is the night).
    hours_from = models.TimeField("时段起", null=True, blank=True, help_text="留空表示全天")
    hours_to = models.TimeField("时段止", null=True, blank=True)
    lead_unit = models.ForeignKey(
        "org.Unit", verbose_name="主办单位", on_delete=models.PROTECT, related_name="+"
    )
    co_units = models.ManyToManyField("org.Unit", verbose_name="协办单位", blank=True, related_name="+")
    basis = models.CharField(
        "职责依据", max_length=200, blank=True, help_text="三定规定、派单口径或异议裁定的出处"
    )
    is_active = models.BooleanField("启用", default=True)
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "派单目录事项"
        verbose_name_plural = "派单目录事项"
        constraints = [
            models.UniqueConstraint(
                fields=["version", "category", "township"],
                condition=PLAIN_RULE,
                name="one_plain_rule_per_version_category_township",
            ),
            models.UniqueConstraint(
                fields=["version", "category"],
                condition=PLAIN_RULE & models.Q(township__isnull=True),
                name="one_plain_citywide_rule_per_version_category",
            ),
            models.CheckConstraint(
                condition=models.Q(hours_from__isnull=True, hours_to__isnull=True)
                | models.Q(hours_from__isnull=False, hours_to__isnull=False),
                name="dispatch_rule_hours_both_or_neither",
            ),
        ]

    def __str__(self) -> str:
        where = self.township.name if self.township is not None else "全市"
        extra = "".join(
            f"·{part}"
            for part in (self.time_text(), self.keywords.strip() and f"含“{self.keywords.strip()}”")
            if part
        )
        return f"{self.category} × {where}{extra} → {self.lead_unit}"

    def time_text(self) -> str:
        if self.hours_from is None or self.hours_to is None:
            return ""
        return f"{self.hours_from:%H:%M}–{self.hours_to:%H:%M}"


@receiver(m2m_changed, sender=DispatchRule.co_units.through)
def _co_units_read_only_once_published(sender: Any, instance: Any, action: str, **_: Any) -> None:
    """A published rule's co-handlers are part of it: read-only like its other fields."""
    if action in ("pre_add", "pre_remove", "pre_clear") and isinstance(instance, DispatchRule):
        instance._refuse_if_published()


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
    # Why this unit (or why none): the catalogue entry, and what of the model's advice was not taken.
    reason = models.TextField("派单依据", blank=True)
    # catalogue: an entry placed it; default: only the category's default unit (advice, never
    # dispatched automatically); "": nothing placed it — a person decides.
    unit_source = models.CharField("单位来源", max_length=16, blank=True)
    # The catalogue the units were looked up in (in force at intake); None: none was in force.
    catalogue = models.ForeignKey(
        DispatchCatalogue,
        verbose_name="派单目录版本",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
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
