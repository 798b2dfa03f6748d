"""The sweep at the deadlines: reminders once, escalation 蓝 → 黄 → 红 at the 反馈期限, recorded on
the case and told to the right people; a second run does nothing more."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from cases.models import CaseEvent
from cases.workflow import Action as CaseAction
from notifications.models import Notification
from supervision import services
from supervision.models import Notice, NoticeReminder
from supervision.sweeps import sweep_notices
from supervision.tests.conftest import ANSWER, fresh, issue
from supervision.workflow import Colour, State
from tests.factories import City

pytestmark = pytest.mark.django_db


def _past(clock: Any, notice: Notice) -> None:
    assert notice.respond_by is not None
    clock.move_to(notice.respond_by + timedelta(minutes=1))


def test_an_unanswered_notice_climbs_the_ladder_once_per_rung(city: City, clock: Any) -> None:
    blue = issue(city)
    services.sign_notice(blue, actor=city.users["clerk"])
    assert sweep_notices()["escalated"] == 0  # nothing is due yet

    _past(clock, blue)
    assert sweep_notices()["escalated"] == 1
    assert sweep_notices()["escalated"] == 0  # idempotent
    yellow = Notice.objects.get(previous=blue)
    assert fresh(blue).state == State.ESCALATED
    assert (yellow.colour, yellow.state, yellow.unit) == (Colour.YELLOW, State.ISSUED, city.housing)
    assert yellow.addressed_to == city.users["unit_leader"]
    assert yellow.supervisor == city.users["supervisor"]
    assert yellow.events.get().actor is None  # the system's
    supervisor_told = Notification.objects.filter(user=city.users["supervisor"], kind="supervision_escalated")
    assert supervisor_told.count() == 1
    assert not Notification.objects.filter(user=city.users["leader"], kind="supervision_escalated").exists()

    _past(clock, yellow)
    sweep_notices()
    red = Notice.objects.get(previous=yellow)
    assert red.colour == Colour.RED
    assert Notification.objects.filter(user=city.users["leader"], kind="supervision_escalated").count() == 1
    assert [n.colour for n in red.ladder()] == ["blue", "yellow", "red"]

    _past(clock, red)
    assert sweep_notices()["escalated"] == 0  # 红 is the top: its leader is told instead
    assert fresh(red).state == State.ISSUED
    overdue = Notification.objects.filter(kind="notice_respond_overdue", message__contains=red.number)
    assert set(overdue.values_list("user__username", flat=True)) == {"unit_leader", "supervisor", "leader"}
    count = overdue.count()
    sweep_notices()
    assert overdue.count() == count

    supervised = CaseEvent.objects.filter(case=blue.case, action=CaseAction.SUPERVISE).order_by("seq")
    assert [e.payload["colour"] for e in supervised] == ["blue", "yellow", "red"]
    assert supervised.last().actor is None  # type: ignore[union-attr]


def test_an_unsigned_notice_is_reminded_then_escalated(city: City, clock: Any) -> None:
    notice = issue(city)
    assert notice.sign_by is not None
    clock.move_to(notice.sign_by + timedelta(minutes=1))
    done = sweep_notices()
    assert done["sign_overdue"] == 1
    assert Notification.objects.filter(user=city.users["clerk"], kind="notice_sign_overdue").count() == 1
    assert sweep_notices()["sign_overdue"] == 0
    _past(clock, notice)
    sweep_notices()
    following = Notice.objects.get(previous=notice)
    assert "逾期未签收" in following.body
    assert fresh(notice).events.last().note.startswith("逾期未签收")  # type: ignore[union-attr]


def test_an_answer_waiting_for_the_leader_is_not_escalated_but_the_leader_is_told(
    city: City, clock: Any
) -> None:
    notice = issue(city)
    services.sign_notice(notice, actor=city.users["clerk"])
    services.answer_notice(notice, actor=city.users["clerk"], body=ANSWER)
    _past(clock, notice)
    assert sweep_notices()["escalated"] == 0
    assert fresh(notice).state == State.PENDING_APPROVAL
    assert Notification.objects.filter(user=city.users["unit_leader"], kind="notice_respond_overdue").exists()
    assert Notice.objects.late(timezone.now()).filter(pk=notice.pk).exists()


def test_an_answer_given_meanwhile_is_not_escalated(city: City, clock: Any) -> None:
    notice = issue(city)
    services.sign_notice(notice, actor=city.users["clerk"])
    _past(clock, notice)
    services.answer_notice(notice, actor=city.users["clerk"], body=ANSWER)
    services.approve_answer(notice, actor=city.users["unit_leader"])
    assert sweep_notices()["escalated"] == 0
    assert fresh(notice).answered_late


def test_a_claimed_rung_is_never_acted_on_twice(city: City, clock: Any) -> None:
    notice = issue(city)
    _past(clock, notice)
    assert notice.respond_by is not None
    NoticeReminder.objects.create(notice=notice, kind="respond_overdue", deadline=notice.respond_by)
    assert sweep_notices()["escalated"] == 0  # another worker claimed it
    assert fresh(notice).state == State.ISSUED


def test_a_notice_on_a_case_closed_since_is_neither_escalated_nor_chased(city: City, clock: Any) -> None:
    from cases import services as case_services
    from tests.factories import called_back_case

    case = called_back_case(city)
    notice = issue(city, case)
    case_services.close(case, actor=city.users["agent"])
    _past(clock, notice)
    assert sweep_notices()["escalated"] == 0
    assert fresh(notice).state == State.ISSUED  # as it was: the case ended, the notice is history
    assert not Notice.objects.filter(previous=notice).exists()
    chased = Notification.objects.filter(kind="notice_respond_overdue", message__contains=notice.number)
    assert not chased.exists()
