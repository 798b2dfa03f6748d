"""The market office (市政数局, D-ZSJ) with two people, a project of the 招商局 (investment's
fixtures), and a factory of checked agencies holding a link."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest

from accounts.models import Role, User
from enterprises.creditcode import make
from intermediaries import services
from intermediaries.models import Agency, AgencyContact, Need
from investment.models import Project
from investment.tests.conftest import Office, new_project, office  # noqa: F401  # the fixture
from org.models import Unit, UnitKind
from tests.factories import City, make_user

TODAY = date(2025, 9, 24)  # the frozen clock's day (a Wednesday)


@dataclass
class Market:
    unit: Unit
    clerk: User
    checker: User
    project: Project
    office: Office


@dataclass
class Firm:
    agency: Agency
    contact: AgencyContact
    token: str


@pytest.fixture
def market(city: City, office: Office, clock: Any) -> Market:  # noqa: F811  # the fixture above
    unit = Unit.objects.create(code="D-ZSJ", name="钟祥市政务服务和大数据管理局", kind=UnitKind.DEPARTMENT)
    return Market(
        unit=unit,
        clerk=make_user("zsj_clerk", Role.CLERK, unit, display_name="林政务"),
        checker=make_user("zsj_leader", Role.UNIT_LEADER, unit, display_name="高科长"),
        project=new_project(office),
        office=office,
    )


def make_agency(
    market: Market, n: int, *, kinds: tuple[str, ...] = ("eia",), expires: date = TODAY + timedelta(days=365)
) -> Firm:
    agency = services.register_agency(
        actor=market.clerk,
        name=f"湖北测试{n}号环境科技有限公司",
        credit_code=make(f"91420881MA49{n:05d}"),
        contact_name="张工",
        contact_mobile=f"1377240{n:04d}",
    )
    for kind in kinds:
        services.set_service(agency, actor=market.clerk, service_type=kind, price_min="2", price_max="30")
        services.add_qualification(
            agency,
            actor=market.clerk,
            service_type=kind,
            name="资质证书",
            number=f"ZZ-{n}-{kind}",
            expires_on=expires,
        )
    agency = services.check_agency(agency, actor=market.checker)
    contact = agency.contacts.get()
    token = services.issue_link(contact, actor=market.clerk)
    contact.refresh_from_db()
    return Firm(agency, contact, token)


def need_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "service_type": "eia",
        "scope": "年产5万吨复合材料项目环境影响报告书编制",
        "budget_min": Decimal("10"),
        "budget_max": Decimal("20"),
        "time_limit_days": 20,
        "respond_by": TODAY + timedelta(days=5),
    }
    return data | overrides


def post_need(market: Market, **overrides: Any) -> Need:
    return services.publish(market.project, actor=market.office.clerk, data=need_data(**overrides))
