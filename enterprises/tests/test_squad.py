"""莫愁小分队: the table over every pair, the guards, the "无事不扰" cap, problems becoming appeals."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from time_machine import Traveller

from accounts.models import Role, User
from cases.models import Channel
from enterprises.models import Appeal, SquadMember, SquadVisit
from enterprises.squad import guards, services
from enterprises.squad.workflow import MACHINE, TRANSITIONS, Action, Origin, State
from enterprises.tests.conftest import Firm
from mochou.errors import Conflict, DomainError, InvalidInput, NotPermitted, TransitionNotAllowed
from tests.factories import City, make_user

TODAY = date(2025, 9, 24)  # the frozen clock's day (Q3)


@pytest.fixture
def leader(city: City) -> User:
    user = make_user("squad_leader", Role.UNIT_LEADER, city.education, display_name="郑队长")
    SquadMember.objects.create(user=user, is_leader=True)
    return user


@pytest.fixture
def member(city: City) -> User:
    user = make_user("squad_member", Role.CLERK, city.education, display_name="陈队员")
    SquadMember.objects.create(user=user)
    return user


def booked(firm: Firm, day: date = TODAY + timedelta(days=3)) -> SquadVisit:
    return services.book(firm.enterprise, contact=firm.contact, topics="用电增容审批进度", wished_date=day)


def scheduled(firm: Firm, leader: User, member: User) -> SquadVisit:
    visit = booked(firm)
    return services.schedule(visit, actor=leader, day=TODAY + timedelta(days=5), members=[member])


def visited(firm: Firm, leader: User, member: User, clock: Traveller) -> SquadVisit:
    visit = scheduled(firm, leader, member)
    return services.record(
        visit,
        actor=member,
        visited_on=TODAY,
        attendees=[member],
        discussed="了解用电增容需求，现场查看配电房。",
    )


# ---------------------------------------------------------------- the table


def test_every_pair_of_the_table() -> None:
    for state in [None, *State]:
        for action in Action:
            if (state, action) in TRANSITIONS:
                assert MACHINE.next_state(state, action) == TRANSITIONS[(state, action)]
            else:
                with pytest.raises(TransitionNotAllowed):
                    MACHINE.next_state(state, action)


def test_every_action_has_its_guard() -> None:
    assert guards.GUARDS.unguarded() == set()


# ---------------------------------------------------------------- the flow


def test_the_whole_visit(firm: Firm, leader: User, member: User, clock: Traveller) -> None:
    visit = visited(firm, leader, member, clock)
    assert visit.state == State.VISITED
    visit = services.rate(visit, contact=firm.contact, rating=5, note="很及时")
    assert visit.state == State.RATED
    assert visit.rating == 5
    assert [e.action for e in visit.events.order_by("seq")] == ["book", "schedule", "record", "rate"]
    assert list(visit.attendees.all()) == [member]


def test_problems_found_become_the_enterprises_appeals(
    firm: Firm, leader: User, member: User, clock: Traveller
) -> None:
    visit = scheduled(firm, leader, member)
    services.record(
        visit,
        actor=member,
        visited_on=TODAY,
        attendees=[member, leader],
        discussed="企业反映用电和道路问题。",
        problems=[
            {"title": "厂区外道路破损", "content": "厂区外兴业大道约50米路面破损，货车通行困难。"},
            {"title": "", "content": ""},  # an empty row of the form is not a problem
            {"title": "用电增容迟迟未批", "content": "三月提交的用电增容申请至今未批复，影响新生产线投产。"},
        ],
    )
    appeals = Appeal.objects.filter(enterprise=firm.enterprise).order_by("created_at", "pk")
    assert appeals.count() == 2
    assert {a.case.channel for a in appeals} == {Channel.ENTERPRISE}
    assert set(visit.problems.values_list("appeal_id", flat=True)) == {a.pk for a in appeals}
    assert appeals[0].case.content.startswith(firm.enterprise.heading)


def test_the_liaison_books_and_the_enterprise_cancels(firm: Firm, leader: User, clock: Traveller) -> None:
    visit = services.book(
        firm.enterprise, actor=firm.liaison, topics="政策宣讲：技改补贴申报", wished_date=TODAY
    )
    assert visit.origin == Origin.LIAISON
    assert visit.contact == firm.contact
    visit = services.cancel(visit, contact=firm.contact, reason="近期停产检修")
    assert visit.state == State.CANCELLED
    assert visit.reason == "近期停产检修"


def test_the_leader_returns_with_a_reason(firm: Firm, leader: User, clock: Traveller) -> None:
    visit = booked(firm)
    with pytest.raises(InvalidInput):
        services.return_visit(visit, actor=leader, reason="")
    visit = services.return_visit(visit, actor=leader, reason="电话已答复，无需上门")
    assert visit.state == State.RETURNED


# ---------------------------------------------------------------- who may


def test_only_the_leader_schedules(firm: Firm, leader: User, member: User, clock: Traveller) -> None:
    visit = booked(firm)
    with pytest.raises(NotPermitted):
        services.schedule(visit, actor=member, day=TODAY, members=[member])
    with pytest.raises(NotPermitted):
        services.schedule(visit, actor=firm.liaison, day=TODAY, members=[member])
    with pytest.raises(InvalidInput):  # a non-member cannot be assigned
        services.schedule(visit, actor=leader, day=TODAY, members=[firm.liaison])


def test_only_assigned_members_record(
    city: City, firm: Firm, leader: User, member: User, clock: Traveller
) -> None:
    other = make_user("squad_other", Role.CLERK, city.education)
    SquadMember.objects.create(user=other)
    visit = scheduled(firm, leader, member)
    with pytest.raises(NotPermitted):
        services.record(visit, actor=other, visited_on=TODAY, attendees=[other], discussed="了解企业情况。")


def test_another_liaison_cannot_book(firm: Firm, other_firm: Firm, clock: Traveller) -> None:
    with pytest.raises(NotPermitted):
        services.book(firm.enterprise, actor=other_firm.liaison, topics="政策宣讲", wished_date=TODAY)


def test_staff_cannot_rate_and_another_enterprise_cannot(
    firm: Firm, other_firm: Firm, leader: User, member: User, clock: Traveller
) -> None:
    visit = visited(firm, leader, member, clock)
    assert guards.GUARDS.refusal(leader, visit, Action.RATE) is not None
    with pytest.raises(NotPermitted):
        services.rate(visit, contact=other_firm.contact, rating=5)
    assert guards.enterprise_actions(firm.contact, visit) == [Action.RATE]
    assert guards.enterprise_actions(other_firm.contact, visit) == []


def test_a_poor_rating_needs_its_reason(firm: Firm, leader: User, member: User, clock: Traveller) -> None:
    visit = visited(firm, leader, member, clock)
    with pytest.raises(InvalidInput):
        services.rate(visit, contact=firm.contact, rating=1)
    with pytest.raises(InvalidInput):
        services.rate(visit, contact=firm.contact, rating=6)
    assert services.rate(visit, contact=firm.contact, rating=2, note="只听不办").rating == 2


def test_a_date_in_the_past_is_refused(firm: Firm, clock: Traveller) -> None:
    with pytest.raises(InvalidInput):
        services.book(
            firm.enterprise, contact=firm.contact, topics="用电增容审批", wished_date=TODAY - timedelta(1)
        )


# ---------------------------------------------------------------- 无事不扰


def test_the_cap_refuses_a_third_liaison_visit_in_the_quarter(firm: Firm, clock: Traveller) -> None:
    for day in (TODAY, TODAY + timedelta(days=2)):
        services.book(firm.enterprise, actor=firm.liaison, topics="例行走访了解情况", wished_date=day)
    with pytest.raises(Conflict) as refused:
        services.book(firm.enterprise, actor=firm.liaison, topics="例行走访了解情况", wished_date=TODAY)
    assert refused.value.code == "squad.cap"
    # The guard gives the same answer to the page before anything is written.
    draft = SquadVisit(enterprise=firm.enterprise, origin=Origin.LIAISON, wished_date=TODAY)
    assert isinstance(guards.GUARDS.refusal(firm.liaison, draft, Action.BOOK), Conflict)
    # The next quarter is another period.
    services.book(
        firm.enterprise, actor=firm.liaison, topics="例行走访了解情况", wished_date=date(2025, 10, 9)
    )


def test_the_enterprise_itself_may_always_ask(firm: Firm, clock: Traveller) -> None:
    for _ in range(2):
        services.book(firm.enterprise, actor=firm.liaison, topics="例行走访了解情况", wished_date=TODAY)
    assert booked(firm).origin == Origin.ENTERPRISE


def test_cancelled_and_returned_visits_do_not_count(firm: Firm, leader: User, clock: Traveller) -> None:
    first = services.book(firm.enterprise, actor=firm.liaison, topics="例行走访了解情况", wished_date=TODAY)
    second = services.book(firm.enterprise, actor=firm.liaison, topics="例行走访了解情况", wished_date=TODAY)
    services.cancel(first, actor=firm.liaison, reason="企业负责人出差")
    services.return_visit(second, actor=leader, reason="重复申请")
    services.book(firm.enterprise, actor=firm.liaison, topics="例行走访了解情况", wished_date=TODAY)


def test_scheduling_into_a_full_period_is_refused(
    firm: Firm, leader: User, member: User, clock: Traveller
) -> None:
    for _ in range(2):
        services.book(
            firm.enterprise, actor=firm.liaison, topics="例行走访了解情况", wished_date=date(2025, 10, 9)
        )
    late = services.book(firm.enterprise, actor=firm.liaison, topics="例行走访了解情况", wished_date=TODAY)
    with pytest.raises(Conflict):
        services.schedule(late, actor=leader, day=date(2025, 10, 10), members=[member])
    assert SquadVisit.objects.get(pk=late.pk).scheduled_date is None


def test_the_cap_is_configurable(firm: Firm, clock: Traveller, settings: object) -> None:
    settings.ENTERPRISE_SQUAD = {"cap": 1, "period": "month"}  # type: ignore[attr-defined]
    services.book(firm.enterprise, actor=firm.liaison, topics="例行走访了解情况", wished_date=TODAY)
    with pytest.raises(DomainError):
        services.book(firm.enterprise, actor=firm.liaison, topics="例行走访了解情况", wished_date=TODAY)
    services.book(
        firm.enterprise, actor=firm.liaison, topics="例行走访了解情况", wished_date=date(2025, 10, 1)
    )
