"""三色督办单 on tasks: the sweep's reasons, the ladder, answering, and idempotence."""

from __future__ import annotations

from datetime import timedelta

import pytest

from mochou.errors import Conflict, InvalidInput
from supervision.services import task_notices as tn
from supervision.services import tasks as svc
from supervision.task_models import TaskNotice
from supervision.task_sweeps import sweep_tasks
from supervision.task_workflow import TaskState
from supervision.tests.task_helpers import REPORT, assigned_of, deadline_of, fresh, task_in
from supervision.workflow import State
from tests.factories import City

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


def test_overdue_is_red_and_a_red_stays_open_until_answered(city: City) -> None:
    task = task_in(city, TaskState.IN_PROGRESS)
    late = deadline_of(task) + timedelta(hours=2)
    assert sweep_tasks(late)["issued"] == 1
    red = TaskNotice.objects.get(task=task)
    assert red.colour == "red"  # issue 12: 红 overdue
    assert red.reason.startswith("overdue")
    assert sweep_tasks(late)["issued"] == 0  # idempotent
    # Unanswered at its 反馈期限: the top of the ladder is not 已升级 into nothing.
    after = red.respond_by + timedelta(hours=1)
    assert sweep_tasks(after) == {"escalated": 0, "issued": 0, "report_reminders": 0}
    assert TaskNotice.objects.get(pk=red.pk).state == State.ISSUED
    with pytest.raises(Conflict):
        tn.escalate_task_notice(red, now=after)
    tn.sign_task_notice(red, actor=city.users["clerk"])
    tn.answer_task_notice(
        red, actor=city.users["clerk"], body="已召开专题会议研究，本周内完成全部工作并报送办结材料。"
    )
    tn.approve_task_notice(red, actor=city.users["unit_leader"])
    assert TaskNotice.objects.get(pk=red.pk).state == State.ANSWERED


def test_unanswered_notices_climb_the_ladder_once(city: City) -> None:
    task = task_in(city, TaskState.IN_PROGRESS)
    svc.report_progress(task, actor=city.users["clerk"], body=REPORT, progress=95)
    near = deadline_of(task) - timedelta(days=1)
    sweep_tasks(near)
    blue = TaskNotice.objects.get(task=task)
    assert blue.colour == "blue"
    after = blue.respond_by + timedelta(hours=1)
    assert sweep_tasks(after)["escalated"] == 1
    yellow = TaskNotice.objects.get(task=task, previous=blue)
    assert yellow.colour == "yellow"
    assert TaskNotice.objects.get(pk=blue.pk).state == State.ESCALATED
    assert sweep_tasks(yellow.respond_by + timedelta(hours=1))["escalated"] == 1
    assert TaskNotice.objects.get(task=task, previous=yellow).colour == "red"
    assert fresh(task).state == TaskState.IN_PROGRESS


def test_a_leaders_instruction_starts_higher(city: City) -> None:
    task = task_in(city, TaskState.IN_PROGRESS, source_kind="instruction")
    svc.report_progress(task, actor=city.users["clerk"], body=REPORT, progress=95)
    sweep_tasks(deadline_of(task) - timedelta(days=1))
    assert TaskNotice.objects.get(task=task).colour == "yellow"


def test_near_the_deadline_is_blue_and_a_major_task_starts_higher(city: City) -> None:
    task = task_in(city, TaskState.IN_PROGRESS)
    svc.report_progress(task, actor=city.users["clerk"], body=REPORT, progress=95)
    near = deadline_of(task) - timedelta(days=1)
    sweep_tasks(near)
    assert TaskNotice.objects.get(task=task).colour == "blue"
    major = task_in(city, TaskState.IN_PROGRESS, major=True)
    svc.report_progress(major, actor=city.users["clerk"], body=REPORT, progress=95)
    sweep_tasks(near)
    assert TaskNotice.objects.get(task=major).colour == "yellow"


def test_behind_schedule_is_yellow(city: City) -> None:
    task = task_in(city, TaskState.IN_PROGRESS)
    halfway = assigned_of(task) + (deadline_of(task) - assigned_of(task)) * 0.6
    sweep_tasks(halfway)
    notice = TaskNotice.objects.get(task=task)
    assert notice.colour == "yellow"
    assert notice.reason.startswith("behind")


def test_a_supervisor_issues_red_only_on_a_major_task(city: City) -> None:
    sup = city.users["supervisor"]
    task = task_in(city, TaskState.IN_PROGRESS)
    with pytest.raises(InvalidInput):
        tn.issue_task_notice(task, actor=sup, colour="red", body="请立即整改到位")
    tn.issue_task_notice(task, actor=sup, body="请加快推进")
    with pytest.raises(Conflict):
        tn.issue_task_notice(task, actor=sup, body="请加快推进")
    major = task_in(city, TaskState.IN_PROGRESS, major=True)
    assert tn.issue_task_notice(major, actor=sup, colour="red", body="请立即整改到位").colour == "red"
