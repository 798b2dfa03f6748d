"""The missed progress report's reminder (once per period, recoverable) and a review return that
finds a notice already open (no second notice on the task)."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest

from notifications.models import Notification
from supervision.services import task_notices as tn
from supervision.services import tasks as svc
from supervision.task_models import TaskNotice, TaskReportReminder
from supervision.task_sweeps import remind_missed_reports
from supervision.task_workflow import TaskState
from supervision.tests.task_helpers import CLOSE, EVIDENCE, REPORT, fresh, task_in
from supervision.workflow import OPEN_STATES
from tests.factories import City

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


def _reminders(city: City) -> int:
    return Notification.objects.filter(user=city.users["clerk"], message__contains="尚未报送").count()


def test_a_missed_report_is_reminded_once_per_period(city: City) -> None:
    task = task_in(city, TaskState.IN_PROGRESS)
    due = fresh(task).next_report_by
    assert due is not None
    assert remind_missed_reports(due - timedelta(minutes=1)) == 0  # not yet due
    assert remind_missed_reports(due + timedelta(minutes=1)) == 1
    assert remind_missed_reports(due + timedelta(hours=3)) == 0  # once per period
    assert _reminders(city) == 1
    # A report moves the period on; when the next one passes unreported, it is reminded again.
    svc.report_progress(
        task, actor=city.users["clerk"], body=REPORT, progress=30, now=due + timedelta(hours=4)
    )
    later = fresh(task).next_report_by
    assert later is not None
    assert later > due
    assert remind_missed_reports(later + timedelta(minutes=1)) == 1
    assert TaskReportReminder.objects.filter(task=task).count() == 2
    # Only a task 办理中 is reminded (a request to close waits for the office, not the unit).
    svc.request_close(
        task, actor=city.users["clerk"], body=CLOSE, evidence=EVIDENCE, now=later + timedelta(hours=1)
    )
    assert remind_missed_reports(later + timedelta(days=30)) == 0


def test_a_failed_reminder_leaves_no_claim_and_the_next_sweep_sends_it(city: City) -> None:
    task = task_in(city, TaskState.IN_PROGRESS)
    due = fresh(task).next_report_by
    assert due is not None
    down = mock.patch("supervision.task_sweeps.notify_unit", side_effect=RuntimeError("down"))
    with down, pytest.raises(RuntimeError):
        remind_missed_reports(due + timedelta(minutes=1))
    assert not TaskReportReminder.objects.exists()
    assert remind_missed_reports(due + timedelta(minutes=2)) == 1
    assert _reminders(city) == 1


def test_a_return_with_a_notice_open_issues_no_second_notice(city: City) -> None:
    task = task_in(city, TaskState.CLOSE_REQUESTED)
    blue = tn.issue_task_notice(task, actor=city.users["supervisor"], body="请按期办结并反馈。")
    svc.return_task(task, actor=city.users["supervisor"], note="佐证材料不全，请补充验收记录")
    open_ones = TaskNotice.objects.filter(task=task, state__in=OPEN_STATES)
    assert list(open_ones) == [blue]
    assert fresh(task).state == TaskState.IN_PROGRESS
    assert fresh(task).returns == 1
    # Without an open notice the return issues its 黄色督办单, as before.
    tn.sign_task_notice(blue, actor=city.users["clerk"])
    tn.answer_task_notice(blue, actor=city.users["clerk"], body="已补充验收记录，近期再次申请办结。")
    tn.approve_task_notice(blue, actor=city.users["unit_leader"])
    svc.request_close(task, actor=city.users["clerk"], body=CLOSE, evidence=EVIDENCE)
    svc.return_task(task, actor=city.users["supervisor"], note="验收记录未盖章，请补充")
    yellow = TaskNotice.objects.get(task=task, state__in=OPEN_STATES)
    assert yellow.colour == "yellow"
    assert yellow.reason == "review_return"
