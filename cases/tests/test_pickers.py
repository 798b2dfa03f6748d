"""The dispatch and registration forms' pickers: the category tree (searched, loaded lazily) and
the co-unit chips (issue 10, item 5)."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from django.test import Client

from cases import hooks, services
from cases.forms import DispatchForm
from cases.models import Case, Category
from tests.factories import City, make_case

pytestmark = pytest.mark.django_db


def html(response: object) -> str:
    return response.content.decode()  # type: ignore[attr-defined]


def dispatch_form(page: str) -> str:
    found = re.search(r'<form[^>]*id="action-dispatch".*?</form>', page, re.S)
    assert found, "no dispatch form"
    return found.group(0)


def more_categories(city: City) -> Category:
    """A second branch with a leaf about noise: what the search should find."""
    top = Category.objects.create(name="生态环境", level=1, path="生态环境")
    mid = Category.objects.create(name="噪声污染", level=2, path="生态环境/噪声污染", parent=top)
    return Category.objects.create(
        name="建筑施工噪声", level=3, path="生态环境/噪声污染/建筑施工噪声", parent=mid
    )


def test_the_dispatch_form_has_no_multi_select_nor_a_flat_category_list(city: City, client: Client) -> None:
    more_categories(city)
    case = make_case(city)
    client.force_login(city.users["dispatcher"])
    form = dispatch_form(html(client.get(f"/cases/{case.number}/")))
    assert "multiple" not in form  # no Ctrl-click list
    assert 'class="chip-adder"' in form
    assert "＋ 添加协办单位…" in form
    # Only the first level is sent with the page; the leaves come when a branch is opened.
    assert "<summary>城乡建设</summary>" in form
    assert "<summary>生态环境</summary>" in form
    assert "建筑施工噪声" not in form
    # The case's own category is the choice on top, by its whole path.
    assert "城乡建设 › 城市建设和市政管理 › 市政设施" in form


def test_no_co_unit_is_pre_selected_without_advice(city: City, client: Client) -> None:
    case = make_case(city)
    client.force_login(city.users["dispatcher"])
    form = dispatch_form(html(client.get(f"/cases/{case.number}/")))
    assert 'class="chip"' not in form
    assert "未加派协办单位" in form


def test_the_triage_path_and_co_units_are_shown_as_its_suggestion(
    city: City, monkeypatch: pytest.MonkeyPatch
) -> None:
    leaf = more_categories(city)
    case = make_case(city, category=None)
    advice = SimpleNamespace(lead_unit_id=city.housing.pk, co_units=[city.education.code], category=leaf)
    monkeypatch.setattr(hooks.triage_advice, "_answer", lambda c: advice)
    form = DispatchForm(case=case, user=city.users["dispatcher"])
    category, co_units = str(form["category"]), str(form["co_units"])
    assert "生态环境 › 噪声污染 › 建筑施工噪声" in category
    assert 'id="id_dispatch_category_suggested"' in category
    chips = re.findall(r'<li class="chip" data-value="(\d+)">', co_units)
    assert chips == [str(city.education.pk)]
    assert "（分拣建议）" in co_units
    # The unit that is already a chip is not offered twice in the adder.
    assert f'<option value="{city.education.pk}" disabled>' in co_units


def test_a_suggestion_outside_the_case_category_is_not_pre_selected(
    city: City, monkeypatch: pytest.MonkeyPatch
) -> None:
    leaf = more_categories(city)
    case = make_case(city)  # filed under 城乡建设 › … › 市政设施 at registration
    advice = SimpleNamespace(lead_unit_id=city.housing.pk, co_units=[], category=leaf)
    monkeypatch.setattr(hooks.triage_advice, "_answer", lambda c: advice)
    form = DispatchForm(case=case, user=city.users["dispatcher"])
    assert form.fields["category"].initial == city.category.pk


def test_a_branch_opens_with_its_children_and_a_leaf_is_a_choice(city: City, client: Client) -> None:
    leaf = more_categories(city)
    client.force_login(city.users["dispatcher"])
    top = html(client.get("/cases/category-tree/", {"name": "category", "id": "id_dispatch_category"}))
    assert "<summary>生态环境</summary>" in top
    assert leaf.parent is not None
    mid = html(client.get("/cases/category-tree/", {"parent": str(leaf.parent.parent_id)}))
    assert "<summary>噪声污染</summary>" in mid
    leaves = html(client.get("/cases/category-tree/", {"parent": str(leaf.parent_id)}))
    assert f'name="category" value="{leaf.pk}"' in leaves
    assert 'data-label="生态环境 › 噪声污染 › 建筑施工噪声"' in leaves


def test_the_search_lists_leaves_with_their_path_or_says_none_was_found(city: City, client: Client) -> None:
    leaf = more_categories(city)
    client.force_login(city.users["agent"])
    found = html(client.get("/cases/category-tree/", {"term": "噪声 施工"}))
    assert f'value="{leaf.pk}"' in found
    assert "生态环境 › 噪声污染 › 建筑施工噪声" in found
    assert "市政设施" not in found
    nothing = html(client.get("/cases/category-tree/", {"term": "地铁"}))
    assert "未找到包含“地铁”的分类" in nothing


def test_the_tree_needs_a_login(client: Client, city: City) -> None:
    assert client.get("/cases/category-tree/").status_code == 302


def test_dispatching_with_chips_and_a_tree_choice(city: City, client: Client) -> None:
    leaf = more_categories(city)
    case = make_case(city, category=None)
    client.force_login(city.users["dispatcher"])
    body = {
        "lead_unit": city.housing.pk,
        "co_units": [city.education.pk, city.township.pk],
        "category": leaf.pk,
        "urgency": "normal",
        "note": "",
        "term": "噪声",  # the tree's search box travels with the form and is ignored
    }
    response = client.post(f"/cases/{case.number}/act/dispatch/", body)
    assert response.status_code == 302
    fresh = Case.objects.get(pk=case.pk)
    assert fresh.category == leaf
    roles = set(fresh.assignments.values_list("unit__code", "role"))
    assert {(city.education.code, "co"), (city.township.code, "co")} <= roles


def test_a_unit_whose_return_was_upheld_is_not_offered_as_co_unit(city: City, client: Client) -> None:
    dispatcher = city.users["dispatcher"]
    case = make_case(city)
    services.dispatch(case, actor=dispatcher, lead_unit=city.housing)
    services.return_case(
        Case.objects.get(pk=case.pk), actor=city.users["clerk"], reason="不属于本单位职责范围"
    )
    services.rule_dispute(Case.objects.get(pk=case.pk), actor=dispatcher, upheld=True)
    client.force_login(dispatcher)
    form = dispatch_form(html(client.get(f"/cases/{case.number}/")))
    assert f'<option value="{city.housing.pk}"' not in form  # neither as lead nor as co-unit
    assert f'<option value="{city.education.pk}">' in form


def test_registering_with_the_tree(city: City, client: Client) -> None:
    leaf = more_categories(city)
    client.force_login(city.users["agent"])
    page = html(client.get("/cases/new/"))
    assert "（待派单员确定）" in page
    assert "<summary>生态环境</summary>" in page
    assert "建筑施工噪声" not in page
    body = {
        "kind": "complaint",
        "channel": "hotline",
        "content": "工地夜里施工太吵",
        "urgency": "normal",
        "category": leaf.pk,
    }
    response = client.post("/cases/new/", body)
    assert response.status_code == 302
    assert Case.objects.latest("pk").category == leaf
