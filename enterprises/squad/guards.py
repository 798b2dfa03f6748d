"""Who may do what to a 上门帮办, decided here and nowhere else.

Staff actions go through `GUARDS` (one rule per action; the verbs ask `check`, pages and the API
`available`/`refusal`):
- 申请 (booking for the enterprise): its own 店小二 (or an admin), within the "无事不扰" cap;
- 安排 and 退回: the team's leader (a `SquadMember` with `is_leader`);
- 记录走访: a member the leader assigned, or the leader;
- 取消: the leader or the enterprise's 店小二;
- 评价: nobody on the staff side — only the enterprise.

The enterprise has no account (docs/enterprises.md): its contact acts through the personal link,
so its actions (申请, 取消, 评价) are checked by `enterprise_refusal` (the link's contact belongs to
the visit's enterprise; the table allows the action), the same function for the verb and its page.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from accounts.models import Role
from loop.guards import Guards
from mochou.errors import Conflict, DomainError, NotPermitted

from .config import config
from .workflow import COUNTED_STATES, ENTERPRISE_ACTIONS, MACHINE, Action, Origin, State

# Staff of any kind may be on the team; the hotline's agents and the auditors are not.
STAFF_ROLES = frozenset(r.value for r in Role if r not in (Role.AGENT, Role.AUDITOR))


def squad_member(user: Any) -> Any:
    """The user's active SquadMember row, or None."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    from .models import SquadMember

    return SquadMember.objects.filter(user_id=user.pk, is_active=True).first()


def is_leader(user: Any) -> bool:
    member = squad_member(user)
    return bool(member and member.is_leader)


def is_member(user: Any) -> bool:
    return squad_member(user) is not None


def _leader(actor: Any, visit: Any) -> None:
    if not (actor.is_superuser or is_leader(actor)):
        raise NotPermitted("只有小分队队长可以安排或退回上门帮办。", code="squad.not_leader")


def _liaison(actor: Any, visit: Any) -> None:
    if not (actor.is_superuser or actor.role == Role.ADMIN or actor.pk == visit.enterprise.liaison_id):
        raise NotPermitted("只有该企业的店小二可以代企业申请上门帮办。", code="squad.not_liaison")


def _leader_or_liaison(actor: Any, visit: Any) -> None:
    if not (actor.is_superuser or is_leader(actor) or actor.pk == visit.enterprise.liaison_id):
        raise NotPermitted("只有小分队队长或该企业的店小二可以取消。", code="squad.not_permitted")


def _assigned(actor: Any, visit: Any) -> None:
    if actor.is_superuser or is_leader(actor):
        return
    if not visit.members.filter(pk=actor.pk).exists():
        raise NotPermitted("只有被安排走访的小分队成员可以记录走访。", code="squad.not_assigned")


def visits_in_period(visit: Any) -> int:
    """Visits of the enterprise counted in the period of `visit`'s day (itself excluded)."""
    from .models import SquadVisit

    start, end = config().period_of(visit.period_day)
    # The scheduled day once there is one, else the wished day.
    on_day = Q(scheduled_date__isnull=True, wished_date__gte=start, wished_date__lt=end) | Q(
        scheduled_date__gte=start, scheduled_date__lt=end
    )
    rows = SquadVisit.objects.filter(on_day, enterprise_id=visit.enterprise_id, state__in=COUNTED_STATES)
    if visit.pk:
        rows = rows.exclude(pk=visit.pk)
    return rows.count()


def check_cap(visit: Any) -> None:
    """无事不扰: a visit the enterprise did not ask for is refused past the period's cap."""
    if visit.origin == Origin.ENTERPRISE:
        return
    settings = config()
    if visits_in_period(visit) >= settings.cap:
        raise Conflict(
            f"无事不扰：该企业本期已有{settings.cap}次走访（{settings.period_label}最多{settings.cap}次，"
            "企业自己申请的除外），请改期或由企业自行申请。",
            code="squad.cap",
            details={"field": "wished_date"},
        )


def _cap(actor: Any, visit: Any) -> None:
    check_cap(visit)


GUARDS: Guards[State, Action] = Guards(
    MACHINE, role_label=lambda role: str(Role(role).label), own_unit=lambda actor, visit: True
)
GUARDS.rule(Action.BOOK, STAFF_ROLES, what="代企业申请上门帮办", checks=[_liaison, _cap])
# The cap is asked again by the verb once the scheduled day is known (check_cap).
GUARDS.rule(Action.SCHEDULE, STAFF_ROLES, what="安排走访", checks=[_leader])
GUARDS.rule(Action.RETURN, STAFF_ROLES, what="退回申请", checks=[_leader])
GUARDS.rule(Action.CANCEL, STAFF_ROLES, what="取消上门帮办", checks=[_leader_or_liaison])
GUARDS.rule(Action.RECORD, STAFF_ROLES, what="记录走访", checks=[_assigned])
# 评价 is the enterprise's alone (enterprise_refusal); no staff role may take it.
GUARDS.rule(Action.RATE, frozenset(), what="评价上门帮办")


def enterprise_refusal(contact: Any, visit: Any, action: Action) -> DomainError | None:
    """Why the enterprise (the link's contact) may not take `action` on `visit` now, or None."""
    if action not in ENTERPRISE_ACTIONS:
        return NotPermitted("企业不能执行该操作。", code="squad.not_enterprise_action")
    if not contact.is_active or not contact.enterprise.is_active:
        return NotPermitted("该企业或联系人已停用。", code="permission_denied.inactive")
    if visit.enterprise_id != contact.enterprise_id:
        return NotPermitted("只能办理本企业的上门帮办。", code="squad.not_your_enterprise")
    try:
        MACHINE.next_state(visit.state or None, action)
        if action == Action.BOOK:
            check_cap(visit)
    except DomainError as error:
        return error
    return None


def enterprise_actions(contact: Any, visit: Any) -> list[Action]:
    return [a for a in MACHINE.allowed_actions(visit.state) if enterprise_refusal(contact, visit, a) is None]


def may_book_for(actor: Any, enterprise: Any) -> bool:
    """Whether the actor may book for this enterprise at all (the form; the cap is asked on submit)."""
    from .models import SquadVisit

    try:
        GUARDS.check_actor(actor, Action.BOOK)
        _liaison(actor, SquadVisit(enterprise=enterprise))
    except DomainError:
        return False
    return True
