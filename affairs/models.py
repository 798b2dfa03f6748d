"""The 事项清单 (matters, reviewed and versioned), 一事联办 packages, and applications (办件).

`Matter` is reviewed content (loop.review): a department edits its matters, the 政务服务 office
reviews and publishes them; every step is a `MatterRevision` with the content as it stood, so
the revision log is the matter's version history. An application pins the content it was
received under (`matter_snapshot`): a later edit of the limits or materials never moves a
running application's deadline or its list of materials.

`Application.state` is a cache of its last `ApplicationEvent`; only the verbs (affairs.services)
write it (loop.writes).
"""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q

from affairs.workflow import Action, Channel, Delivery, State
from loop import review
from loop.events import EventBase
from loop.review import RevisionAction
from loop.writes import StatefulModel, StatefulQuerySet


class MatterStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "待审核"
    PUBLISHED = "published", "已发布"
    RETIRED = "retired", "已停用"


class MatterKind(models.TextChoices):
    IMMEDIATE = "immediate", "即办件"
    PROMISED = "promised", "承诺件"


class Visits(models.IntegerChoices):
    ZERO = 0, "零跑动"
    ONCE = 1, "最多跑一次"
    TWICE = 2, "最多跑两次"


class Category(models.TextChoices):
    HUKOU = "hukou", "户籍"
    SOCIAL = "social", "社保"
    MEDICAL = "medical", "医保"
    FUND = "fund", "公积金"
    ESTATE = "estate", "不动产"
    MARKET = "market", "市场准入"
    BUILDING = "building", "建设审批"
    EDUCATION = "education", "教育"
    CIVIL = "civil", "民政"
    TAX = "tax", "税务"
    HEALTH = "health", "卫生健康"
    OTHER = "other", "其他"


MATTER_CONTENT_FIELDS = (
    "name",
    "category",
    "department",
    "kind",
    "statutory_days",
    "promised_days",
    "materials",
    "fields",
    "steps",
    "fee",
    "online",
    "at_window",
    "visits",
    "how",
    "location",
    "legal_basis",
    "guide",
)


class MatterQuerySet(models.QuerySet["Matter"]):
    def live(self) -> MatterQuerySet:
        """The published matters an applicant may apply for."""
        return self.filter(status=MatterStatus.PUBLISHED, draft_of__isnull=True)


class Matter(review.ReviewedContent):
    """One 政务服务事项 of the catalogue."""

    content_fields = MATTER_CONTENT_FIELDS

    code = models.CharField(
        "事项编码", max_length=32, unique=True, null=True, blank=True, help_text="稳定编码；修订草稿没有"
    )
    name = models.CharField("事项名称", max_length=100)
    category = models.CharField("主题分类", max_length=16, choices=Category.choices, default=Category.OTHER)
    department = models.ForeignKey(
        "org.Unit", verbose_name="实施部门", on_delete=models.PROTECT, related_name="matters"
    )
    kind = models.CharField(
        "办件类型", max_length=12, choices=MatterKind.choices, default=MatterKind.PROMISED
    )
    statutory_days = models.PositiveSmallIntegerField("法定办结时限（工作日）", default=20)
    promised_days = models.PositiveSmallIntegerField("承诺办结时限（工作日）", default=5)
    # [{"name", "form": "original"|"copy"|"both", "count", "reusable", "licence_of"}]
    materials = models.JSONField("申请材料", default=list, blank=True)
    # The matter's own 申请表 (affairs.formfields): [{"key", "label", "kind", "required", "help",
    # "options", "personal"}]; a 一件事 asks the union of its parts' fields once.
    fields = models.JSONField("表单字段", default=list, blank=True)
    # [{"name", "role": "clerk"|"unit_leader"}]: the department's approval steps, in order.
    steps = models.JSONField("审批环节", default=list, blank=True)
    fee = models.CharField("收费标准", max_length=200, default="不收费", blank=True)
    online = models.BooleanField("可网上申报", default=True)
    at_window = models.BooleanField("可窗口申报", default=True)
    visits = models.PositiveSmallIntegerField("跑动次数", choices=Visits.choices, default=Visits.ONCE)
    how = models.TextField("办理流程", blank=True)
    location = models.CharField("办理地点", max_length=200, blank=True)
    legal_basis = models.TextField("设定依据", blank=True)
    guide = models.ForeignKey(
        "knowledge.Guide",
        verbose_name="莫愁指南",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="matters",
    )
    status = review.status_field(MatterStatus)
    draft_of = review.draft_of_field("修订的事项")
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = MatterQuerySet.as_manager()

    class Meta:
        verbose_name = "政务服务事项"
        verbose_name_plural = "事项清单"
        ordering = ["category", "code", "pk"]
        constraints = [review.published_is_root("affairs_matter_published_is_root")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_immediate(self) -> bool:
        return self.kind == MatterKind.IMMEDIATE


class MatterRevision(review.RevisionBase):
    """One step in a matter's life (a version of its content), append-only."""

    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="revisions")
    action = models.CharField("操作", max_length=16, choices=RevisionAction.of(RevisionAction.RETIRED))

    class Meta:
        verbose_name = "事项修订记录"
        verbose_name_plural = "事项修订记录"
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.matter_id} {self.get_action_display()}"


class Bundle(models.Model):
    """一事联办 ("高效办成一件事"): a package of matters applied for with one form. Parts of the
    same stage go to their departments in parallel; a later stage is accepted only once every
    part of the earlier stages is granted."""

    code = models.SlugField("编码", max_length=40, unique=True)
    name = models.CharField("名称", max_length=60)
    description = models.TextField("说明", blank=True)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "一件事"
        verbose_name_plural = "一件事"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class BundlePart(models.Model):
    bundle = models.ForeignKey(Bundle, on_delete=models.CASCADE, related_name="parts")
    matter = models.ForeignKey(Matter, on_delete=models.PROTECT, related_name="+")
    stage = models.PositiveSmallIntegerField("顺序", default=1, help_text="同一顺序并联办理")

    class Meta:
        ordering = ["stage", "pk"]
        constraints = [models.UniqueConstraint(fields=["bundle", "matter"], name="affairs_bundle_part_once")]

    def __str__(self) -> str:
        return f"{self.bundle_id}:{self.matter_id}"


class PartnerKind(models.TextChoices):
    JINGMEN = "jingmen", "荆门市内通办"
    PROVINCE = "province", "省内通办"


class Partner(models.Model):
    """A partner region of 跨域通办: another Mochou instance, its address and the key both sides
    sign the exchange with. `code` is the partner's region code; it is how the partner names
    itself in a request (X-Mochou-Region) and how we name ourselves to it (MOCHOU_AFFAIRS_REGION)."""

    code = models.CharField("区划代码", max_length=12, unique=True)
    name = models.CharField("名称", max_length=40)
    kind = models.CharField(
        "通办范围", max_length=10, choices=PartnerKind.choices, default=PartnerKind.JINGMEN
    )
    base_url = models.URLField(
        "接口地址", max_length=200, help_text="对方莫愁的地址，如 https://zw.jingshan.gov.cn"
    )
    key = models.CharField(
        "共享密钥", max_length=128, blank=True, help_text="双方约定，用于签名；留空则不通办"
    )
    # The 通办 matters (事项编码) handled for each other; empty: every matter both catalogues hold.
    matters = models.JSONField("通办事项编码", default=list, blank=True)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "通办地区"
        verbose_name_plural = "通办地区"
        ordering = ["kind", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def usable(self) -> bool:
        return self.is_active and bool(self.key)

    def takes(self, code: str | None) -> bool:
        return self.usable and (not self.matters or (code or "") in self.matters)


def _token() -> str:
    return secrets.token_urlsafe(24)


class Applicant(models.Model):
    """Who applies (a person or an enterprise), kept once for an application or a package.
    Personal data: staff see it masked unless they work the application, and every unmasked
    view is audited (affairs.privacy)."""

    name = models.CharField("申请人", max_length=100)
    id_number = models.CharField("证件号码", max_length=32, help_text="身份证号或统一社会信用代码")
    phone = models.CharField("联系电话", max_length=20)
    address = models.CharField("联系地址", max_length=200, blank=True)
    is_enterprise = models.BooleanField("企业申请", default=False)

    class Meta:
        verbose_name = "申请人"
        verbose_name_plural = "申请人"

    def __str__(self) -> str:
        return f"申请人 {self.pk}"


class Joint(models.Model):
    """One 一件事 application: the form asked once, its parts (applications) fanned out."""

    number = models.CharField("联办编号", max_length=24, unique=True)
    bundle = models.ForeignKey(Bundle, on_delete=models.PROTECT, related_name="joints")
    applicant = models.ForeignKey(Applicant, on_delete=models.PROTECT, related_name="joints")
    channel = models.CharField("申报渠道", max_length=10, choices=Channel.choices)
    token = models.CharField(max_length=48, unique=True, default=_token)
    created_at = models.DateTimeField("申报时间")

    class Meta:
        verbose_name = "一件事办件"
        verbose_name_plural = "一件事办件"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.number} {self.bundle.name}"


class Outcome(models.TextChoices):
    GRANTED = "granted", "准予"
    DENIED = "denied", "不予许可"
    REFUSED = "refused", "不予受理"


class OnBehalfFor(models.TextChoices):
    ELDERLY = "elderly", "老年人"
    DISABLED = "disabled", "残疾人"
    ILL = "ill", "重病或行动不便"
    OTHER = "other", "其他特殊群体"


class ApplicationQuerySet(StatefulQuerySet["Application"]):
    def visible_to(self, user: Any) -> ApplicationQuerySet:
        """The office (the hall) sees every application; a department its own matters'."""
        from affairs.office import OFFICE_ROLES, is_office_staff

        if is_office_staff(user) or getattr(user, "role", None) in {"leader", "auditor"}:
            return self
        if getattr(user, "role", None) in OFFICE_ROLES and user.unit_id is not None:
            return self.filter(department_id=user.unit_id)
        return self.none()


class Application(StatefulModel):
    """办件: one application for one matter."""

    number = models.CharField("办件编号", max_length=24, unique=True)
    matter = models.ForeignKey(Matter, on_delete=models.PROTECT, related_name="applications")
    # The matter's content (limits, materials, steps) as published when the application came in.
    matter_snapshot = models.JSONField("受理时事项内容", default=dict)
    department = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    applicant = models.ForeignKey(Applicant, on_delete=models.PROTECT, related_name="applications")
    joint = models.ForeignKey(Joint, null=True, blank=True, on_delete=models.PROTECT, related_name="parts")
    stage = models.PositiveSmallIntegerField("联办顺序", default=1)
    channel = models.CharField("申报渠道", max_length=10, choices=Channel.choices)
    state = models.CharField("状态", max_length=16, choices=State.choices, default=State.SUBMITTED)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    on_behalf = models.BooleanField("帮办代办", default=False)
    # 帮办代办: for whom (why the person cannot apply themselves) and the clerk's note; who helped
    # is `received_by`. Recorded on the 申报 event too.
    on_behalf_for = models.CharField("代办对象", max_length=10, choices=OnBehalfFor.choices, blank=True)
    on_behalf_note = models.CharField("代办说明", max_length=200, blank=True)
    # 跨域通办: the partner region that handles it (forwarded from here), or the one it came from.
    partner = models.ForeignKey(
        Partner, verbose_name="办理地", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    origin = models.ForeignKey(
        Partner, verbose_name="收件地", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    remote_number = models.CharField("对方办件编号", max_length=24, blank=True)
    remote_progress = models.CharField("办理地进展", max_length=200, blank=True)
    # Sweeps: each message once (临期, 超期 to the department; 办结 to the applicant).
    near_notified_at = models.DateTimeField("临期提醒时间", null=True, blank=True)
    overdue_notified_at = models.DateTimeField("超期提醒时间", null=True, blank=True)
    result_notified_at = models.DateTimeField("办结短信时间", null=True, blank=True)
    # The 一次性告知's SMS to the applicant (affairs.notices): sent after commit, or by the sweep.
    notice_sms_at = models.DateTimeField("补正告知短信时间", null=True, blank=True)
    # The applicant's consent to keep this application's reusable materials and its licence for
    # their next applications (materials once).
    keep_consent = models.BooleanField("同意留存可复用材料", default=False)
    # [{"name", "provided": bool}] against the pinned materials list.
    materials = models.JSONField("提交材料", default=list, blank=True)
    form_note = models.TextField("申请事项说明", blank=True, max_length=2000)
    # The answers to the pinned matter's form fields (key → cleaned text, affairs.formfields).
    answers = models.JSONField("申请表内容", default=dict, blank=True)
    # 一次性告知: everything missing, said once.
    notice_items = models.JSONField("一次性告知清单", default=list, blank=True)
    notice_note = models.TextField("告知说明", blank=True)
    notified_at = models.DateTimeField("告知时间", null=True, blank=True)
    corrected_at = models.DateTimeField("补正时间", null=True, blank=True)
    accepted_at = models.DateTimeField("受理时间", null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    promised_due_at = models.DateTimeField("承诺办结期限", null=True, blank=True, db_index=True)
    statutory_due_at = models.DateTimeField("法定办结期限", null=True, blank=True)
    refuse_reason = models.TextField("不予受理理由", blank=True)
    step_index = models.PositiveSmallIntegerField("当前审批环节", default=0)
    concluded_at = models.DateTimeField("办结时间", null=True, blank=True)
    decision_note = models.TextField("审批意见", blank=True)
    # 办结's outcome, kept past 出件 and 评价 (the state then says only 已出件): what a package's
    # roll-up and the statistics read. Set by the verbs that conclude.
    outcome = models.CharField("办结结果", max_length=10, choices=Outcome.choices, blank=True)
    licence_number = models.CharField("证照/决定书编号", max_length=40, blank=True)
    delivery = models.CharField("出件方式", max_length=10, choices=Delivery.choices, blank=True)
    tracking_number = models.CharField("邮寄单号", max_length=40, blank=True)
    delivered_at = models.DateTimeField("出件时间", null=True, blank=True)
    rating = models.PositiveSmallIntegerField("评价", null=True, blank=True)
    rating_note = models.TextField("评价意见", blank=True)
    rated_at = models.DateTimeField("评价时间", null=True, blank=True)
    rectify_due_at = models.DateTimeField("整改期限", null=True, blank=True)
    rectification = models.TextField("整改情况", blank=True)
    rectified_at = models.DateTimeField("整改反馈时间", null=True, blank=True)
    token = models.CharField(max_length=48, unique=True, default=_token)
    created_at = models.DateTimeField("申报时间")
    updated_at = models.DateTimeField(auto_now=True)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = "办件"
        verbose_name_plural = "办件"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["state", "promised_due_at"], name="affairs_app_state_due")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(state="approving") | Q(promised_due_at__isnull=False),
                name="affairs_approving_has_deadline",
            ),
            # A partner's forwarded application is received once, however often it is sent.
            models.UniqueConstraint(
                fields=["origin", "remote_number"],
                condition=Q(origin__isnull=False),
                name="affairs_inbound_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.matter.name}"

    @property
    def steps(self) -> list[dict[str, str]]:
        return list(self.matter_snapshot.get("steps") or [])

    @property
    def current_step(self) -> dict[str, str] | None:
        steps = self.steps
        return (
            steps[self.step_index] if self.state == State.APPROVING and self.step_index < len(steps) else None
        )

    @property
    def is_last_step(self) -> bool:
        return self.step_index >= len(self.steps) - 1

    @property
    def is_immediate(self) -> bool:
        return bool(self.matter_snapshot.get("kind") == MatterKind.IMMEDIATE)

    @property
    def missing(self) -> list[str]:
        return [m["name"] for m in self.materials if not m.get("provided")]

    def on_time(self) -> bool | None:
        if self.concluded_at is None or self.promised_due_at is None:
            return None
        return self.concluded_at <= self.promised_due_at

    def overdue(self, now: datetime) -> bool:
        return (
            self.state == State.APPROVING and self.promised_due_at is not None and self.promised_due_at <= now
        )


class ApplicationEvent(EventBase):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    action = models.CharField("动作", max_length=20, choices=Action.choices)
    from_state = models.CharField(max_length=20, blank=True, choices=State.choices)
    to_state = models.CharField(max_length=20, choices=State.choices)

    class Meta:
        verbose_name = "办件记录"
        verbose_name_plural = "办件记录"
        ordering = ["application", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["application", "seq"], name="affairs_event_seq_unique")
        ]

    def __str__(self) -> str:
        return f"{self.application_id}#{self.seq} {self.action}"


class DocumentKind(models.TextChoices):
    MATERIAL = "material", "已收材料"
    LICENCE = "licence", "办结证照"


class KeptDocument(models.Model):
    """A material accepted, or a licence issued, kept (with the applicant's consent, until its
    expiry) so that the next application does not ask for it again. It is found by the applicant's
    ID number *and* phone together: the ID number alone would tell anyone what a person holds."""

    id_number = models.CharField("证件号码", max_length=32, db_index=True)
    phone = models.CharField("联系电话", max_length=20)
    kind = models.CharField("类别", max_length=10, choices=DocumentKind.choices)
    name = models.CharField("材料或证照名称", max_length=100)
    licence_of = models.CharField("证照来源事项编码", max_length=32, blank=True)
    licence_number = models.CharField("证照编号", max_length=40, blank=True)
    source = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="kept_documents")
    file = models.ForeignKey(
        "MaterialFile", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kept_until = models.DateTimeField("留存至")
    created_at = models.DateTimeField("留存时间")

    class Meta:
        verbose_name = "留存材料"
        verbose_name_plural = "留存材料"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["source", "kind", "name"], name="affairs_kept_once_per_source")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.name}"


class MaterialFile(models.Model):
    """An uploaded file of a material (online or at the window): an image re-encoded by
    mochou/images.py, or a PDF checked as the case replies' attachments are (cases.attachments).
    Stored under MEDIA_ROOT/affairs-files/ with a random name, served only to whoever may see the
    application (affairs.views.files). A reused material's file is the same stored file."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="files")
    material = models.CharField("材料名称", max_length=100)
    name = models.CharField("文件名", max_length=120)
    path = models.CharField("存储路径", max_length=200)  # relative to affairs-files/
    content_type = models.CharField("类型", max_length=40)
    size = models.PositiveIntegerField("大小(字节)")
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )  # None: the applicant
    reused_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("上传时间")

    class Meta:
        verbose_name = "材料文件"
        verbose_name_plural = "材料文件"
        ordering = ["application", "pk"]

    def __str__(self) -> str:
        return f"{self.application_id} {self.material} {self.name}"

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class LinkKind(models.TextChoices):
    COMPLAINT = "complaint", "办件投诉"
    CONSULTATION = "consultation", "事项咨询"


class CaseLink(models.Model):
    """A 12345 case about an application (投诉) or a matter (咨询, answered from its guide). The
    link is kept here: cases knows nothing of affairs and shows it through cases.hooks."""

    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField("类别", max_length=12, choices=LinkKind.choices)
    application = models.ForeignKey(
        Application, null=True, blank=True, on_delete=models.CASCADE, related_name="case_links"
    )
    matter = models.ForeignKey(Matter, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("关联时间")

    class Meta:
        verbose_name = "12345 关联"
        verbose_name_plural = "12345 关联"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.get_kind_display()}"


class ExchangeMessage(models.Model):
    """One message to a partner (outbox): written in the transaction of what it reports, sent
    after commit by the worker and, failing that, by the sweep (affairs.exchange.sweep) until
    delivered. The partner applies each `message_id` once, so a resend is harmless."""

    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="outbox")
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="outbox")
    message_id = models.CharField(max_length=40, unique=True)
    kind = models.CharField("类别", max_length=20)  # forward | progress | delivered
    body = models.JSONField(default=dict)
    created_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(db_index=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    response = models.JSONField(default=dict, blank=True)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = "通办发出消息"
        verbose_name_plural = "通办发出消息"
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.partner_id} {self.kind} {self.message_id}"


class ExchangeReceipt(models.Model):
    """A partner's message applied here (inbox): its id, so a replay or a resend is answered with
    the first answer and applied once."""

    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="+")
    message_id = models.CharField(max_length=40)
    received_at = models.DateTimeField()
    response = models.JSONField(default=dict)

    class Meta:
        verbose_name = "通办收到消息"
        verbose_name_plural = "通办收到消息"
        constraints = [models.UniqueConstraint(fields=["partner", "message_id"], name="affairs_receipt_once")]

    def __str__(self) -> str:
        return f"{self.partner_id} {self.message_id}"
