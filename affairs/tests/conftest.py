"""The hall's office, its window clerk, and a published matter of the housing department."""

from __future__ import annotations

from typing import Any

import pytest

from accounts.models import Role, User
from affairs import catalogue
from affairs.models import Bundle, BundlePart, Matter, MatterKind
from affairs.services.applications import ApplicantData
from org.models import Unit, UnitKind
from tests.factories import City, make_user


@pytest.fixture
def office(city: City) -> Unit:
    return Unit.objects.create(
        code="D-ZSJ", name="钟祥市政务服务和大数据管理局", short_name="市政数局", kind=UnitKind.DEPARTMENT
    )


@pytest.fixture
def window(office: Unit) -> User:
    return make_user("window", Role.CLERK, office, display_name="綦综窗")


@pytest.fixture
def office_leader(office: Unit) -> User:
    return make_user("zsj_leader", Role.UNIT_LEADER, office, display_name="严局长")


def matter_values(city: City, **over: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "name": "住房公积金提取",
        "category": "fund",
        "department": city.housing,
        "kind": MatterKind.PROMISED,
        "statutory_days": 20,
        "promised_days": 3,
        "materials": catalogue.parse_materials("身份证｜原件｜1｜可复用\n购房合同｜复印件｜1"),
        "steps": catalogue.DEFAULT_STEPS,
        "fee": "不收费",
        "online": True,
        "at_window": True,
        "visits": 1,
        "how": "网上申报或窗口申报，审核后转账。",
        "location": "市民之家二楼",
        "legal_basis": "《住房公积金管理条例》",
        "guide": None,
    }
    values.update(over)
    return values


@pytest.fixture
def matter(city: City, office: Unit) -> Matter:
    m, _ = catalogue.import_matter(actor=None, code="ZJJ-GJJ-01", values=matter_values(city))
    return m


@pytest.fixture
def quick_matter(city: City, office: Unit) -> Matter:
    values = matter_values(
        city, name="公积金缴存证明打印", kind=MatterKind.IMMEDIATE, promised_days=0, statutory_days=1,
        materials=catalogue.parse_materials("身份证｜原件｜1"), steps=catalogue.IMMEDIATE_STEPS,
    )  # fmt: skip
    m, _ = catalogue.import_matter(actor=None, code="ZJJ-GJJ-02", values=values)
    return m


@pytest.fixture
def person() -> ApplicantData:
    return ApplicantData(name="张小英", id_number="42088119900101123X", phone="13912345678")


@pytest.fixture
def bundle(city: City, matter: Matter, quick_matter: Matter) -> Bundle:
    b = Bundle.objects.create(code="test-bundle", name="测试一件事")
    BundlePart.objects.create(bundle=b, matter=quick_matter, stage=1)
    BundlePart.objects.create(bundle=b, matter=matter, stage=2)
    return b
