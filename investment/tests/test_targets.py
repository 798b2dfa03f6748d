"""目标考核表 on the known pipeline (conftest.pipeline), exactly: actual against the targets in force
and 序时; targets versioned and audited; the workbook; and the page's and API's refusals."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from django.test import Client
from openpyxl import load_workbook

from accounts.audit.models import AuditRecord
from accounts.models import ApiToken
from investment import export, targets
from investment.models import Project, Target
from mochou.errors import DomainError
from tests.factories import PASSWORD

from .conftest import Office

pytestmark = pytest.mark.usefixtures("clock")  # today is 2025-09-24
ON = date(2025, 9, 24)
SHARE = Decimal("0.7315")  # 267 of 365 days gone at the end of 24 September


def cells(table: targets.Assessment, label: str) -> dict[str, tuple[object, object, object, bool]]:
    row = next(r for r in table.rows if r.label == label)
    return {c.figure: (c.actual, c.target, c.rate, c.behind) for c in row.cells}


def test_actual_against_target_and_time_share(office: Office, pipeline: dict[str, Project]) -> None:
    set_ = lambda **kw: targets.set_target(actor=office.clerk, year=2025, **kw)  # noqa: E731
    set_(figure="signed", value=3)
    set_(figure="signed", value=4)  # a correction: the latest is in force
    set_(figure="amount", value="200000")
    set_(figure="producing", value=1, township=office.city.township)
    set_(figure="funds", value="10000", park=office.park)
    assert targets.time_share(2025, ON) == SHARE
    assert targets.time_share(2024, ON) == 1
    assert targets.time_share(2026, ON) == 0

    city = cells(targets.assessment(2025, by="township", on=ON, user=office.leader), "合计")
    assert city["signed"] == (Decimal(2), Decimal(4), Decimal("0.5000"), True)  # behind 73.15%
    assert city["amount"] == (Decimal(190000), Decimal(200000), Decimal("0.9500"), False)
    assert city["started"] == (Decimal(1), None, None, False)  # no target
    township = cells(targets.assessment(2025, by="township", on=ON, user=office.leader), "郢中街道")
    assert township["producing"] == (Decimal(1), Decimal(1), Decimal("1.0000"), False)
    park = cells(targets.assessment(2025, by="park", on=ON, user=office.leader), "钟祥经开区")
    assert park["funds"] == (Decimal("12000.50"), Decimal(10000), Decimal("1.2001"), False)
    chain = cells(targets.assessment(2025, by="chain", on=ON, user=office.leader), "优质稻米（3+6）")
    assert chain["signed"][0] == Decimal(1)
    # To an earlier day, only what was signed by then counts.
    early = cells(targets.assessment(2025, by="township", on=date(2025, 3, 1), user=office.leader), "合计")
    assert early["signed"][0] == Decimal(1)

    assert [t.value for t in targets.history(2025) if t.figure == "signed"] == [Decimal(4), Decimal(3)]
    assert AuditRecord.objects.filter(action="investment.target").count() == 5


def test_a_clerk_sees_counts_but_not_an_amount_of_too_few_projects(
    office: Office, pipeline: dict[str, Project]
) -> None:
    park = cells(targets.assessment(2025, by="park", on=ON, user=office.clerk), "钟祥经开区")
    assert park["amount"][0] is None
    assert park["funds"][0] is None
    assert park["signed"][0] == Decimal(1)
    total = cells(targets.assessment(2025, by="park", on=ON, user=office.clerk), "合计")
    assert total["amount"][0] == Decimal(190000)  # three projects


def test_only_the_office_sets_targets_and_bad_values_are_refused(office: Office) -> None:
    with pytest.raises(DomainError) as township:
        targets.set_target(actor=office.township_clerk, year=2025, figure="signed", value=3)
    assert township.value.status == 403
    for figure, value in (("signed", "2.5"), ("signed", "-1"), ("amount", "abc"), ("weight", 1)):
        with pytest.raises(DomainError) as bad:
            targets.set_target(actor=office.clerk, year=2025, figure=figure, value=value)
        assert bad.value.status == 422
    with pytest.raises(DomainError):
        targets.set_target(
            actor=office.clerk, year=2025, figure="signed", value=1, park=office.park, chain=office.chain
        )
    assert Target.objects.count() == 0
    t = targets.set_target(actor=office.clerk, year=2025, figure="signed", value=1)
    with pytest.raises(RuntimeError):
        t.save()  # append-only


def test_the_workbook_opens_with_headers_formats_and_figures(
    office: Office, pipeline: dict[str, Project]
) -> None:
    targets.set_target(actor=office.clerk, year=2025, figure="signed", value=4)
    book = load_workbook(io.BytesIO(export.targets_workbook(2025, on=ON, user=office.leader)))
    assert book.sheetnames == ["按乡镇", "按园区", "按产业链"]
    sheet = book["按乡镇"]
    assert sheet.freeze_panes == "A4"
    head = [c.value for c in sheet[3]]
    assert head[:4] == ["乡镇", "新签约项目（个）完成", "新签约项目（个）目标", "新签约项目（个）完成率"]
    assert head[-1] == "序时进度"
    total = next(r for r in sheet.iter_rows(min_row=4) if r[0].value == "合计")
    assert (total[1].value, total[2].value, total[3].value) == (2, 4, 0.5)
    assert total[3].number_format == "0.00%"
    assert total[-1].value == pytest.approx(0.7315)
    assert total[4].number_format == "0.00"  # 签约额（万元）
    clerk = load_workbook(io.BytesIO(export.targets_workbook(2025, on=ON, user=office.clerk)))
    park = next(r for r in clerk["按园区"].iter_rows(min_row=4, values_only=True) if r[0] == "钟祥经开区")
    assert park[4] == "*"


def test_the_page_and_the_api(office: Office, pipeline: dict[str, Project]) -> None:
    page = Client()
    assert page.login(username=office.clerk.username, password=PASSWORD)
    r = page.post(
        "/investment/targets/?year=2025",
        {
            "year": 2025,
            "scope": "township",
            "township": office.city.township.pk,
            "figure": "signed",
            "value": 3,
        },
    )
    assert r.status_code == 302
    assert (
        page.post(
            "/investment/targets/", {"year": 2025, "scope": "park", "figure": "signed", "value": 3}
        ).status_code
        == 422
    )
    html = page.get("/investment/targets/?year=2025").content.decode()
    assert "落后序时" in html
    assert "73%" in html
    xlsx = page.get("/investment/export/targets.xlsx?year=2025")
    assert xlsx.status_code == 200
    assert xlsx["Content-Type"].startswith("application/vnd.openxml")
    token = {"Authorization": f"Bearer {ApiToken.issue(office.clerk)}"}
    r = page.post(
        "/api/v1/investment/targets",
        {"year": 2025, "figure": "amount", "value": "300000", "park": office.park.code},
        content_type="application/json",
        headers=token,
    )
    assert r.status_code == 204, r.content
    r = page.get("/api/v1/investment/targets?year=2025&by=park", headers=token)
    body = r.json()
    assert body["time_share"] == "0.7315"
    row = next(x for x in body["rows"] if x["label"] == "钟祥经开区")
    amount = next(c for c in row["cells"] if c["figure"] == "amount")
    assert (amount["actual"], amount["target"]) == (None, "300000.00")  # hidden from a clerk
    assert page.get("/api/v1/investment/targets?year=2025&by=weather", headers=token).status_code == 422
    township = {"Authorization": f"Bearer {ApiToken.issue(office.township_clerk)}"}
    assert page.get("/api/v1/investment/targets?year=2025", headers=township).status_code == 403
