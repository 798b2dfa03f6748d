"""要素保障: a problem raised on a project is its enterprise's appeal, dispatched to the unit its
kind names, handled and answered in the case loop, and shown on the project with state and answer."""

from __future__ import annotations

import pytest
from django.test import Client

from accounts.models import Role
from cases import services as case_services
from cases.models import Case, Channel
from enterprises import services as enterprise_services
from enterprises.creditcode import make
from enterprises.models import Appeal, Enterprise
from investment import problems
from investment.models import Project, ProjectProblem
from mochou.errors import DomainError
from tests.factories import PASSWORD, make_user

from .conftest import Office, new_project

pytestmark = pytest.mark.usefixtures("clock")


def with_enterprise(office: Office, n: int = 1) -> Project:
    """A project whose investor is an enterprise of the 店小二 app (same credit code)."""
    code = make(f"91420881MA4{n:06d}")
    enterprise_services.save_enterprise(
        Enterprise(
            name=f"湖北某某新材料有限公司{n}",
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
    return new_project(office, n, investor_credit_code=code)


def test_a_problem_is_the_enterprises_appeal_dispatched_to_the_unit_of_its_kind(office: Office) -> None:
    project = with_enterprise(office)
    assert project.investor is not None
    problem = problems.raise_problem(
        project,
        actor=office.clerk,
        kind="design",
        title="规划设计方案审查慢",
        content="厂房设计方案提交三周未反馈，影响开工。",
    )
    appeal = Appeal.objects.get(pk=problem.appeal_id)
    case = Case.objects.get(pk=appeal.case_id)
    assert appeal.enterprise_id == project.investor.pk
    assert case.channel == Channel.ENTERPRISE
    assert (case.state, case.lead_unit) == ("dispatched", office.city.housing)  # design → 市住建局
    assert case.title.startswith("【要素保障·设计】")
    assert project.number in case.content

    # handled, answered and approved in the cases app, as any appeal
    clerk, leader = office.city.users["clerk"], office.city.users["unit_leader"]
    case_services.accept(case, actor=clerk)
    case_services.submit_reply(case, actor=clerk, body="已组织专班会审，设计方案本周内出具审查意见。")
    case_services.approve_reply(case, actor=leader)
    rows = problems.problems_of(Project.objects.get(pk=project.pk), office.leader)
    assert [(r.problem.kind, r.case.state) for r in rows] == [("design", "replied")]
    assert rows[0].answer is not None
    assert "会审" in rows[0].answer.body

    page = Client()
    assert page.login(username=office.clerk.username, password=PASSWORD)
    html = page.get(f"/investment/p/{project.number}/").content.decode()
    assert case.number in html
    assert "已组织专班会审" in html


def test_the_unit_may_be_chosen_and_a_kind_without_one_waits_for_the_centre(office: Office) -> None:
    project = with_enterprise(office)
    chosen = problems.raise_problem(
        project,
        actor=office.clerk,
        kind="utilities",
        title="用水接入",
        content="厂区自来水管网尚未接入，需协调。",
        unit=office.city.education,
    )
    assert Case.objects.get(appeal__pk=chosen.appeal_id).lead_unit == office.city.education
    other = problems.raise_problem(
        project, actor=office.clerk, kind="other", title="其他问题", content="项目周边道路需要硬化处理。"
    )
    assert (other.unit, Case.objects.get(appeal__pk=other.appeal_id).state) == (None, "registered")


def test_who_may_raise_a_problem_and_what_it_needs(office: Office, outsider: object) -> None:
    project = with_enterprise(office)
    with pytest.raises(DomainError) as refused:
        problems.raise_problem(
            project,
            actor=outsider,  # type: ignore[arg-type]
            kind="land",
            title="用地",
            content="用地指标尚未落实到位。",
        )
    assert refused.value.status == 403
    liaison = make_user("xiaoer", Role.CLERK, office.city.education, display_name="店小二甲")
    Project.objects.filter(pk=project.pk).update(liaison=liaison)
    project.refresh_from_db()
    problems.raise_problem(
        project, actor=liaison, kind="land", title="用地", content="用地指标尚未落实到位。"
    )
    bare = new_project(office, 9)  # its investor is not an enterprise of the 店小二 app
    with pytest.raises(DomainError) as none:
        problems.raise_problem(
            bare, actor=office.clerk, kind="land", title="用地", content="用地指标尚未落实到位。"
        )
    assert none.value.code == "investment.no_enterprise"
    with pytest.raises(DomainError) as kind:
        problems.raise_problem(
            project, actor=office.clerk, kind="weather", title="x", content="用地指标尚未落实到位。"
        )
    assert kind.value.status == 422
    assert ProjectProblem.objects.count() == 1


def test_a_problem_through_the_page_and_the_api(office: Office) -> None:
    from accounts.models import ApiToken

    project = with_enterprise(office)
    page = Client()
    assert page.login(username=office.clerk.username, password=PASSWORD)
    r = page.post(
        f"/investment/p/{project.number}/problem/",
        {
            "problem-kind": "land",
            "problem-title": "用地报批",
            "problem-content": "项目用地报批材料已报送两个月。",
        },
    )
    assert r.status_code == 302
    assert (
        Case.objects.get(appeal__investment_problem__project=project).lead_unit is None
    )  # no 自然资源局 here
    bad = page.post(
        f"/investment/p/{project.number}/problem/",
        {"problem-kind": "land", "problem-title": "x", "problem-content": "短"},
    )
    assert bad.status_code == 422
    assert "至少需要10个字" in bad.content.decode()
    assert ProjectProblem.objects.count() == 1
    token = {"Authorization": f"Bearer {ApiToken.issue(office.clerk)}"}
    api = f"/api/v1/investment/projects/{project.number}/problems"
    r = page.post(
        api,
        {
            "kind": "approval",
            "title": "环评审批",
            "content": "环评报告书已受理，请加快审批。",
            "unit": "D-ZJJ",
        },
        content_type="application/json",
        headers=token,
    )
    assert r.status_code == 201, r.content
    assert (r.json()["unit"], r.json()["state"]) == ("市住建局", "dispatched")
    listed = page.get(api, headers=token).json()
    assert [p["kind"] for p in listed] == ["approval", "land"]
    r = page.post(
        api,
        {"kind": "approval", "title": "x", "content": "环评报告书已受理，请加快审批。", "unit": "NOPE"},
        content_type="application/json",
        headers=token,
    )
    assert r.status_code == 422


def test_an_investor_who_joins_dianxiaoer_after_registration_gets_its_problems_heard(office: Office) -> None:
    project = new_project(office, 3)  # registered first: no enterprise of that code yet
    assert project.investor is None
    page = Client()
    assert page.login(username=office.clerk.username, password=PASSWORD)
    before = page.get(f"/investment/p/{project.number}/").content.decode()
    assert 'id="no-enterprise"' in before
    assert 'id="problem-form"' not in before
    enterprise_services.save_enterprise(
        Enterprise(
            name="湖北某某新材料有限公司3",
            credit_code=project.investor_credit_code,
            industry="新材料",
            park="湖北钟祥经济开发区",
            township=office.city.township,
            address="兴业大道3号",
            contact_name="王建国",
            contact_mobile="13972900003",
        ),
        actor=office.city.users["admin"],
    )
    after = page.get(f"/investment/p/{project.number}/").content.decode()
    assert 'id="problem-form"' in after  # the page offers what the service now does
    problem = problems.raise_problem(
        project, actor=office.clerk, kind="utilities", title="用电", content="专线接入迟迟未落实。"
    )
    project.refresh_from_db()
    assert project.investor is not None
    assert project.investor.credit_code == project.investor_credit_code  # the link is kept
    assert problem.appeal.enterprise_id == project.investor.pk
