"""The xlsx exports, read back: the board's figures and the 台账 under the list's filters."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from accounts.audit.models import AuditRecord
from enforcement import services
from enforcement.models import Channel
from enforcement.tests.conftest import OLD, Control, report, violation_in
from enforcement.workflow import State
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def sheet_rows(response: Any) -> list[list[Any]]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    return [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]


def login(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


def test_the_board_export_holds_the_boards_figures(control: Control) -> None:
    u = control.users
    kept = services.report_violation(report(control), actor=u["town_clerk"])
    services.confirm(kept, actor=u["kwb_clerk"])
    dropped = services.report_violation(report(control, channel=Channel.REPORT), actor=u["town_clerk"])
    services.dismiss(dropped, actor=u["kwb_clerk"], reason="unfounded", note="现场无建设行为")

    rows = sheet_rows(login("kwb_leader").get(reverse("enforcement:board_export")))
    assert rows[0][0].startswith("钟祥市城乡控违月报")
    header = rows[1]
    assert header[0] == "乡镇（街道）"
    by_name = {row[0]: dict(zip(header, row, strict=True)) for row in rows[2:]}
    town = by_name["郢中街道"]
    assert (town["发现"], town["新增"], town["主动发现率"]) == (2, 1, "50.0%")
    assert (town["不属实率"], town["未销号新增"], town["超期"]) == ("50.0%", 1, 0)
    assert (town["拆除"], town["拆除面积(㎡)"], town["问责"]) == (0, 0.0, 0)
    assert by_name["皇庄街道"]["发现"] == 0
    assert by_name["合计"]["发现"] == 2
    # A township's export holds its own row (and the total of it) only.
    own = sheet_rows(login("hzjd_clerk").get(reverse("enforcement:board_export")))
    assert [row[0] for row in own[2:]] == ["皇庄街道", "合计"]


def test_the_ledger_export_follows_the_filters_masks_the_owner_and_is_audited(control: Control) -> None:
    new = violation_in(control, State.CONFIRMED)
    old = violation_in(control, State.ORDERED, built_on=OLD)
    elsewhere = services.report_violation(
        report(control, township=control.other_township, village=None), actor=control.users["other_clerk"]
    )
    office = login("kwb_leader")
    url = reverse("enforcement:ledger_export")
    everything = sheet_rows(office.get(url))
    header = everything[1]
    assert header[0] == "编号"
    numbers = {row[0] for row in everything[2:]}
    assert numbers == {new.number, old.number, elsewhere.number}

    rows = sheet_rows(office.get(url + f"?kind=new&township={control.township.pk}"))
    assert len(rows) == 3
    row = dict(zip(header, rows[2], strict=True))
    assert row["编号"] == new.number
    assert (row["状态"], row["乡镇（街道）"], row["新增/存量"]) == ("已认定违建", "郢中街道", "新增")
    assert row["面积(㎡)"] == 86.5
    assert row["当事人（脱敏）"].startswith("张")
    assert "张三丰" not in str(rows)  # masked, as the list shows it
    assert "13812345678" not in str(rows)
    assert row["当前期限"]  # 制止 is due within 24 hours of 认定
    record = AuditRecord.objects.get(action="enforcement.ledger_export", new__rows=1)
    assert record.actor == control.users["kwb_leader"]
    assert record.new["filters"]["kind"] == "new"
    # A township's staff export their own township's only.
    own = sheet_rows(login("hzjd_clerk").get(url))
    assert [r[0] for r in own[2:]] == [elsewhere.number]
    assert AuditRecord.objects.filter(action="enforcement.ledger_export").count() == 3


def test_the_list_page_links_the_export_with_its_filters(control: Control) -> None:
    violation_in(control, State.REPORTED)
    page = login("kwb_leader").get(reverse("enforcement:index") + "?kind=new").content.decode()
    assert 'href="/enforcement/ledger.xlsx?kind=new"' in page
