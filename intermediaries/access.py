"""Who sees and does what in 莫愁超市, decided here and nowhere else.

- **The market office** (`config().office_code`, 市政数局 in the demo): registers agencies, their
  资质 and services, and checks them (审核: another person than the one who registered, four
  eyes); sends an agency's people their link.
- **A project's side**: the project's responsible unit and the 招商局 (investment's office) post a
  need for the project, select a response, start, take delivery, rate, withdraw, declare 流标.
- **Agencies** have no accounts: their people act through a personal link (as enterprises'
  contacts do), so responding is checked by `agency_refusal` for the verb and the page alike.
- **Public to projects**: the agencies, their on-time rates and ratings, to everyone who uses
  招商引资 (investment.access.may_use_app) and to the market office.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Q

from accounts.models import Role
from investment import access as investment_access
from investment.config import office_id as investment_office_id
from loop.guards import Guards
from mochou.errors import Conflict, DomainError, NotPermitted

from .workflow import MACHINE, Action, State

STAFF_ROLES = frozenset({Role.CLERK, Role.UNIT_LEADER})
OWNER_ROLES = STAFF_ROLES | {Role.ADMIN}


def _active(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def is_office_staff(user: Any) -> bool:
    """The market office's staff (the unit is loaded with the user: no query on every page)."""
    return (
        _active(user)
        and user.role in STAFF_ROLES
        and user.unit_id is not None
        and user.unit.code == _office_code()
    )


def _office_code() -> str:
    from .config import config

    return config().office_code


def may_manage_agencies(user: Any) -> bool:
    return _active(user) and (user.is_superuser or user.role == Role.ADMIN or is_office_staff(user))


def may_use(user: Any) -> bool:
    """The pages and the top bar's link: the project side and the market office."""
    return _active(user) and (investment_access.may_use_app(user) or may_manage_agencies(user))


def sees_all_needs(user: Any) -> bool:
    return may_manage_agencies(user) or investment_access.sees_all(user)


def need_filter(user: Any) -> Q:
    """The needs of the projects the user sees (the market office sees every need)."""
    if not _active(user):
        return Q(pk__in=[])
    if sees_all_needs(user):
        return Q()
    from investment.models import Project

    return Q(project__in=Project.objects.filter(investment_access.project_filter(user)))


def owns_project(actor: Any, project: Any) -> bool:
    """The project's side: its responsible unit, the 招商局, admins."""
    if actor.is_superuser or actor.role == Role.ADMIN:
        return True
    return actor.unit_id is not None and actor.unit_id in {
        project.responsible_unit_id,
        investment_office_id(),
    }


def _owner(actor: Any, need: Any) -> bool:
    return owns_project(actor, need.project)


GUARDS: Guards[State, Action] = Guards(
    MACHINE,
    role_label=lambda role: str(Role(role).label),
    own_unit=_owner,
    own_unit_message="只有项目的责任单位或招商局可以{what}。",
)
GUARDS.rule(Action.PUBLISH, OWNER_ROLES, what="发布中介服务需求", own_unit=True)
for _action in (Action.SELECT, Action.START, Action.DELIVER, Action.RATE, Action.WITHDRAW, Action.FAIL):
    GUARDS.rule(_action, OWNER_ROLES, what=str(_action.label), own_unit=True)
# 响应 is the agency's alone, through its link (agency_refusal); no staff role may take it.
GUARDS.rule(Action.RESPOND, frozenset(), what="响应需求")


def valid_qualification(agency: Any, service_type: str, day: date) -> Any:
    """The agency's 资质 for the service type valid on `day`, or None."""
    return agency.qualifications.filter(service_type=service_type, expires_on__gte=day).first()


def agency_refusal(agency: Any, need: Any, *, today: date) -> DomainError | None:
    """Why the agency may not respond to the need now, or None.

    Registered and checked by the office, still on the register, offering the service type with a
    valid 资质 for it, before the deadline, once per need.
    """
    if not agency.is_active or not agency.is_checked:
        return NotPermitted(
            "机构尚未通过入驻审核或已被移出超市，不能响应。", code="intermediaries.agency_not_checked"
        )
    try:
        MACHINE.next_state(need.state or None, Action.RESPOND)
    except DomainError as error:
        return error
    if not agency.services.filter(service_type=need.service_type).exists():
        return NotPermitted("机构未登记该服务类型，不能响应。", code="intermediaries.service_type")
    if valid_qualification(agency, need.service_type, today) is None:
        return Conflict(
            "机构该服务类型的资质已过期或未登记，不能响应。", code="intermediaries.qualification_expired"
        )
    if today > need.respond_by:
        return Conflict("已过响应截止日期。", code="intermediaries.response_closed")
    if need.responses.filter(agency=agency).exists():
        return Conflict("本机构已响应过该需求。", code="intermediaries.responded")
    return None


def shows_link(user: Any) -> bool:
    """The top bar's link, with no query: who sees 招商引资's link, and the market office."""
    return (
        investment_access.shows_link(user)
        or is_office_staff(user)
        or (_active(user) and (user.is_superuser or user.role == Role.ADMIN))
    )


def publishable_projects(user: Any) -> Any:
    """The projects this user may post a need for (the same rule as `owns_project`, as one query)."""
    from investment.models import Project

    if not _active(user) or not (user.is_superuser or user.role in OWNER_ROLES):
        return Project.objects.none()
    if (
        user.is_superuser
        or user.role == Role.ADMIN
        or (user.unit_id and user.unit_id == investment_office_id())
    ):
        return Project.objects.all()
    return Project.objects.filter(responsible_unit_id=user.unit_id)
