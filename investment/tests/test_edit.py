"""修改项目信息: who may edit, what a signed project keeps, duplicates, the investor link, the
audit; and the 签约 that needs the credit code is refused already when it is submitted."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from accounts.audit.models import AuditRecord
from enterprises import services as enterprise_services
from enterprises.models import Enterprise
from investment import access, services
from investment.models import Project
from mochou.errors import Conflict, NotPermitted
from tests.factories import PASSWORD

from .conftest import Office, approved, credit, new_project, pdf

pytestmark = pytest.mark.usefixtures("clock")
BASE = "/api/v1/investment"


def login(user: object) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)  # type: ignore[attr-defined]
    return client


def enterprise(office: Office, code: str) -> Enterprise:
    return enterprise_services.save_enterprise(
        Enterprise(
            name="湖北某某新材料有限公司",
            credit_code=code,
            industry="新材料",
            park="湖北钟祥经济开发区",
            township=office.city.township,
            address="兴业大道1号",
            contact_name="刘春燕",
            contact_mobile="13972900001",
        ),
        actor=office.city.users["admin"],
    )


def test_a_project_registered_without_a_credit_code_gets_it_later_and_is_signed(office: Office) -> None:
    project = new_project(office, investor_credit_code="")
    report = services.declare_stage(
        project, actor=office.clerk, data={"stage": "sign", "date": date(2025, 9, 1)}
    )
    services.add_document(report, actor=office.clerk, title="投资协议", file=pdf())
    with pytest.raises(Conflict) as refused:
        services.submit_report(report, actor=office.clerk)
    assert refused.value.code == "investment.credit_code_required"
    assert "统一社会信用代码" in refused.value.message
    code = credit(42)
    known = enterprise(office, code)
    services.update_project(project, actor=office.clerk, data={"investor_credit_code": code})
    project.refresh_from_db()
    assert (project.investor_credit_code, project.investor_id) == (code, known.pk)  # linked again
    services.submit_report(report, actor=office.clerk)
    services.approve_report(report, actor=office.leader)
    assert Project.objects.get(pk=project.pk).state == "signed"


def test_an_edit_is_audited_with_its_old_and_new_values(office: Office) -> None:
    project = new_project(office)
    services.update_project(
        project, actor=office.clerk, data={"code_name": "新材料项目甲", "expected_jobs": 500}
    )
    row = AuditRecord.objects.get(action="investment.project_edit", target_id=str(project.pk))
    assert row.old == {"code_name": "新材料项目1号", "expected_jobs": 300}
    assert row.new == {"code_name": "新材料项目甲", "expected_jobs": 500}
    services.update_project(project, actor=office.clerk, data={"expected_jobs": 500})  # nothing changes
    assert AuditRecord.objects.filter(action="investment.project_edit").count() == 1


def test_an_edit_is_refused_a_duplicate_name_or_investor(office: Office) -> None:
    new_project(office, 1)
    second = new_project(office, 2)
    # The investor of project 1 may hold project 2 as well, not project 1 again.
    services.update_project(second, actor=office.clerk, data={"investor_credit_code": credit(1)})
    with pytest.raises(Conflict) as same_investor:
        services.update_project(second, actor=office.clerk, data={"name": "年产1万吨高性能复合材料（一期）"})
    assert same_investor.value.code == "investment.duplicate_project"
    services.update_project(second, actor=office.clerk, data={"investor_credit_code": credit(2)})
    with pytest.raises(Conflict) as same_name:  # another investor's project by the same name
        services.update_project(second, actor=office.clerk, data={"name": "年产1万吨 高性能复合材料项目"})
    assert same_name.value.code == "investment.duplicate_name"


def test_who_may_edit_a_project(office: Office, outsider: object) -> None:
    project = new_project(office)
    township = services.register_project(
        actor=office.township_clerk,
        data={**_data(office, 5)},
    )
    assert access.may_edit_project(office.clerk, project)
    assert access.may_edit_project(office.township_clerk, township)  # its responsible unit
    assert access.may_edit_project(office.clerk, township)  # the 招商局
    assert not access.may_edit_project(office.township_clerk, project)
    assert not access.may_edit_project(outsider, township)
    with pytest.raises(NotPermitted):
        services.update_project(project, actor=office.township_clerk, data={"task_force": "专班"})
    with pytest.raises(NotPermitted):  # only the 招商局 hands a project to another unit
        services.update_project(township, actor=office.township_clerk, data={}, responsible_unit=office.unit)


def _data(office: Office, n: int) -> dict[str, object]:
    from .conftest import project_data

    return project_data(office, n)


def test_a_lost_project_cannot_be_edited(office: Office) -> None:
    project = new_project(office)
    approved(office, project, "negotiate", date(2025, 8, 1))
    approved(office, project, "terminate", date(2025, 9, 1), reason="market", note="投资方转投外地")
    with pytest.raises(Conflict) as closed:
        services.update_project(project, actor=office.clerk, data={"task_force": "专班"})
    assert closed.value.code == "investment.project_closed"
    assert not access.may_edit_project(office.clerk, Project.objects.get(pk=project.pk))


def test_a_signed_project_changes_investor_and_total_only_by_a_stage(office: Office) -> None:
    project = new_project(office)
    approved(office, project, "sign", date(2025, 9, 1))
    for data in ({"total_investment": Decimal(90000)}, {"investor_credit_code": credit(9)}):
        with pytest.raises(Conflict) as refused:
            services.update_project(project, actor=office.clerk, data=data)
        assert refused.value.code == "investment.signed_fact"
    services.update_project(project, actor=office.clerk, data={"expected_jobs": 320})  # the rest may change
    assert Project.objects.get(pk=project.pk).expected_jobs == 320


def test_the_edit_page_hides_the_confidential_facts_and_keeps_them_when_left_blank(office: Office) -> None:
    project = new_project(office)
    url = reverse("investment:edit", args=[project.number])
    clerk = login(office.clerk)
    detail = clerk.get(reverse("investment:detail", args=[project.number])).content.decode()
    assert url in detail
    page = clerk.get(url).content.decode()
    assert project.name not in page
    assert project.investor_name not in page
    assert "50000" not in page
    form = {
        "code_name": "新材料项目乙", "source": "event", "chain": office.chain.pk, "park": office.park.pk,
        "township": office.city.township.pk, "expected_jobs": 310,
    }  # fmt: skip
    response = clerk.post(url, form)
    assert response.status_code == 302, response.content.decode()
    project.refresh_from_db()
    assert (project.code_name, project.expected_jobs) == ("新材料项目乙", 310)
    assert (project.name, project.total_investment) == ("年产1万吨高性能复合材料项目", Decimal("50000.00"))
    leader_page = login(office.leader).get(url).content.decode()
    assert project.name in leader_page  # the small role edits what it sees, and the view is audited
    assert AuditRecord.objects.filter(action="investment.confidential_view", reason="修改项目信息").exists()


def test_a_project_is_edited_over_json(client: Client, office: Office) -> None:
    from accounts.models import ApiToken

    project = new_project(office, investor_credit_code="")
    clerk = {"Authorization": f"Bearer {ApiToken.issue(office.clerk)}"}
    url = f"{BASE}/projects/{project.number}"
    r = client.patch(
        url, {"investor_credit_code": credit(3), "park": None}, content_type="application/json", headers=clerk
    )
    assert r.status_code == 200, r.content
    assert (r.json()["park"], r.json()["investor_credit_code"]) == (None, None)  # a clerk sees no code
    project.refresh_from_db()
    assert (project.investor_credit_code, project.park_id, project.name) == (
        credit(3),
        None,
        "年产1万吨高性能复合材料项目",
    )
    bad = client.patch(url, {"chain": "nope"}, content_type="application/json", headers=clerk)
    assert (bad.status_code, bad.json()["code"]) == (422, "investment.invalid")
    township = {"Authorization": f"Bearer {ApiToken.issue(office.township_clerk)}"}
    other = client.patch(url, {"task_force": "x"}, content_type="application/json", headers=township)
    # The township sees the projects that lie in it, but edits only those it answers for.
    assert (other.status_code, other.json()["code"]) == (403, "investment.not_your_unit")
