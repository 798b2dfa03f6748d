"""Cases and everything the loop records about them.

`Case.state` is a cache of the last `CaseEvent`; only the loop's verbs write it, and the model
refuses any other write (loop.writes).
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from accounts.privacy import may_search_by_phone, searched_phone
from cases.workflow import OPEN_STATES, Action, State
from loop.events import EventBase
from loop.versions import SettingsEntry, SettingsVersion
from loop.writes import StatefulModel, StatefulQuerySet

if TYPE_CHECKING:
    from accounts.models import User


class Channel(models.TextChoices):
    HOTLINE = "hotline", "12345热线"
    WEB = "web", "网站"
    MOBILE = "mobile", "手机页面"
    OPEN311 = "open311", "Open311 接口"
    API = "api", "接口"
    ENTERPRISE = "enterprise", "企业诉求"
    MAILBOX = "mailbox", "领导信箱"
    WINDOW = "window", "窗口"


class Kind(models.TextChoices):
    CONSULT = "consult", "咨询"
    HELP = "help", "求助"
    COMPLAINT = "complaint", "投诉"
    REPORT = "report", "举报"
    SUGGESTION = "suggestion", "建议"
    PRAISE = "praise", "表扬"


class Urgency(models.TextChoices):
    NORMAL = "normal", "一般"
    URGENT = "urgent", "紧急"


class Satisfaction(models.TextChoices):
    """好差评 (国办发〔2019〕51号): five levels. The three of before keep their values and meaning
    (满意 stays 满意, never promoted to 非常满意): migration 0008 only widens the choices."""

    VERY_SATISFIED = "very_satisfied", "非常满意"
    SATISFIED = "satisfied", "满意"
    BASICALLY = "basically", "基本满意"
    UNSATISFIED = "unsatisfied", "不满意"
    VERY_UNSATISFIED = "very_unsatisfied", "非常不满意"


# 差评: a rating that opens a rectification (整改) of the lead unit (cases.services.rectification).
POOR_RATINGS = frozenset({Satisfaction.UNSATISFIED, Satisfaction.VERY_UNSATISFIED})
# 好评: the three levels the 满意率 counts as satisfied (stats) and reply templates rank by.
GOOD_RATINGS = frozenset({Satisfaction.VERY_SATISFIED, Satisfaction.SATISFIED, Satisfaction.BASICALLY})


class Category(models.Model):
    """事项分类: a three-level tree. Its time limits are versioned (LimitVersion): each is
    inherited from the nearest ancestor that sets it in the version in force."""

    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    name = models.CharField("名称", max_length=60)
    level = models.PositiveSmallIntegerField("级别")
    path = models.CharField("完整路径", max_length=200, unique=True)
    default_unit = models.ForeignKey(
        "org.Unit",
        verbose_name="默认承办单位",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "事项分类"
        verbose_name_plural = "事项分类"
        ordering = ["path"]

    def __str__(self) -> str:
        return self.path

    # Fallbacks when no category on the path sets a limit (hours / working days).
    DEFAULT_LIMITS = {"accept_hours": 2, "handle_days": 15, "urgent_accept_hours": 1, "urgent_handle_days": 3}

    def limit(self, field: str, version: LimitVersion | None) -> int:
        """One limit in `version`: this category's, else its nearest ancestor's, else the default."""
        table = version.table() if version is not None else {}
        node: Category | None = self
        while node is not None:
            value = table.get(node.pk, {}).get(field)
            if value is not None:
                return int(value)
            node = node.parent
        return self.DEFAULT_LIMITS[field]

    def limits_for(self, urgency: str, version: LimitVersion | None) -> tuple[int, int]:
        """(acceptance limit in working hours, handling limit in working days) for an urgency."""
        if urgency == Urgency.URGENT:
            return self.limit("urgent_accept_hours", version), self.limit("urgent_handle_days", version)
        return self.limit("accept_hours", version), self.limit("handle_days", version)


LIMIT_FIELDS = ("accept_hours", "handle_days", "urgent_accept_hours", "urgent_handle_days")


class LimitVersion(SettingsVersion):
    """办理时限版本: the categories' time limits in force for a period (loop.versions)."""

    class Meta(SettingsVersion.Meta):
        verbose_name = "办理时限版本"
        verbose_name_plural = "办理时限版本"
        constraints = [models.UniqueConstraint(fields=["number"], name="limit_version_number_unique")]

    def table(self) -> dict[int, dict[str, int | None]]:
        """{category id: {field: value}}; cached per object (a published version never changes)."""
        cached: dict[int, dict[str, int | None]] | None = getattr(self, "_table", None)
        if cached is None or not self.is_published:
            rows = self.entries.values("category_id", *LIMIT_FIELDS)
            cached = {row.pop("category_id"): row for row in rows}
            self._table = cached
        return cached

    def copy_entries_to(self, draft: SettingsVersion) -> None:
        if not isinstance(draft, LimitVersion):
            raise TypeError(f"limits copy into a LimitVersion, not {type(draft).__name__}")
        CategoryLimit.objects.bulk_create(
            CategoryLimit(
                version=draft, category_id=e.category_id, **{f: getattr(e, f) for f in LIMIT_FIELDS}
            )
            for e in self.entries.all()
        )


class CategoryLimit(SettingsEntry):
    """One category's limits in one version; an empty field is inherited from the parent category."""

    version = models.ForeignKey(LimitVersion, on_delete=models.CASCADE, related_name="entries")
    category = models.ForeignKey(
        Category, verbose_name="事项分类", on_delete=models.PROTECT, related_name="+"
    )
    accept_hours = models.PositiveSmallIntegerField("签收时限(工作小时)", null=True, blank=True)
    handle_days = models.PositiveSmallIntegerField("办理时限(工作日)", null=True, blank=True)
    urgent_accept_hours = models.PositiveSmallIntegerField("紧急件签收时限(工作小时)", null=True, blank=True)
    urgent_handle_days = models.PositiveSmallIntegerField("紧急件办理时限(工作日)", null=True, blank=True)

    class Meta:
        verbose_name = "分类时限"
        verbose_name_plural = "分类时限"
        constraints = [models.UniqueConstraint(fields=["version", "category"], name="category_limit_once")]

    def __str__(self) -> str:
        return f"{self.category_id}@{self.version_id}"


def first_level_names() -> dict[int, str]:
    """Each category's first-level name (its path's first segment), by id: the charts count cases
    by category id on the index and name the first level here, rather than join every case to
    its category (docs/benchmarks.md)."""
    return {pk: path.split("/")[0] for pk, path in Category.objects.values_list("pk", "path")}


def category_q(path: str, field: str = "category") -> Q:
    """Rows (cases, by default) of the category at `path` and of every category below it.

    The subtree is looked up first (the tree has some 650 rows) and the rows are matched by id:
    a join on the path's LIKE made PostgreSQL guess two categories where a first-level one has
    fifty, and read the month's index once per category (295 ms at 1M cases instead of 20)."""
    path = path.strip().strip("/")
    if not path:
        return Q(pk__in=[])
    ids = Category.objects.filter(Q(path=path) | Q(path__startswith=f"{path}/")).values_list("pk", flat=True)
    return Q(**{f"{field}_id__in": sorted(ids)})


def phone_q(phone: str) -> Q:
    """Cases of a phone in any spelling: landlines are stored as 0724-4222345, and rows written
    before accounts.phones normalised them may hold 07244222345."""
    # Imported here, not at the top, so that this edit stays inside the function.
    from accounts.phones import stored_spellings

    spellings = stored_spellings(phone) or {phone}
    return Q(citizen_phone__in=sorted(spellings))


class CaseQuerySet(StatefulQuerySet["Case"]):
    def visible_to(self, user: User) -> CaseQuerySet:
        """Centre staff see every case; a unit's staff see the cases assigned to their unit (or below)."""
        if not user.is_authenticated:
            return self.none()
        if user.is_centre_staff or user.is_superuser:
            return self
        if user.is_unit_staff and user.unit is not None:
            # A literal list of unit ids lets the (unit, case) index serve the subquery; an OR over
            # joins made PostgreSQL scan every assignment (docs/benchmarks.md). Cached on the user
            # object, so one request asks for it once.
            if not hasattr(user, "_visible_unit_ids"):
                user._visible_unit_ids = user.unit.descendant_ids()  # type: ignore[attr-defined]  # a per-request cache on the user
            units = user._visible_unit_ids  # type: ignore[attr-defined]
            # A case the unit returned (退单) is no longer its case.
            theirs = Assignment.objects.filter(unit_id__in=units).exclude(status=Assignment.Status.RETURNED)
            return self.filter(pk__in=theirs.values("case_id"))
        return self.none()

    def open(self) -> CaseQuerySet:
        return self.filter(state__in=OPEN_STATES)

    def search(self, text: str, user: User) -> CaseQuerySet:
        """The one case search of the pages, the API and the console.

        Free text matches the title, the content, the address and a whole 受理编号; digits are a
        受理编号 prefix or — for the roles that work with callers — an exact full phone number
        (never a part of one: that would let anyone rebuild a masked number digit by digit).
        """
        text = (text or "").strip()
        if not text:
            return self
        digits = re.sub(r"[\s\-+()（）]", "", text)
        if digits.isdigit():
            condition = Q(number__startswith=digits)
            phone = searched_phone(text)
            if phone and may_search_by_phone(user):
                condition |= phone_q(phone)
        else:
            condition = (
                Q(title__icontains=text) | Q(content__icontains=text) | Q(address__icontains=text)
                | Q(number=text)
            )  # fmt: skip
        return self.filter(condition)


class Case(StatefulModel):
    number = models.CharField("受理编号", max_length=20, unique=True)
    channel = models.CharField("受理渠道", max_length=16, choices=Channel.choices)
    kind = models.CharField("诉求类型", max_length=16, choices=Kind.choices)
    title = models.CharField("标题", max_length=120)
    content = models.TextField("诉求内容", max_length=5000)
    citizen_name = models.CharField("诉求人", max_length=40, blank=True)
    citizen_phone = models.CharField("联系电话", max_length=20, blank=True, db_index=True)
    address = models.CharField("地址", max_length=200, blank=True)
    township = models.ForeignKey(
        "org.Unit", verbose_name="所属乡镇", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    category = models.ForeignKey(
        Category,
        verbose_name="事项分类",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    urgency = models.CharField("紧急程度", max_length=8, choices=Urgency.choices, default=Urgency.NORMAL)
    # The time limits in force when the case came in: its deadlines are computed from these
    # however the limits change later, unless a dispatcher re-pins it (an event of its own).
    limit_version = models.ForeignKey(
        "cases.LimitVersion",
        verbose_name="时限版本",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    state = models.CharField("状态", max_length=20, choices=State.choices, default=State.REGISTERED)
    lead_unit = models.ForeignKey(
        "org.Unit",
        verbose_name="主办单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="led_cases",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name="主工单",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="duplicates",
    )
    transferred_to = models.CharField("转办去向", max_length=100, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("登记时间")  # indexed with its dashboard columns: Meta
    dispatched_at = models.DateTimeField("派单时间", null=True, blank=True)
    accept_due_at = models.DateTimeField("签收期限", null=True, blank=True)
    due_at = models.DateTimeField("办理期限", null=True, blank=True)
    # While suspended: the suspension's own limit (its clock, cases.deadlines); else empty.
    suspended_until = models.DateTimeField("挂起期限", null=True, blank=True)
    replied_at = models.DateTimeField("答复时间", null=True, blank=True)
    closed_at = models.DateTimeField("结案时间", null=True, blank=True)
    reopen_count = models.PositiveSmallIntegerField("重办次数", default=0)
    callback_attempts = models.PositiveSmallIntegerField("回访次数", default=0)
    satisfaction = models.CharField("满意度", max_length=16, choices=Satisfaction.choices, blank=True)
    resolved = models.BooleanField("是否解决", null=True)
    # While rectifying after a 差评: the lead unit's deadline for its report (its clock); else empty.
    rectify_due_at = models.DateTimeField("整改期限", null=True, blank=True)
    # The callback pool: an agent's claim on the callback, until it is done, released or expires.
    callback_claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="回访认领人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    callback_claimed_until = models.DateTimeField("认领有效期至", null=True, blank=True)
    is_overdue_closed = models.BooleanField("超期办结", default=False)
    # 提级办理: when the case became a 问题工单 for the supervisors (the ESCALATE event's cache).
    escalated_at = models.DateTimeField("提级时间", null=True, blank=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = "工单"
        verbose_name_plural = "工单"
        ordering = ["-created_at"]
        # A closed case changes only through this permission, granted to named people (an
        # administrator's group), never to a role as such: cases.services.overrides.
        permissions = [("override_closed_case", "可更正已办结工单")]
        indexes = [
            models.Index(fields=["state", "-created_at"], name="case_state_created"),
            models.Index(fields=["lead_unit", "state", "-created_at"], name="case_unit_state_created"),
            # Near-due and overdue are "deadline < instant" on these: see cases/deadlines.py.
            models.Index(fields=["state", "due_at"], name="case_state_due"),
            models.Index(fields=["state", "accept_due_at"], name="case_state_accept_due"),
            models.Index(fields=["state", "rectify_due_at"], name="case_state_rectify_due"),
            # The leaders' homes list the open 加急 cases oldest first: without this the list walks
            # the whole table from its oldest case (1.5 s at 1M cases, docs/benchmarks.md).
            models.Index(fields=["created_at"], condition=Q(urgency="urgent"), name="case_urgent_created"),
            # The two pools read in their own order, so a page of 50 is 50 index entries, not a
            # sort of every waiting case (at 1M: 13,000 to dispatch, 19,000 to call back).
            models.Index(fields=["state", "-urgency", "-created_at"], name="case_state_urgency_created"),
            models.Index(fields=["state", "replied_at", "id"], name="case_state_replied"),
            # Every dashboard chart counts the period's cases by day, channel, category, township
            # or unit: on PostgreSQL these are read from the index alone, not from the wide table
            # (the year's volume by day: 672 → 437 ms of SQL at 1M cases, the year's categories
            # 274 → 92 ms). SQLite has no INCLUDE: there it is the plain index on created_at.
            models.Index(
                fields=["created_at"],
                include=["channel", "category", "township", "lead_unit"],
                name="case_created_cover",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(state=State.CLOSED) | Q(replied_at__isnull=False),
                name="case_closed_requires_reply",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def state_label(self) -> str:
        return State(self.state).label

    @property
    def approved_reply(self) -> Reply | None:
        return self.replies.filter(status=Reply.Status.APPROVED).order_by("-approved_at").first()

    @property
    def poorly_rated(self) -> bool:
        """The citizen's rating is a 差评 (不满意 or 非常不满意)."""
        return self.satisfaction in POOR_RATINGS

    @property
    def live_claim_holder(self) -> User | None:
        """The callback pool's "taken by" on pages: the running claim's agent, if any."""
        if self.state != State.REPLIED:
            return None
        return self.callback_claim_holder(timezone.now())

    def callback_claim_holder(self, now: datetime) -> User | None:
        """The agent whose claim on this callback is still running at `now`, if any."""
        until = self.callback_claimed_until
        if self.callback_claimed_by_id is None or until is None or until <= now:
            return None
        return self.callback_claimed_by


class Assignment(models.Model):
    """One dispatch of a case to one unit, as lead (主办) or co-handler (协办)."""

    class Role(models.TextChoices):
        LEAD = "lead", "主办"
        CO = "co", "协办"

    class Status(models.TextChoices):
        PENDING = "pending", "待签收"
        ACCEPTED = "accepted", "已签收"
        RETURNED = "returned", "已退回"
        DONE = "done", "已完成"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assignments")
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="assignments")
    role = models.CharField(max_length=8, choices=Role.choices)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    dispatched_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    dispatched_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    return_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        verbose_name = "派单记录"
        verbose_name_plural = "派单记录"
        indexes = [
            models.Index(fields=["unit", "status"]),
            models.Index(fields=["unit", "case"], name="assignment_unit_case"),  # visible_to
        ]

    def __str__(self) -> str:
        return f"{self.case_id} → {self.unit}（{self.get_role_display()}）"


class CaseEvent(EventBase):
    """One action on a case. Append-only (loop.events): rows are never updated or deleted."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events")
    action = models.CharField("动作", max_length=20, choices=Action.choices)
    from_state = models.CharField(max_length=20, choices=State.choices, blank=True)
    to_state = models.CharField(max_length=20, choices=State.choices)

    class Meta:
        verbose_name = "工单事件"
        verbose_name_plural = "工单事件"
        ordering = ["case", "seq"]
        constraints = [models.UniqueConstraint(fields=["case", "seq"], name="case_event_seq_unique")]
        # The read side asks for one action over a period (the 督办 of a month per unit): the month's
        # few rows, not a scan of the log (1.2 s → 43 ms at 6.5M events, docs/benchmarks.md).
        indexes = [models.Index(fields=["action", "created_at"], name="case_event_action_created")]

    def __str__(self) -> str:
        return f"{self.case_id}#{self.seq} {self.get_action_display()}"

    @property
    def action_label(self) -> str:
        return Action(self.action).label


class Extension(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "待审批"
        APPROVED = "approved", "已同意"
        REFUSED = "refused", "已拒绝"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="extensions")
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    days = models.PositiveSmallIntegerField("延期工作日")
    reason = models.TextField("理由", max_length=1000)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(max_length=500, blank=True)

    class Meta:
        verbose_name = "延期申请"
        verbose_name_plural = "延期申请"
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=Q(status="pending"), name="one_pending_extension_per_case"
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_id} 延期{self.days}个工作日（{self.get_status_display()}）"


class ContactWay(models.TextChoices):
    """How a unit reached the citizen (联系诉求人)."""

    PHONE = "phone", "电话"
    SMS = "sms", "短信"
    VISIT = "visit", "上门走访"
    MEETING = "meeting", "约见面谈"
    OTHER = "other", "其他方式"


class SuspensionReason(models.TextChoices):
    """The closed list of what may stop a case's clock: only what the unit does not control."""

    COURT = "court", "司法、仲裁或行政复议程序进行中"
    SURVEY = "survey", "需鉴定、检测、勘测或评估"
    CITIZEN_DOCUMENTS = "citizen_documents", "待诉求人补充材料或配合"
    OTHER_REGION = "other_region", "需外地或上级机关协调办理"
    FORCE_MAJEURE = "force_majeure", "自然灾害等不可抗力"


class Suspension(models.Model):
    """挂起（中止计时）: a request to stop the handling clock, its decision and its end.

    Approved, the case is SUSPENDED until it is resumed; the handling deadline then moves by the
    working time the case spent suspended, computed on the calendar (cases.services.suspension).
    """

    class Status(models.TextChoices):
        PENDING = "pending", "待审批"
        REFUSED = "refused", "已拒绝"
        RUNNING = "running", "挂起中"
        ENDED = "ended", "已恢复"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="suspensions")
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    reason = models.CharField("挂起事由", max_length=20, choices=SuspensionReason.choices)
    explanation = models.TextField("情况说明", max_length=1000)
    document = models.CharField(
        "依据文书", max_length=200, help_text="文书名称及文号，如法院受理通知书（2026）鄂0881民初123号"
    )
    days = models.PositiveSmallIntegerField("申请挂起工作日")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(max_length=500, blank=True)
    started_at = models.DateTimeField("开始挂起", null=True, blank=True)
    limit_at = models.DateTimeField("挂起期限", null=True, blank=True)
    ended_at = models.DateTimeField("恢复计时", null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    suspended_hours = models.FloatField("挂起的工作时长(小时)", null=True, blank=True)

    class Meta:
        verbose_name = "挂起申请"
        verbose_name_plural = "挂起申请"
        ordering = ["requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(status__in=["pending", "running"]),
                name="one_open_suspension_per_case",
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_id} 挂起（{self.get_status_display()}）"

    @property
    def overran(self) -> bool:
        """The suspension ran past its own limit (flagged on the case page and by the sweep)."""
        end = self.ended_at
        return bool(self.limit_at and end and end > self.limit_at)


class ReturnReason(models.TextChoices):
    """The grounds a unit may return a dispatched case on (退单理由, a closed list plus text)."""

    NOT_OUR_DUTY = "not_our_duty", "不属于本单位职责范围"
    NOT_OUR_AREA = "not_our_area", "不在本单位管辖区域"
    OTHER_LEVEL = "other_level", "属上级或其他层级事权"
    STATUTORY_ROUTE = "statutory_route", "应通过诉讼、仲裁、复议等法定途径解决"
    INCOMPLETE = "incomplete", "工单信息不全，无法办理"


class Dispute(models.Model):
    """派单异议: a unit's 退单 and the centre's ruling on it (国办函〔2025〕66号).

    Opened by the return (cases.services.dispatch.return_case), ruled by the centre
    (cases.services.disputes.rule_dispute). Upheld, the returning unit is excluded from the case's
    re-dispatch; rejected, the case goes back to it with the ruling. Counted per unit (cases.stats).
    """

    class Status(models.TextChoices):
        PENDING = "pending", "待审核"
        UPHELD = "upheld", "异议成立"
        REJECTED = "rejected", "异议不成立"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="disputes")
    unit = models.ForeignKey(
        "org.Unit", verbose_name="退单单位", on_delete=models.PROTECT, related_name="returned_disputes"
    )
    # The co-handlers taken off with the return: a rejected dispute sends the case back to them too.
    co_units = models.JSONField("协办单位", default=list, blank=True)
    reason = models.CharField("退单理由", max_length=20, choices=ReturnReason.choices)
    explanation = models.CharField("退单说明", max_length=500)
    suggested_unit = models.ForeignKey(
        "org.Unit",
        verbose_name="建议承办单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    returned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    returned_at = models.DateTimeField("退单时间", db_index=True)
    # When the returned dispatch was made: how long the unit held the case before returning it.
    dispatched_at = models.DateTimeField("原派单时间", null=True, blank=True)
    status = models.CharField("审核结果", max_length=12, choices=Status.choices, default=Status.PENDING)
    ruled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    ruled_at = models.DateTimeField("审核时间", null=True, blank=True)
    ruling = models.CharField("审核意见", max_length=500, blank=True)
    # The unit the centre holds responsible (upheld): the re-dispatch form offers it first.
    decided_unit = models.ForeignKey(
        "org.Unit",
        verbose_name="认定承办单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    amend_catalogue = models.BooleanField("据此修订派单目录", default=False)

    class Meta:
        verbose_name = "派单异议"
        verbose_name_plural = "派单异议"
        ordering = ["returned_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=Q(status="pending"), name="one_pending_dispute_per_case"
            )
        ]
        indexes = [models.Index(fields=["unit", "returned_at"], name="dispute_unit_returned")]

    def __str__(self) -> str:
        return f"{self.case_id} 退单（{self.get_status_display()}）"

    @staticmethod
    def excluded_unit_ids(case: Case) -> frozenset[int]:
        """Units whose return of this case the centre upheld: never offered for its re-dispatch."""
        if case.pk is None:
            return frozenset()
        upheld = Dispute.objects.filter(case=case, status=Dispute.Status.UPHELD)
        return frozenset(upheld.values_list("unit_id", flat=True))


class Reply(models.Model):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", "待审核"
        APPROVED = "approved", "已审核"
        REJECTED = "rejected", "已退回"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="replies")
    unit = models.ForeignKey("org.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField("答复内容", max_length=5000)
    result = models.CharField("办理结果", max_length=200, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.SUBMITTED)
    submitted_at = models.DateTimeField()
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    review_note = models.CharField("审核意见", max_length=500, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "答复"
        verbose_name_plural = "答复"
        ordering = ["submitted_at"]

    def __str__(self) -> str:
        return f"{self.case_id} 答复（{self.get_status_display()}）"


class ReplyAttachment(models.Model):
    """A file attached to an answer (答复附件): a photo of the work done, a PDF of a decision.

    Stored under MEDIA_ROOT/reply-files/ with a random name, served only through
    cases.views.attachments to whoever may read the reply (the draft: the unit and the centre; once
    approved: also the citizen, on the portal). Images are re-encoded without metadata by
    mochou.images as the citizens' photos are; a PDF is kept as uploaded once its signature and
    structure were checked (cases.attachments)."""

    reply = models.ForeignKey(Reply, on_delete=models.CASCADE, related_name="attachments")
    name = models.CharField("文件名", max_length=120)
    path = models.CharField("存储路径", max_length=200, unique=True)  # relative to reply-files/
    content_type = models.CharField("类型", max_length=40)
    size = models.PositiveIntegerField("大小(字节)")
    sha256 = models.CharField(max_length=64)  # of the stored file
    created_at = models.DateTimeField("上传时间")

    class Meta:
        verbose_name = "答复附件"
        verbose_name_plural = "答复附件"
        ordering = ["reply", "pk"]

    def __str__(self) -> str:
        return f"{self.reply_id} 附件 {self.name}"

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class Callback(models.Model):
    class Outcome(models.TextChoices):
        REACHED = "reached", "已回访"
        UNREACHABLE = "unreachable", "未接通"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="callbacks")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    outcome = models.CharField(max_length=12, choices=Outcome.choices)
    resolved = models.BooleanField(null=True)
    satisfaction = models.CharField(max_length=16, choices=Satisfaction.choices, blank=True)
    comment = models.CharField("回访意见", max_length=1000, blank=True)

    class Meta:
        verbose_name = "回访记录"
        verbose_name_plural = "回访记录"
        ordering = ["at"]

    def __str__(self) -> str:
        return f"{self.case_id} 回访（{self.get_outcome_display()}）"


class Rectification(models.Model):
    """整改: what a 差评 opens for the lead unit — a report within the rectification limit, verified
    by the centre (核实), then the case is called back again and that callback's result stands.

    One per approved answer (`reply`): a second 差评 on the same answer does not open another.
    """

    class Status(models.TextChoices):
        OPEN = "open", "整改中"
        REPORTED = "reported", "待核实"
        ACCEPTED = "accepted", "核实通过"
        WITHDRAWN = "withdrawn", "已撤销（重办）"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="rectifications")
    unit = models.ForeignKey("org.Unit", verbose_name="整改单位", on_delete=models.PROTECT, related_name="+")
    # The answer whose 差评 opened it, and the callback that gave the 差评.
    reply = models.ForeignKey(Reply, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    callback = models.ForeignKey(Callback, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    satisfaction = models.CharField("差评等级", max_length=16, choices=Satisfaction.choices)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField("开始整改")
    due_at = models.DateTimeField("整改期限")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    report = models.TextField("整改情况", max_length=2000, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reported_at = models.DateTimeField("报告时间", null=True, blank=True)
    # The (last) report came after the deadline: counted, like an answer given late.
    late = models.BooleanField("超期报告", default=False)
    returns = models.PositiveSmallIntegerField("核实未通过次数", default=0)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    verified_at = models.DateTimeField("核实时间", null=True, blank=True)
    verify_note = models.CharField("核实意见", max_length=500, blank=True)

    class Meta:
        verbose_name = "差评整改"
        verbose_name_plural = "差评整改"
        ordering = ["opened_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(status__in=["open", "reported"]),
                name="one_live_rectification_per_case",
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_id} 整改（{self.get_status_display()}）"


class DeadlineNotice(models.Model):
    """One near-due or overdue notice per case, deadline and kind: makes the sweep idempotent."""

    class Kind(models.TextChoices):
        ACCEPT_NEAR = "accept_near", "签收临期"
        ACCEPT_OVERDUE = "accept_overdue", "签收超期"
        HANDLE_NEAR = "handle_near", "办理临期"
        HANDLE_OVERDUE = "handle_overdue", "办理超期"
        SUSPEND_NEAR = "suspend_near", "挂起临期"
        SUSPEND_OVERDUE = "suspend_overdue", "挂起超期"
        RECTIFY_NEAR = "rectify_near", "整改临期"
        RECTIFY_OVERDUE = "rectify_overdue", "整改超期"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="deadline_notices")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    deadline = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "kind", "deadline"], name="deadline_notice_once"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.get_kind_display()}"


class CaseNumberCounter(models.Model):
    """Per-day counter behind 受理编号 (YYYYMMDD + 5-digit sequence).

    SQLite (one writer at a time anyway): `last` is incremented under the row's lock. PostgreSQL:
    numbers come from the sequence cases_case_number_seq, which takes no lock that lasts until
    commit; the day's row is written once, with `sequence_base`, the sequence's value before the
    day's first number: the day's number is `last + (nextval − sequence_base)` (`last` = the
    numbers the day had counted under the lock before, 0 for a new day). A registration that rolls
    back leaves a gap, as it did before.
    """

    day = models.DateField(primary_key=True)
    last = models.PositiveIntegerField(default=0)
    sequence_base = models.BigIntegerField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.day} {self.last}"
