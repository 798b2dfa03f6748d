"""Duplicate projects (duplicates.py): an investor may hold several projects; the same project
entered twice — one investor's same or near-same name, another investor's same name — is refused
while the first is live; the counted figures stay exact."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from investment import reports, services
from investment.duplicates import form_key, near_key
from investment.indicators import measure
from investment.models import Project, Signing
from mochou.errors import Conflict
from tests.factories import PASSWORD

from .conftest import Office, approved, credit, new_project, project_data
from .test_api import BASE, headers

pytestmark = pytest.mark.usefixtures("clock")  # today is 2025-09-24

# new_project(office, 1) is "年产1万吨高性能复合材料项目" of 湖北某某新材料有限公司1 (credit(1)).
FIRST = {"investor_name": "湖北某某新材料有限公司1", "investor_credit_code": credit(1)}
YEAR = {"start": date(2025, 1, 1), "end": date(2026, 1, 1)}


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("XX新材料项目（一期）", "xx新材料项目(一期)", True),  # brackets, case
        ("ＸＸ 新材料项目", "XX新材料项目", True),  # full-width letters, a space
        ("年产１万吨材料", "年产1万吨材料", True),  # a full-width digit
        ("XX新材料项目", "XX新材料", False),  # the suffix is not form
    ],
)
def test_the_same_name_ignores_only_the_form(a: str, b: str, same: bool) -> None:
    assert (form_key(a) == form_key(b)) is same


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("XX新材料项目", "XX新材料", True),
        ("XX新材料项目一期", "XX新材料", True),  # a first phase is the project itself
        ("XX新材料一期项目", "XX新材料项目（首期）", True),
        ("XX新材料项目（第一期）", "XX新材料1期", True),
        ("XX新材料建设项目", "XX新材料项目", True),
        ("XX新材料项目二期", "XX新材料项目", False),  # a second phase is a project of its own
        ("XX新材料项目（第二期）", "XX新材料2期项目", True),
        ("XX新材料项目", "XX新能源项目", False),
    ],
)
def test_a_near_same_name_drops_the_suffix_and_a_first_phase(a: str, b: str, same: bool) -> None:
    assert (near_key(a) == near_key(b)) is same


def test_the_same_investors_second_unrelated_project_is_accepted_and_counted_as_a_new_signing(
    office: Office,
) -> None:
    first = new_project(office, 1)
    approved(office, first, "sign", date(2025, 2, 10))
    second = new_project(office, 2, name="年产5万吨锂电池隔膜项目", **FIRST)
    approved(office, second, "sign", date(2025, 9, 15))
    assert second.investor_credit_code == first.investor_credit_code
    rows = Signing.objects.order_by("date").values_list("project__number", "kind", "counted", "amount")
    assert list(rows) == [
        (first.number, "new", 1, Decimal("50000.00")),
        (second.number, "new", 1, Decimal("50000.00")),
    ]
    assert measure("signed_count", **YEAR) == 2
    assert measure("signed_amount", **YEAR) == Decimal("100000.00")


@pytest.mark.parametrize(
    "name",
    [
        "年产1万吨高性能复合材料项目（一期）",
        "年产１万吨 高性能复合材料",
        "年产1万吨高性能复合材料一期建设项目",
    ],
)
def test_a_near_same_name_of_the_same_investor_is_refused_naming_the_project(
    office: Office, name: str
) -> None:
    first = new_project(office, 1)
    with pytest.raises(Conflict) as refused:
        new_project(office, 2, name=name, **FIRST)
    assert refused.value.code == "investment.duplicate_project"
    assert refused.value.details == {"field": "name", "project": first.number}
    assert f"（{first.number} 新材料项目1号）" in refused.value.message
    assert Project.objects.count() == 1


def test_the_same_investor_is_known_by_name_before_a_credit_code_is_given(office: Office) -> None:
    first = new_project(office, 1, investor_credit_code="")
    with pytest.raises(Conflict) as refused:
        new_project(
            office,
            2,
            name="年产1万吨高性能复合材料",
            investor_credit_code="",
            investor_name="湖北某某新材料有限公司1",
        )
    assert refused.value.details["project"] == first.number
    new_project(office, 3, name="年产1万吨高性能复合材料项目二期", **FIRST)  # a second phase: its own


def test_another_investors_project_of_the_same_name_is_refused_a_near_name_is_not(office: Office) -> None:
    first = new_project(office, 1)
    with pytest.raises(Conflict) as refused:
        new_project(office, 2, name="年产1万吨 高性能复合材料项目")
    assert refused.value.code == "investment.duplicate_name"
    assert refused.value.details == {"field": "name", "project": first.number}
    assert "变更投资方" in refused.value.message
    new_project(office, 3, name="年产1万吨高性能复合材料")  # another investor's, by another name


def test_a_lost_project_is_no_duplicate_until_it_is_won_back(office: Office) -> None:
    lost = new_project(office, 1)
    approved(office, lost, "sign", date(2025, 2, 10))
    approved(office, lost, "terminate", date(2025, 3, 1), reason="moved_elsewhere", note="拟落户外地")
    talks = services.declare_stage(  # declared before the project is registered anew
        lost, actor=office.clerk, data={"stage": "negotiate", "date": date(2025, 4, 1), "note": "重新洽谈"}
    )
    services.submit_report(talks, actor=office.clerk)
    again = new_project(office, 2, name="年产1万吨高性能复合材料项目", **FIRST)
    with pytest.raises(Conflict) as at_review:
        services.approve_report(talks, actor=office.leader)
    assert (at_review.value.code, at_review.value.details["project"]) == (
        "investment.duplicate_project",
        again.number,
    )
    talks.refresh_from_db()
    assert (talks.status, Project.objects.get(pk=lost.pk).state) == ("submitted", "terminated")


def test_a_lost_project_may_not_be_declared_won_back_once_registered_anew(office: Office) -> None:
    lost = new_project(office, 1)
    approved(office, lost, "sign", date(2025, 2, 10))
    approved(office, lost, "terminate", date(2025, 3, 1), reason="moved_elsewhere", note="拟落户外地")
    again = new_project(office, 2, name="年产1万吨高性能复合材料（一期）", **FIRST)
    with pytest.raises(Conflict) as refused:
        services.declare_stage(
            Project.objects.get(pk=lost.pk),
            actor=office.clerk,
            data={"stage": "sign", "date": date(2025, 6, 1)},
        )
    assert (refused.value.code, refused.value.details["project"]) == (
        "investment.duplicate_project",
        again.number,
    )


def test_a_change_of_investor_refuses_only_the_same_project_of_the_new_investor(office: Office) -> None:
    held = new_project(office, 1)  # 湖北某某新材料有限公司1 holds it
    project = new_project(office, 2)
    approved(office, project, "sign", date(2025, 2, 10))
    to_first = {"new_investor_name": "湖北某某新材料有限公司1", "new_investor_credit_code": credit(1)}
    approved(office, project, "change_investor", date(2025, 5, 5), **to_first)  # another project of theirs
    assert list(Signing.objects.order_by("pk").values_list("kind", flat=True)) == ["new", "investor_change"]
    near = new_project(office, 3, name="年产1万吨高性能复合材料")  # another investor's near name
    approved(office, near, "sign", date(2025, 2, 10))
    with pytest.raises(Conflict) as refused:
        services.declare_stage(
            near, actor=office.clerk, data={"stage": "change_investor", "date": date(2025, 5, 5)} | to_first
        )
    assert (refused.value.code, refused.value.details["project"]) == (
        "investment.duplicate_project",
        held.number,
    )


def test_counting_on_a_known_pipeline_stays_exact_with_a_second_project_and_a_refused_one(
    office: Office, pipeline: dict[str, Project]
) -> None:
    second = new_project(office, 6, name="年产5万吨锂电池隔膜项目", total_investment=Decimal(80000), **FIRST)
    approved(office, second, "sign", date(2025, 9, 15))
    with pytest.raises(Conflict):
        new_project(office, 7, name="年产1万吨高性能复合材料（一期）", **FIRST)
    approved(office, second, "terminate", date(2025, 9, 16), reason="moved_elsewhere", note="拟落户外地")
    approved(office, second, "sign", date(2025, 9, 20), note="重新签约")  # re-signed: counts once
    # 2025: P1 50000 (Feb), P2 120000 (Sep, ≥10亿元), P4's increment 20000 (Sep), P6 80000 (Sep)
    assert measure("signed_count", **YEAR) == 3
    assert measure("signed_amount", **YEAR) == Decimal("270000.00")
    assert measure("major_signed_count", **YEAR) == 1
    september = reports.tallies(date(2025, 9, 1), date(2025, 10, 1), by="month")
    total = next(t for t in september if t.label == "合计")
    assert (total.signed, total.amount, total.major) == (2, Decimal(220000), 1)


def test_a_near_same_name_is_refused_on_the_page_and_by_the_api(client: Client, office: Office) -> None:
    first = new_project(office, 1)
    page = Client()
    assert page.login(username=office.clerk.username, password=PASSWORD)
    data = project_data(office, 2, name="年产1万吨高性能复合材料（一期）", **FIRST)
    form = {
        k: getattr(v, "pk", v) for k, v in data.items() if v is not None and k not in ("park", "chain")
    } | {"chain": office.chain.pk, "park": office.park.pk, "responsible_unit": office.unit.pk}
    response = page.post(reverse("investment:new"), form)
    assert response.status_code == 200
    assert (
        f"该投资方已有名称相同或相近的在办项目（{first.number} 新材料项目1号）" in response.content.decode()
    )
    body = {k: str(v) for k, v in form.items()} | {
        "chain": office.chain.code,
        "park": office.park.code,
        "township": office.city.township.code,
    }
    body.pop("responsible_unit")
    r = client.post(f"{BASE}/projects", body, content_type="application/json", headers=headers(office.clerk))
    assert r.status_code == 409, r.content
    assert (r.json()["code"], r.json()["details"]["project"]) == (
        "investment.duplicate_project",
        first.number,
    )
    assert Project.objects.count() == 1
