"""莫愁超市: agencies (资质, services, prices, their people) and projects' needs with responses."""

from __future__ import annotations

import hashlib
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from enterprises import creditcode
from loop.events import EventBase
from loop.writes import StatefulModel, StatefulQuerySet

from .workflow import Action, ServiceType, State


def validate_credit_code(value: str) -> None:
    try:
        creditcode.validate(value)
    except creditcode.CreditCodeError as error:
        raise ValidationError(error.message, code=error.code) from error


class Agency(models.Model):
    """A registered intermediary agency. It responds only once the office has checked it."""

    name = models.CharField("机构名称", max_length=100)
    credit_code = models.CharField(
        "统一社会信用代码", max_length=18, unique=True, validators=[validate_credit_code]
    )
    address = models.CharField("地址", max_length=200, blank=True)
    contact_name = models.CharField("联系人", max_length=40)
    contact_mobile = models.CharField("联系电话", max_length=20)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    registered_at = models.DateTimeField("入驻时间")
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    checked_at = models.DateTimeField("审核时间", null=True, blank=True)
    is_active = models.BooleanField("在册", default=True)

    class Meta:
        verbose_name = "中介机构"
        verbose_name_plural = "中介机构"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_checked(self) -> bool:
        return self.checked_at is not None


class AgencyService(models.Model):
    """One service type an agency offers, with its price range (万元)."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="services")
    service_type = models.CharField("服务类型", max_length=16, choices=ServiceType.choices)
    price_min = models.DecimalField("最低报价（万元）", max_digits=12, decimal_places=2)
    price_max = models.DecimalField("最高报价（万元）", max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = "服务事项"
        verbose_name_plural = "服务事项"
        ordering = ["agency", "service_type"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "service_type"], name="agencyservice_once"),
            models.CheckConstraint(
                condition=Q(price_min__lte=models.F("price_max")), name="agencyservice_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agency} {self.get_service_type_display()}"


class Qualification(models.Model):
    """资质: a certificate (name, number) for a service type, valid until its expiry."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="qualifications")
    service_type = models.CharField("服务类型", max_length=16, choices=ServiceType.choices)
    name = models.CharField("资质名称", max_length=100)
    number = models.CharField("证书编号", max_length=60)
    expires_on = models.DateField("有效期至")

    class Meta:
        verbose_name = "资质"
        verbose_name_plural = "资质"
        ordering = ["agency", "service_type", "-expires_on"]

    def __str__(self) -> str:
        return f"{self.name} {self.number}"

    def valid_on(self, day: date) -> bool:
        return self.expires_on >= day


class AgencyContact(models.Model):
    """A person of the agency who responds to needs, through a personal link (as an enterprise's
    contact does: agencies have no accounts). Only the SHA-256 of the link's token is stored."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField("姓名", max_length=40)
    mobile = models.CharField("手机号", max_length=20)
    is_active = models.BooleanField("启用", default=True)
    token_digest = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    token_expires_at = models.DateTimeField("链接有效期至", null=True, blank=True, editable=False)

    class Meta:
        verbose_name = "中介机构联系人"
        verbose_name_plural = "中介机构联系人"
        constraints = [models.UniqueConstraint(fields=["agency", "mobile"], name="agencycontact_mobile_once")]

    def __str__(self) -> str:
        return f"{self.agency} {self.name}"

    @staticmethod
    def digest_of(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()


class NeedQuerySet(StatefulQuerySet["Need"]):
    pass


class Need(StatefulModel):
    """A project's need for one service: posted, responded to, one agency selected, delivered, rated."""

    project = models.ForeignKey("investment.Project", on_delete=models.PROTECT, related_name="service_needs")
    service_type = models.CharField("服务类型", max_length=16, choices=ServiceType.choices)
    scope = models.TextField("服务内容", max_length=2000)
    budget_min = models.DecimalField("预算下限（万元）", max_digits=12, decimal_places=2)
    budget_max = models.DecimalField("预算上限（万元）", max_digits=12, decimal_places=2)
    time_limit_days = models.PositiveIntegerField("服务时限（工作日）")
    respond_by = models.DateField("响应截止日期")
    state = models.CharField("状态", max_length=12, choices=State.choices, blank=True)
    selected = models.ForeignKey(
        "Response", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="选定响应"
    )
    select_reason = models.CharField("选定理由", max_length=500, blank=True)
    started_on = models.DateField("服务开始日期", null=True, blank=True)
    due_on = models.DateField("应交付日期", null=True, blank=True)
    delivered_on = models.DateField("交付日期", null=True, blank=True)
    on_time = models.BooleanField("按时交付", null=True, blank=True)
    rating = models.PositiveSmallIntegerField("评价", null=True, blank=True)
    rating_note = models.CharField("评价意见", max_length=500, blank=True)
    reason = models.CharField("撤回或流标原因", max_length=500, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("发布时间")
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = NeedQuerySet.as_manager()

    class Meta:
        verbose_name = "中介服务需求"
        verbose_name_plural = "中介服务需求"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["state", "service_type"], name="need_state_type")]
        constraints = [
            models.CheckConstraint(
                condition=Q(budget_min__lte=models.F("budget_max")), name="need_budget_range"
            ),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5), name="need_rating_1_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project} {self.get_service_type_display()}"


class NeedEvent(EventBase):
    need = models.ForeignKey(Need, on_delete=models.PROTECT, related_name="events")
    action = models.CharField("动作", max_length=20, choices=Action.choices)

    class Meta:
        verbose_name = "需求记录"
        verbose_name_plural = "需求记录"
        ordering = ["need", "seq"]
        constraints = [models.UniqueConstraint(fields=["need", "seq"], name="needevent_seq_once")]


class Response(models.Model):
    """An agency's answer to a need: its price (万元), the working days it needs, a note."""

    need = models.ForeignKey(Need, on_delete=models.PROTECT, related_name="responses")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="responses")
    contact = models.ForeignKey(AgencyContact, null=True, on_delete=models.SET_NULL, related_name="+")
    price = models.DecimalField("报价（万元）", max_digits=12, decimal_places=2)
    days = models.PositiveIntegerField("承诺工期（工作日）")
    note = models.CharField("说明", max_length=1000, blank=True)
    created_at = models.DateTimeField("响应时间")

    class Meta:
        verbose_name = "响应"
        verbose_name_plural = "响应"
        ordering = ["need", "price", "created_at"]
        constraints = [models.UniqueConstraint(fields=["need", "agency"], name="response_once_per_agency")]

    def __str__(self) -> str:
        return f"{self.agency} {self.price}万元"
