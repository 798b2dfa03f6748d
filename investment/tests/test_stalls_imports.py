"""Stall reasons from the 要素 list; park output imported all or nothing; the small fixes (one month
helper, the reserve on a day, stage photos through the one image checker)."""

from __future__ import annotations

import base64
import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from openpyxl import Workbook, load_workbook
from PIL import Image

from accounts.audit.models import AuditRecord
from accounts.models import ApiToken
from investment import export, imports, services, stalls
from investment.indicators import measure
from investment.models import ParkOutput, Project
from investment.reports import reserve
from mochou.errors import DomainError
from stats.periods import add_months
from tests.factories import PASSWORD

from .conftest import Office, approved, new_project

pytestmark = pytest.mark.usefixtures("clock")  # today is 2025-09-24
TODAY = date(2025, 9, 24)


def test_stall_reasons_on_the_list_and_in_the_reports(office: Office) -> None:
    signed = new_project(office, 1)
    approved(office, signed, "sign", date(2025, 5, 1))  # 签约未注册 > 3 months
    paused = new_project(office, 2)
    approved(office, paused, "sign", date(2025, 1, 10))
    approved(office, paused, "pause", date(2025, 2, 1), reason="funds", note="资金链紧张")
    quiet = new_project(office, 3)
    approved(office, quiet, "sign", date(2025, 9, 1))  # not stalled
    projects = list(Project.objects.all())
    assert [(r.project.pk, r.reason) for r in stalls.stalled(projects, TODAY)] == [
        (signed.pk, ""),
        (paused.pk, "funds"),  # the pause's reason until someone says otherwise
    ]
    stalls.explain_stall(signed, actor=office.clerk, reason="land", note="用地未摘牌")
    stalls.explain_stall(paused, actor=office.clerk, reason="approval")
    rows = stalls.stalled(list(Project.objects.all()), TODAY)
    assert [(r.reason, r.reason_label) for r in rows] == [("land", "用地"), ("approval", "审批")]
    counts = {label: n for _, label, n in stalls.by_reason(rows)}
    assert (counts["用地"], counts["审批"], counts["资金"], counts["未填报原因"]) == (1, 1, 0, 0)
    assert AuditRecord.objects.filter(action="investment.stall_reason").count() == 2
    with pytest.raises(DomainError) as other:
        stalls.explain_stall(signed, actor=office.township_clerk, reason="land")  # not its unit
    assert other.value.status == 403
    with pytest.raises(DomainError) as bad:
        stalls.explain_stall(signed, actor=office.clerk, reason="weather")
    assert bad.value.status == 422

    page = Client()
    assert page.login(username=office.clerk.username, password=PASSWORD)
    html = page.get("/investment/stalls/").content.decode()
    assert "用地" in html
    assert signed.number in html
    assert quiet.number not in html
    r = page.post(
        f"/investment/p/{signed.number}/stall-reason/", {"stall-reason": "utilities", "next": "stalls"}
    )
    assert r.status_code == 302
    assert r["Location"] == "/investment/stalls/"
    assert stalls.reasons_of([signed])[signed.pk] == ("utilities", "水电气")
    assert "停滞预警" in page.get("/investment/pipeline/?year=2025").content.decode()
    book = load_workbook(io.BytesIO(export.pipeline_workbook(2025, user=office.leader, stalls=rows)))
    sheet = list(book["停滞预警"].iter_rows(values_only=True))
    assert sheet[1] == ("项目编号", "项目代号", "阶段", "预警", "情况", "停滞原因")
    assert [r[5] for r in sheet[2:]] == ["用地", "审批"]
    token = {"Authorization": f"Bearer {ApiToken.issue(office.clerk)}"}
    listed = page.get("/api/v1/investment/stalls", headers=token).json()
    assert [s["reason"] for s in listed] == ["utilities", "approval"]
    r = page.post(
        f"/api/v1/investment/projects/{paused.number}/stall-reason",
        {"reason": "labour"},
        content_type="application/json",
        headers=token,
    )
    assert r.status_code == 204
    assert stalls.reasons_of([paused])[paused.pk] == ("labour", "用工")


CSV = (
    "月份,园区,工业总产值（万元）\n2025-03,钟祥经开区,125000.5\n2025年3月,全市,300000\n2025/4,zxkfq,130000\n"
)


def test_park_output_imported_from_csv_and_xlsx(office: Office) -> None:
    assert (
        imports.import_outputs(actor=office.clerk, name="产值.csv", data=CSV.encode("gb18030"), today=TODAY)
        == 3
    )
    march = {(r.park_id, r.output) for r in ParkOutput.objects.filter(month=date(2025, 3, 1))}
    assert march == {(office.park.pk, Decimal("125000.50")), (None, Decimal(300000))}
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["园区", "月份", "产值"])
    sheet.append(["湖北钟祥经济开发区", date(2025, 3, 1), 126000])  # a correction of March
    buffer = io.BytesIO()
    book.save(buffer)
    assert (
        imports.import_outputs(actor=office.clerk, name="产值.xlsx", data=buffer.getvalue(), today=TODAY) == 1
    )
    assert ParkOutput.objects.get(park=office.park, month=date(2025, 3, 1)).output == Decimal(126000)
    assert AuditRecord.objects.filter(action="investment.output").count() == 4


def test_a_file_with_any_bad_row_imports_nothing_and_names_each_line(office: Office) -> None:
    bad = (
        "月份,园区,工业总产值（万元）\n2025-03,钟祥经开区,100\n2025-13,钟祥经开区,100\n"
        "2025-04,火星园区,100\n2025-05,全市,-3\n2025-03,zxkfq,100\n2026-01,全市,1\n"
    )
    with pytest.raises(DomainError) as refused:
        imports.import_outputs(actor=office.clerk, name="x.csv", data=bad.encode(), today=TODAY)
    errors = refused.value.details["errors"]
    assert [e.split("：", 1)[0] for e in errors] == ["第3行", "第4行", "第5行", "第6行", "第7行"]
    assert "火星园区" in errors[1]
    assert "与第2行重复" in errors[3]
    assert refused.value.status == 422
    assert ParkOutput.objects.count() == 0
    for name, data, words in (
        ("x.csv", "园区,产值\n钟祥经开区,1\n".encode(), "缺少列“月份”"),
        ("x.txt", b"abc", "CSV 或 xlsx"),
        ("x.xlsx", b"not a workbook", "xlsx"),
        ("x.csv", b"", "空"),
    ):
        with pytest.raises(DomainError) as error:
            imports.import_outputs(actor=office.clerk, name=name, data=data, today=TODAY)
        assert words in error.value.message
    with pytest.raises(DomainError) as township:
        imports.import_outputs(actor=office.township_clerk, name="x.csv", data=CSV.encode(), today=TODAY)
    assert township.value.status == 403


def test_park_output_import_through_the_page_and_the_api(office: Office) -> None:
    page = Client()
    assert page.login(username=office.clerk.username, password=PASSWORD)
    upload = ContentFile(CSV.encode(), name="产值.csv")
    r = page.post("/investment/parks/import/", {"file": upload}, follow=True)
    assert "已导入3行产值" in r.content.decode()
    token = {"Authorization": f"Bearer {ApiToken.issue(office.clerk)}"}
    body = {"filename": "x.csv", "content_base64": base64.b64encode(b"\xe6\x9c\x88\xe4\xbb\xbd,\n").decode()}
    r = page.post(
        "/api/v1/investment/parks/outputs/import", body, content_type="application/json", headers=token
    )
    assert r.status_code == 422
    assert r.json()["code"] == "investment.import_invalid"
    body = {"filename": "x.csv", "content_base64": base64.b64encode(CSV.encode()).decode()}
    r = page.post(
        "/api/v1/investment/parks/outputs/import", body, content_type="application/json", headers=token
    )
    assert (r.status_code, r.json()) == (201, {"imported": 3})


def test_one_month_helper_keeps_the_day_within_the_month() -> None:
    assert add_months(date(2025, 1, 31), 1) == date(2025, 2, 28)
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2025, 11, 30), 3) == date(2026, 2, 28)
    assert add_months(date(2025, 3, 15), -3) == date(2024, 12, 15)


def test_the_reserve_is_counted_at_the_day_asked(office: Office) -> None:
    early = new_project(office, 1, total_investment=Decimal(10000), first_phase_investment=None)
    approved(office, early, "negotiate", date(2025, 3, 1))
    approved(office, early, "sign", date(2025, 6, 1))  # left the reserve in June
    late = new_project(office, 2, total_investment=Decimal(20000), first_phase_investment=None)
    approved(office, late, "negotiate", date(2025, 7, 1))
    assert reserve() == (1, Decimal(20000))
    assert reserve(before=date(2025, 4, 1)) == (1, Decimal(10000))
    assert reserve(before=date(2025, 3, 1)) == (0, Decimal(0))
    year = date(2025, 1, 1)
    assert measure("reserve_count", start=year, end=date(2025, 5, 1)) == 1
    assert measure("reserve_count", start=year, end=date(2025, 6, 2)) == 0
    assert measure("reserve_count", start=year, end=date(2025, 9, 25)) == 1


def test_a_stage_photo_is_re_encoded_without_its_metadata(office: Office) -> None:
    project = new_project(office)
    report = services.declare_stage(project, actor=office.clerk, data={"stage": "sign", "date": TODAY})
    image = Image.new("RGB", (40, 30), "red")
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    assert b"PhoneMaker" in buffer.getvalue()
    doc = services.add_document(
        report, actor=office.clerk, title="现场照片", file=ContentFile(buffer.getvalue(), name="site.png")
    )
    stored = doc.file.read()
    assert b"PhoneMaker" not in stored
    assert doc.file.name.endswith(".jpg")  # stored as what it is, not as it was named
    with pytest.raises(DomainError) as bad:
        services.add_document(
            report, actor=office.clerk, title="坏照片", file=ContentFile(b"not a jpeg", name="x.jpg")
        )
    assert bad.value.status == 422
