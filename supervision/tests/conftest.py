"""A 督办单 in each state of its loop, reached through the verbs (as a user would)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import pytest

from cases.models import Case
from supervision import services
from supervision.models import Notice
from supervision.workflow import State
from tests.factories import City, accepted_case

ANSWER = "已安排市政养护队连夜疏通下水道，现已恢复正常排水，并电话告知诉求人。"
DEMAND = "该件群众反映强烈，请于两个工作日内办结并反馈办理情况。"


def issue(city: City, case: Case | None = None, **kwargs: object) -> Notice:
    case = case or accepted_case(city)
    return services.issue_notice(case, actor=city.users["supervisor"], body=DEMAND, **kwargs)  # type: ignore[arg-type]


def fresh(notice: Notice) -> Notice:
    return Notice.objects.get(pk=notice.pk)


def notice_in(city: City, state: State, *, now: datetime | None = None) -> Notice:
    """A notice on a fresh case in `state`, by the shortest road through the table."""
    notice = issue(city)
    if state == State.ISSUED:
        return notice
    if state == State.ESCALATED:
        services.escalate_notice(notice)
        return fresh(notice)
    services.sign_notice(notice, actor=city.users["clerk"])
    if state == State.SIGNED:
        return fresh(notice)
    services.answer_notice(notice, actor=city.users["clerk"], body=ANSWER)
    if state == State.PENDING_APPROVAL:
        return fresh(notice)
    services.approve_answer(notice, actor=city.users["unit_leader"])
    assert state == State.ANSWERED
    return fresh(notice)


@pytest.fixture
def make_notice(city: City) -> Callable[[State], Notice]:
    return lambda state: notice_in(city, state)
