"""The verbs of 莫愁小分队: one function per action, each on the loop core's skeleton.

Staff verbs are guarded by `guards.GUARDS`. The enterprise's own verbs (申请, 取消, 评价) take the
link's contact instead of an account (`actor=None`, checked by `guards.enterprise_refusal`), as
the citizen's and the applicant's doors of the other loops do. A problem found on a visit is
submitted as the enterprise's appeal through `enterprises.services.submit_appeal` — a case of the
enterprise channel, in the one case loop — and linked to the visit.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from cases.models import Kind
from enterprises import services as enterprise_services
from enterprises.models import Enterprise, EnterpriseContact
from loop.verbs import Loop
from mochou.errors import Conflict, DomainError, InvalidInput
from notifications.services import notify_users

from . import guards
from .config import config
from .models import SquadMember, SquadProblem, SquadVisit, SquadVisitEvent
from .workflow import RATINGS, Action, Origin, State

if TYPE_CHECKING:
    from accounts.models import User

VISITS: Loop[SquadVisit, State, Action] = Loop(
    model=SquadVisit,
    event_model=SquadVisitEvent,
    item_field="visit",
    machine=guards.MACHINE,
    guards=guards.GUARDS,
    related=("enterprise",),
)
MAX_PROBLEMS = 10  # per visit: each becomes an appeal, within the contact's daily appeals


def _invalid(field: str, message: str, code: str = "squad.invalid") -> InvalidInput:
    return InvalidInput(message, code=code, details={"field": field})


def _text(value: str | None, field: str, label: str, *, max_len: int, min_len: int = 0) -> str:
    text = enterprise_services.clean_text(value, field, label, max_len=max_len, required=min_len > 0)
    if len(text) < min_len:
        raise _invalid(field, f"{label}至少需要{min_len}个字。", "invalid_input.too_short")
    return text


def _day(value: Any, field: str, label: str) -> date:
    if not isinstance(value, date) or isinstance(value, datetime):
        raise _invalid(field, f"请填写{label}（年-月-日）。", "invalid_input.date")
    return value


def _raise(error: DomainError | None) -> None:
    if error is not None:
        raise error


def leaders() -> list[User]:
    rows = SquadMember.objects.filter(is_active=True, is_leader=True, user__is_active=True)
    return [m.user for m in rows.select_related("user")]


def squad_users() -> Any:
    from accounts.models import User

    return User.objects.filter(squad_member__is_active=True, is_active=True).order_by("username")


def _squad_people(users: Iterable[User], field: str, label: str) -> list[User]:
    chosen = list(users)
    if not chosen:
        raise _invalid(field, f"请选择{label}。", "squad.members_required")
    allowed = set(squad_users().values_list("pk", flat=True))
    if any(u.pk not in allowed for u in chosen):
        raise _invalid(field, f"{label}只能是在队的小分队成员。", "squad.not_member")
    return chosen


# ---------------------------------------------------------------- 申请


def book(
    enterprise: Enterprise,
    *,
    topics: str,
    wished_date: date,
    actor: User | None = None,
    contact: EnterpriseContact | None = None,
    now: datetime | None = None,
) -> SquadVisit:
    """申请上门帮办: by the enterprise (its link's `contact`, no cap) or its liaison (`actor`, capped)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    day = _day(wished_date, "wished_date", "希望日期")
    by_enterprise = actor is None
    draft = SquadVisit(
        enterprise=enterprise,
        contact=contact,
        origin=Origin.ENTERPRISE if by_enterprise else Origin.LIAISON,
        wished_date=day,
    )
    # Who may, first (403 before 422); the cap is part of the guard.
    if by_enterprise:
        if contact is None:
            raise _invalid("contact", "请通过企业的专属链接申请。", "squad.no_contact")
        _raise(guards.enterprise_refusal(contact, draft, Action.BOOK))
    else:
        guards.GUARDS.check(actor, draft, Action.BOOK)  # type: ignore[arg-type]  # an actor is given
    text = _text(topics, "topics", "帮办事项", max_len=1000, min_len=4)
    if day < today:
        raise _invalid("wished_date", "希望日期不能早于今天。", "invalid_input.date")
    if day > today + timedelta(days=config().horizon_days):
        raise _invalid(
            "wished_date", f"希望日期不能晚于{config().horizon_days}天之后。", "invalid_input.date"
        )
    with VISITS.start(Action.BOOK, actor, now=now, guard=not by_enterprise) as step:
        if not by_enterprise:
            guards.check_cap(draft)  # again, inside the transaction that inserts
        visit = VISITS.create(
            step,
            enterprise=enterprise,
            contact=contact if contact is not None else enterprise.contacts.filter(is_active=True).first(),
            origin=draft.origin,
            booked_by=actor,
            topics=text,
            wished_date=day,
            created_at=now,
        )
        step.record(
            payload={"origin": draft.origin, "wished_date": day.isoformat(), "contact": visit.contact_id}
        )
        step.after_commit(
            notify_users,
            leaders(),
            kind="squad_requested",
            message=f"“{enterprise.name}”申请上门帮办（希望{day:%m月%d日}）：{text[:60]}",
        )
    return visit


# ---------------------------------------------------------------- the team


def schedule(
    visit: SquadVisit, *, actor: User, day: date, members: Sequence[User], now: datetime | None = None
) -> SquadVisit:
    """安排: the leader sets the day and assigns members."""
    now = now or timezone.now()
    chosen_day = _day(day, "scheduled_date", "走访日期")
    if chosen_day < timezone.localdate(now):
        raise _invalid("scheduled_date", "安排的走访日期不能早于今天。", "invalid_input.date")
    people = _squad_people(members, "members", "走访人员")
    with VISITS.verb(visit, Action.SCHEDULE, actor, now=now) as step:
        item = step.item
        item.scheduled_date = chosen_day
        guards.check_cap(item)  # the scheduled day may fall in another period
        step.record(
            payload={"date": chosen_day.isoformat(), "members": [u.pk for u in people]},
            fields=["scheduled_date"],
        )
        item.members.set(people)
        step.after_commit(
            notify_users,
            people,
            kind="squad_scheduled",
            message=f"上门帮办：{chosen_day:%m月%d日} 走访“{item.enterprise.name}”。",
        )
    return step.item


def return_visit(visit: SquadVisit, *, actor: User, reason: str, now: datetime | None = None) -> SquadVisit:
    """退回: the leader declines a request (电话可解决, 不属帮办范围 …), with the reason."""
    text = _text(reason, "reason", "退回原因", max_len=500, min_len=2)
    with VISITS.verb(visit, Action.RETURN, actor, now=now) as step:
        step.item.reason = text
        step.record(note=text, fields=["reason"])
    return step.item


def cancel(
    visit: SquadVisit,
    *,
    reason: str,
    actor: User | None = None,
    contact: EnterpriseContact | None = None,
    now: datetime | None = None,
) -> SquadVisit:
    """取消 before the visit: the enterprise (its link), its liaison or the leader, with the reason."""
    text = _text(reason, "reason", "取消原因", max_len=500, min_len=2)
    by_enterprise = actor is None
    if by_enterprise:
        if contact is None:
            raise _invalid("contact", "请通过企业的专属链接取消。", "squad.no_contact")
        _raise(guards.enterprise_refusal(contact, visit, Action.CANCEL))
    with VISITS.verb(visit, Action.CANCEL, actor, now=now, guard=not by_enterprise) as step:
        step.item.reason = text
        step.record(note=text, fields=["reason"], payload={"by": "enterprise" if by_enterprise else "staff"})
    return step.item


def record(
    visit: SquadVisit,
    *,
    actor: User,
    visited_on: date,
    attendees: Sequence[User],
    discussed: str,
    problems: Sequence[dict[str, str]] = (),
    now: datetime | None = None,
) -> SquadVisit:
    """记录走访: who went, what was discussed; each problem found becomes an appeal of the enterprise."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    day = _day(visited_on, "visited_on", "走访日期")
    if day > today:
        raise _invalid("visited_on", "走访日期不能晚于今天：请在走访之后再记录。", "invalid_input.date")
    people = _squad_people(attendees, "attendees", "走访人员")
    text = _text(discussed, "discussed", "交流内容", max_len=4000, min_len=5)
    found = [p for p in problems if (p.get("title") or "").strip() or (p.get("content") or "").strip()]
    if len(found) > MAX_PROBLEMS:
        raise _invalid("problems", f"一次走访最多记录{MAX_PROBLEMS}个问题。", "squad.too_many_problems")
    with VISITS.verb(visit, Action.RECORD, actor, now=now) as step:
        item = step.item
        if day < (item.scheduled_date or item.wished_date) - timedelta(days=30):
            raise _invalid("visited_on", "走访日期与安排的日期相差太远，请核对。", "invalid_input.date")
        contact = item.contact or item.enterprise.contacts.filter(is_active=True).first()
        if found and contact is None:
            raise Conflict(
                "该企业没有在用的联系人，发现的问题无法作为企业诉求提交：请店小二先添加联系人。",
                code="squad.no_contact",
            )
        item.visited_on, item.discussed = day, text
        step.record(
            payload={"date": day.isoformat(), "attendees": [u.pk for u in people], "problems": len(found)},
            fields=["visited_on", "discussed"],
        )
        item.attendees.set(people)
        for problem in found:
            appeal = enterprise_services.submit_appeal(
                item.enterprise,
                contact,  # type: ignore[arg-type]  # not None when there are problems (checked above)
                kind=problem.get("kind") or Kind.HELP,
                title=problem.get("title", ""),
                content=problem.get("content", ""),
                now=now,
            )
            SquadProblem.objects.create(visit=item, appeal=appeal)
    return step.item


# ---------------------------------------------------------------- the enterprise's rating


def rate(
    visit: SquadVisit,
    *,
    contact: EnterpriseContact,
    rating: int,
    note: str = "",
    now: datetime | None = None,
) -> SquadVisit:
    """评价: the enterprise rates the visit on 好差评's five levels; a 差评 says why."""
    if rating not in RATINGS:
        raise _invalid("rating", "请选择非常满意、满意、基本满意、不满意或非常不满意。", "squad.rating")
    text = _text(note, "rating_note", "评价意见", max_len=500, min_len=2 if rating <= 2 else 0)
    _raise(guards.enterprise_refusal(contact, visit, Action.RATE))
    with VISITS.verb(visit, Action.RATE, None, now=now, guard=False) as step:
        item = step.item
        item.rating, item.rating_note = rating, text
        step.record(payload={"rating": rating}, note=text, fields=["rating", "rating_note"])
        if rating <= 2:
            people = [*leaders(), *([item.enterprise.liaison] if item.enterprise.liaison else [])]
            step.after_commit(
                notify_users,
                people,
                kind="squad_poor_rating",
                message=f"“{item.enterprise.name}”对上门帮办评价为{RATINGS[rating]}：{text[:80]}",
            )
    return step.item


# ---------------------------------------------------------------- reading


def visible_visits(user: User) -> Any:
    """The team and centre staff see every visit; a liaison those of their enterprises."""
    rows = SquadVisit.objects.select_related("enterprise", "enterprise__liaison", "booked_by")
    if not user.is_active:
        return rows.none()
    if user.is_superuser or user.is_centre_staff or guards.is_member(user):
        return rows
    return rows.filter(enterprise__liaison=user)


def visits_of(enterprise: Enterprise) -> list[SquadVisit]:
    """The enterprise's visits for its own page: newest first, with the problems' appeals."""
    return list(
        enterprise.squad_visits.prefetch_related("attendees", "members", "problems__appeal__case").order_by(
            "-created_at", "-pk"
        )
    )
