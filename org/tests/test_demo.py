from __future__ import annotations

import pytest

from org.demo import DEPARTMENTS, TOWNSHIP_SLUGS, seed_org
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


def test_illustrative_communities_have_no_division_code() -> None:
    seed_org()
    villages = Unit.objects.filter(kind=UnitKind.VILLAGE).select_related("parent")
    assert villages.exists()
    assert all(v.division_code == "" for v in villages)
    assert {v.parent.name if v.parent else None for v in villages} == {"郢中街道", "皇庄街道"}
    assert villages.filter(name="莫愁湖社区", parent__code="420881001").exists()


def test_seed_org_is_idempotent_and_repairs_edits() -> None:
    first = seed_org()
    ids = dict(Unit.objects.values_list("code", "pk"))
    Unit.objects.filter(code="D-ZJJ").update(name="改错的名字")
    second = seed_org()
    assert first == second
    assert dict(Unit.objects.values_list("code", "pk")) == ids
    assert Unit.objects.get(code="D-ZJJ").name == "钟祥市住房和城乡建设局"
