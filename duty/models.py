"""应急值班: rosters (shifts, swaps, handovers), 平安报, incident reports and their tasks.

Rosters and daily reports are plain records; incidents (突发事件) and the tasks they spawn are
loops on the shared core (duty.workflow): their state is written only by their verbs.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q

from duty.workflow import DrillState, KeyState, State, TaskState
from loop.events import EventBase
from loop.writes import StatefulModel, StatefulQuerySet

USER = settings.AUTH_USER_MODEL


# ---------------------------------------------------------------- rosters


class Shift(models.Model):
    """One duty shift of a unit: its 带班领导 and 值班员 from `starts_at` to `ends_at`."""

    unit = models.ForeignKey(
        "org.Unit", verbose_name="单位", on_delete=models.PROTECT, related_name="duty_shifts"
    )
    day = models.DateField("值班日期")
    starts_at = models.DateTimeField("开始")
    ends_at = models.DateTimeField("结束")
    leader = models.ForeignKey(USER, verbose_name="带班领导", on_delete=models.PROTECT, related_name="+")
    officer = models.ForeignKey(USER, verbose_name="值班员", on_delete=models.PROTECT, related_name="+")
    # The numbers to call on this shift (a duty phone may differ from the person's own mobile).
    leader_phone = models.CharField("带班领导电话", max_length=20, blank=True)
    officer_phone = models.CharField("值班员电话", max_length=20, blank=True)
    is_holiday = models.BooleanField("节假日", default=False)
    note = models.CharField("备注", max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "值班班次"
        verbose_name_plural = "值班班次"
        ordering = ["unit", "starts_at"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "starts_at"], name="duty_shift_unique_start"),
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="duty_shift_ends_after_start"
            ),
        ]
        indexes = [models.Index(fields=["unit", "ends_at"])]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.day:%Y-%m-%d}"


class Swap(models.Model):
    """换班: a person on a shift asks to be replaced; the unit's leader (or the office) decides."""

    class Slot(models.TextChoices):
        LEADER = "leader", "带班领导"
        OFFICER = "officer", "值班员"

    class Status(models.TextChoices):
        PENDING = "pending", "待审批"
        APPROVED = "approved", "已同意"
        REFUSED = "refused", "未同意"

    shift = models.ForeignKey(Shift, on_delete=models.CASCADE, related_name="swaps")
    slot = models.CharField("岗位", max_length=8, choices=Slot.choices)
    requested_by = models.ForeignKey(USER, verbose_name="申请人", on_delete=models.PROTECT, related_name="+")
    replacement = models.ForeignKey(USER, verbose_name="替班人", on_delete=models.PROTECT, related_name="+")
    reason = models.CharField("理由", max_length=200)
    status = models.CharField("状态", max_length=8, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = "换班申请"
        verbose_name_plural = "换班申请"
        ordering = ["-created_at"]
        constraints = [
            # One open request per shift and post: two approvals could not both be true.
            models.UniqueConstraint(
                fields=["shift", "slot"], condition=Q(status="pending"), name="duty_swap_one_pending"
            )
        ]

    def __str__(self) -> str:
        return f"换班 {self.shift_id} {self.slot}"


class OpenItem(models.Model):
    """A matter the duty desk has to follow up (待办事项): open until closed, carried over at each
    handover."""

    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    text = models.CharField("事项", max_length=300)
    opened_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField()
    closed_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    closed_at = models.DateTimeField(null=True, blank=True)
    close_note = models.CharField("办结情况", max_length=300, blank=True)

    class Meta:
        verbose_name = "值班待办事项"
        verbose_name_plural = "值班待办事项"
        ordering = ["opened_at"]

    def __str__(self) -> str:
        return self.text

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class Handover(models.Model):
    """交接班: the outgoing shift's notes and every item still open, received by the next shift."""

    shift = models.OneToOneField(Shift, on_delete=models.PROTECT, related_name="handover")
    next_shift = models.ForeignKey(Shift, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    written_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    written_at = models.DateTimeField()
    notes = models.TextField("交班情况")
    items = models.ManyToManyField(OpenItem, related_name="handovers", blank=True)
    received_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    received_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "交接班记录"
        verbose_name_plural = "交接班记录"

    def __str__(self) -> str:
        return f"交接班 {self.shift_id}"


class CoverageWarning(models.Model):
    """The claim of one warning about an uncovered hour: a gap is warned once, whatever the sweeps."""

    unit = models.ForeignKey("org.Unit", on_delete=models.CASCADE, related_name="+")
    gap_start = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit", "gap_start"], name="duty_coverage_warned_once")
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.gap_start}"


# ---------------------------------------------------------------- 平安报


class DailyReport(models.Model):
    """One unit's 平安报 for one day: 平安 (nothing to report) or a situation report."""

    class Kind(models.TextChoices):
        SAFE = "safe", "平安"
        SITUATION = "situation", "有情况"

    unit = models.ForeignKey("org.Unit", verbose_name="单位", on_delete=models.PROTECT, related_name="+")
    day = models.DateField("日期")
    kind = models.CharField("类别", max_length=10, choices=Kind.choices)
    text = models.TextField("情况", blank=True)
    filed_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    filed_at = models.DateTimeField("报送时间")
    due_at = models.DateTimeField("报送期限")  # stored when filed: a later rule does not rewrite history

    class Meta:
        verbose_name = "平安报"
        verbose_name_plural = "平安报"
        ordering = ["-day", "unit"]
        constraints = [models.UniqueConstraint(fields=["unit", "day"], name="duty_daily_once_per_day")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.day} {self.kind}"

    @property
    def late(self) -> bool:
        return self.filed_at > self.due_at


class DailyChase(models.Model):
    """The claim of one rung of the chase of a missing 平安报 (站内通知, then 短信)."""

    class Rung(models.TextChoices):
        NOTICE = "notice", "站内催报"
        SMS = "sms", "短信催报带班领导"

    unit = models.ForeignKey("org.Unit", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    rung = models.CharField(max_length=8, choices=Rung.choices)
    phone = models.CharField(max_length=20, blank=True)
    # False when the SMS could not go (the 带班领导 has no phone): the office is shown and told.
    sent = models.BooleanField(default=True)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "day", "rung"], name="duty_chase_rung_once")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.day} {self.rung}"


# ---------------------------------------------------------------- incidents (a loop)


class IncidentLevel(models.TextChoices):
    I = "1", "特别重大（Ⅰ级）"  # noqa: E741
    II = "2", "重大（Ⅱ级）"
    III = "3", "较大（Ⅲ级）"
    IV = "4", "一般（Ⅳ级）"


class IncidentKind(models.TextChoices):
    FLOOD = "flood", "洪涝灾害"
    GEOLOGICAL = "geological", "地质灾害"
    FIRE = "fire", "火灾"
    TRAFFIC = "traffic", "道路交通事故"
    PRODUCTION = "production", "生产安全事故"
    WEATHER = "weather", "气象灾害"
    HEALTH = "health", "公共卫生事件"
    SOCIAL = "social", "社会安全事件"
    OTHER = "other", "其他"


class IncidentQuerySet(StatefulQuerySet["Incident"]):
    def visible_to(self, user: Any) -> IncidentQuerySet:
        from duty.access import in_duty_chain

        if in_duty_chain(user):
            return self
        if user.unit_id is None:
            return self.none()
        return self.filter(
            Q(unit_id=user.unit_id) | Q(township_id=user.unit_id) | Q(tasks__unit_id=user.unit_id)
        ).distinct()


class Incident(StatefulModel):
    """突发事件: known (登记), first reported (初报), followed (续报 n), finally reported (终报)."""

    number = models.CharField("编号", max_length=20, unique=True, null=True)
    state = models.CharField("状态", max_length=12, choices=State.choices)
    unit = models.ForeignKey("org.Unit", verbose_name="报送单位", on_delete=models.PROTECT, related_name="+")
    title = models.CharField("事件名称", max_length=100)
    level = models.CharField("等级", max_length=1, choices=IncidentLevel.choices)
    kind = models.CharField("类型", max_length=12, choices=IncidentKind.choices)
    township = models.ForeignKey(
        "org.Unit", verbose_name="所在乡镇", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    place = models.CharField("地点", max_length=200)
    occurred_at = models.DateTimeField("发生时间")
    learned_at = models.DateTimeField("知悉时间")
    deaths = models.PositiveIntegerField("死亡", default=0)
    injuries = models.PositiveIntegerField("受伤", default=0)
    missing = models.PositiveIntegerField("失联", default=0)
    losses = models.CharField("财产损失", max_length=200, blank=True)
    actions_taken = models.TextField("已采取措施", blank=True)
    # Wall-clock deadlines (minutes, not working time), fixed when decided.
    first_report_by = models.DateTimeField("初报期限")
    first_reported_at = models.DateTimeField("初报时间", null=True, blank=True)
    next_report_by = models.DateTimeField("续报期限", null=True, blank=True, db_index=True)
    finished_at = models.DateTimeField("终报时间", null=True, blank=True)
    follow_ups = models.PositiveIntegerField("续报次数", default=0)
    leaders_told_level = models.CharField(
        max_length=1, blank=True
    )  # the highest level the leaders were told of
    # `case.incidents`: the case page shows the incidents a case was reported in (duty/providers.py).
    cases = models.ManyToManyField(
        "cases.Case", verbose_name="关联工单", blank=True, related_name="incidents"
    )
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField(auto_now=True)

    objects = IncidentQuerySet.as_manager()

    class Meta:
        verbose_name = "突发事件"
        verbose_name_plural = "突发事件"
        ordering = ["-learned_at"]
        indexes = [models.Index(fields=["state", "first_report_by"])]

    def __str__(self) -> str:
        return self.number or self.title

    @property
    def due_at(self) -> Any:
        """The next report owed: 初报 while pending, then the next 续报; none once finished."""
        if self.state == State.PENDING:
            return self.first_report_by
        if self.state == State.REPORTED:
            return self.next_report_by
        return None


class IncidentReport(models.Model):
    """The text of one report as filed: 初报, 续报 n or 终报, with the figures it gave then."""

    class Kind(models.TextChoices):
        FIRST = "first", "初报"
        FOLLOW = "follow", "续报"
        FINAL = "final", "终报"

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="reports")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    seq = models.PositiveIntegerField("续报序号", default=0)
    text = models.TextField("报告内容")
    level = models.CharField(max_length=1, choices=IncidentLevel.choices)
    deaths = models.PositiveIntegerField(default=0)
    injuries = models.PositiveIntegerField(default=0)
    missing = models.PositiveIntegerField(default=0)
    losses = models.CharField(max_length=200, blank=True)
    actions_taken = models.TextField(blank=True)
    filed_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    filed_at = models.DateTimeField()
    due_at = models.DateTimeField()

    class Meta:
        ordering = ["filed_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["incident", "kind", "seq"], name="duty_report_numbered_once")
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def late(self) -> bool:
        return self.filed_at > self.due_at

    @property
    def label(self) -> str:
        return f"续报（{self.seq}）" if self.kind == self.Kind.FOLLOW else self.get_kind_display()


class IncidentEvent(EventBase):
    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="events")

    class Meta:
        ordering = ["incident", "seq"]
        constraints = [models.UniqueConstraint(fields=["incident", "seq"], name="duty_incident_event_seq")]


class IncidentReminder(models.Model):
    """The claim of one reminder of a report owed (kind, deadline): the sweep's once-only row."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16)
    deadline = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "kind", "deadline"], name="duty_incident_reminded_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.incident_id} {self.kind}"


# ---------------------------------------------------------------- tasks (a loop)


class DutyTaskQuerySet(StatefulQuerySet["DutyTask"]):
    def visible_to(self, user: Any) -> DutyTaskQuerySet:
        from duty.access import in_duty_chain

        if in_duty_chain(user):
            return self
        return self.filter(unit_id=user.unit_id) if user.unit_id else self.none()


class DutyTask(StatefulModel):
    """A task an incident gives to a unit: 下达 → 签收 → 反馈 → 销号 (or 退回 to the unit)."""

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="tasks")
    state = models.CharField("状态", max_length=12, choices=TaskState.choices)
    unit = models.ForeignKey("org.Unit", verbose_name="承办单位", on_delete=models.PROTECT, related_name="+")
    title = models.CharField("任务", max_length=200)
    due_at = models.DateTimeField("完成期限")
    result = models.TextField("反馈", blank=True)
    issued_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField(auto_now=True)

    objects = DutyTaskQuerySet.as_manager()

    class Meta:
        verbose_name = "处置任务"
        verbose_name_plural = "处置任务"
        ordering = ["due_at", "pk"]


class DutyTaskEvent(EventBase):
    task = models.ForeignKey(DutyTask, on_delete=models.PROTECT, related_name="events")

    class Meta:
        ordering = ["task", "seq"]
        constraints = [models.UniqueConstraint(fields=["task", "seq"], name="duty_task_event_seq")]


# ---------------------------------------------------------------- reserves (not a loop)


class ReserveSite(models.Model):
    """An isolation or shelter site kept ready: capacity, readiness and its last 达标 check."""

    class Kind(models.TextChoices):
        ISOLATION = "isolation", "隔离场所"
        SHELTER = "shelter", "避难安置场所"

    unit = models.ForeignKey("org.Unit", verbose_name="责任单位", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("类别", max_length=10, choices=Kind.choices)
    name = models.CharField("名称", max_length=100)
    address = models.CharField("地址", max_length=200)
    capacity = models.PositiveIntegerField("容量（人）")
    is_ready = models.BooleanField("随时可用", default=False)
    checked_at = models.DateTimeField("最近检查", null=True, blank=True)
    check_passed = models.BooleanField("检查达标", default=False)

    class Meta:
        verbose_name = "储备场所"
        verbose_name_plural = "储备场所"
        ordering = ["unit", "kind", "name"]

    def __str__(self) -> str:
        return self.name


class SiteCheck(models.Model):
    """One 达标 check of a site, as recorded (the site keeps the latest result)."""

    site = models.ForeignKey(ReserveSite, on_delete=models.CASCADE, related_name="checks")
    checked_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    checked_at = models.DateTimeField()
    passed = models.BooleanField("达标")
    ready = models.BooleanField("随时可用")
    note = models.CharField("检查情况", max_length=300)

    class Meta:
        ordering = ["-checked_at"]

    def __str__(self) -> str:
        return f"{self.site_id} {self.checked_at:%Y-%m-%d}"


class Stock(models.Model):
    """A stock of one supply at a unit, with its minimum level and (if it has one) its expiry."""

    class Kind(models.TextChoices):
        FLOOD = "flood", "防汛物资"
        FIRE = "fire", "消防物资"
        MEDICAL = "medical", "医疗防疫物资"
        LIVING = "living", "生活保障物资"

    unit = models.ForeignKey("org.Unit", verbose_name="责任单位", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("类别", max_length=8, choices=Kind.choices)
    name = models.CharField("物资", max_length=60)
    measure = models.CharField("计量单位", max_length=8, default="件")
    quantity = models.PositiveIntegerField("库存")
    minimum = models.PositiveIntegerField("最低储备")
    expires_on = models.DateField("有效期至", null=True, blank=True)
    updated_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField()

    class Meta:
        verbose_name = "储备物资"
        verbose_name_plural = "储备物资"
        ordering = ["unit", "kind", "name"]
        constraints = [models.UniqueConstraint(fields=["unit", "name"], name="duty_stock_one_per_unit")]

    def __str__(self) -> str:
        return self.name

    @property
    def short(self) -> bool:
        return self.quantity < self.minimum


class ReserveWarning(models.Model):
    """The claim of one warning about a reserve shortfall (a stock short or expiring, a site not
    达标): one open row per (target, kind); the sweep resolves it when the shortfall is gone, so the
    same shortfall coming back is warned again, and a shortfall lasting is warned once."""

    unit = models.ForeignKey("org.Unit", on_delete=models.CASCADE, related_name="+")
    target = models.CharField(max_length=20)  # "stock:12", "site:3"
    kind = models.CharField(max_length=40)  # "short", "expiring:2026-12-01", "site_failed" …
    message = models.CharField(max_length=300)
    created_at = models.DateTimeField()
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["target", "kind"],
                condition=Q(resolved_at__isnull=True),
                name="duty_reserve_warned_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.target} {self.kind}"


# ---------------------------------------------------------------- incident photos


class IncidentPhoto(models.Model):
    """A photo filed with a report (初报/续报/终报): cleaned by mochou.images, no public URL."""

    report = models.ForeignKey(IncidentReport, on_delete=models.PROTECT, related_name="photos")
    path = models.CharField(max_length=200)
    thumbnail_path = models.CharField(max_length=200)
    content_type = models.CharField(max_length=20)
    sha256 = models.CharField(max_length=64)
    taken_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"照片 {self.pk}"


# ---------------------------------------------------------------- key persons (a loop)


class KeyPersonQuerySet(StatefulQuerySet["KeyPerson"]):
    def visible_to(self, user: Any) -> KeyPersonQuerySet:
        """The duty chain sees every record (masked unless it is the office); a unit its own."""
        from duty.access import in_duty_chain

        if in_duty_chain(user):
            return self
        return self.filter(unit_id=user.unit_id) if getattr(user, "unit_id", None) else self.none()


class KeyPerson(StatefulModel):
    """重点人员: a person a unit follows up (moved in a flood, under health follow-up …), checked
    every `check_every_days` until closed with a reason. Name, ID number, phone and address are
    personal data: plain only to the responsible chain (duty.privacy), each plain view audited."""

    class Category(models.TextChoices):
        FLOOD = "flood", "汛期转移人员"
        HEALTH = "health", "健康随访人员"
        GEOLOGICAL = "geological", "地灾隐患点群众"
        OTHER = "other", "其他重点人员"

    state = models.CharField("状态", max_length=8, choices=KeyState.choices)
    category = models.CharField("类别", max_length=12, choices=Category.choices)
    reason = models.CharField("列管原因", max_length=300)
    unit = models.ForeignKey("org.Unit", verbose_name="责任单位", on_delete=models.PROTECT, related_name="+")
    responsible = models.ForeignKey(USER, verbose_name="责任人", on_delete=models.PROTECT, related_name="+")
    name = models.CharField("姓名", max_length=40)
    id_number = models.CharField("身份证号", max_length=18, blank=True)
    phone = models.CharField("联系电话", max_length=20, blank=True)
    address = models.CharField("住址", max_length=200, blank=True)
    check_every_days = models.PositiveIntegerField("核查频次（天）")
    next_check_by = models.DateTimeField("下次核查期限", null=True, blank=True, db_index=True)
    last_checked_at = models.DateTimeField("最近核查", null=True, blank=True)
    checks_done = models.PositiveIntegerField("核查次数", default=0)
    closed_at = models.DateTimeField("解除时间", null=True, blank=True)
    close_reason = models.CharField("解除原因", max_length=300, blank=True)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField(auto_now=True)

    objects = KeyPersonQuerySet.as_manager()

    class Meta:
        verbose_name = "重点人员"
        verbose_name_plural = "重点人员"
        ordering = ["next_check_by", "pk"]

    def __str__(self) -> str:
        return f"重点人员 {self.pk}"  # never the name: __str__ lands in logs and the audit's repr


class KeyPersonCheck(models.Model):
    """One check as recorded: its result, a note, and the deadline it answered."""

    class Result(models.TextChoices):
        NORMAL = "normal", "情况正常"
        ATTENTION = "attention", "需关注"
        ABSENT = "absent", "未见本人"

    person = models.ForeignKey(KeyPerson, on_delete=models.PROTECT, related_name="checks")
    result = models.CharField("核查结果", max_length=10, choices=Result.choices)
    note = models.CharField("情况说明", max_length=500)
    checked_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    checked_at = models.DateTimeField()
    due_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-checked_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.person_id} {self.result}"

    @property
    def late(self) -> bool:
        return self.due_at is not None and self.checked_at > self.due_at


class KeyPersonEvent(EventBase):
    person = models.ForeignKey(KeyPerson, on_delete=models.PROTECT, related_name="events")

    class Meta:
        ordering = ["person", "seq"]
        constraints = [models.UniqueConstraint(fields=["person", "seq"], name="duty_keyperson_event_seq")]


class KeyPersonReminder(models.Model):
    """The claim of one overdue warning of a check (person, deadline): once, whatever the sweeps."""

    person = models.ForeignKey(KeyPerson, on_delete=models.CASCADE, related_name="+")
    deadline = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "deadline"], name="duty_keyperson_warned_once")
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.deadline}"


# ---------------------------------------------------------------- drills (a loop)


class DrillQuerySet(StatefulQuerySet["Drill"]):
    def visible_to(self, user: Any) -> DrillQuerySet:
        from duty.access import in_duty_chain

        if in_duty_chain(user):
            return self
        if not getattr(user, "unit_id", None):
            return self.none()
        return self.filter(Q(unit_id=user.unit_id) | Q(participants=user.unit_id)).distinct()


class Drill(StatefulModel):
    """演练: planned with a scenario, the units taking part and a date; held; assessed (评估:
    problems found, improvements) — or cancelled with a reason."""

    state = models.CharField("状态", max_length=10, choices=DrillState.choices)
    unit = models.ForeignKey("org.Unit", verbose_name="组织单位", on_delete=models.PROTECT, related_name="+")
    title = models.CharField("演练名称", max_length=100)
    kind = models.CharField("演练类型", max_length=12, choices=IncidentKind.choices)
    scenario = models.TextField("演练情景")
    participants = models.ManyToManyField(
        "org.Unit", verbose_name="参演单位", related_name="duty_drills", blank=True
    )
    planned_on = models.DateField("计划日期", db_index=True)
    held_on = models.DateField("实施日期", null=True, blank=True)
    attendance = models.PositiveIntegerField("参演人数", default=0)
    summary = models.TextField("实施情况", blank=True)
    problems = models.TextField("发现问题", blank=True)
    improvements = models.TextField("改进措施", blank=True)
    cancel_reason = models.CharField("取消原因", max_length=300, blank=True)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField(auto_now=True)

    objects = DrillQuerySet.as_manager()

    class Meta:
        verbose_name = "应急演练"
        verbose_name_plural = "应急演练"
        ordering = ["planned_on", "pk"]

    def __str__(self) -> str:
        return self.title


class DrillEvent(EventBase):
    drill = models.ForeignKey(Drill, on_delete=models.PROTECT, related_name="events")

    class Meta:
        ordering = ["drill", "seq"]
        constraints = [models.UniqueConstraint(fields=["drill", "seq"], name="duty_drill_event_seq")]


class DrillReminder(models.Model):
    """The claim of one warning of a drill past its date and not held (drill, planned date): once,
    whatever the sweeps; a drill moved to another date would be warned anew."""

    drill = models.ForeignKey(Drill, on_delete=models.CASCADE, related_name="+")
    planned_on = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["drill", "planned_on"], name="duty_drill_late_warned_once")
        ]

    def __str__(self) -> str:
        return f"{self.drill_id} {self.planned_on}"
