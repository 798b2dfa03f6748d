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

from .models import REPORT_MACHINE, Project, ReportStatus
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
