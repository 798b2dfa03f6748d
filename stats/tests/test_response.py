"""响应率 and the 联系诉求人 record: a reached contact within the handling limit is the response,
even when the answer comes late; a failed attempt or a contact after the limit is not.

Three cases of 住建局, each accepted within its two working hours and answered after its five
working days (10-09, after 国庆): before this record existed the late answer was the unit's
first contact, and none of the three would count as responded."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from cases import services
from cases.models import Case, ContactWay
from stats.build import refresh
from stats.counting import Window
from stats.daily import count_units
from stats.exact import exact_counts
from stats.periods import Period
from stats.queries import unit_rates
from tests.factories import City, make_case

pytestmark = pytest.mark.django_db

TZ = ZoneInfo("Asia/Shanghai")
PERIOD = Period(date(2025, 9, 22), date(2025, 10, 31))


def at(day: int, month: int = 9, hour: int = 9) -> datetime:
    return datetime(2025, month, day, hour, tzinfo=TZ)


def _late_answered(city: City, clock, title: str, contacts: list[tuple[datetime, bool]]) -> Case:
    u = city.users
    clock.move_to(at(22))
    case = make_case(city, title=title)
    case = services.dispatch(case, actor=u["dispatcher"], lead_unit=city.housing)
    clock.move_to(at(22, hour=10))
    case = services.accept(case, actor=u["clerk"])
    for moment, reached in contacts:
        clock.move_to(moment)
        note = "已电话联系诉求人，约定现场查看。" if reached else "电话无人接听。"
        services.contact(case, actor=u["clerk"], way=ContactWay.PHONE, reached=reached, note=note)
    clock.move_to(at(9, month=10, hour=10))
    services.submit_reply(case, actor=u["clerk"], body="已现场核实并处理完毕，问题已解决，特此答复。")
    services.approve_reply(case, actor=u["unit_leader"])
    return Case.objects.get(pk=case.pk)


def test_a_reached_contact_within_the_limit_is_the_response_and_an_attempt_is_not(city, clock) -> None:
    _late_answered(city, clock, "P 路灯不亮", [(at(22, hour=14), False), (at(23, hour=10), True)])
    _late_answered(city, clock, "Q 井盖破损", [(at(23, hour=10), False)])
    _late_answered(city, clock, "R 垃圾清运", [(at(8, month=10, hour=10), True)])  # after the limit
    clock.move_to(at(20, month=10))
    refresh()
    housing = next(r for r in unit_rates(PERIOD).rows if r.name == "市住建局")
    assert housing.counts["response_due"] == 3
    assert housing.counts["responded"] == 1  # P: its second call reached the citizen in time
    assert housing.rates["response"].shown == "33.33%"
    assert housing.counts["handled_on_time"] == 0  # all three answered late
    # The command's exact path from the event log says the same.
    assert count_units(Window(PERIOD.since, PERIOD.as_of())) == exact_counts(PERIOD)
