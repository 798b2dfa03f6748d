"""Open311 GeoReport v2: the keys of the systems that post requests, and what a request carries
beyond a Case (coordinates, the submitter's device and account, a photo link).

A posted request becomes an ordinary Case through cases.services.register_case; these rows only
keep the Open311 extras, so the case loop never needs to know about them.
"""

from __future__ import annotations

import hashlib
import secrets

from django.db import models

KEY_PREFIX = "o311_"
PREFIX_LENGTH = 12  # "o311_" and 7 random characters: enough to tell keys apart when revoking


class ApiKey(models.Model):
    """An api_key for POST requests.json. Only its SHA-256 is stored; the key is shown once."""

    name = models.CharField("用途", max_length=100)
    digest = models.CharField(max_length=64, unique=True)
    prefix = models.CharField("前缀", max_length=PREFIX_LENGTH, db_index=True)
    created_at = models.DateTimeField("签发时间", auto_now_add=True)
    is_active = models.BooleanField("有效", default=True)
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)

    class Meta:
        verbose_name = "Open311 密钥"
        verbose_name_plural = "Open311 密钥"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} {self.prefix}…"

    @staticmethod
    def digest_of(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @classmethod
    def issue(cls, name: str) -> tuple[ApiKey, str]:
        """A new key: the row and the raw key (which is not stored)."""
        raw = KEY_PREFIX + secrets.token_urlsafe(32)
        row = cls.objects.create(name=name, digest=cls.digest_of(raw), prefix=raw[:PREFIX_LENGTH])
        return row, raw


class Open311Request(models.Model):
    """The Open311 fields of a case that came in through POST requests.json."""

    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="open311")
    api_key = models.ForeignKey(ApiKey, null=True, on_delete=models.SET_NULL, related_name="requests")
    lat = models.FloatField("纬度", null=True, blank=True)
    long = models.FloatField("经度", null=True, blank=True)
    # The location as the client sent it: Case.address gets coordinates written out when it had none.
    address_string = models.CharField("地址", max_length=200, blank=True)
    address_id = models.CharField("地址编号", max_length=100, blank=True)
    email = models.EmailField("电子邮箱", blank=True)
    device_id = models.CharField("设备编号", max_length=100, blank=True)
    account_id = models.CharField("账号", max_length=100, blank=True)
    media_url = models.URLField("图片链接", max_length=500, blank=True)
    attributes = models.JSONField("服务属性", default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "Open311 诉求"
        verbose_name_plural = "Open311 诉求"

    def __str__(self) -> str:
        return f"Open311 {self.case_id}"


class RequestToken(models.Model):
    """tokens/{token}: lets a client find the service_request_id a POST gave rise to."""

    token = models.CharField(max_length=64, unique=True)
    case = models.ForeignKey("cases.Case", null=True, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "Open311 令牌"
        verbose_name_plural = "Open311 令牌"

    def __str__(self) -> str:
        return self.token

    @staticmethod
    def new_token() -> str:
        return secrets.token_hex(16)
