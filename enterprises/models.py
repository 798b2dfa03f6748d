"""店小二: enterprises, their contacts, their appeals (cases from the enterprise channel), and visits.

An appeal is a Case like any other (channel 企业诉求): it goes through the same loop. This app only
records which enterprise and contact it came from, who the enterprise's liaison (店小二) is, and
the liaison's visits — logged, so that "无事不扰" can be seen as well as promised.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Max, Q

from cases.workflow import OPEN_STATES
from enterprises import creditcode

if TYPE_CHECKING:
    from accounts.models import User

# The five industrial parks (园区) an enterprise may sit in, named as the 招商 app's parks
# (investment.Park.name: its parks page lists each park's enterprises by this name). The first two
# were the only ones before, and are township-level units of 钟祥市 as well.
PARKS = (
    "湖北钟祥经济开发区",
    "湖北钟祥胡集经济技术开发区",
    "大柴湖经济开发区",
    "南湖新区工业园",
    "双河循环经济产业园",
)
PARK_CHOICES = [(name, name) for name in PARKS]


def validate_credit_code(value: str) -> None:
    try:
        creditcode.validate(value)
    except creditcode.CreditCodeError as error:
        raise ValidationError(error.message, code=error.code) from error


class EnterpriseQuerySet(models.QuerySet["Enterprise"]):
    def visible_to(self, user: User) -> EnterpriseQuerySet:
        """Centre staff see every enterprise; anyone else only those they are the liaison of."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_centre_staff or user.is_superuser:
            return self
        return self.filter(liaison=user)

    def with_summary(self) -> EnterpriseQuerySet:
        """Each enterprise's open appeals and its last visit, in the same query."""
        return self.annotate(
            open_appeals=Count("appeals", filter=Q(appeals__case__state__in=OPEN_STATES), distinct=True),
            last_visit=Max("visits__date"),
        )


class Enterprise(models.Model):
    name = models.CharField("企业名称", max_length=100)
    credit_code = models.CharField(
        "统一社会信用代码", max_length=18, unique=True, validators=[validate_credit_code]
    )
    industry = models.CharField("所属行业", max_length=40, blank=True)
    park = models.CharField(
        "所在园区", max_length=60, blank=True, choices=PARK_CHOICES, help_text="不在园区的留空"
    )
    township = models.ForeignKey(
        "org.Unit",
        verbose_name="所属乡镇",
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind": "township"},
    )
    address = models.CharField("地址", max_length=200, blank=True)
    legal_representative = models.CharField("法定代表人", max_length=40, blank=True)
    contact_name = models.CharField("联系人", max_length=40, blank=True)
    contact_mobile = models.CharField("联系人手机", max_length=20, blank=True)
    liaison = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="店小二",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="liaison_enterprises",
    )
    is_active = models.BooleanField("启用", default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = EnterpriseQuerySet.as_manager()

    class Meta:
        verbose_name = "企业"
        verbose_name_plural = "企业"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def heading(self) -> str:
        """The line that opens every appeal's case content, so any handler sees who is asking."""
        return f"【企业诉求】{self.name}（统一社会信用代码 {self.credit_code}）"


class EnterpriseContact(models.Model):
    """A person of the enterprise who may submit appeals, through a personal access link.

    The link's token is shown once (in the SMS that carries it); only its SHA-256 is stored, so a
    database dump gives no access. Issuing a new link replaces the old one; deactivating the
    contact ends it.
    """

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField("姓名", max_length=40)
    mobile = models.CharField("手机号", max_length=20)
    is_active = models.BooleanField("启用", default=True)
    token_digest = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    token_issued_at = models.DateTimeField("链接发送时间", null=True, blank=True, editable=False)
    token_expires_at = models.DateTimeField("链接有效期至", null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "企业联系人"
        verbose_name_plural = "企业联系人"
        ordering = ["enterprise", "name"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "mobile"], name="enterprise_contact_mobile_once"),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.name}"

    @staticmethod
    def digest_of(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()


class Appeal(models.Model):
    """The enterprise side of a case that came in through the enterprise channel."""

    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, related_name="appeal")
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="appeals")
    contact = models.ForeignKey(
        EnterpriseContact, null=True, blank=True, on_delete=models.SET_NULL, related_name="appeals"
    )
    created_at = models.DateTimeField("提交时间", db_index=True)

    class Meta:
        verbose_name = "企业诉求"
        verbose_name_plural = "企业诉求"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["enterprise", "-created_at"], name="appeal_enterprise_created")]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.case_id}"


class Visit(models.Model):
    """走访: a liaison's visit to an enterprise. Logged, so that visits stay purposeful and few."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="visits")
    liaison = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    date = models.DateField("走访日期")
    purpose = models.CharField("走访事由", max_length=100)
    notes = models.TextField("走访情况", max_length=2000, blank=True)
    follow_up = models.CharField("后续跟进", max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "走访记录"
        verbose_name_plural = "走访记录"
        ordering = ["-date", "-created_at"]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.date} {self.purpose}"


class ContactDataView(models.Model):
    """One unmasked view of an enterprise contact's mobile by staff (append-only audit).

    accounts.PersonalDataView is tied to a case; a contact's mobile is seen outside any case.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    contact = models.ForeignKey(EnterpriseContact, on_delete=models.CASCADE, related_name="data_views")
    purpose = models.CharField("场景", max_length=40)
    ip = models.GenericIPAddressField(null=True, blank=True)
    viewed_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "联系人号码查看记录"
        verbose_name_plural = "联系人号码查看记录"
        ordering = ["-viewed_at"]

    def __str__(self) -> str:
        return f"{self.user} 查看 {self.contact}"


# 莫愁小分队 (visits on request) lives in its own module; imported here so Django finds its models.
from enterprises.squad.models import SquadMember, SquadProblem, SquadVisit, SquadVisitEvent  # noqa: E402

__all__ = [
    "Appeal",
    "ContactDataView",
    "Enterprise",
    "EnterpriseContact",
    "SquadMember",
    "SquadProblem",
    "SquadVisit",
    "SquadVisitEvent",
    "Visit",
]
