"""A small known world for the dashboard: seven cases in September 2025, built through the services.

Sep 01  hotline  郢中街道  → 市住建局, never accepted          (overdue now; 督办)
Sep 23  hotline  郢中街道  → 市住建局, accepted                (yesterday)
Sep 24  hotline  郢中街道  → 市住建局, urgent, accepted        (today)
Sep 24  hotline  胡集镇    → 市教育局                          (today)
Sep 24  web      郢中街道  not dispatched                      (today)
Aug 20  hotline  郢中街道  → 市住建局, accepted                (last month)
Aug 21  web      胡集镇    not dispatched                      (last month)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from cases import services
from cases.models import Case, Channel, Urgency
from conftest import SHANGHAI
from org.models import Unit, UnitKind
from supervision.services.notices import issue_notice
from tests.factories import City, make_case


@dataclass
class World:
    city: City
    huji: Unit
    overdue: Case
    urgent: Case


def _at(clock, month: int, day: int, hour: int = 10) -> None:
    clock.move_to(datetime(2025, month, day, hour, 0, tzinfo=SHANGHAI))


def build(city: City, clock) -> World:
    huji = Unit.objects.create(
        code="420881104", name="胡集镇", kind=UnitKind.TOWNSHIP, division_code="420881104000"
    )
    dispatcher, clerk = city.users["dispatcher"], city.users["clerk"]

    def dispatched(to: Unit, **kw) -> Case:
        case = make_case(city, **kw)
        return services.dispatch(case, actor=dispatcher, lead_unit=to)

    _at(clock, 8, 20)
    services.accept(dispatched(city.housing), actor=clerk)
    _at(clock, 8, 21)
    make_case(city, channel=Channel.WEB, township=huji)
    _at(clock, 9, 1)
    overdue = dispatched(city.housing)
    _at(clock, 9, 23)
    services.accept(dispatched(city.housing), actor=clerk)
    _at(clock, 9, 24, 9)
    urgent = services.accept(dispatched(city.housing, urgency=Urgency.URGENT), actor=clerk)
    dispatched(city.education, township=huji)
    make_case(city, channel=Channel.WEB)
    issue_notice(overdue, actor=city.users["supervisor"], body="请于今日内签收并联系诉求人。")
    _at(clock, 9, 24, 10)
    return World(city, huji, overdue, urgent)
