from __future__ import annotations

import pytest
from django.utils import timezone

from cases.models import Category, CategoryLimit, LimitVersion, Urgency
from cases.taxonomy import LIMITS, default_unit_for, load_taxonomy, read_taxonomy
from org.demo import seed_org

pytestmark = pytest.mark.django_db


@pytest.fixture
def taxonomy() -> dict[int, int]:
    seed_org()
    return load_taxonomy()


def test_the_517_leaf_paths_become_a_three_level_tree(taxonomy: dict[int, int]) -> None:
    assert len(read_taxonomy()) == 517
    assert taxonomy[1] == 15
    assert taxonomy[3] == Category.objects.filter(level=3).count() == 517
    for leaf in Category.objects.filter(level=3).select_related("parent__parent"):
        top, mid, name = leaf.path.split("/")
        assert leaf.name == name
        parent = leaf.parent
        assert parent is not None
        assert parent.path == f"{top}/{mid}"
        assert parent.level == 2
        assert parent.parent is not None
        assert parent.parent.path == top
        assert parent.parent.parent_id is None


def test_every_first_level_category_has_limits_that_leaves_inherit(taxonomy: dict[int, int]) -> None:
    tops = Category.objects.filter(level=1)
    assert set(tops.values_list("name", flat=True)) == set(LIMITS)
    leaf = Category.objects.get(path="城乡建设/城市建设和市政管理/自来水供应")
    version = LimitVersion.in_force(timezone.now())
    assert version is not None
    assert version.number == 1
    assert not CategoryLimit.objects.filter(category=leaf).exists()  # set on the first level only
    assert leaf.limits_for(Urgency.NORMAL, version) == (
        LIMITS["城乡建设"].accept_hours,
        LIMITS["城乡建设"].handle_days,
    )
    assert leaf.limits_for(Urgency.URGENT, version) == (1, 3)
    for top in tops:
        limits = LIMITS[top.name]
        assert top.limits_for(Urgency.NORMAL, version) == (limits.accept_hours, limits.handle_days)


def test_categories_point_at_the_department_that_handles_them(taxonomy: dict[int, int]) -> None:
    def unit_code(path: str) -> str:
        unit = default_unit_for(Category.objects.get(path=path))
        assert unit is not None
        return unit.code

    assert unit_code("城乡建设/城市建设和市政管理/自来水供应") == "D-ZLS"
    assert unit_code("城乡建设/住房保障与房地产/房屋租赁") == "D-ZJJ"
    assert unit_code("环境保护/其他/其他") == "D-STHJ"
    assert unit_code("劳动和社会保障/其他/其他") == "D-RSJ"
    assert unit_code("商贸旅游/市场监管/商品质量") == "D-SCJ"
    assert all(default_unit_for(c) is not None for c in Category.objects.filter(level=3))


def test_loading_twice_changes_nothing(taxonomy: dict[int, int]) -> None:
    ids = dict(Category.objects.values_list("path", "pk"))
    entries = list(CategoryLimit.objects.values_list("version_id", "category_id", "handle_days"))
    assert load_taxonomy() == taxonomy
    assert dict(Category.objects.values_list("path", "pk")) == ids
    # Limits are versioned: a second load publishes nothing and edits no published version.
    assert LimitVersion.objects.count() == 1
    assert list(CategoryLimit.objects.values_list("version_id", "category_id", "handle_days")) == entries


def test_the_tree_loads_without_units() -> None:
    counts = load_taxonomy()
    assert counts[3] == 517
    assert not Category.objects.filter(default_unit__isnull=False).exists()
