"""/api/v1/affairs/exchange: 跨域通办 between two Mochou instances (no bearer token: signed).

Each request carries X-Mochou-Region (the sender's region code), X-Mochou-Timestamp (Unix
seconds), X-Mochou-Message (a unique id) and X-Mochou-Signature (hex HMAC-SHA256 with the
partner's shared key over `<timestamp>.<message id>.<body>`). A stale, unsigned or forged request
is a 403; a message id seen before is answered as the first time and changes nothing.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from ninja import Router

from affairs.exchange import inbound, signing
from affairs.models import Partner
from affairs.schemas import ExchangeAnswerOut, ExchangeApplicationIn, ExchangeDeliveredIn, ExchangeProgressIn
from mochou.api_errors import ERRORS_WRITE

router = Router(auth=None, tags=["跨域通办"])
SIGNED = (
    "签名：请求头 X-Mochou-Region（发送方区划代码）、X-Mochou-Timestamp（Unix 秒，±300 秒内有效）、"
    "X-Mochou-Message（消息唯一编号，重发用同一编号）、X-Mochou-Signature（共享密钥对"
    "“时间戳.消息编号.请求体”的 HMAC-SHA256，十六进制）。同一消息编号只生效一次，重发返回首次结果。"
)


def _signed(
    request: HttpRequest, apply: Callable[[Partner, dict[str, Any]], dict[str, Any]]
) -> dict[str, Any]:
    partner, message_id = signing.verify(request.headers, request.body)
    body = json.loads(request.body.decode())  # already parsed by ninja: it is a JSON object
    return inbound.once(partner, message_id, lambda: apply(partner, body))


@router.post(
    "/applications", response={200: ExchangeAnswerOut, **ERRORS_WRITE}, summary="接收异地代收的办件",
    description="收件地把预审后的办件转给办理地。同一收件地办件编号只接收一次。" + SIGNED,
)  # fmt: skip
def receive_application(request: HttpRequest, body: ExchangeApplicationIn) -> dict[str, Any]:
    return _signed(request, inbound.receive_application)


@router.post(
    "/progress", response={200: ExchangeAnswerOut, **ERRORS_WRITE}, summary="接收办理地进展",
    description="办理地报告受理、审批、办结（准予/不予许可/不予受理）。" + SIGNED,
)  # fmt: skip
def receive_progress(request: HttpRequest, body: ExchangeProgressIn) -> dict[str, Any]:
    return _signed(request, inbound.receive_progress)


@router.post(
    "/delivered", response={200: ExchangeAnswerOut, **ERRORS_WRITE}, summary="接收收件地出件",
    description="收件地告知办理地：结果已在收件地窗口领取或邮寄送达。" + SIGNED,
)  # fmt: skip
def receive_delivered(request: HttpRequest, body: ExchangeDeliveredIn) -> dict[str, Any]:
    return _signed(request, inbound.receive_delivered)
