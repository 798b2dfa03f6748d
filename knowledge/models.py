"""莫愁指南: service guides (办事指南) and their append-only revision log.

A guide's row holds the text that is live. Editing a published guide does not touch that text:
the edit goes into a *revision draft* — a second Guide row with ``draft_of`` pointing at the
published one — which follows the review flow on its own; when a reviewer publishes it, its
content is copied onto the published row (same id, same slug, so every link stays valid) and the
draft row is removed. Every step is a GuideRevision row with a snapshot of the content, always
filed under the published ("root") guide, so nothing written is lost. The mechanism is the loop
core's reviewed content (loop/review.py), shared with the reply templates; a guide adds its unit,
its audience and its validity dates.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import Q
from django.utils import timezone

from loop import review
from loop.review import RevisionAction

if TYPE_CHECKING:
    from accounts.models import User


class GuideStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "待审核"
    PUBLISHED = "published", "已发布"
    ARCHIVED = "archived", "已归档"


# The review flow of a guide (loop/review.py): withdrawn by archiving it.
MACHINE: review.ReviewMachine[GuideStatus] = review.ReviewMachine(
    GuideStatus, withdraw=RevisionAction.ARCHIVED, item_label="指南", code="knowledge"
)


class Audience(models.TextChoices):
    PUBLIC = "public", "公开"
    INTERNAL = "internal", "仅内部"


# The fields an editor writes; a revision's snapshot holds exactly these.
CONTENT_FIELDS: tuple[str, ...] = (
    "title",
    "aliases",
    "body",
    "unit",
    "documents",
    "location",
    "hours",
    "phone",
    "fee",
    "legal_basis",
    "valid_from",
    "valid_until",
    "audience",
)


class GuideQuerySet(models.QuerySet["Guide"]):
    def published(self) -> GuideQuerySet:
        return self.filter(status=GuideStatus.PUBLISHED, draft_of__isnull=True)

    def current(self, today: Any = None) -> GuideQuerySet:
        """Within their validity dates (either end open when unset)."""
        today = today or timezone.localdate()
        return self.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=today)).filter(
            Q(valid_until__isnull=True) | Q(valid_until__gte=today)
        )

    def public(self) -> GuideQuerySet:
        """What a citizen may read: published, public, in force."""
        return self.published().filter(audience=Audience.PUBLIC).current()

    def visible_to(self, user: User | None) -> GuideQuerySet:
        """Published guides (internal ones only for staff), plus the drafts this user may work on."""
        from knowledge.permissions import is_reviewer

        if user is None or not user.is_authenticated:
            return self.public()
        if is_reviewer(user):
            return self.all()
        shown = Q(status=GuideStatus.PUBLISHED, draft_of__isnull=True) | Q(author=user)
        if user.unit_id is not None and user.is_unit_staff:
            shown |= Q(unit_id=user.unit_id)
        return self.filter(shown)


class Guide(review.ReviewedContent):
    content_fields = CONTENT_FIELDS

    slug = models.SlugField(
        "标识", max_length=64, unique=True, null=True, blank=True, help_text="稳定的英文标识，修订草稿没有"
    )
    title = models.CharField("标题", max_length=100)
    aliases = models.TextField("常见问法", blank=True, help_text="群众常见的问法，每行一条")
    body = models.TextField("答复内容")
    unit = models.ForeignKey(
        "org.Unit", verbose_name="责任单位", on_delete=models.PROTECT, related_name="guides"
    )
    documents = models.TextField("所需材料", blank=True)
    location = models.CharField("办理地点", max_length=200, blank=True)
    hours = models.CharField("办理时间", max_length=200, blank=True)
    phone = models.CharField("咨询电话", max_length=100, blank=True)
    fee = models.CharField("收费标准", max_length=200, blank=True)
    legal_basis = models.TextField("办理依据", blank=True)
    valid_from = models.DateField("生效日期", null=True, blank=True)
    valid_until = models.DateField("失效日期", null=True, blank=True)
    status = review.status_field(GuideStatus)
    audience = models.CharField("公开范围", max_length=16, choices=Audience.choices, default=Audience.PUBLIC)
    draft_of = review.draft_of_field("修订的指南")
    updated_at = models.DateTimeField("更新时间", auto_now=True, db_index=True)

    objects = GuideQuerySet.as_manager()

    class Meta:
        verbose_name = "办事指南"
        verbose_name_plural = "办事指南"
        ordering = ["unit__sort_order", "unit__code", "title"]
        indexes = [models.Index(fields=["status", "audience"])]
        constraints = [review.published_is_root("knowledge_guide_published_is_root")]

    def __str__(self) -> str:
        return self.title

    @property
    def alias_list(self) -> list[str]:
        return [line.strip() for line in self.aliases.splitlines() if line.strip()]

    @property
    def document_list(self) -> list[str]:
        return [line.strip() for line in self.documents.splitlines() if line.strip()]

    @property
    def is_current(self) -> bool:
        today = timezone.localdate()
        return (self.valid_from is None or self.valid_from <= today) and (
            self.valid_until is None or self.valid_until >= today
        )


class GuideRevision(review.RevisionBase):
    """One step in a guide's life, with the content as it stood then (append-only)."""

    guide = models.ForeignKey(Guide, on_delete=models.CASCADE, related_name="revisions")
    action = models.CharField("操作", max_length=16, choices=RevisionAction.of(RevisionAction.ARCHIVED))

    class Meta:
        verbose_name = "指南修订记录"
        verbose_name_plural = "指南修订记录"
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.guide_id} {self.get_action_display()}"
