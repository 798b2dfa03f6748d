"""更正已办结工单: a closed case changes only through an explicit permission, and the change is an
event of its own and an audit record with the old and new values and the reason.

Only the fields a correction can concern are open to it (what the statistics read: category,
kind, township; and a mistyped callback); the loop's own record — states, deadlines, answers —
is never rewritten: a case that needs more work is reopened instead.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from accounts.audit.services import record
from accounts.models import User
from cases.models import Case, Category, Kind, Satisfaction
from cases.services.common import CASES, now_or, text
from cases.workflow import Action
from mochou.errors import InvalidInput
from org.models import Unit, UnitKind

CORRECTABLE = ("category", "kind", "township", "satisfaction", "resolved")


def _value(field: str, value: Any) -> Any:
    """The stored value of a correction, checked; raises InvalidInput naming the field."""
    details = {"field": field}
    if field == "category":
        if not isinstance(value, Category) or not value.is_active:
            raise InvalidInput("请选择有效的事项分类。", code="invalid_input.category", details=details)
    elif field == "township":
        if value is not None and (not isinstance(value, Unit) or value.kind != UnitKind.TOWNSHIP):
            raise InvalidInput("所属乡镇不正确。", code="invalid_input.township", details=details)
    elif field == "kind" and value not in Kind.values:
        raise InvalidInput("诉求类型不正确。", code="invalid_input.kind", details=details)
    elif field == "satisfaction" and value not in Satisfaction.values:
        raise InvalidInput("满意度不正确。", code="invalid_input.satisfaction", details=details)
    elif field == "resolved" and not isinstance(value, bool):
        raise InvalidInput("是否解决应为是或否。", code="invalid_input.resolved", details=details)
    return value


def _shown(value: Any) -> Any:
    return value.pk if hasattr(value, "pk") else value


def override_closed(
    case: Case, *, actor: User, changes: dict[str, Any], reason: str, now: datetime | None = None
) -> Case:
    unknown = set(changes) - set(CORRECTABLE)
    if unknown:
        raise InvalidInput(
            f"已办结工单只能更正：{'、'.join(CORRECTABLE)}。",
            code="invalid_input.field",
            details={"fields": sorted(unknown)},
        )
    with CASES.verb(case, Action.OVERRIDE, actor, now=now_or(now)) as step:
        case = step.item
        why = text(reason, "更正理由", min_len=4, max_len=500)
        old: dict[str, Any] = {}
        new: dict[str, Any] = {}
        for field, value in changes.items():
            checked = _value(field, value)
            if _shown(getattr(case, field)) != _shown(checked):
                old[field], new[field] = _shown(getattr(case, field)), _shown(checked)
                setattr(case, field, checked)
        if not new:
            raise InvalidInput("没有需要更正的内容。", code="invalid_input.no_change")
        step.record(note=why, payload={"old": old, "new": new}, fields=list(new))
        record(actor=actor, action="case.override", target=case, old=old, new=new, reason=why)
    return case
