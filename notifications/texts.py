"""SMS texts come from templates (notifications/templates/sms/*.txt and the apps' own sms/
folders), signed with MOCHOU_SMS_SIGNATURE: one place to word a message, one signature."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string

# An app that keeps SMS wording editable (reviewed templates in the database) answers here:
# (name, context) -> the text, or None to use the shipped file. Set in that app's ready().
WordingSource = Callable[[str, dict[str, Any]], str | None]
_wording: list[WordingSource] = []


def use_wording(source: WordingSource) -> None:
    if source not in _wording:
        _wording.append(source)


def sms_text(template: str, **context: Any) -> str:
    """The signed text of an SMS: the signature, then the template rendered with `context`.

    `template` is a name under sms/ without the extension ("case_received"). Templates are plain
    text: they switch autoescaping off, so "&" in a unit's name stays "&".
    """
    body = next((text for source in _wording if (text := source(template, context)) is not None), None)
    if body is None:
        body = render_to_string(f"sms/{template}.txt", context)
    return f"{settings.MOCHOU_SMS_SIGNATURE}{' '.join(body.split())}"
