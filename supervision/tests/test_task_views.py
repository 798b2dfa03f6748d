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


def test_the_record_page_is_honest_about_the_rules_and_lets_the_reviewer_add_what_they_missed(
    client: Client, city: City
) -> None:
    from supervision.tests.test_extract import HELD_OUT, MISSED

    c = as_user(client, city.users["supervisor"])
    assert "逐句识别" not in text(c.get(reverse("supervision:records")))
    assert "会漏掉大部分承诺" in text(c.get(reverse("supervision:records")))
    response = c.post(
        reverse("supervision:records"), {"title": "湖北省政府工作报告", "text": HELD_OUT}, follow=True
    )
    page = text(response)
    assert "已识别出 0 项" not in page
    assert "规则未识别出任何事项" in page
    assert "通读纪要全文" in page
    assert "促进消费、投资、出口三类需求" in page  # the record's full text, beside the drafts
    assert "补录遗漏事项" in page
    record = MeetingRecord.objects.get()
    add = reverse("supervision:record_add", args=[record.pk])
    refused = c.post(add, {"add-sentence": "不在纪要里的一句话而已"})
    assert refused.status_code == 422
    assert "原文须摘自本纪要" in text(refused)
    assert not record.drafts.exists()
    added = c.post(add, {
        "add-sentence": MISSED, "add-title": "实施提振消费专项行动",
        "add-lead_unit": city.housing.pk, "add-deadline": "2026-12-31", "add-target": "≥5%",
    })  # fmt: skip
    assert added.status_code == 302
    draft = record.drafts.get()
    assert (draft.sentence, draft.lead_unit, str(draft.deadline)) == (MISSED, city.housing, "2026-12-31")
    assert draft.status == DraftStatus.PENDING
    assert not Task.objects.exists()
    review = text(c.get(added["Location"]))
    assert f'id="confirm-{draft.pk}"' in review
    assert as_user(Client(), city.users["clerk"]).post(add, {"add-sentence": MISSED}).status_code == 403


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


def test_a_unit_finds_the_red_notice_on_its_task_and_the_notification_links_to_it(
    client: Client, city: City
) -> None:
    from notifications.models import Notification

    task = task_in(city, TaskState.IN_PROGRESS, major=True)
    red = tn.issue_task_notice(
        task, actor=city.users["supervisor"], colour="red", body="请主要负责人亲自部署，三日内反馈。"
    )
    clerk = as_user(client, city.users["clerk"])
    listing = text(clerk.get(reverse("supervision:task_notices")))
    assert red.number in listing
    assert "红色" in listing
    assert reverse("supervision:task_notice", args=[red.number]) in listing
    assert 'id="task-notices-link"' in text(clerk.get(reverse("supervision:tasks")))  # from the tasks' nav
    queue = text(clerk.get(reverse("supervision:queue")))  # the top bar's 督办单
    assert reverse("supervision:task_notices") in queue
    assert "待办 1 份" in queue
    told = Notification.objects.get(user=city.users["clerk"], kind="supervision_task_notice")
    assert reverse("supervision:task_notice", args=[red.number]) in told.message
    assigned = Notification.objects.filter(user=city.users["clerk"], kind="supervision_task").first()
    assert assigned is not None
    assert reverse("supervision:task", args=[task.number]) in assigned.message
    tn.sign_task_notice(red, actor=city.users["clerk"])
    tn.answer_task_notice(red, actor=city.users["clerk"], body="主要负责人已召开专题会部署，全面落实到位。")
    tn.approve_task_notice(red, actor=city.users["unit_leader"])
    assert red.number not in text(clerk.get(reverse("supervision:task_notices")))  # answered: not waiting
    assert red.number in text(clerk.get(reverse("supervision:task_notices"), {"show": "all"}))
    assert as_user(Client(), city.users["agent"]).get(reverse("supervision:task_notices")).status_code == 403


def test_the_supervision_index_sends_each_role_to_its_starting_page(city: City) -> None:
    index = reverse("supervision:index")
    assert index == "/supervision/"
    for role, target in [
        ("supervisor", "supervision:cockpit"),
        ("leader", "supervision:cockpit"),
        ("clerk", "supervision:tasks"),
        ("unit_leader", "supervision:tasks"),
    ]:
        response = as_user(Client(), city.users[role]).get(index)
        assert (response.status_code, response["Location"]) == (302, reverse(target)), role
    assert as_user(Client(), city.users["agent"]).get(index).status_code == 403
    assert Client().get(index).status_code == 302  # to the login page


def test_the_office_splits_a_task_on_its_page(client: Client, city: City) -> None:
    task = task_in(city, TaskState.IN_PROGRESS)
    sup = as_user(client, city.users["supervisor"])
    assert 'id="split-form"' in text(sup.get(reverse("supervision:task", args=[task.number])))
    clerk = as_user(Client(), city.users["clerk"])
    assert 'id="split-form"' not in text(clerk.get(reverse("supervision:task", args=[task.number])))
    url = reverse("supervision:task_split", args=[task.number])
    form = {
        "split-unit_1": city.housing.pk,
        "split-unit_2": city.education.pk,
        "split-title_2": "教育系统落实",
    }
    assert clerk.post(url, form).status_code == 403
    assert not task.children.exists()
    short = sup.post(url, {**form, "split-title_2": "短"})
    assert short.status_code == 422  # all or nothing: the first part is not made either
    assert not task.children.exists()
    assert sup.post(url, {}).status_code == 422  # no unit chosen
    done = sup.post(url, form)
    assert done.status_code == 302
    children = list(task.children.order_by("pk"))
    assert [(c.title, c.lead_unit) for c in children] == [
        (task.title, city.housing),
        ("教育系统落实", city.education),
    ]
    assert all(c.state == TaskState.APPROVED for c in children)  # each to be assigned in its own loop
    page = text(sup.get(reverse("supervision:task", args=[task.number])))
    assert children[1].number in page


def _two_indicators() -> tuple[Indicator, Indicator]:
    from datetime import date
    from decimal import Decimal

    plan = Plan.objects.create(number=3, name="“金钥匙”技改提能计划")
    common = {"plan": plan, "measure_unit": "家", "baseline": Decimal(90), "baseline_date": date(2025, 1, 1),
              "target": Decimal(150), "due": date(2026, 12, 31)}  # fmt: skip
    return (
        Indicator.objects.create(code="hightech", name="高新技术企业数", **common),
        Indicator.objects.create(code="techrefit", name="技改项目数", **common),
    )


def test_the_indicators_a_task_moves_are_set_when_made_and_corrected_at_交办(
    client: Client, city: City
) -> None:
    hightech, refit = _two_indicators()
    sup = as_user(client, city.users["supervisor"])
    new = text(sup.get(reverse("supervision:task_new")))
    assert "关联指标" in new
    assert "“金钥匙”技改提能计划：高新技术企业数" in new
    made = sup.post(reverse("supervision:task_new"), {
        "title": "培育高新技术企业", "source_kind": "meeting", "indicators": [hightech.pk],
    })  # fmt: skip
    assert made.status_code == 302
    task = Task.objects.get()
    assert list(task.indicators.all()) == [hightech]
    page = text(sup.get(reverse("supervision:task", args=[task.number])))
    assert f'<option value="{hightech.pk}" selected>' in page  # the 交办 form starts from the links
    act = reverse("supervision:task_act", args=[task.number, "assign"])
    response = sup.post(act, {
        "assign-lead_unit": city.housing.pk, "assign-leader": city.users["leader"].pk,
        "assign-report_every": 5, "assign-indicators": [refit.pk, hightech.pk],
    })  # fmt: skip
    assert response.status_code == 302
    task = fresh(task)
    assert task.state == TaskState.ASSIGNED
    assert set(task.indicators.all()) == {hightech, refit}


def test_a_refused_交办_changes_no_link(city: City) -> None:
    from mochou.errors import InvalidInput
    from supervision.services import tasks as svc

    hightech, refit = _two_indicators()
    sup = city.users["supervisor"]
    task = svc.create_task(actor=sup, title="培育高新技术企业", indicators=[hightech])
    with pytest.raises(InvalidInput):  # no lead unit, no leader: not 交办
        svc.assign_task(task, actor=sup, indicators=[refit])
    assert list(fresh(task).indicators.all()) == [hightech]
    svc.update_task(task, actor=sup, indicators=[refit])
    assert list(fresh(task).indicators.all()) == [refit]


def test_the_indicator_page_verifies_a_figure_and_shows_which_are_verified(
    client: Client, city: City
) -> None:
    from datetime import date

    from supervision import indicators as ind
    from supervision.tests.test_indicators import _owned_by_housing

    indicator = _owned_by_housing(city)
    m = ind.record_measurement(indicator, actor=city.users["clerk"], period=date(2022, 12, 31), value=70)
    url = reverse("supervision:indicator", args=[indicator.code])
    verify = reverse("supervision:measurement_verify", args=[indicator.code, m.pk])
    clerk = as_user(client, city.users["clerk"])
    page = text(clerk.get(url))
    assert "未核实" in page
    assert f'id="btn-verify-{m.pk}"' not in page  # its reporter is not offered the button
    assert clerk.post(verify).status_code == 403
    boss = as_user(Client(), city.users["unit_leader"])
    assert f'id="btn-verify-{m.pk}"' in text(boss.get(url))
    assert boss.post(verify).status_code == 302
    page = text(boss.get(url))
    assert "已核实" in page
    assert city.users["unit_leader"].name in page
    assert f'id="btn-verify-{m.pk}"' not in page


def test_the_cockpit_of_a_past_month_leaves_out_tasks_assigned_after_it(client: Client, city: City) -> None:
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    from supervision.services import tasks as svc
    from supervision.tests.task_helpers import far_deadline

    plan = Plan.objects.create(number=1, name="“永动机”招商引资倍增计划")
    sup, leader = city.users["supervisor"], city.users["leader"]
    july = datetime(2025, 7, 10, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    old = svc.create_task(actor=sup, title="七月交办的招商事项", plan=plan, lead_unit=city.housing,
                          leader=leader, now=july)  # fmt: skip
    svc.assign_task(old, actor=sup, deadline=far_deadline(), now=july + timedelta(hours=1))
    new = task_in(city, TaskState.IN_PROGRESS, plan=plan)  # assigned today, in September
    late_draft = svc.create_task(actor=sup, title="九月才立项的事项", plan=plan)
    viewer = as_user(client, city.users["leader"])

    def shown(month: str) -> set[str]:
        page = viewer.get(reverse("supervision:cockpit"), {"month": month})
        (row,) = [p for p in page.context["plans"] if p["plan"] == plan]
        return {r.task.number for r in row["tasks"]}

    assert shown("2025-08") == {old.number}
    assert shown("2025-09") == {old.number, new.number, late_draft.number}
