"""SMS backends. The default records messages (the demo shows them); "http" posts to a gateway."""

from __future__ import annotations

import json
import urllib.request

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


class SmsBackend:
    name = "base"

    def send(self, phone: str, body: str) -> None:
        raise NotImplementedError


class RecordingBackend(SmsBackend):
    """Sends nothing: the SmsMessage row is the record, shown on the demo's SMS page."""

    name = "record"

    def send(self, phone: str, body: str) -> None:
        return None


class HttpGatewayBackend(SmsBackend):
    """POSTs {"phone", "body"} as JSON to MOCHOU_SMS_URL; any non-2xx answer is a failure to retry."""

    name = "http"

    def __init__(self, url: str) -> None:
        if not url.startswith(("http://", "https://")):
            raise ImproperlyConfigured("MOCHOU_SMS_URL must be an http(s) URL when MOCHOU_SMS_BACKEND=http")
        self.url = url

    def send(self, phone: str, body: str) -> None:
        data = json.dumps({"phone": phone, "body": body}, ensure_ascii=False).encode()
        request = urllib.request.Request(  # noqa: S310 (scheme checked in __init__)
            self.url, data=data, headers={"Content-Type": "application/json"}, method="POST"
        )
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            if not 200 <= response.status < 300:
                raise RuntimeError(f"SMS gateway answered {response.status}")


def get_backend() -> SmsBackend:
    name = settings.MOCHOU_SMS_BACKEND
    if name == "record":
        return RecordingBackend()
    if name == "http":
        return HttpGatewayBackend(settings.MOCHOU_SMS_URL)
    raise ImproperlyConfigured(f"MOCHOU_SMS_BACKEND must be 'record' or 'http', got {name!r}")
