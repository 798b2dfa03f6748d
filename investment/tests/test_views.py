"""The pages: a project's journey through the forms, confidentiality (and its audit), the reports."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from accounts.audit.models import AuditRecord
from investment.models import Project
from tests.factories import PASSWORD

from .conftest import Office, approved, new_project, pdf

pytestmark = pytest.mark.usefixtures("clock")


def login(user: object) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)  # type: ignore[attr-defined]
    return client


def test_a_stage_declared_documented_submitted_and_approved_through_the_pages(office: Office) -> None:
    project = new_project(office)
    clerk, leader = login(office.clerk), login(office.leader)
    url = reverse("investment:detail", args=[project.number])
    response = clerk.post(
        reverse("investment:report_new", args=[project.number]),
        {"stage": "sign", "date": "2025-09-01", "event_name": "招商推介会"},
    )
    assert response.status_code == 302
    report = project.reports.get()
    clerk.post(reverse("investment:document_add", args=[report.pk]), {"title": "投资协议", "file": pdf()})
    clerk.post(reverse("investment:report_act", args=[report.pk, "submit"]))
    queue = leader.get(reverse("investment:review"))
    assert project.code_name in queue.content.decode()
    leader.post(reverse("investment:report_act", args=[report.pk, "return"]), {"note": "请补充盖章页"})
    page = clerk.get(url).content.decode()
    assert "请补充盖章页" in page
    clerk.post(reverse("investment:report_act", args=[report.pk, "submit"]))
    leader.post(reverse("investment:report_act", args=[report.pk, "approve"]), {"note": "同意"})
    assert Project.objects.get(pk=project.pk).state == "signed"


def test_only_the_small_role_sees_the_real_name_and_each_view_is_audited(office: Office) -> None:
    project = new_project(office)
    url = reverse("investment:detail", args=[project.number])
    clerk_page = login(office.clerk).get(url).content.decode()
    assert project.name not in clerk_page
    assert "保密" in clerk_page
    assert not AuditRecord.objects.filter(action="investment.confidential_view").exists()
    leader_page = login(office.leader).get(url).content.decode()
    assert project.name in leader_page
    assert (
        AuditRecord.objects.filter(action="investment.confidential_view", target_id=str(project.pk)).count()
        == 1
    )


def test_a_refused_declaration_shown_to_the_small_role_is_audited_too(office: Office) -> None:
    project = new_project(office)
    audited = AuditRecord.objects.filter(action="investment.confidential_view", target_id=str(project.pk))
    response = login(office.leader).post(
        reverse("investment:report_new", args=[project.number]), {"stage": "sign", "date": "2999-01-01"}
    )
    assert response.status_code == 422
    assert project.name in response.content.decode()
    assert audited.count() == 1


def test_a_township_sees_only_its_own_projects(office: Office, outsider: object) -> None:
    project = new_project(office)
    assert (
        login(office.township_clerk).get(reverse("investment:detail", args=[project.number])).status_code
        == 200
    )
    assert login(outsider).get(reverse("investment:detail", args=[project.number])).status_code == 404


def test_the_monthly_report_exports_the_counted_signings(office: Office) -> None:
    project = new_project(office)
    approved(office, project, "sign", date(2025, 9, 3))
    approved(office, project, "start", date(2025, 9, 10))
    client = login(office.leader)
    assert client.get(reverse("investment:pipeline") + "?year=2025").status_code == 200
    response = client.get(reverse("investment:export_monthly") + "?year=2025&month=9")
    book = load_workbook(io.BytesIO(response.content))
    rows = list(book["本月-园区"].iter_rows(values_only=True))
    park_row = next(r for r in rows if r[0] == "钟祥经开区")
    assert park_row[1:] == (1, 50000, 0, 1, 0, 0)
    assert rows[-1][0] == "合计"
    assert login(office.clerk).get(reverse("investment:parks")).status_code == 200


def test_the_parks_page_lists_each_parks_enterprises(office: Office) -> None:
    """Each of the five parks shows its 店小二 enterprises by name (not a count that stays 0 for
    three parks because the enterprises app knew only two), linked where the user may see one."""
    from enterprises import services as enterprise_services
    from enterprises.creditcode import make
    from enterprises.models import PARKS, Enterprise
    from investment.demo import PARKS as PARK_ROWS
    from investment.models import Park

    assert tuple(name for _, name, _, _ in PARK_ROWS) == PARKS  # one name for each park, both apps
    shuanghe = Park.objects.create(code="shxh", name="双河循环经济产业园", short_name="双河产业园")
    for n, (name, park) in enumerate(
        (("钟祥市双河化工有限公司", shuanghe.name), ("钟祥市园外商贸公司", "")), 1
    ):
        enterprise_services.save_enterprise(
            Enterprise(
                name=name, credit_code=make(f"91420881MA5{n:06d}"), industry="化工", park=park,
                township=office.city.township, address="双河镇工业路1号", contact_name="张伟",
                contact_mobile=f"1397290010{n}",
            ),
            actor=office.city.users["admin"],
        )  # fmt: skip
    page = login(office.leader).get(reverse("investment:parks")).content.decode()
    listed = page.split('id="park-enterprises"', 1)[1]
    assert "钟祥市双河化工有限公司" in listed.split('data-park="shxh"', 1)[1].split("</ul>", 1)[0]
    assert "钟祥市园外商贸公司" not in page  # outside the parks
    assert "暂无登记在该园区的企业" in listed.split('data-park="zxkfq"', 1)[1].split("</ul>", 1)[0]
    admin = Client()
    admin.force_login(office.city.users["admin"])
    shown = admin.get(reverse("investment:parks")).content.decode()
    assert reverse("enterprises:detail", args=[Enterprise.objects.get(park=shuanghe.name).pk]) in shown
