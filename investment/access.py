"""Who sees and does what in 招商引资, decided here and nowhere else.

- The 招商局 is the unit `config().office_code` names (市招商中心 in the demo). Its clerks and
  leaders register projects, declare stages and review them; city leaders, 督查室 and admins
  see every project and the reports.
- A responsible unit (乡镇, 园区, 部门) sees and declares the stages of the projects it answers for;
  a liaison (店小二) sees the projects assigned to them.
- **Confidential** (the real project name, the investor, the amounts of one project): only the
  招商局's leaders, the city's leaders and superusers — `may_see_confidential`. Every page or API
  answer that shows them to a person is written to the audit log (`audit_confidential_view`).
  Everyone else sees the project's code name; reports show only sums over several projects.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Q
from django.http import HttpRequest

from accounts.audit.services import record
from accounts.models import Role
from investment.config import config, office_id
from loop.guards import Guards
from loop.review import WORDS, ReviewGuards, RevisionAction, four_eyes
from mochou.errors import Conflict, NotPermitted

from .models import MAJOR_FLAG, REPORT_MACHINE, Project, ReportStatus
from .workflow import MACHINE, STATE_OF, Action, State, is_forward

if TYPE_CHECKING:
    from accounts.models import User


STAFF_ROLES = frozenset({Role.CLERK, Role.UNIT_LEADER})
SEE_ALL_ROLES = frozenset({Role.LEADER, Role.SUPERVISOR, Role.ADMIN})


def _active(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def is_office_staff(user: Any) -> bool:
    return (
        _active(user)
        and user.role in STAFF_ROLES
        and user.unit_id is not None
        # The user's unit is loaded once and kept on the user (the top bar asks on every page).
        and user.unit.code == config().office_code
    )


def sees_all(user: Any) -> bool:
    return _active(user) and (user.is_superuser or user.role in SEE_ALL_ROLES or is_office_staff(user))


def may_use_app(user: Any) -> bool:
    """The top bar's link and the pages: the office, the leaders, and the units' staff."""
    return sees_all(user) or (_active(user) and user.role in STAFF_ROLES)


def shows_link(user: Any) -> bool:
    """The top bar's link: who sees everything, and the townships' staff (who find projects)."""
    if sees_all(user):
        return True
    return (
        _active(user) and user.role in STAFF_ROLES and user.unit is not None and user.unit.kind == "township"
    )


def may_see_reports(user: Any) -> bool:
    return sees_all(user)


def may_see_confidential(user: Any) -> bool:
    if not _active(user):
        return False
    if user.is_superuser or user.role == Role.LEADER:
        return True
    return user.role == Role.UNIT_LEADER and is_office_staff(user)


def shown_flags(user: Any, project: Any) -> list[str]:
    """The project's flags as the user may see them: "10亿元以上" says how much it invests, so it
    is shown only to who may see its amounts (龙头, 小巨人 and 技改 are not amounts)."""
    flags: list[str] = project.flags
    return flags if may_see_confidential(user) else [f for f in flags if f != MAJOR_FLAG]


def is_project_side(user: Any, project: Any) -> bool:
    """The project's responsible unit or the 招商局 (an admin too): who follows it. In 莫愁超市 the
    same side posts its needs; intermediaries.access decides that there, this only offers the link."""
    return _answers_for(user, project)


# Reports: an amount made of fewer projects than this is one or two projects' confidential amount.
MIN_PROJECTS_PER_AMOUNT = 3


def amount_shown(user: Any, projects: int) -> bool:
    """Whether a report's amount summed over `projects` projects may be shown to the user: always
    to who may see one project's amounts; to everyone else only when it is made of none (zero
    says nothing) or of at least MIN_PROJECTS_PER_AMOUNT projects — otherwise the cell shows its
    counts only. (reports.suppress also hides a second cell where one alone would be given back
    by the total.)"""
    return may_see_confidential(user) or projects == 0 or projects >= MIN_PROJECTS_PER_AMOUNT


def project_filter(user: Any) -> Q:
    if not _active(user):
        return Q(pk__in=[])
    if sees_all(user):
        return Q()
    own = Q(liaison=user)
    if user.unit_id is not None and user.role in STAFF_ROLES:
        own |= Q(responsible_unit_id=user.unit_id) | Q(township_id=user.unit_id)
    return own


def may_register(user: Any) -> bool:
    """登记项目: the 招商局, and the staff of a township or department that finds a project."""
    return _active(user) and (user.is_superuser or user.role in STAFF_ROLES)


def _answers_for(user: Any, project: Any) -> bool:
    """The project's responsible unit (its staff) or the 招商局, or an admin."""
    if not _active(user):
        return False
    if user.is_superuser or is_office_staff(user):
        return True
    return (
        user.role in STAFF_ROLES and user.unit_id is not None and user.unit_id == project.responsible_unit_id
    )


def may_raise_problem(user: Any, project: Any) -> bool:
    """要素保障: the project's 店小二, its responsible unit, or the 招商局 raises a problem."""
    return _answers_for(user, project) or (_active(user) and project.liaison_id == user.pk)


def check_edit(user: Any, project: Any) -> None:
    """修改项目信息: the project's responsible unit or the 招商局 (who registered and follow it);
    a lost project (终止/流失) is a closed record until it is won back by a stage."""
    if not _answers_for(user, project):
        raise NotPermitted("只有项目的责任单位或招商局可以修改项目信息。", code="investment.not_your_unit")
    if project.state == State.TERMINATED:
        raise Conflict(
            "项目已终止/流失，不能修改项目信息；重新引回（申报在谈或签约）后再修改。",
            code="investment.project_closed",
        )


def may_edit_project(user: Any, project: Any) -> bool:
    try:
        check_edit(user, project)
    except (NotPermitted, Conflict):
        return False
    return True


def may_explain_stall(user: Any, project: Any) -> bool:
    """停滞原因: said by the project's responsible unit or the 招商局 (who follow it)."""
    return _answers_for(user, project)


def may_set_targets(user: Any) -> bool:
    """目标考核: the targets are the 招商局's to enter (and an admin's)."""
    return _active(user) and (user.is_superuser or is_office_staff(user))


def may_import_output(user: Any) -> bool:
    """园区产值: entered or imported by the 招商局."""
    return _active(user) and (user.is_superuser or is_office_staff(user))


def audit_confidential_view(
    user: User, project: Project, *, purpose: str, request: HttpRequest | None = None
) -> None:
    """One view of a project's confidential data, in the one audit log."""
    record(actor=user, action="investment.confidential_view", target=project, reason=purpose, request=request)


# ---------------------------------------------------------------- the project's loop


def _office_unit(actor: Any, project: Any) -> bool:
    return bool(actor.is_superuser) or (actor.unit_id is not None and actor.unit_id == office_id())


def check_resume(project: Any, action: str) -> None:
    """A paused project resumes at the stage it stopped at, or a later one."""
    if project.state == State.PAUSED and action in STATE_OF and not is_forward(project.paused_from, action):
        raise Conflict(
            f"项目暂停于“{State(project.paused_from).label}”，恢复时只能申报该阶段或其后的阶段。",
            code="investment.resume_backwards",
        )


PROJECT_GUARDS: Guards[State, Action] = Guards(
    MACHINE,
    role_label=lambda role: str(Role(role).label),
    own_unit=_office_unit,
    own_unit_message="只有招商局（{item}审核单位）可以{what}。",
)
PROJECT_GUARDS.rule(Action.REGISTER, STAFF_ROLES | {Role.ADMIN}, what="登记项目")
for _action in Action:
    if _action != Action.REGISTER:
        PROJECT_GUARDS.rule(
            _action, STAFF_ROLES | {Role.ADMIN}, what=f"审核通过“{_action.label}”", own_unit=True
        )


# ---------------------------------------------------------------- the stage reports' review


def _declarer_unit(actor: Any, report: Any) -> bool:
    """申报: the project's responsible unit, or the 招商局."""
    if actor.is_superuser:
        return True
    project = report.project
    return actor.unit_id is not None and actor.unit_id in {project.responsible_unit_id, office_id()}


def _reviewer_is_office(actor: Any, report: Any) -> None:
    if not _office_unit(actor, report):
        raise NotPermitted("只有招商局可以审核阶段申报。", code="investment.not_reviewer")


def _not_published(actor: Any, report: Any) -> None:
    if report.status == ReportStatus.PUBLISHED:
        raise Conflict("已通过的阶段不能修改或撤销；如有更正，请另行申报。", code="investment.report_final")


def _stage_possible(actor: Any, report: Any) -> None:
    """A report is submitted only for a stage the project can take now (the table says)."""
    project = report.project
    MACHINE.next_state(project.state, report.stage)
    check_resume(project, report.stage)
    # A signing is counted per investor (counting.py): without the credit code it cannot be
    # approved, so it is refused already when declared for review, not only at the approval.
    if report.stage == Action.SIGN and not project.investor_credit_code:
        raise Conflict(
            "申报“签约”前，请先在项目信息中补充投资方的统一社会信用代码（点击“修改项目信息”）。",
            code="investment.credit_code_required",
        )


REPORT_GUARDS: ReviewGuards[ReportStatus] = ReviewGuards(
    REPORT_MACHINE, role_label=str, own_unit=_declarer_unit
)


def _add(action: RevisionAction, roles: frozenset[str], refused: tuple[str, str], **rule: Any) -> None:
    REPORT_GUARDS.rule(action, roles, what=f"{WORDS[action][0]}阶段申报", **rule)
    REPORT_GUARDS.refusals[action] = refused


_WRITERS = STAFF_ROLES | {Role.ADMIN}
_add(RevisionAction.CREATED, _WRITERS, ("您没有申报项目阶段的权限。", "investment.not_permitted"))
_add(
    RevisionAction.EDITED, _WRITERS, ("只能修改本单位负责项目的申报。", "investment.not_your_unit"),
    own_unit=True, checks=[_not_published],
)  # fmt: skip
_add(
    RevisionAction.SUBMITTED, _WRITERS, ("只能申报本单位负责的项目。", "investment.not_your_unit"),
    own_unit=True, checks=[_stage_possible],
)  # fmt: skip
_add(
    RevisionAction.PUBLISHED, _WRITERS, ("只有招商局可以审核阶段申报。", "investment.not_reviewer"),
    checks=[_reviewer_is_office, _stage_possible, four_eyes(exempt=[Role.ADMIN], code="investment")],
)  # fmt: skip
_add(
    RevisionAction.RETURNED, _WRITERS, ("只有招商局可以退回阶段申报。", "investment.not_reviewer"),
    checks=[_reviewer_is_office],
)  # fmt: skip
# An approved stage has moved the project and been counted: it is never withdrawn.
_add(
    RevisionAction.ARCHIVED, frozenset(), ("已通过的阶段不能撤销。", "investment.report_final"),
    checks=[_not_published],
)  # fmt: skip
