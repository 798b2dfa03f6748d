"""督办 of a case: a supervisor's notice to the lead unit (or, before dispatch, the centre)."""

from __future__ import annotations

from datetime import datetime

from accounts.models import Role, User
from cases.models import Case, SupervisionNotice
from cases.services.common import CASES, now_or, text
from cases.workflow import Action
from mochou.errors import InvalidInput
from notifications.services import notify_unit, queue_sms
from notifications.texts import sms_text
from worktime.calendar import add_working_days


def supervise(
    case: Case, *, actor: User, body: str, respond_days: int = 2, now: datetime | None = None
) -> SupervisionNotice:
    """督办单 to the lead unit (or, before dispatch, to the centre's dispatchers)."""
    with CASES.verb(case, Action.SUPERVISE, actor, now=now_or(now)) as step:
        case, now = step.item, step.now
        demand = text(body, "督办要求", min_len=4, max_len=2000)
        if not 1 <= respond_days <= 30:
            raise InvalidInput("反馈期限应为1至30个工作日。", code="invalid_input.days")
        unit = case.lead_unit or actor.unit
        if unit is None:  # the guard asks for a lead unit or the supervisor's own
            raise RuntimeError(f"case {case.number} has nobody to supervise")
        respond_by = add_working_days(now, respond_days)
        notice = SupervisionNotice.objects.create(
            case=case, unit=unit, supervisor=actor, body=demand, respond_by=respond_by, created_at=now
        )
        step.record(
            note=demand,
            payload={"notice": notice.pk, "unit": unit.code, "respond_by": respond_by.isoformat()},
        )
        step.after_commit(
            notify_unit,
            unit,
            kind="supervised",
            message=f"督办：工单 {case.number}——{demand[:60]}",
            case=case,
        )
        leaders = unit.staff.filter(role=Role.UNIT_LEADER, is_active=True).exclude(mobile="")
        for phone in leaders.values_list("mobile", flat=True):
            queue_sms(phone, sms_text("case_supervised", number=case.number, body=demand), case=case)
    return notice
