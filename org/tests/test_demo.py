from __future__ import annotations

import pytest

from org.demo import DEPARTMENTS, RETIRED_VILLAGE_CODES, TOWNSHIP_SLUGS, read_villages, seed_org
from org.models import Unit, UnitKind

pytestmark = pytest.mark.django_db


def test_seed_org_creates_zhongxiangs_31_townships_with_their_nbs_codes() -> None:
    seed_org()
    townships = Unit.objects.filter(kind=UnitKind.TOWNSHIP)
    assert townships.count() == 31
    assert all(t.code.startswith("420881") and len(t.code) == 9 for t in townships)
    assert all(t.division_code == t.code + "000" for t in townships)
    assert Unit.objects.get(code="420881001").name == "郢中街道"
    assert Unit.objects.get(code="420881200").name == "九里乡"
    assert set(townships.values_list("code", flat=True)) == set(TOWNSHIP_SLUGS)


def test_seed_org_creates_the_centre_and_the_city_departments() -> None:
    seed_org()
    assert Unit.objects.get(code="C12345").kind == UnitKind.CENTRE
    departments = Unit.objects.filter(kind=UnitKind.DEPARTMENT)
    assert departments.count() == len(DEPARTMENTS) >= 25
    assert departments.get(code="D-ZJJ").short_name == "市住建局"
    assert all(d.division_code == "" for d in departments)


def test_seed_org_creates_the_574_villages_and_communities_under_their_townships() -> None:
    seed_org()
    villages = Unit.objects.filter(kind=UnitKind.VILLAGE).select_related("parent")
    assert villages.count() == len(read_villages()) == 574
    for v in villages:
        assert v.parent is not None
        assert v.parent.kind == UnitKind.TOWNSHIP
        assert len(v.code) == 12
        assert v.division_code == v.code
        assert v.code.startswith(v.parent.code)
    # Every one of the 31 township-level units has at least one (the 场库 a virtual one).
    assert villages.values("parent").distinct().count() == 31
    pengdun = villages.get(code="420881108217")
    assert (pengdun.name, pengdun.short_name, pengdun.parent_id) == (
        "彭墩村委会",
        "彭墩村",
        Unit.objects.get(name="石牌镇").pk,
    )
    assert villages.get(code="420881001003").display_name == "连家沟社区"
    assert villages.get(code="420881458598").display_name == "温峡虚拟生活区"


def test_the_illustrative_communities_of_before_are_retired() -> None:
    Unit.objects.create(code="V-YZ-MCH", name="莫愁湖社区", kind=UnitKind.VILLAGE)
    seed_org()
    assert not Unit.objects.get(code="V-YZ-MCH").is_active
    assert set(RETIRED_VILLAGE_CODES).isdisjoint(v.code for v in read_villages())


def test_seed_org_is_idempotent_and_repairs_edits() -> None:
    first = seed_org()
    ids = dict(Unit.objects.values_list("code", "pk"))
    Unit.objects.filter(code="D-ZJJ").update(name="改错的名字")
    yingzhong = Unit.objects.get(code="420881001")
    Unit.objects.filter(code="420881108217").update(name="改错的村", parent=yingzhong)
    second = seed_org()
    assert first == second
    assert dict(Unit.objects.values_list("code", "pk")) == ids
    assert Unit.objects.get(code="D-ZJJ").name == "钟祥市住房和城乡建设局"
    village = Unit.objects.get(code="420881108217")
    assert (village.name, village.parent.code if village.parent else None) == ("彭墩村委会", "420881108")
