"""The 督查室's pages: record → drafts → 立项, a task's actions through the forms, the ledger,
cockpit, 通报, export, an indicator's entry, a task's 督办单 answered."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import User
from supervision.services import task_notices as tn
from supervision.task_models import DraftStatus, Indicator, MeetingRecord, Plan, Task
from supervision.task_workflow import TaskState
from supervision.tests.task_helpers import REPORT, fresh, task_in
from supervision.tests.test_extract import RECORD
from tests.factories import City

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


def as_user(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def text(response: Any) -> str:
    return str(response.content.decode())


def test_record_to_confirmed_task(client: Client, city: City) -> None:
    c = as_user(client, city.users["supervisor"])
    response = c.post(
        reverse("supervision:records"), {"title": "常委会议", "held_on": "2021-08-01", "text": RECORD}
    )
    assert response.status_code == 302
    record = MeetingRecord.objects.get()
    page = text(c.get(response["Location"]))
    assert "园区工业总产值占比达到80%以上" in page
    assert "确认立项" in page
    draft = record.drafts.get(sentence__contains="80%")
    prefix = f"d{draft.pk}"
    form = {
        f"{prefix}-title": "园区工业总产值占比达到80%以上",
        f"{prefix}-lead_unit": city.housing.pk,
        f"{prefix}-deadline": "2023-12-31",
        f"{prefix}-target": "≥80%",
        f"{prefix}-leader": city.users["leader"].pk,
    }
    row = c.post(
        reverse("supervision:draft_action", args=[draft.pk, "confirm"]), form, HTTP_HX_REQUEST="true"
    )
    assert row.status_code == 200
    assert "已立项" in text(row)
    task = Task.objects.get()
    assert task.leader == city.users["leader"]
    assert task.source_text == draft.sentence
    other = record.drafts.filter(status=DraftStatus.PENDING).first()
    assert other is not None
    c.post(reverse("supervision:draft_action", args=[other.pk, "discard"]))
    assert record.drafts.get(pk=other.pk).status == DraftStatus.DISCARDED
    assert as_user(Client(), city.users["clerk"]).get(reverse("supervision:records")).status_code == 403


def test_a_task_through_its_forms(client: Client, city: City) -> None:
    task = task_in(city, TaskState.APPROVED)
    sup = as_user(client, city.users["supervisor"])
    page = text(sup.get(reverse("supervision:task", args=[task.number])))
    assert "交办" in page
    act = reverse("supervision:task_act", args=[task.number, "assign"])
    response = sup.post(act, {
        "assign-lead_unit": city.housing.pk, "assign-leader": city.users["leader"].pk,
        "assign-deadline": "2025-11-28", "assign-report_every": 5,
    })  # fmt: skip
    assert response.status_code == 302
    assert fresh(task).state == TaskState.ASSIGNED
    clerk = as_user(Client(), city.users["clerk"])
    clerk.post(reverse("supervision:task_act", args=[task.number, "sign"]))
    clerk.post(
        reverse("supervision:task_act", args=[task.number, "report"]),
        {"report-body": REPORT, "report-progress": 30},
    )
    page = text(clerk.get(reverse("supervision:task", args=[task.number])))
    assert REPORT in page  # the next report is prefilled with the last one
    bad = clerk.post(
        reverse("supervision:task_act", args=[task.number, "report"]),
        {"report-body": "短", "report-progress": 10},
    )
    assert bad.status_code == 422
    refused = as_user(Client(), city.users["outsider"]).post(
        reverse("supervision:task_act", args=[task.number, "sign"])
    )
    assert refused.status_code == 404  # not the outsider's task


def test_ledger_cockpit_bulletin_export(client: Client, city: City) -> None:
    plan = Plan.objects.create(number=1, name="“永动机”招商引资倍增计划")
    task = task_in(city, TaskState.IN_PROGRESS, plan=plan)
    task_in(city, TaskState.CLOSED)
    leader = as_user(client, city.users["leader"])
    ledger = text(leader.get(reverse("supervision:tasks"), {"plan": plan.pk}))
    assert task.number in ledger
    partial = leader.get(reverse("supervision:tasks"), {"state": "closed"}, HTTP_HX_REQUEST="true")
    assert "<html" not in text(partial)
    assert task.number not in text(partial)
    cockpit = text(leader.get(reverse("supervision:cockpit")))
    assert "永动机" in cockpit
    bulletin = text(leader.get(reverse("supervision:bulletin")))
    assert city.housing.display_name in bulletin
    assert "按按时办结率排序" in bulletin
    export = leader.get(reverse("supervision:tasks_export"))
    book = load_workbook(io.BytesIO(export.content))
    assert book.sheetnames[0] == "督办台账"
    assert book["督办台账"].max_row == 3
    assert as_user(Client(), city.users["agent"]).get(reverse("supervision:tasks")).status_code == 403


def test_indicator_entry(client: Client, city: City) -> None:
    from datetime import date
    from decimal import Decimal

    plan = Plan.objects.create(number=3, name="“金钥匙”技改提能计划")
    Indicator.objects.create(
        plan=plan, code="hightech", name="高新技术企业数", measure_unit="家", baseline=Decimal(90),
        baseline_date=date(2025, 1, 1), target=Decimal(150), due=date(2026, 12, 31),
    )  # fmt: skip
    sup = as_user(client, city.users["supervisor"])
    url = reverse("supervision:indicator", args=["hightech"])
    assert (
        sup.post(url, {"period": "2025-08-31", "value": "101", "source_document": "认定名单"}).status_code
        == 302
    )
    page = text(sup.get(url))
    assert "101" in page
    assert (
        as_user(Client(), city.users["clerk"]).post(url, {"period": "2025-08-31", "value": "1"}).status_code
        == 403
    )


def test_a_task_notice_signed_and_answered(client: Client, city: City) -> None:
    task = task_in(city, TaskState.IN_PROGRESS, major=True)
    sup = as_user(client, city.users["supervisor"])
    response = sup.post(
        reverse("supervision:task_issue_notice", args=[task.number]),
        {"colour": "red", "body": "请主要负责人亲自部署，三日内反馈。", "respond_days": 3},
    )
    assert response.status_code == 302
    notice = task.notices.get()
    assert notice.colour == "red"
    clerk = as_user(Client(), city.users["clerk"])
    clerk.post(reverse("supervision:task_notice_act", args=[notice.number, "sign"]))
    clerk.post(reverse("supervision:task_notice_act", args=[notice.number, "answer"]),
               {"answer-body": "主要负责人已召开专题会部署，全面落实到位。"})  # fmt: skip
    boss = as_user(Client(), city.users["unit_leader"])
    boss.post(reverse("supervision:task_notice_act", args=[notice.number, "approve"]), {"approve-note": ""})
    assert task.notices.get().state == "answered"
    printed = text(sup.get(reverse("supervision:task_notice_print", args=[notice.number])))
    assert "红色" in printed
    assert tn.reason_label(notice.reason) in printed
