"""12345 ↔ 控违: a case in the illegal-construction categories, dispatched to a township, becomes a
violation with one action (linked both ways: `Violation.case` / `case.violation`), and the citizen's
answer is drafted from the violation's outcome once it is resolved.

The case loop is not edited: the township turns its case into a violation here, and answers it
through the case loop's own verb (cases.services.submit_reply), which its leader approves as for
any answer.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.models import User
from cases.guards import refusal as case_refusal
from cases.models import Case, Reply, category_q
from cases.services import submit_reply
from cases.workflow import OPEN_STATES as CASE_OPEN_STATES
from cases.workflow import Action as CaseAction
from enforcement import config
from enforcement.models import Channel, Violation
from enforcement.services.violations import Report, report_violation
from enforcement.workflow import RESOLVED_STATES
from mochou.errors import Conflict, InvalidInput, NotPermitted


def construction_cases(user: User) -> QuerySet[Case]:
    """The open 违建 cases this user's township holds that are not yet a violation."""
    if user.unit_id is None:
        return Case.objects.none()
    paths = config.case_categories()
    cases = Case.objects.visible_to(user).filter(state__in=CASE_OPEN_STATES, lead_unit_id=user.unit_id)
    wanted = Q(pk__in=[])
    for path in paths:
        wanted |= category_q(path)
    return cases.filter(wanted, violation__isnull=True).select_related("category", "township")


def is_construction_case(case: Case) -> bool:
    return case.category is not None and config.is_construction_path(case.category.path)


def violation_from_case(case: Case, report: Report, *, actor: User, now: datetime | None = None) -> Violation:
    """转为违建: the township's one action on its 12345 case (channel 12345, linked to it)."""
    if not is_construction_case(case):
        raise Conflict("该工单不属于违法建设类诉求，不能转为违建。", code="enforcement.not_construction")
    if case.lead_unit_id is None or case.lead_unit_id != actor.unit_id:
        raise NotPermitted("只有承办该工单的乡镇（街道）可以将其转为违建。", code="permission_denied.unit")
    if Violation.objects.filter(case=case).exists():
        raise Conflict("该工单已转为违建。", code="enforcement.already_linked")
    report.channel = Channel.HOTLINE
    return report_violation(report, actor=actor, case=case, now=now)


def citizen_answer(violation: Violation) -> str:
    """The answer the citizen gets, from the violation's outcome."""
    return (
        f"您反映的{violation.address}违法建设问题，我单位已登记为控违案件 {violation.number}。"
        f"{violation.outcome}感谢您对城乡控违工作的支持。"
    )


def answer_citizen(violation: Violation, *, actor: User, now: datetime | None = None) -> Reply:
    """Draft the linked case's answer from the resolved violation (the unit's leader approves it)."""
    case = violation.case
    if case is None:
        raise Conflict("该违建不是由12345工单转来的。", code="enforcement.no_case")
    if violation.state not in RESOLVED_STATES:
        raise Conflict("违建销号或核查办结后方可答复市民。", code="enforcement.not_resolved")
    refused = case_refusal(actor, case, CaseAction.REPLY)
    if refused is not None:
        raise refused
    body = citizen_answer(violation)
    if len(body) < 10:  # pragma: no cover - the outcome is always a sentence
        raise InvalidInput("答复内容过短。")
    return submit_reply(
        case, actor=actor, body=body, result=violation.get_state_display(), now=now or timezone.now()
    )
