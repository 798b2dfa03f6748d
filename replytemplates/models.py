"""常用答复模板: reply templates and SMS wordings, their append-only revision log, and their uses.

Like the guides of 莫愁指南 (knowledge/models.py), a template's row holds the text that is live;
editing a published template writes a *revision draft* (a second row, `draft_of` = the published
one) that goes through review on its own and, once published, is copied onto the published row
(same id, so use counts and links stay with it). Every step is a TemplateRevision under the root.
Both are the loop core's reviewed content (loop/review.py); a template adds its kind, its scope
(category and kind of case, or the SMS and case state it words) and the placeholders of its body.

Use is counted from TemplateUse rows, one per reply drafted from a template; how well a template
does is computed from the cases those replies answered (replytemplates/ranking.py), never stored.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from cases.models import Kind
from cases.workflow import State
from loop import review
from loop.review import RevisionAction


class TemplateKind(models.TextChoices):
    REPLY = "reply", "答复模板"
    SMS = "sms", "短信模板"


class TemplateStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "待审核"
    PUBLISHED = "published", "已发布"
    RETIRED = "retired", "已停用"


# The review flow of a template (loop/review.py): withdrawn by retiring it.
MACHINE: review.ReviewMachine[TemplateStatus] = review.ReviewMachine(
    TemplateStatus, withdraw=RevisionAction.RETIRED, item_label="模板", code="replytemplates"
)


class SmsName(models.TextChoices):
    """The loop's SMS texts (cases/templates/sms/<name>.txt) a published template may replace."""

    CASE_RECEIVED = "case_received", "受理告知（群众）"
    CASE_REPLIED = "case_replied", "答复告知（群众）"
    CASE_MERGED = "case_merged", "合并告知（群众）"
    CASE_SUPERVISED = "case_supervised", "督办通知（承办单位）"
    DEADLINE_NOTICE = "deadline_notice", "临期/超期提醒（承办单位）"


# The fields an editor writes; a revision's snapshot holds exactly these.
CONTENT_FIELDS: tuple[str, ...] = ("title", "kind", "category", "case_kind", "name", "case_state", "body")


class ReplyTemplateQuerySet(models.QuerySet["ReplyTemplate"]):
    def published(self) -> ReplyTemplateQuerySet:
        return self.filter(status=TemplateStatus.PUBLISHED, draft_of__isnull=True)

    def roots(self) -> ReplyTemplateQuerySet:
        return self.filter(draft_of__isnull=True)


class ReplyTemplate(review.ReviewedContent):
    content_fields = CONTENT_FIELDS

    title = models.CharField("标题", max_length=60)
    kind = models.CharField("用途", max_length=8, choices=TemplateKind.choices, default=TemplateKind.REPLY)
    category = models.ForeignKey(
        "cases.Category",
        verbose_name="事项分类",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="不选则适用于所有分类；选上级分类则其下各级分类都适用",
    )
    case_kind = models.CharField(
        "诉求类型", max_length=16, choices=Kind.choices, blank=True, help_text="不选则适用于所有诉求类型"
    )
    name = models.CharField("短信", max_length=32, choices=SmsName.choices, blank=True)
    # No choices here: the loop gains states (挂起 did), and each would be a migration of this app;
    # the form offers cases.workflow.State and case_state_label reads it.
    case_state = models.CharField(
        "工单状态", max_length=20, blank=True, help_text="不选则任何状态都用这条短信"
    )
    body = models.TextField("模板内容", max_length=5000)
    status = review.status_field(TemplateStatus)
    draft_of = review.draft_of_field("修订的模板")
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = ReplyTemplateQuerySet.as_manager()

    class Meta:
        verbose_name = "答复模板"
        verbose_name_plural = "答复模板"
        ordering = ["kind", "title", "pk"]
        indexes = [models.Index(fields=["kind", "status"])]
        constraints = [
            review.published_is_root("replytemplates_published_is_root"),
            # One live wording per SMS and state: the source must not have to guess.
            models.UniqueConstraint(
                fields=["name", "case_state"],
                condition=Q(kind="sms", status="published"),
                name="replytemplates_one_published_sms",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def case_state_label(self) -> str:
        return str(State(self.case_state).label) if self.case_state in State.values else self.case_state

    @property
    def scope(self) -> str:
        """Where the template applies, in the centre's words."""
        if self.kind == TemplateKind.SMS:
            label = self.get_name_display() or "—"
            return f"{label} · {self.case_state_label}" if self.case_state else label
        where = self.category.path.replace("/", " / ") if self.category else "所有分类"
        return f"{where} · {self.get_case_kind_display() if self.case_kind else '所有类型'}"


class TemplateRevision(review.RevisionBase):
    """One step in a template's life, with the content as it stood then (append-only)."""

    template = models.ForeignKey(ReplyTemplate, on_delete=models.CASCADE, related_name="revisions")
    action = models.CharField("操作", max_length=16, choices=RevisionAction.of(RevisionAction.RETIRED))

    class Meta:
        verbose_name = "模板修订记录"
        verbose_name_plural = "模板修订记录"
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.template_id} {self.get_action_display()}"


class TemplateUse(models.Model):
    """A reply drafted from a template (written by the case_reply_submitted subscriber)."""

    template = models.ForeignKey(ReplyTemplate, on_delete=models.PROTECT, related_name="uses")
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    reply = models.OneToOneField("cases.Reply", on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField("使用时间")

    class Meta:
        verbose_name = "模板使用记录"
        verbose_name_plural = "模板使用记录"
        indexes = [models.Index(fields=["template", "at"])]

    def __str__(self) -> str:
        return f"{self.template_id} → {self.case_id}"
