"""The auditor's pages: who may open them, the filters, the detail, the xlsx export."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.test import Client
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from accounts.audit.models import AuditRecord
from accounts.audit.services import record
from accounts.models import Role
from tests.factories import make_user

pytestmark = pytest.mark.django_db

PAGES = ("/audit/", "/audit/export.xlsx")


@pytest.fixture
def records(city, clock):
    admin = city.users["admin"]
    category = record(
        actor=admin,
        action="setting.change",
        target=city.category,
        old={"is_active": True},
        new={"is_active": False},
        reason="提速",
    )
    clock.move_to(dt.datetime(2025, 9, 26, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8))))
    roles = record(
        actor=admin,
        action="user.roles",
        target=city.users["clerk"],
        old={"role": "clerk"},
        new={"role": "unit_leader"},
        reason='=HYPERLINK("http://x")任命',
    )
    failed = record(actor=None, action="login.failed", target_type="accounts.user", target_repr="root")
    return {"category": category, "roles": roles, "failed": failed}


@pytest.mark.parametrize(
    "role", ["agent", "dispatcher", "clerk", "unit_leader", "supervisor", "leader", "outsider"]
)
def test_nobody_but_auditors_and_admins_may_open_the_log(client: Client, city, records, role) -> None:
    client.force_login(city.users[role])
    for page in (*PAGES, f"/audit/{records['roles'].pk}/"):
        assert client.get(page).status_code == 403, (role, page)


def test_an_anonymous_visitor_is_sent_to_the_login(client: Client, db) -> None:
    for page in PAGES:
        assert client.get(page)["Location"].startswith("/accounts/login/")


def test_a_staff_user_of_another_role_is_refused_too(client: Client, city, records) -> None:
    # Admin-site access (is_staff) is not the audit role.
    staff = make_user("staffer", Role.DISPATCHER, city.centre, is_staff=True)
    client.force_login(staff)
    assert client.get("/audit/").status_code == 403


@pytest.mark.parametrize("who", ["auditor", "admin"])
def test_auditors_and_admins_read_the_log(client: Client, city, auditor, records, who) -> None:
    user = auditor if who == "auditor" else city.users["admin"]
    client.force_login(user)
    response = client.get("/audit/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "审计日志" in body
    assert "变更角色/权限" in body
    assert "登录失败" in body
    assert 'id="audit-link"' in body


def test_the_filters_narrow_the_list(client: Client, auditor, records) -> None:
    client.force_login(auditor)

    def shown(**params) -> set[int]:
        response = client.get("/audit/", params)
        assert response.status_code == 200
        # force_login is a login, and so on the log too: only the fixture's records count here.
        return {rec.pk for rec in response.context["page"].object_list if rec.action != "login"}

    assert shown(action="user.roles") == {records["roles"].pk}
    assert shown(target_type="cases.category") == {records["category"].pk}
    assert shown(actor="郑管理") == {records["category"].pk, records["roles"].pk}
    assert shown(q="提速") == {records["category"].pk}
    assert shown(q="root") == {records["failed"].pk}
    assert shown(date_from="2025-09-25") == {records["roles"].pk, records["failed"].pk}
    assert shown(date_to="2025-09-24") == {records["category"].pk}


def test_an_invalid_filter_shows_its_error_and_no_rows(client: Client, auditor, records) -> None:
    client.force_login(auditor)
    response = client.get("/audit/", {"date_from": "2025-13-45"})
    assert response.status_code == 200
    assert list(response.context["page"].object_list) == []
    # A NUL is refused before any page sees it (mochou.middleware), here as everywhere.
    assert client.get("/audit/", {"q": "a\x00b"}).status_code == 400


def test_the_htmx_request_gets_the_table_only(client: Client, auditor, records) -> None:
    client.force_login(auditor)
    body = client.get("/audit/", {"action": "login.failed"}, headers={"HX-Request": "true"}).content.decode()
    assert body.lstrip().startswith('<div id="audit-table">')
    assert "root" in body


def test_the_detail_shows_old_and_new_per_field(client: Client, auditor, records) -> None:
    client.force_login(auditor)
    response = client.get(f"/audit/{records['category'].pk}/")
    assert response.status_code == 200
    rows = response.context["rows"]
    assert rows == [{"field": "启用", "name": "is_active", "old": "是", "new": "否"}]
    assert "提速" in response.content.decode()


def test_the_export_holds_the_filtered_rows(client: Client, auditor, records) -> None:
    client.force_login(auditor)
    response = client.get("/audit/export.xlsx", {"actor": "郑管理"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert isinstance(sheet, Worksheet)
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("时间", "操作人", "IP 地址", "操作")
    body = rows[1:]
    assert [row[4] for row in body] == ["user.roles", "setting.change"]  # newest first
    assert body[1][3] == "修改设置"
    assert body[1][9] == '{"is_active": true}'
    assert body[1][10] == '{"is_active": false}'
    assert body[1][0] == dt.datetime(2025, 9, 24, 10, 0)  # local time
    assert "root" not in str(rows)


def test_the_export_writes_text_never_a_formula(client: Client, auditor, records) -> None:
    client.force_login(auditor)
    response = client.get("/audit/export.xlsx", {"action": "user.roles"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert isinstance(sheet, Worksheet)
    reason = sheet.cell(row=2, column=9)
    assert str(reason.value).startswith("=HYPERLINK")
    assert reason.data_type == "s"


def test_an_export_is_itself_recorded(client: Client, auditor, records) -> None:
    client.force_login(auditor)
    client.get("/audit/export.xlsx", {"action": "user.roles"})
    rec = AuditRecord.objects.get(action="audit.export")
    assert rec.actor == auditor
    assert rec.new == {"filters": {"action": "user.roles"}, "rows": 1}


def test_the_auditors_pages_and_nav_open(client: Client, auditor, records) -> None:
    """An auditor (no centre or unit role) can use the pages the nav offers without an error."""
    client.force_login(auditor)
    home = client.get("/", follow=True)
    assert home.status_code == 200
    body = home.content.decode()
    assert "审计员" in body
    for link in ("/audit/", "/knowledge/", "/notifications/"):
        assert client.get(link).status_code == 200, link
