"""违法建设 (violations), their event log, photos, legal documents, 问责 and patrols.

`Violation.state` is a cache of the last `ViolationEvent`; only the verbs (enforcement.services)
write it, and the model refuses any other write (loop.writes).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q

from enforcement.workflow import OPEN_STATES, Action, State
from loop.events import EventBase
from loop.writes import StatefulModel, StatefulQuerySet


class Channel(models.TextChoices):
    PATROL = "patrol", "巡查"
    REPORT = "report", "举报"
    HOTLINE = "hotline", "12345"
    SATELLITE = "satellite", "卫片"
    ASSIGNED = "assigned", "上级交办"


# Found by the township itself (巡查, 卫片) rather than told by others: the board's 主动发现率.
SELF_DETECTED = frozenset({Channel.PATROL, Channel.SATELLITE})


class Structure(models.TextChoices):
    BRICK = "brick", "砖混"
    FRAME = "frame", "框架"
    STEEL = "steel", "钢结构"
    SHED = "shed", "简易棚房"
    OTHER = "other", "其他"


class LandType(models.TextChoices):
    FARMLAND = "farmland", "耕地"
    HOMESTEAD = "homestead", "宅基地"
    COLLECTIVE = "collective", "集体土地"
    STATE = "state", "国有土地"


class DismissReason(models.TextChoices):
    UNFOUNDED = "unfounded", "不属实"
    LEGAL = "legal", "合法建设"


class DemolitionKind(models.TextChoices):
    SELF = "self", "自拆"
    FORCED = "forced", "强拆"


class AppealKind(models.TextChoices):
    REVIEW = "review", "行政复议"
    LAWSUIT = "lawsuit", "行政诉讼"


class Ruling(models.TextChoices):
    """The ruling that upheld the decision (the 维持's payload `ruling`), which says what the owner
    may still bring before 强拆: after a 复议决定 a 诉讼 within 15 days (行政诉讼法 §45), after a
    first-instance judgment an appeal within 15 days (§85), after a final judgment nothing."""

    REVIEW = "review", "复议决定"
    FIRST_INSTANCE = "first_instance", "一审判决"
    FINAL = "final", "二审（终审）判决"


class ViolationQuerySet(StatefulQuerySet["Violation"]):
    def visible_to(self, user: Any) -> ViolationQuerySet:
        """The office, the city's leaders, the supervisors and the administrator see every
        township's; a township's staff their own township's (and its villages'); nobody else."""
        from enforcement.config import office_unit_id

        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if user.is_superuser or user.role in ("leader", "supervisor", "admin", "auditor"):
            return self
        if user.unit_id is None or user.role not in ("clerk", "unit_leader"):
            return self.none()
        if user.unit_id == office_unit_id():
            return self
        return self.filter(Q(township_id=user.unit_id) | Q(village_id=user.unit_id))

    def open(self) -> ViolationQuerySet:
        return self.filter(state__in=OPEN_STATES)

    def overdue(self, now: datetime) -> ViolationQuerySet:
        """Past the deadline of the state each is in (enforcement.deadlines)."""
        from enforcement.deadlines import overdue_q

        return self.filter(overdue_q(now))


class Violation(StatefulModel):
    """One illegal construction (违法建设), from its discovery to its 销号."""

    number = models.CharField("编号", max_length=20, unique=True)
    state = models.CharField("状态", max_length=20, choices=State.choices, default=State.REPORTED)
    township = models.ForeignKey(
        "org.Unit", verbose_name="乡镇（街道）", on_delete=models.PROTECT, related_name="+"
    )
    village = models.ForeignKey(
        "org.Unit",
        verbose_name="村（社区）",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    address = models.CharField("地址", max_length=200)
    lat = models.DecimalField("纬度(WGS84)", max_digits=9, decimal_places=6, null=True, blank=True)
    lng = models.DecimalField("经度(WGS84)", max_digits=9, decimal_places=6, null=True, blank=True)
    area = models.DecimalField("面积(㎡)", max_digits=10, decimal_places=2)
    structure = models.CharField("结构", max_length=10, choices=Structure.choices)
    land_type = models.CharField("土地性质", max_length=12, choices=LandType.choices)
    built_on = models.DateField("始建日期")
    is_new = models.BooleanField("新增", help_text="始建于新增认定日期之后")
    new_since = models.DateField("新增认定日期")  # the cut-off in force when it was registered
    channel = models.CharField("发现渠道", max_length=10, choices=Channel.choices)
    description = models.TextField("情况描述", max_length=2000)
    owner_name = models.CharField("当事人", max_length=50, blank=True)
    owner_phone = models.CharField("当事人电话", max_length=20, blank=True)
    case = models.OneToOneField(
        "cases.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="violation"
    )
    patch_ref = models.CharField("卫片图斑编号", max_length=40, blank=True, db_index=True)
    patrol = models.ForeignKey(
        "enforcement.PatrolLog", null=True, blank=True, on_delete=models.PROTECT, related_name="findings"
    )

    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reported_at = models.DateTimeField("登记时间", db_index=True)
    check_by = models.DateTimeField("核查期限", null=True, blank=True, db_index=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    checked_at = models.DateTimeField("核查时间", null=True, blank=True)
    dismiss_reason = models.CharField(
        "不予认定原因", max_length=10, choices=DismissReason.choices, blank=True
    )
    # The deadlines of 制止 and of the 限期拆除决定, stamped when 认定 and 制止 are recorded.
    stop_by = models.DateTimeField("制止期限", null=True, blank=True, db_index=True)
    stopped_at = models.DateTimeField("制止时间", null=True, blank=True)
    order_by = models.DateTimeField("限期拆除决定期限", null=True, blank=True, db_index=True)
    plan_due = models.DateField("计划处置日期", null=True, blank=True)
    ordered_at = models.DateTimeField("责令限期拆除时间", null=True, blank=True)
    demolish_by = models.DateTimeField("自拆期限", null=True, blank=True, db_index=True)
    # 强制拆除公告 (行政强制法 §44): when it was issued and the last day it gives the owner.
    announced_at = models.DateTimeField("公告时间", null=True, blank=True)
    announce_until = models.DateTimeField("公告期限", null=True, blank=True)
    paused_seconds = models.PositiveIntegerField("暂停时剩余秒数", null=True, blank=True)
    appeal_kind = models.CharField("复议/诉讼", max_length=10, choices=AppealKind.choices, blank=True)
    demolished_at = models.DateTimeField("拆除时间", null=True, blank=True)
    demolished_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    demolition_kind = models.CharField("拆除方式", max_length=8, choices=DemolitionKind.choices, blank=True)
    demolished_in_time = models.BooleanField("期限内拆除", null=True, blank=True)
    reinspected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reinspected_at = models.DateTimeField("复核时间", null=True, blank=True)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True, db_index=True)
    outcome = models.TextField("处置结果", blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ViolationQuerySet.as_manager()

    class Meta:
        verbose_name = "违法建设"
        verbose_name_plural = "违法建设"
        ordering = ["-reported_at", "-pk"]
        indexes = [models.Index(fields=["township", "state"]), models.Index(fields=["state", "is_new"])]
        constraints = [
            # The rule the database holds: no 销号 without a 复核 by someone other than the demolisher.
            models.CheckConstraint(
                condition=~Q(state="closed")
                | (Q(reinspected_by__isnull=False) & ~Q(reinspected_by=models.F("demolished_by"))),
                name="violation_closed_requires_other_reinspector",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.address}"

    @property
    def kind_label(self) -> str:
        return "新增" if self.is_new else "存量"


class ViolationEvent(EventBase):
    """One action on a violation. Append-only (loop.events)."""

    violation = models.ForeignKey(Violation, on_delete=models.PROTECT, related_name="events")
    action = models.CharField("动作", max_length=20, choices=Action.choices)
    from_state = models.CharField(max_length=20, choices=State.choices, blank=True)
    to_state = models.CharField(max_length=20, choices=State.choices)

    class Meta:
        verbose_name = "违建事件"
        verbose_name_plural = "违建事件"
        ordering = ["violation", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["violation", "seq"], name="violation_event_seq_unique")
        ]

    def __str__(self) -> str:
        return f"{self.violation_id}#{self.seq} {self.action}"

    @property
    def action_label(self) -> str:
        return str(Action(self.action).label)


class Photo(models.Model):
    """A photo of the site, before, during or after (checked and cleaned by mochou.images)."""

    class Stage(models.TextChoices):
        BEFORE = "before", "拆除前"
        DURING = "during", "拆除中"
        AFTER = "after", "拆除后"

    violation = models.ForeignKey(Violation, on_delete=models.CASCADE, related_name="photos")
    stage = models.CharField("阶段", max_length=8, choices=Stage.choices)
    path = models.CharField(max_length=200)
    thumbnail_path = models.CharField(max_length=200)
    content_type = models.CharField(max_length=40)
    sha256 = models.CharField(max_length=64)
    taken_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["violation", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.violation_id} {self.stage}"


class Document(models.Model):
    """A legal document issued on a violation, its text fixed when issued (printable)."""

    class Kind(models.TextChoices):
        STOP = "stop", "责令停止建设通知书"
        DEMOLISH = "demolish", "限期拆除决定书"
        ANNOUNCE = "announce", "强制拆除公告"
        ENFORCE = "enforce", "强制执行决定书"

    violation = models.ForeignKey(Violation, on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField("文书", max_length=10, choices=Kind.choices)
    number = models.CharField("文号", max_length=40, unique=True)
    body = models.TextField("正文")
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField()

    class Meta:
        ordering = ["violation", "issued_at", "pk"]

    def __str__(self) -> str:
        return self.number


class Accountability(models.Model):
    """问责: who was held to account for a violation, in which unit, how and when."""

    class Form(models.TextChoices):
        TALK = "talk", "约谈"
        CRITICISM = "criticism", "通报批评"
        ADMONISH = "admonish", "诫勉"
        SANCTION = "sanction", "党纪政务处分"
        ORGANISATION = "organisation", "组织处理"

    violation = models.ForeignKey(Violation, on_delete=models.PROTECT, related_name="accountabilities")
    person = models.CharField("被问责人", max_length=50)
    unit = models.ForeignKey("org.Unit", verbose_name="所在单位", on_delete=models.PROTECT, related_name="+")
    form = models.CharField("问责方式", max_length=14, choices=Form.choices)
    decided_on = models.DateField("问责日期")
    note = models.CharField("事由", max_length=500)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["violation", "decided_on", "pk"]

    def __str__(self) -> str:
        return f"{self.person} {self.form}"


class PatrolLog(models.Model):
    """巡查日志: one 网格员's patrol (who, when, where) and what it found — "无异常" in one tap, or
    the violations reported from it. Patrols are judged by their findings, not by mileage."""

    patroller = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    township = models.ForeignKey(
        "org.Unit", verbose_name="乡镇（街道）", on_delete=models.PROTECT, related_name="+"
    )
    area = models.CharField("巡查区域", max_length=200)
    patrolled_at = models.DateTimeField("巡查时间", db_index=True)
    nothing_found = models.BooleanField("无异常", default=False)
    note = models.CharField("备注", max_length=500, blank=True)

    class Meta:
        verbose_name = "巡查日志"
        verbose_name_plural = "巡查日志"
        ordering = ["-patrolled_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.patroller_id} {self.patrolled_at:%Y-%m-%d} {self.area}"


class AppealFile(models.Model):
    """A 复议/诉讼 document as filed or as ruled: an image (through mochou.images) or a PDF (through
    cases.attachments, the check the answers' attachments use), stored under
    MEDIA_ROOT/enforcement-appeals/ with a random name and no public URL."""

    class Stage(models.TextChoices):
        FILING = "filing", "复议/诉讼申请"
        RULING = "ruling", "复议/诉讼结果"

    violation = models.ForeignKey(Violation, on_delete=models.PROTECT, related_name="appeal_files")
    event = models.ForeignKey(ViolationEvent, on_delete=models.PROTECT, related_name="files")
    stage = models.CharField("阶段", max_length=8, choices=Stage.choices)
    name = models.CharField("文件名", max_length=120)
    path = models.CharField(max_length=200)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = "复议/诉讼文书"
        verbose_name_plural = "复议/诉讼文书"
        ordering = ["violation", "created_at", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class ViolationReminder(models.Model):
    """One rung of the deadline sweep claimed for one violation and deadline (核查, 制止, 限期拆除决定,
    存量 plan or 自拆; near or overdue): the unique row makes each reminder go out once, whatever
    runs the sweep."""

    class Kind(models.TextChoices):
        CHECK_NEAR = "check_near", "核查临期"
        CHECK_OVERDUE = "check_overdue", "核查超期"
        DEMOLISH_NEAR = "demolish_near", "自拆临期"
        DEMOLISH_OVERDUE = "demolish_overdue", "自拆逾期"
        STOP_NEAR = "stop_near", "制止临期"
        STOP_OVERDUE = "stop_overdue", "制止超期"
        ORDER_NEAR = "order_near", "限期拆除决定临期"
        ORDER_OVERDUE = "order_overdue", "限期拆除决定超期"
        PLAN_NEAR = "plan_near", "存量处置计划临期"
        PLAN_OVERDUE = "plan_overdue", "存量处置计划逾期"

    violation = models.ForeignKey(Violation, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    deadline = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["violation", "kind", "deadline"], name="violation_reminder_once_per_deadline"
            )
        ]

    def __str__(self) -> str:
        return f"{self.violation_id} {self.kind}"
