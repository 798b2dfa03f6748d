"""SMS wording from published SMS templates (the notifications.texts.use_wording source).

A template names the SMS it replaces (case_received …) and optionally the case's state; the one
for the case's current state wins over the one for any state. No published template → None, and
the loop's shipped file (cases/templates/sms/<name>.txt) is used. The signature is added by
sms_text itself, so templates never carry it.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from replytemplates import placeholders
from replytemplates.models import ReplyTemplate, TemplateKind


def sms_wording(name: str, context: dict[str, Any]) -> str | None:
    if name not in placeholders.SMS_FIELDS:
        return None
    candidates = list(
        ReplyTemplate.objects.published().filter(kind=TemplateKind.SMS, name=name).only("body", "case_state")
    )
    if not candidates:
        return None
    case = _case(context.get("number"))
    state = case.state if case is not None else ""
    chosen = next((t for t in candidates if t.case_state and t.case_state == state), None) or next(
        (t for t in candidates if not t.case_state), None
    )
    if chosen is None:
        return None
    return placeholders.fill(chosen.body, sms_values(name, context, case))


def sms_values(name: str, context: dict[str, Any], case: Any) -> dict[str, str]:
    values = {"今天": placeholders.chinese_date(timezone.localdate())}
    if case is not None:
        values |= placeholders.case_values(case)
    elif context.get("number"):
        values["受理编号"] = str(context["number"])
    for label, key in placeholders.SMS_FIELDS[name].items():
        value = context.get(key, "")
        if key == "rate":
            value = "查看并评价" if value else "查看"
        elif key == "body":
            value = str(value)[:60]  # as the shipped text does: an SMS is not the whole notice
        values[label] = str(value)
    return values


def _case(number: object) -> Any:
    if not number:
        return None
    from cases.models import Case

    return Case.objects.filter(number=str(number)).select_related("lead_unit", "category").first()
