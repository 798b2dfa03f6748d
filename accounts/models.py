"""Users, their roles and units, API tokens, and the audit of staff views of personal data."""

from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models


class Role(models.TextChoices):
    AGENT = "agent", "话务员"
    DISPATCHER = "dispatcher", "派单员"
    CLERK = "clerk", "承办人"
    UNIT_LEADER = "unit_leader", "单位负责人"
    SUPERVISOR = "supervisor", "督办员"
    LEADER = "leader", "领导"
    ADMIN = "admin", "管理员"
    # Reads the audit log (audit/); sees no case (neither a centre nor a unit role).
    AUDITOR = "auditor", "审计员"


# Roles that work at the 12345 centre and see every case.
CENTRE_ROLES = frozenset({Role.AGENT, Role.DISPATCHER, Role.SUPERVISOR, Role.LEADER, Role.ADMIN})
# Roles that work inside a handling unit and see only their unit's cases.
UNIT_ROLES = frozenset({Role.CLERK, Role.UNIT_LEADER})


class User(AbstractUser):
    role = models.CharField("角色", max_length=16, choices=Role.choices, default=Role.AGENT)
    unit = models.ForeignKey(
        "org.Unit",
        verbose_name="所属单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
    )
    display_name = models.CharField("姓名", max_length=40, blank=True)
    mobile = models.CharField("手机号", max_length=20, blank=True)
    # Set when the password was handed to the user by somebody else (an administrator's reset, the
    # demo password outside demo mode): accounts.middleware then allows nothing but changing it.
    must_change_password = models.BooleanField("下次登录须修改密码", default=False)

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def name(self) -> str:
        return self.display_name or self.username

    @property
    def is_centre_staff(self) -> bool:
        return self.role in CENTRE_ROLES

    @property
    def is_unit_staff(self) -> bool:
        return self.role in UNIT_ROLES


class ApiToken(models.Model):
    """A bearer token for the JSON API. Only its SHA-256 is stored; the token is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, blank=True)
    digest = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "API 令牌"
        verbose_name_plural = "API 令牌"

    def __str__(self) -> str:
        return f"{self.user} {self.prefix}…"

    @staticmethod
    def digest_of(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    @classmethod
    def issue(cls, user: User, name: str = "") -> str:
        token = "mc_" + secrets.token_urlsafe(32)
        cls.objects.create(user=user, name=name, digest=cls.digest_of(token), prefix=token[:8])
        return token


class PersonalDataView(models.Model):
    """One unmasked view of a citizen's personal data by a member of staff (append-only audit)."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="personal_data_views")
    fields = models.CharField("字段", max_length=100)
    purpose = models.CharField("场景", max_length=40)
    ip = models.GenericIPAddressField(null=True, blank=True)
    viewed_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "个人信息查看记录"
        verbose_name_plural = "个人信息查看记录"
        ordering = ["-viewed_at"]

    def __str__(self) -> str:
        return f"{self.user} 查看 {self.case_id} {self.fields}"


class LoginFailure(models.Model):
    """One failed password login, counted per account and per address (accounts.lockout).

    In the database rather than the cache: the default cache is per process, and a lockout that a
    restart or a second worker forgets protects nothing."""

    username = models.CharField("用户名", max_length=150)  # as tried, casefolded; may not exist
    ip = models.GenericIPAddressField(null=True, blank=True)
    at = models.DateTimeField()

    class Meta:
        verbose_name = "登录失败"
        verbose_name_plural = "登录失败"
        indexes = [
            models.Index(fields=["username", "at"], name="loginfailure_user_at"),
            models.Index(fields=["ip", "at"], name="loginfailure_ip_at"),
        ]

    def __str__(self) -> str:
        return f"{self.username} {self.ip} {self.at:%Y-%m-%d %H:%M:%S}"


class LoginLock(models.Model):
    """An account name or an address that may not log in until `until`."""

    class Scope(models.TextChoices):
        ACCOUNT = "account", "账户"
        ADDRESS = "address", "地址"

    scope = models.CharField("范围", max_length=8, choices=Scope.choices)
    key = models.CharField("账户或地址", max_length=150)
    until = models.DateTimeField("锁定至")

    class Meta:
        verbose_name = "登录锁定"
        verbose_name_plural = "登录锁定"
        constraints = [models.UniqueConstraint(fields=["scope", "key"], name="loginlock_scope_key")]

    def __str__(self) -> str:
        return f"{self.get_scope_display()} {self.key} → {self.until:%Y-%m-%d %H:%M}"


class SavedFilter(models.Model):
    """常用筛选: a member of staff's named queue filter (the queue and its query string, as in the
    page's URL), offered beside their queues. Only the filter's own parameters are kept (no page
    number, never a phone number: cases.views.saved_filters)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="saved_filters")
    name = models.CharField("名称", max_length=30)
    queue = models.CharField("工作队列", max_length=40)
    query = models.CharField("筛选条件", max_length=1000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "常用筛选"
        verbose_name_plural = "常用筛选"
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["user", "name"], name="saved_filter_name_once")]

    def __str__(self) -> str:
        return f"{self.user} {self.name}"


# The audit log lives in accounts.audit; its model is imported here so that Django registers it
# with the accounts app (one audit log beside the views of personal data, PersonalDataView).
from accounts.audit.models import AuditRecord  # noqa: E402

__all__ = ["AuditRecord"]
