"""Signing the exchange's requests: HMAC-SHA256 with the partner's shared key.

The signed text is `<timestamp>.<message id>.<body bytes>`; the receiver recomputes it with the
key of the partner the request names (X-Mochou-Region) and refuses a request older or newer than
MAX_SKEW (a replay after that is refused outright; one within it is answered from the receipt of
the first, without effect: affairs.exchange.inbound).
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Mapping

from django.conf import settings

from affairs.models import Partner
from mochou.errors import NotPermitted

MAX_SKEW = 300  # seconds
REGION = "X-Mochou-Region"
TIMESTAMP = "X-Mochou-Timestamp"
MESSAGE = "X-Mochou-Message"
SIGNATURE = "X-Mochou-Signature"


def own_region() -> str:
    return str(getattr(settings, "MOCHOU_AFFAIRS_REGION", "420881"))


def signature(key: str, timestamp: str, message_id: str, body: bytes) -> str:
    text = timestamp.encode() + b"." + message_id.encode() + b"." + body
    return hmac.new(key.encode(), text, hashlib.sha256).hexdigest()


def headers(partner: Partner, message_id: str, body: bytes, *, now: float | None = None) -> dict[str, str]:
    stamp = str(int(now if now is not None else time.time()))
    return {
        "Content-Type": "application/json",
        REGION: own_region(),
        TIMESTAMP: stamp,
        MESSAGE: message_id,
        SIGNATURE: signature(partner.key, stamp, message_id, body),
    }


def _refused(why: str) -> NotPermitted:
    return NotPermitted(f"跨域通办签名校验失败：{why}", code="affairs.exchange.signature")


def verify(head: Mapping[str, str], body: bytes, *, now: float | None = None) -> tuple[Partner, str]:
    """The partner that signed the request and its message id, or NotPermitted (403)."""
    region, stamp = head.get(REGION, ""), head.get(TIMESTAMP, "")
    message_id, given = head.get(MESSAGE, ""), head.get(SIGNATURE, "")
    if not (region and stamp and message_id and given) or len(message_id) > 40:
        raise _refused("缺少签名信息")
    partner = Partner.objects.filter(code=region, is_active=True).exclude(key="").first()
    if partner is None:
        raise _refused("未配置该通办地区")
    if not stamp.isascii() or not stamp.isdigit():
        raise _refused("时间戳无效")
    if abs((now if now is not None else time.time()) - int(stamp)) > MAX_SKEW:
        raise _refused("请求已过期")
    if not hmac.compare_digest(signature(partner.key, stamp, message_id, body), given):
        raise _refused("签名不符")
    return partner, message_id
