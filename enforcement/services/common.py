"""The violation loop on the loop core, and the checks its verbs share."""

from __future__ import annotations

from enforcement.guards import GUARDS
from enforcement.models import Violation, ViolationEvent
from enforcement.workflow import MACHINE, Action, State
from loop.verbs import Loop
from mochou.errors import InvalidInput

VIOLATIONS: Loop[Violation, State, Action] = Loop(
    model=Violation,
    event_model=ViolationEvent,
    item_field="violation",
    machine=MACHINE,
    guards=GUARDS,
    related=("township", "village"),
)


def text(value: str | None, label: str, field: str, *, min_len: int = 1, max_len: int = 2000) -> str:
    stripped = (value or "").strip()
    details = {"field": field, "label": label}
    if len(stripped) < min_len:
        message = f"{label}至少需要{min_len}个字。" if stripped else f"请填写{label}。"
        raise InvalidInput(message, code="invalid_input.required", details=details)
    if len(stripped) > max_len:
        raise InvalidInput(f"{label}不能超过{max_len}个字。", code="invalid_input.too_long", details=details)
    return stripped


def choice(value: str, choices: type, label: str, field: str) -> str:
    values = {str(v) for v in choices.values}  # type: ignore[attr-defined]
    if value not in values:
        raise InvalidInput(f"{label}无效。", code="invalid_input.choice", details={"field": field})
    return value
