"""莫愁指南: service guides (办事指南) and their append-only revision log.

A guide's row holds the text that is live. Editing a published guide does not touch that text:
the edit goes into a *revision draft* — a second Guide row with ``draft_of`` pointing at the
published one — which follows the review flow on its own; when a reviewer publishes it, its
content is copied onto the published row (same id, same slug, so every link stays valid) and the
draft row is removed. Every step is a GuideRevision row with a snapshot of the content, always
filed under the published ("root") guide, so nothing written is lost.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

if TYPE_CHECKING:
    from accounts.models import User


class GuideStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "待审核"
    PUBLISHED = "published", "已发布"
    ARCHIVED = "archived", "已归档"


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


class Guide(models.Model):
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
    status = models.CharField("状态", max_length=16, choices=GuideStatus.choices, default=GuideStatus.DRAFT)
    audience = models.CharField("公开范围", max_length=16, choices=Audience.choices, default=Audience.PUBLIC)
    draft_of = models.ForeignKey(
        "self",
        verbose_name="修订的指南",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="revision_drafts",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="编写人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    editor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="最后修改人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="审核人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    review_note = models.TextField("审核意见", blank=True)
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    updated_at = models.DateTimeField("更新时间", auto_now=True, db_index=True)

    objects = GuideQuerySet.as_manager()

    class Meta:
        verbose_name = "办事指南"
        verbose_name_plural = "办事指南"
        ordering = ["unit__sort_order", "unit__code", "title"]
        indexes = [models.Index(fields=["status", "audience"])]
        constraints = [
            # A published guide is always a root: revision drafts never go live as rows.
            models.CheckConstraint(
                condition=~Q(status="published") | Q(draft_of__isnull=True),
                name="knowledge_guide_published_is_root",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def root(self) -> Guide:
        return self.draft_of or self

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

    def content(self) -> dict[str, Any]:
        """A JSON-able snapshot of the editable content."""
        data: dict[str, Any] = {}
        for name in CONTENT_FIELDS:
            value = getattr(self, "unit_id" if name == "unit" else name)
            data[name] = value.isoformat() if hasattr(value, "isoformat") else value
        return data


class RevisionAction(models.TextChoices):
    CREATED = "created", "新建"
    EDITED = "edited", "修改"
    SUBMITTED = "submitted", "提交审核"
    PUBLISHED = "published", "审核发布"
    RETURNED = "returned", "退回修改"
    ARCHIVED = "archived", "归档"
    IMPORTED = "imported", "导入"


class GuideRevision(models.Model):
    """One step in a guide's life, with the content as it stood then (append-only)."""

    guide = models.ForeignKey(Guide, on_delete=models.CASCADE, related_name="revisions")
    action = models.CharField("操作", max_length=16, choices=RevisionAction.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField("说明", blank=True)
    content = models.JSONField("内容快照", default=dict)
    created_at = models.DateTimeField("时间", default=timezone.now, db_index=True)

    class Meta:
        verbose_name = "指南修订记录"
        verbose_name_plural = "指南修订记录"
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.guide_id} {self.get_action_display()}"
