"""要素保障: a problem raised on a project is an appeal of the project's enterprise in the 店小二 loop.

Nothing of the appeal loop is repeated here. Raising a problem is, in one transaction:

1. `enterprises.services.submit_appeal` for the investor (the project's `investor`, the enterprise
   the 店小二 app knows by the same 统一社会信用代码 — looked up by the code, and linked, when the
   investor joined 店小二 after the project was registered) and its first active contact — so the case is
   registered through `cases.services.register_case` on the enterprise channel, the liaison is
   told, and the contact gets the receipt and later the answer as for any appeal;
2. `cases.services.dispatch` by the system (as the triage's automatic dispatch does) to the unit
   chosen for the problem — by default the one `config().problem_units` names for its kind; with
   none, the case waits for the 12345 centre's dispatcher;
3. a `ProjectProblem` row tying the appeal to the project and its 要素 kind.

The case is handled, answered, reviewed and closed in the cases app like every other; the project
page shows each problem with the case's state and its approved answer (`enterprises.services
.appeals_of`, which also hides an answer written for someone else when cases were merged).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from cases import services as case_services
from cases.models import Case, Kind
from enterprises import services as enterprise_services
from enterprises.models import Enterprise
from mochou.errors import Conflict, InvalidInput, NotPermitted
from org.models import Unit

from . import access
from .config import config
from .models import Project, ProjectProblem
from .workflow import StallReason

if TYPE_CHECKING:
    from accounts.models import User


MIN_CONTENT = 10  # as an enterprise's own appeal asks


def default_unit(kind: str) -> Unit | None:
    """The unit a problem of this kind goes to unless the raiser chooses another."""
    code = config().problem_units.get(kind)
    return Unit.objects.filter(code=code, is_active=True).first() if code else None


def enterprise_of(project: Project) -> Enterprise | None:
    """The investor as the 店小二 app knows it: the project's link, or — for an investor that
    joined 店小二 after the project was registered (the link is set at registration) — the
    enterprise with the project's 统一社会信用代码."""
    if project.investor is not None:
        return project.investor
    if not project.investor_credit_code:
        return None
    return Enterprise.objects.filter(credit_code=project.investor_credit_code).first()


def raise_problem(
    project: Project,
    *,
    actor: User,
    kind: str,
    title: str,
    content: str,
    unit: Unit | None = None,
    now: datetime | None = None,
) -> ProjectProblem:
    """提出要素保障问题: the enterprise's appeal, dispatched to the responsible unit, on the project."""
    if not access.may_raise_problem(actor, project):
        raise NotPermitted(
            "只有项目的店小二、责任单位或招商局可以提出要素保障问题。", code="investment.not_permitted"
        )
    if kind not in StallReason.values:
        raise InvalidInput("请选择要素类别。", code="investment.required", details={"field": "kind"})
    body = " ".join(str(content or "").split())
    if len(body) < MIN_CONTENT:
        raise InvalidInput(
            f"具体情况和诉求至少需要{MIN_CONTENT}个字，请说清楚问题和需要协调的事。",
            code="investment.too_short",
            details={"field": "content"},
        )
    heading = " ".join(str(title or "").split())
    if not heading:
        raise InvalidInput("请填写问题。", code="investment.required", details={"field": "title"})
    enterprise = enterprise_of(project)
    if enterprise is None or not enterprise.is_active:
        raise Conflict(
            "投资方尚未在店小二中登记为企业：请先由12345中心登记该企业（同一统一社会信用代码）。",
            code="investment.no_enterprise",
        )
    contact = enterprise.contacts.filter(is_active=True).order_by("pk").first()
    if contact is None:
        raise Conflict("该企业还没有联系人，请先在店小二中添加联系人。", code="investment.no_contact")
    target = unit if unit is not None else default_unit(kind)
    now = now or timezone.now()
    label = StallReason(kind).label
    with transaction.atomic():
        if project.investor_id is None:  # found by the credit code: keep the link from now on
            project.investor = enterprise
            project.save(update_fields=["investor", "updated_at"])
        appeal = enterprise_services.submit_appeal(
            enterprise,
            contact,
            kind=Kind.HELP,
            title=f"【要素保障·{label}】{heading}"[:60],
            content=f"招商项目 {project.number}（{project.code_name}）：{body}",
            now=now,
        )
        if target is not None:
            case_services.dispatch(
                appeal.case,
                actor=case_services.system_user(),
                lead_unit=target,
                note=f"招商项目要素保障（{label}），由{actor.display_name or actor.username}提出",
                now=now,
            )
        return ProjectProblem.objects.create(
            project=project, appeal=appeal, kind=kind, unit=target, raised_by=actor, raised_at=now
        )


@dataclass
class ProblemRow:
    problem: ProjectProblem
    case: Case
    answer: Any  # the approved reply (cases.Reply) or None
    merged_notice: str
    case_visible: bool


def problems_of(project: Project, user: User) -> list[ProblemRow]:
    """The project's problems with each case's state and approved answer, newest first."""
    raised = project.problems.select_related("unit", "appeal__case__lead_unit")
    problems = list(raised.order_by("-raised_at", "-pk"))  # raised in one moment: the later one first
    if not problems:
        return []
    enterprise = problems[0].appeal.enterprise
    appeals = {a.pk: a for a in enterprise_services.appeals_of(enterprise)}
    visible = set(
        Case.objects.visible_to(user)
        .filter(pk__in=[p.appeal.case_id for p in problems])
        .values_list("pk", flat=True)
    )
    rows = []
    for p in problems:
        # A change of investor leaves earlier problems with the earlier enterprise: ask it then.
        appeal = appeals.get(p.appeal_id) or next(
            (a for a in enterprise_services.appeals_of(p.appeal.enterprise) if a.pk == p.appeal_id), p.appeal
        )
        rows.append(
            ProblemRow(
                problem=p,
                case=appeal.case,
                answer=getattr(appeal, "answer", None),
                merged_notice=getattr(appeal, "merged_notice", ""),
                case_visible=appeal.case_id in visible,
            )
        )
    return rows
