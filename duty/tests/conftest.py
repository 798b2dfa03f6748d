"""The duty office (市应急管理局) and its staff on top of the shared small city."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from accounts.models import Role, User
from org.models import Unit, UnitKind
from tests.factories import City, make_user


@dataclass
class Duty:
    city: City
    office: Unit
    office_clerk: User
    office_leader: User
    town_clerk: User
    town_leader: User
    town_clerk2: User


@pytest.fixture
def duty(city: City) -> Duty:
    office = Unit.objects.create(
        code="D-YJJ", name="钟祥市应急管理局", short_name="市应急管理局", kind=UnitKind.DEPARTMENT
    )
    return Duty(
        city=city,
        office=office,
        office_clerk=make_user("yjj_clerk", Role.CLERK, office, display_name="应值班", mobile="13900000011"),
        office_leader=make_user(
            "yjj_leader", Role.UNIT_LEADER, office, display_name="应局长", mobile="13900000012"
        ),
        town_clerk=make_user(
            "town_clerk", Role.CLERK, city.township, display_name="镇值班", mobile="13900000021"
        ),
        town_leader=make_user(
            "town_leader", Role.UNIT_LEADER, city.township, display_name="镇带班", mobile="13900000022"
        ),
        town_clerk2=make_user(
            "town_clerk2", Role.CLERK, city.township, display_name="镇替班", mobile="13900000023"
        ),
    )
