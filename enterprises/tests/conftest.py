"""An enterprise of 郢中街道 with its liaison (a clerk of 市发改局) and a contact holding a link."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from time_machine import Traveller

from accounts.models import Role, User
from enterprises import creditcode, services
from enterprises.models import Enterprise, EnterpriseContact
from org.models import Unit, UnitKind
from tests.factories import City, make_user


@dataclass
class Firm:
    enterprise: Enterprise
    contact: EnterpriseContact
    token: str
    liaison: User


def make_firm(city: City, n: int, liaison: User, mobile: str) -> Firm:
    enterprise = services.save_enterprise(
        Enterprise(
            name=f"钟祥市测试{n}号农产品加工有限公司",
            credit_code=creditcode.make(f"91420881MA490{n:04d}"),
            industry="农副食品加工",
            park="湖北钟祥经济开发区",
            township=city.township,
            address=f"经济开发区兴业大道{n}号",
            contact_name="刘春燕",
            contact_mobile=mobile,
            liaison=liaison,
        ),
        actor=city.users["admin"],
    )
    contact = enterprise.contacts.get()
    token = services.issue_access_link(contact, actor=liaison)
    contact.refresh_from_db()
    return Firm(enterprise, contact, token, liaison)


@pytest.fixture
def development(city: City) -> Unit:
    return Unit.objects.create(
        code="D-FGJ", name="钟祥市发展和改革局", short_name="市发改局", kind=UnitKind.DEPARTMENT
    )


@pytest.fixture
def liaison(development: Unit) -> User:
    return make_user("fgj_clerk", Role.CLERK, development, display_name="何店小二")


@pytest.fixture
def other_liaison(development: Unit) -> User:
    return make_user("fgj_clerk2", Role.CLERK, development, display_name="林店小二")


@pytest.fixture
def firm(city: City, liaison: User, clock: Traveller) -> Firm:
    return make_firm(city, 1, liaison, "13772400101")


@pytest.fixture
def other_firm(city: City, other_liaison: User, clock: Traveller) -> Firm:
    return make_firm(city, 2, other_liaison, "13772400202")
