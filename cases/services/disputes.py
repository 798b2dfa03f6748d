"""派单异议审核: the centre rules on a unit's 退单 (国办函〔2025〕66号).

Upheld, the case waits in 待派单 for re-dispatch, with the returning unit excluded (the dispatch
form does not offer it, dispatch refuses it); rejected, it goes back to the unit that returned it
(and the co-handlers taken off with it) as a fresh dispatch, the ruling shown to the unit. Either
way `dispute_ruled` tells the dispatch catalogue, which may amend itself when the ruling says so.
"""

from __future__ import annotations

from datetime import datetime

from accounts.models import User
from cases import hooks
from cases.models import Case, Dispute
from cases.services.common import CASES, now_or, text
from cases.services.dispatch import ASSIGN_FIELDS, assign, check_units
from cases.workflow import Action
from mochou.errors import InvalidInput
from notifications.services import notify_unit
from org.models import Unit


def rule_dispute(
    case: Case,
    *,
    actor: User,
    upheld: bool,
    note: str = "",
    decided_unit: Unit | None = None,
    amend_catalogue: bool = False,
    now: datetime | None = None,
) -> Dispute:
    """Rule on the case's open dispute. `decided_unit` (upheld only) is the unit the centre holds
    responsible, offered first for the re-dispatch; `amend_catalogue` asks the dispatch catalogue
    to change accordingly. A rejection needs its reasons: the unit reads them."""
    with CASES.verb(case, Action.RULE_DISPUTE, actor, now=now_or(now)) as step:
        case, now = step.item, step.now
        dispute = Dispute.objects.select_for_update().get(case=case, status=Dispute.Status.PENDING)
        ruling = text(note, "审核意见", required=not upheld, min_len=4, max_len=500)
        unit = dispute.unit
        if upheld:
            if decided_unit is not None:
                check_units([decided_unit])
                if decided_unit.pk == unit.pk:
                    raise InvalidInput(
                        "异议成立时，认定的承办单位不能是退单单位。",
                        code="invalid_input.decided_unit",
                        details={"field": "decided_unit"},
                    )
            dispute.status, dispute.decided_unit = Dispute.Status.UPHELD, decided_unit
        else:
            if decided_unit is not None and decided_unit.pk != unit.pk:
                raise InvalidInput(
                    "异议不成立时，工单退回原承办单位。",
                    code="invalid_input.decided_unit",
                    details={"field": "decided_unit"},
                )
            dispute.status, dispute.decided_unit = Dispute.Status.REJECTED, unit
            co_units = list(Unit.objects.filter(code__in=dispute.co_units, is_active=True))
            deadlines = assign(case, unit, [u for u in co_units if u.pk != unit.pk], actor, now)
        dispute.ruled_by, dispute.ruled_at, dispute.ruling = actor, now, ruling
        dispute.amend_catalogue = amend_catalogue
        dispute.save(
            update_fields=["status", "decided_unit", "ruled_by", "ruled_at", "ruling", "amend_catalogue"]
        )
        outcome = Dispute.Status(dispute.status).label
        payload = {
            "dispute": dispute.pk,
            "upheld": upheld,
            "unit": unit.code,
            "decided_unit": dispute.decided_unit.code if dispute.decided_unit else None,
            "amend_catalogue": amend_catalogue,
        }
        if upheld:
            step.record(note=f"{outcome}：{ruling}" if ruling else outcome, payload=payload)
        else:
            payload |= {"accept_due_at": deadlines[0].isoformat(), "due_at": deadlines[1].isoformat()}
            step.record(action=Action.REJECT_DISPUTE, note=ruling, payload=payload, fields=ASSIGN_FIELDS)
        hooks.dispute_ruled.send_after_commit(
            case_id=case.pk,
            dispute_id=dispute.pk,
            upheld=upheld,
            category_id=case.category_id,
            township_id=case.township_id,
            unit_id=unit.pk,
            suggested_unit_id=dispute.suggested_unit_id,
            decided_unit_id=dispute.decided_unit_id,
            amend_catalogue=amend_catalogue,
        )
        if upheld:
            message = f"工单 {case.number} 的退单异议成立，中心将另行派单。"
        else:
            message = f"工单 {case.number} 的退单异议不成立，已退回本单位办理：{ruling}"
        step.after_commit(notify_unit, unit, kind="dispute_ruled", message=message, case=case)
    return dispute
