"""招商引资: industry chains, parks, projects, their stage reports (reviewed) and the counted signings.

A project is a loop item (workflow.py): its state is the last *approved* stage. A stage report is
reviewed content (loop/review.py): 申报 (draft → submitted) → 招商局审核 → 通过 (published) or 退回
(back to draft, with the reviewer's opinion). Approving a report takes the project's action; the
counted facts of a signing are written then, once, in `Signing` (counting.py).
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q

from enterprises.models import validate_credit_code
from loop import review
from loop.events import EventBase
from loop.review import RevisionAction
from loop.writes import StatefulModel, StatefulQuerySet

from .workflow import STAGE_ACTIONS, Action, StallReason, State, TerminationReason

if TYPE_CHECKING:
    from accounts.models import User

# Amounts in 万元: decimals with two places, never negative.
WAN_DIGITS, WAN_PLACES = 14, 2
NON_NEGATIVE = [MinValueValidator(Decimal(0))]


# The flag of a ≥10亿元 project: it names the bracket of a confidential amount (access.shown_flags).
MAJOR_FLAG = "10亿元以上"


class ChainSystem(models.TextChoices):
    INDUSTRY = "4+1", "“4+1”主导产业"
    AGRICULTURE = "3+6", "“3+6”现代农业产业体系"
    OTHER = "other", "其他"


class Chain(models.Model):
    """An industry chain (产业链) projects are attracted for; configured as rows."""

    code = models.SlugField("编码", max_length=32, unique=True)
    name = models.CharField("产业链", max_length=40)
    system = models.CharField("所属体系", max_length=8, choices=ChainSystem.choices)
    sort_order = models.PositiveIntegerField("排序", default=0)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "产业链"
        verbose_name_plural = "产业链"
        ordering = ["system", "sort_order", "code"]

    def __str__(self) -> str:
        return self.name


class Park(models.Model):
    """An industrial park (工业园区); a project is in one, or outside all (park empty)."""

    code = models.SlugField("编码", max_length=32, unique=True)
    name = models.CharField("园区", max_length=60)
    short_name = models.CharField("简称", max_length=20, blank=True)
    township = models.ForeignKey(
        "org.Unit", verbose_name="所在乡镇", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    sort_order = models.PositiveIntegerField("排序", default=0)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "园区"
        verbose_name_plural = "园区"
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        return self.short_name or self.name


class Source(models.TextChoices):
    EVENT = "event", "活动招商"
    CHANNEL = "channel", "渠道招商"
    BUSINESS = "business", "以商招商"
    OTHER = "other", "其他"


class ProjectQuerySet(StatefulQuerySet["Project"]):
    def visible_to(self, user: User) -> ProjectQuerySet:
        from investment.access import project_filter

        return self.filter(project_filter(user))


class Project(StatefulModel):
    number = models.CharField("项目编号", max_length=16, unique=True)
    code_name = models.CharField("项目代号", max_length=60, help_text="对外使用的代号，不含投资方名称")
    name = models.CharField("项目名称", max_length=100)
    investor_name = models.CharField("投资方", max_length=100)
    investor_credit_code = models.CharField(
        "投资方统一社会信用代码", max_length=18, blank=True, validators=[validate_credit_code]
    )
    investor = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name="已登记企业",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="investment_projects",
    )
    source = models.CharField("项目来源", max_length=10, choices=Source.choices)
    source_detail = models.CharField("来源说明", max_length=100, blank=True, help_text="招商活动或渠道名称")
    chain = models.ForeignKey(Chain, verbose_name="产业链", on_delete=models.PROTECT, related_name="projects")
    park = models.ForeignKey(
        Park, verbose_name="园区", null=True, blank=True, on_delete=models.PROTECT, related_name="projects"
    )
    township = models.ForeignKey(
        "org.Unit", verbose_name="所在乡镇", on_delete=models.PROTECT, related_name="+"
    )
    total_investment = models.DecimalField(
        "协议总投资（万元）", max_digits=WAN_DIGITS, decimal_places=WAN_PLACES, validators=NON_NEGATIVE
    )
    first_phase_investment = models.DecimalField(
        "首期投资（万元）",
        null=True,
        blank=True,
        max_digits=WAN_DIGITS,
        decimal_places=WAN_PLACES,
        validators=NON_NEGATIVE,
    )
    registered_capital = models.DecimalField(
        "注册资本（万元）",
        null=True,
        blank=True,
        max_digits=WAN_DIGITS,
        decimal_places=WAN_PLACES,
        validators=NON_NEGATIVE,
    )
    expected_output = models.DecimalField(
        "预计年产值（万元）",
        null=True,
        blank=True,
        max_digits=WAN_DIGITS,
        decimal_places=WAN_PLACES,
        validators=NON_NEGATIVE,
    )
    expected_tax = models.DecimalField(
        "预计年税收（万元）",
        null=True,
        blank=True,
        max_digits=WAN_DIGITS,
        decimal_places=WAN_PLACES,
        validators=NON_NEGATIVE,
    )
    expected_jobs = models.PositiveIntegerField("预计就业（人）", null=True, blank=True)
    is_leading = models.BooleanField("龙头企业", default=False)
    is_little_giant = models.BooleanField("专精特新“小巨人”", default=False)
    is_tech_upgrade = models.BooleanField("技改项目", default=False)
    patron_leader = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="包保领导", null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )  # fmt: skip
    task_force = models.CharField("专班", max_length=60, blank=True)
    responsible_unit = models.ForeignKey(
        "org.Unit", verbose_name="责任单位", on_delete=models.PROTECT, related_name="+"
    )
    liaison = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="店小二", null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )  # fmt: skip
    planned_start = models.DateField("计划开工月份", null=True, blank=True, help_text="月份的第一天")
    state = models.CharField("阶段", max_length=20, choices=State.choices, default=State.NEW)
    paused_from = models.CharField("暂停前阶段", max_length=20, choices=State.choices, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("登记时间")
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = ProjectQuerySet.as_manager()

    class Meta:
        verbose_name = "招商项目"
        verbose_name_plural = "招商项目"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["state"]), models.Index(fields=["township", "state"])]
        # An investor may hold several projects; the same project entered twice is refused by
        # duplicates.check_duplicates (a rule on normalised names, not a column's equality).

    def __str__(self) -> str:
        return f"{self.number} {self.code_name}"

    @property
    def is_major(self) -> bool:
        from investment.config import config

        return self.total_investment >= config().major_threshold

    @property
    def flags(self) -> list[str]:
        names = [("is_leading", "龙头"), ("is_little_giant", "小巨人"), ("is_tech_upgrade", "技改")]
        shown = [MAJOR_FLAG] if self.is_major else []
        return shown + [label for attr, label in names if getattr(self, attr)]


class ProjectEvent(EventBase):
    """One action on a project (append-only): 登记, and every approved stage."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="events")
    action = models.CharField("动作", max_length=20, choices=Action.choices)

    class Meta:
        verbose_name = "项目记录"
        verbose_name_plural = "项目记录"
        ordering = ["project", "seq"]
        constraints = [models.UniqueConstraint(fields=["project", "seq"], name="investment_event_seq_once")]

    def __str__(self) -> str:
        return f"{self.project_id}#{self.seq} {self.action}"


class ReportStatus(models.TextChoices):
    DRAFT = "draft", "待申报"
    SUBMITTED = "submitted", "待审核"
    PUBLISHED = "published", "已通过"
    ARCHIVED = "archived", "已撤销"


REPORT_MACHINE: review.ReviewMachine[ReportStatus] = review.ReviewMachine(
    ReportStatus, withdraw=RevisionAction.ARCHIVED, item_label="阶段申报", code="investment"
)
REASONS: dict[str, type[models.TextChoices]] = {
    Action.TERMINATE.value: TerminationReason,
    Action.PAUSE.value: StallReason,
}
REPORT_FIELDS: tuple[str, ...] = (
    "stage", "date", "event_name", "reason", "new_total_investment", "new_investor_name",
    "new_investor_credit_code", "note",
)  # fmt: skip


class StageReport(review.ReviewedContent):
    """申报: one stage of a project with its date and documents, reviewed by the 招商局."""

    content_fields = REPORT_FIELDS

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="reports")
    stage = models.CharField("申报阶段", max_length=20, choices=[(a.value, a.label) for a in STAGE_ACTIONS])
    date = models.DateField("日期")
    event_name = models.CharField("签约活动", max_length=100, blank=True)
    reason = models.CharField("原因", max_length=20, blank=True)
    new_total_investment = models.DecimalField(
        "增资后总投资（万元）",
        null=True,
        blank=True,
        max_digits=WAN_DIGITS,
        decimal_places=WAN_PLACES,
        validators=NON_NEGATIVE,
    )
    new_investor_name = models.CharField("新投资方", max_length=100, blank=True)
    new_investor_credit_code = models.CharField(
        "新投资方统一社会信用代码", max_length=18, blank=True, validators=[validate_credit_code]
    )
    note = models.TextField("情况说明", max_length=2000, blank=True)
    status = review.status_field(ReportStatus)
    draft_of = review.draft_of_field("修订的申报")
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "阶段申报"
        verbose_name_plural = "阶段申报"
        ordering = ["project", "date", "pk"]
        indexes = [models.Index(fields=["stage", "status"])]
        constraints = [review.published_is_root("investment_report_published_is_root")]

    def __str__(self) -> str:
        return f"{self.project_id} {self.get_stage_display()} {self.date}"

    @property
    def reason_label(self) -> str:
        choices = REASONS.get(self.stage)
        if choices is None or not self.reason:
            return ""
        return str(dict(choices.choices).get(self.reason, self.reason))

    def content(self) -> dict[str, Any]:
        # Amounts are Decimals, which JSON cannot hold: the snapshot keeps them as text.
        return {k: str(v) if isinstance(v, Decimal) else v for k, v in super().content().items()}


class ReportRevision(review.RevisionBase):
    """One step of a stage report's review (申报, 退回, 通过), with its content then (append-only)."""

    report = models.ForeignKey(StageReport, on_delete=models.CASCADE, related_name="revisions")
    action = models.CharField("操作", max_length=16, choices=RevisionAction.of(RevisionAction.ARCHIVED))

    class Meta:
        verbose_name = "申报审核记录"
        verbose_name_plural = "申报审核记录"
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.report_id} {self.get_action_display()}"


class StageDocument(models.Model):
    """A document that proves a stage (合同, 营业执照, 土地成交确认书, 施工许可证 …)."""

    report = models.ForeignKey(StageReport, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField("材料名称", max_length=60)
    file = models.FileField("文件", upload_to="investment/%Y/%m/")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField("上传时间")

    class Meta:
        verbose_name = "阶段材料"
        verbose_name_plural = "阶段材料"
        ordering = ["report", "uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.title


class SigningKind(models.TextChoices):
    NEW = "new", "新签约"
    UPGRADE = "upgrade", "增资扩产"
    INVESTOR_CHANGE = "investor_change", "变更投资方"


class Signing(models.Model):
    """A counted signing (counting.py): written once when its stage is approved, never changed.

    `counted` is 1 for what counts as a signing (a project's first, a change of investor) and 0
    for an upgrade, whose `amount` is the increment. Where the project was is kept as it was then.
    """

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="signings")
    report = models.OneToOneField(StageReport, on_delete=models.PROTECT, related_name="signing")
    kind = models.CharField("类型", max_length=16, choices=SigningKind.choices)
    date = models.DateField("签约日期", db_index=True)
    counted = models.PositiveSmallIntegerField("计数")
    amount = models.DecimalField(
        "计入金额（万元）", max_digits=WAN_DIGITS, decimal_places=WAN_PLACES, validators=NON_NEGATIVE
    )
    major = models.BooleanField("10亿元以上")
    chain = models.ForeignKey(Chain, on_delete=models.PROTECT, related_name="+")
    park = models.ForeignKey(Park, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    township = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("记录时间")

    class Meta:
        verbose_name = "签约计数"
        verbose_name_plural = "签约计数"
        ordering = ["date", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(counted__in=[0, 1]), name="investment_signing_counted_0_1"),
            # A project's first signing is counted once, whatever happens to it after.
            models.UniqueConstraint(
                fields=["project"], condition=Q(kind="new"), name="investment_first_signing_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project_id} {self.get_kind_display()} {self.date}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise RuntimeError("Signing is append-only")
        super().save(*args, **kwargs)


class ParkOutput(models.Model):
    """A park's industrial output in one month (entered or imported), and the city's total."""

    park = models.ForeignKey(
        Park, verbose_name="园区", null=True, blank=True, on_delete=models.PROTECT, related_name="outputs",
        help_text="空：全市规上工业总产值",
    )  # fmt: skip
    month = models.DateField("月份", help_text="月份的第一天")
    output = models.DecimalField(
        "工业总产值（万元）", max_digits=WAN_DIGITS, decimal_places=WAN_PLACES, validators=NON_NEGATIVE
    )
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "园区产值"
        verbose_name_plural = "园区产值"
        ordering = ["month", "park"]
        constraints = [
            models.UniqueConstraint(fields=["park", "month"], name="investment_park_output_once"),
            models.UniqueConstraint(
                fields=["month"], condition=Q(park__isnull=True), name="investment_city_output_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.park or '全市'} {self.month:%Y-%m}"


class FundsArrival(models.Model):
    """到位资金: the investment that actually arrived for a project in one month (one row a month;
    a correction rewrites it and is audited)."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="funds")
    month = models.DateField("月份", help_text="月份的第一天")
    amount = models.DecimalField(
        "到位资金（万元）", max_digits=WAN_DIGITS, decimal_places=WAN_PLACES, validators=NON_NEGATIVE
    )
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "到位资金"
        verbose_name_plural = "到位资金"
        ordering = ["project", "month"]
        constraints = [
            models.UniqueConstraint(fields=["project", "month"], name="investment_funds_once_a_month")
        ]

    def __str__(self) -> str:
        return f"{self.project_id} {self.month:%Y-%m} {self.amount}"


class ProjectProblem(models.Model):
    """要素保障: a problem raised on a project, which *is* an appeal of its enterprise in the 店小二
    loop (enterprises.Appeal → cases.Case); this row only ties the appeal to the project and its
    要素 kind. The state and the answer are the case's."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="problems")
    appeal = models.OneToOneField(
        "enterprises.Appeal", on_delete=models.PROTECT, related_name="investment_problem"
    )
    kind = models.CharField("要素类别", max_length=20, choices=StallReason.choices)
    unit = models.ForeignKey(
        "org.Unit", verbose_name="责任单位", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", help_text="空：由12345中心派单",
    )  # fmt: skip
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    raised_at = models.DateTimeField("提出时间")

    class Meta:
        verbose_name = "要素保障问题"
        verbose_name_plural = "要素保障问题"
        ordering = ["-raised_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.project_id} {self.get_kind_display()}"


class StallExplanation(models.Model):
    """Why a stalled project is held (a reason from the 要素 list), as its unit or the 招商局 said;
    append-only: the latest is the project's reason, the earlier ones its history."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="stall_explanations")
    reason = models.CharField("停滞原因", max_length=20, choices=StallReason.choices)
    note = models.CharField("说明", max_length=300, blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField("填报时间")

    class Meta:
        verbose_name = "停滞原因"
        verbose_name_plural = "停滞原因"
        ordering = ["project", "-entered_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.project_id} {self.get_reason_display()}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise RuntimeError("StallExplanation is append-only")
        super().save(*args, **kwargs)


class TargetFigure(models.TextChoices):
    """What a 目标考核 target measures (the same figures as the reports' rows)."""

    SIGNED = "signed", "新签约项目（个）"
    AMOUNT = "amount", "新签约投资额（万元）"
    MAJOR = "major", "10亿元以上项目（个）"
    STARTED = "started", "新开工（个）"
    PRODUCING = "producing", "新投产（个）"
    FUNDS = "funds", "到位资金（万元）"


class Target(models.Model):
    """目标考核: one year's target of one figure for a township, a park or a chain (or the whole
    city when none is set), entered by the 招商局. Append-only: a correction is a new row, the
    latest per (year, scope, figure) is in force, and every entry is in the audit log."""

    year = models.PositiveSmallIntegerField("年度")
    township = models.ForeignKey(
        "org.Unit", verbose_name="乡镇", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    park = models.ForeignKey(Park, verbose_name="园区", null=True, blank=True, on_delete=models.PROTECT)
    chain = models.ForeignKey(Chain, verbose_name="产业链", null=True, blank=True, on_delete=models.PROTECT)
    figure = models.CharField("考核项", max_length=12, choices=TargetFigure.choices)
    value = models.DecimalField(
        "目标值", max_digits=WAN_DIGITS, decimal_places=WAN_PLACES, validators=NON_NEGATIVE
    )
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField("填报时间")

    class Meta:
        verbose_name = "考核目标"
        verbose_name_plural = "考核目标"
        ordering = ["year", "-entered_at", "-pk"]
        indexes = [models.Index(fields=["year", "figure"])]
        constraints = [
            # At most one of township, park, chain: a target is of one scope.
            models.CheckConstraint(
                condition=Q(park__isnull=True, chain__isnull=True)
                | Q(township__isnull=True, chain__isnull=True)
                | Q(township__isnull=True, park__isnull=True),
                name="investment_target_one_scope",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.scope_key} {self.figure}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise RuntimeError("Target is append-only")
        super().save(*args, **kwargs)

    @property
    def scope_key(self) -> tuple[str, int | None]:
        if self.township_id is not None:
            return ("township", self.township_id)
        if self.park_id is not None:
            return ("park", self.park_id)
        if self.chain_id is not None:
            return ("chain", self.chain_id)
        return ("city", None)
