"""SMS texts come from templates (notifications/templates/sms/*.txt and the apps' own sms/
folders), signed with MOCHOU_SMS_SIGNATURE: one place to word a message, one signature."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.template.loader import render_to_string


def sms_text(template: str, **context: Any) -> str:
    """The signed text of an SMS: the signature, then the template rendered with `context`.

    `template` is a name under sms/ without the extension ("case_received"). Templates are plain
    text: they switch autoescaping off, so "&" in a unit's name stays "&".
    """
    body = render_to_string(f"sms/{template}.txt", context)
    return f"{settings.MOCHOU_SMS_SIGNATURE}{' '.join(body.split())}"
