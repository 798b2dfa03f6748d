"""莫愁超市: the need's table over every pair, who may, the 资质 rule, selection, the on-time rate."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from time_machine import Traveller

from enterprises.creditcode import make
from intermediaries import access, ranking, services
from intermediaries.models import Need
from intermediaries.workflow import MACHINE, TRANSITIONS, Action, State
from mochou.errors import Conflict, InvalidInput, NotPermitted, TransitionNotAllowed
from tests.factories import City

from .conftest import TODAY, Firm, Market, make_agency, post_need

SHANGHAI = ZoneInfo("Asia/Shanghai")
AFTER = TODAY + timedelta(days=6)  # past the default response deadline


def test_every_pair_of_the_table() -> None:
    for state in [None, *State]:
        for action in Action:
            if (state, action) in TRANSITIONS:
                assert MACHINE.next_state(state, action) == TRANSITIONS[(state, action)]
            else:
                with pytest.raises(TransitionNotAllowed):
                    MACHINE.next_state(state, action)


def test_every_action_has_its_guard() -> None:
    assert access.GUARDS.unguarded() == set()


def _at(clock: Traveller, day: date) -> None:
    clock.move_to(datetime(day.year, day.month, day.day, 10, tzinfo=SHANGHAI))


def _through(market: Market, firms: list[Firm], clock: Traveller, prices: list[str], pick: int = 0) -> Need:
    need = post_need(market)
    responses = [
        services.respond(need, contact=f.contact, price=p, days=10)
        for f, p in zip(firms, prices, strict=True)
    ]
    _at(clock, AFTER)
    reason = "" if pick == 0 else "资质等级更高，近年同类项目经验多"
    return services.select(need, actor=market.office.clerk, response=responses[pick], reason=reason)


def test_the_whole_need(market: Market, clock: Traveller) -> None:
    firms = [make_agency(market, 1), make_agency(market, 2)]
    need = _through(market, firms, clock, ["15", "12"], pick=1)
    assert need.state == State.SELECTED
    need = services.start(need, actor=market.office.clerk, started_on=AFTER)
    assert need.due_on is not None
    need = services.deliver(need, actor=market.office.clerk, delivered_on=AFTER)
    assert need.on_time is True
    need = services.rate(need, actor=market.office.clerk, rating=5)
    assert need.state == State.RATED
    actions = list(need.events.order_by("seq").values_list("action", flat=True))
    assert actions == ["publish", "respond", "respond", "select", "start", "deliver", "rate"]


def test_not_the_cheapest_needs_a_reason(market: Market, clock: Traveller) -> None:
    firms = [make_agency(market, 1), make_agency(market, 2)]
    need = post_need(market)
    dear = services.respond(need, contact=firms[0].contact, price="18", days=10)
    services.respond(need, contact=firms[1].contact, price="12", days=10)
    _at(clock, AFTER)
    with pytest.raises(InvalidInput) as refused:
        services.select(need, actor=market.office.clerk, response=dear)
    assert refused.value.code == "intermediaries.reason_required"
    chosen = services.select(
        need, actor=market.office.clerk, response=dear, reason="工期更有保障，同类经验多"
    )
    assert chosen.select_reason.startswith("工期")


def test_no_selection_before_the_deadline(market: Market, clock: Traveller) -> None:
    firm = make_agency(market, 1)
    need = post_need(market)
    response = services.respond(need, contact=firm.contact, price="12", days=10)
    with pytest.raises(Conflict):
        services.select(need, actor=market.office.clerk, response=response)


def test_an_expired_qualification_cannot_respond(market: Market, clock: Traveller) -> None:
    firm = make_agency(market, 1, expires=TODAY - timedelta(days=1))
    need = post_need(market)
    with pytest.raises(Conflict) as refused:
        services.respond(need, contact=firm.contact, price="12", days=10)
    assert refused.value.code == "intermediaries.qualification_expired"
    assert Need.objects.get(pk=need.pk).state == State.PUBLISHED


def test_another_service_type_or_an_unchecked_agency_cannot_respond(market: Market, clock: Traveller) -> None:
    surveyor = make_agency(market, 1, kinds=("survey",))
    need = post_need(market)
    with pytest.raises(NotPermitted):
        services.respond(need, contact=surveyor.contact, price="12", days=10)
    fresh = services.register_agency(
        actor=market.clerk,
        name="湖北新入驻环评有限公司",
        credit_code=make("91420881MA4900099"),
        contact_name="李工",
        contact_mobile="13772409999",
    )
    assert access.agency_refusal(fresh, need, today=TODAY) is not None


def test_one_response_per_agency_within_budget_and_limit(market: Market, clock: Traveller) -> None:
    firm = make_agency(market, 1)
    need = post_need(market)
    with pytest.raises(InvalidInput):
        services.respond(need, contact=firm.contact, price="25", days=10)  # over the budget
    with pytest.raises(InvalidInput):
        services.respond(need, contact=firm.contact, price="12", days=21)  # over the time limit
    services.respond(need, contact=firm.contact, price="12", days=10)
    with pytest.raises(Conflict):
        services.respond(need, contact=firm.contact, price="11", days=10)


def test_only_the_projects_side_acts(city: City, market: Market, clock: Traveller) -> None:
    outsider = city.users["outsider"]
    with pytest.raises(NotPermitted):
        services.publish(market.project, actor=outsider, data={})
    need = post_need(market)
    with pytest.raises(NotPermitted):
        services.withdraw(need, actor=outsider, reason="不需要了")
    # The project's responsible unit (here the 招商局 itself) may.
    assert services.withdraw(need, actor=market.office.leader, reason="方案调整").state == State.WITHDRAWN


def test_no_response_is_a_failed_need(market: Market, clock: Traveller) -> None:
    need = post_need(market)
    _at(clock, AFTER)
    need = services.fail(need, actor=market.office.clerk, reason="截止时无机构响应")
    assert need.state == State.FAILED
    with pytest.raises(TransitionNotAllowed):
        services.withdraw(need, actor=market.office.clerk, reason="再撤回")


def test_on_time_on_the_working_calendar(calendar: None) -> None:
    # 2025-09-30 (Tue) + 2 working days: 10-01..10-08 are the National Day holidays, 10-09 and
    # 10-10 are the first working days after, and Saturday 10-11 is a 调休 working day.
    assert services.due_date(date(2025, 9, 30), 2) == date(2025, 10, 10)
    assert services.is_on_time(date(2025, 9, 30), date(2025, 10, 10), 2)
    assert not services.is_on_time(date(2025, 9, 30), date(2025, 10, 11), 2)


def test_the_on_time_rate_on_a_known_set(market: Market, clock: Traveller) -> None:
    """Agency 1: three deliveries, two on time, ratings 5 and 3; agency 2: one late delivery."""
    one, two = make_agency(market, 1), make_agency(market, 2)
    plan = [
        (one, 5, 5),
        (one, 12, 3),
        (one, 8, None),
        (two, 15, None),
    ]  # (agency, working days taken, rating)
    for firm, taken, rating in plan:
        _at(clock, TODAY)
        need = post_need(market)
        response = services.respond(need, contact=firm.contact, price="12", days=10)
        _at(clock, AFTER)
        services.select(need, actor=market.office.clerk, response=response)
        services.start(need, actor=market.office.clerk, started_on=AFTER)
        delivered = services.due_date(AFTER, taken)
        _at(clock, delivered)
        need = services.deliver(need, actor=market.office.clerk, delivered_on=delivered)
        assert need.on_time is (taken <= 10)
        if rating:
            services.rate(need, actor=market.office.clerk, rating=rating, note="一般般" if rating < 3 else "")
    rows = {r.agency.pk: r for r in ranking.records(today=TODAY)}
    first, second = rows[one.agency.pk], rows[two.agency.pk]
    assert (first.delivered, first.on_time, first.rated, first.rating_mean) == (3, 2, 2, Decimal("4.00"))
    assert first.on_time_rate == pytest.approx(2 / 3)
    assert (second.delivered, second.on_time, second.on_time_rate, second.rated) == (1, 0, 0.0, 0)
    assert [r.agency.pk for r in ranking.records(today=TODAY)][:2] == [one.agency.pk, two.agency.pk]


def test_the_registrar_cannot_check_their_own_agency(market: Market, clock: Traveller) -> None:
    agency = services.register_agency(
        actor=market.clerk,
        name="湖北自审测绘有限公司",
        credit_code=make("91420881MA4900098"),
        contact_name="王工",
        contact_mobile="13772409998",
    )
    services.set_service(agency, actor=market.clerk, service_type="survey", price_min="1", price_max="5")
    services.add_qualification(
        agency,
        actor=market.clerk,
        service_type="survey",
        name="测绘资质乙级",
        number="乙测资字123",
        expires_on=TODAY,
    )
    with pytest.raises(NotPermitted):
        services.check_agency(agency, actor=market.clerk)
    assert services.check_agency(agency, actor=market.checker).is_checked


def test_a_bad_credit_code_is_refused(market: Market, clock: Traveller) -> None:
    with pytest.raises(InvalidInput):
        services.register_agency(
            actor=market.clerk, name="湖北错码评估有限公司", credit_code="91420881MA49000990",
            contact_name="赵工", contact_mobile="13772409997",
        )  # fmt: skip
