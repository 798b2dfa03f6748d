"""The 督办单's verbs: issued with the case's 督办 event, signed, answered, returned, approved; who
may; the colour rule; what each person is told."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from cases.models import CaseEvent, Urgency
from cases.services import close as close_case
from cases.workflow import Action as CaseAction
from cases.workflow import State as CaseState
from mochou.errors import Conflict, InvalidInput, NotPermitted, TransitionNotAllowed
from notifications.models import Notification, SmsMessage
from supervision import services
from supervision.models import Notice
from supervision.tests.conftest import ANSWER, DEMAND, fresh, issue
from supervision.workflow import Action, Colour, State
from tests.factories import City, accepted_case, called_back_case, make_case

pytestmark = pytest.mark.django_db


def test_a_notice_and_the_cases_supervise_event_are_one_action(city: City, clock: Any) -> None:
    case = accepted_case(city)
    notice = issue(city, case)
    assert (notice.state, notice.colour, notice.unit) == (State.ISSUED, Colour.BLUE, city.housing)
    assert notice.number.startswith("DB2025-")
    assert notice.sign_by is not None
    assert notice.respond_by is not None
    assert notice.sign_by < notice.respond_by
    event = CaseEvent.objects.filter(case=case, action=CaseAction.SUPERVISE).get()
    assert event.payload["notice"] == notice.number
    assert event.payload["colour"] == "blue"
    assert event.note == DEMAND
    case.refresh_from_db()
    assert case.state == CaseState.IN_PROGRESS  # 督办 does not move the case


def test_the_case_loops_own_supervise_issues_a_blue_notice(city: City, clock: Any) -> None:
    from cases import services as case_services

    case = accepted_case(city)
    notice = case_services.supervise(
        case, actor=city.users["supervisor"], body="请加快办理进度", respond_days=1
    )
    assert isinstance(notice, Notice)
    assert notice.colour == Colour.BLUE
    assert case.supervision_notices.get() == notice


def test_nothing_is_issued_when_the_case_refuses_its_supervise(city: City, clock: Any) -> None:
    case = called_back_case(city)
    close_case(case, actor=city.users["agent"])
    with pytest.raises(TransitionNotAllowed):
        issue(city, case)
    assert not Notice.objects.exists()


def test_who_may_issue(city: City, clock: Any) -> None:
    case = accepted_case(city)
    for who in ("dispatcher", "clerk", "agent", "leader"):
        with pytest.raises(NotPermitted):
            services.issue_notice(case, actor=city.users[who], body=DEMAND)
    assert not Notice.objects.exists()


def test_the_demand_and_the_deadline_are_checked(city: City, clock: Any) -> None:
    case = accepted_case(city)
    with pytest.raises(InvalidInput) as short:
        services.issue_notice(case, actor=city.users["supervisor"], body="快")
    assert short.value.details["field"] == "body"
    with pytest.raises(InvalidInput) as days:
        services.issue_notice(case, actor=city.users["supervisor"], body=DEMAND, respond_days=31)
    assert days.value.details["field"] == "respond_days"
    assert not Notice.objects.exists()
    assert not CaseEvent.objects.filter(case=case, action=CaseAction.SUPERVISE).exists()


def test_yellow_and_red_come_after_an_unanswered_notice_unless_the_matter_is_major_or_urgent(
    city: City, clock: Any
) -> None:
    with pytest.raises(InvalidInput, match="重大或紧急"):
        issue(city, colour=Colour.YELLOW)
    major = issue(city, colour=Colour.RED, major=True)
    assert (major.colour, major.addressed_to) == (Colour.RED, city.users["unit_leader"])
    urgent = issue(city, accepted_case(city, urgency=Urgency.URGENT), colour=Colour.YELLOW)
    assert urgent.colour == Colour.YELLOW


def test_one_open_notice_per_case_and_unit(city: City, clock: Any) -> None:
    first = issue(city)
    with pytest.raises(Conflict, match=first.number):
        issue(city, first.case)
    services.sign_notice(first, actor=city.users["clerk"])
    services.answer_notice(first, actor=city.users["clerk"], body=ANSWER)
    services.approve_answer(first, actor=city.users["unit_leader"])
    assert issue(city, first.case).pk != first.pk  # answered: a new 督办 may follow


def test_a_registered_case_is_supervised_at_the_centre(city: City, clock: Any) -> None:
    notice = issue(city, make_case(city))
    assert notice.unit == city.centre
    services.sign_notice(notice, actor=city.users["dispatcher"])
    assert fresh(notice).state == State.SIGNED


def test_the_unit_signs_answers_is_returned_and_approved(city: City, clock: Any) -> None:
    notice = issue(city)
    clerk, leader = city.users["clerk"], city.users["unit_leader"]
    assert Notification.objects.filter(user=clerk, kind="supervised").exists()
    assert SmsMessage.objects.filter(phone="13900000001", body__contains=notice.case.number).exists()

    services.sign_notice(notice, actor=clerk)
    signed = fresh(notice)
    assert (signed.signed_by, signed.signed_late) == (clerk, False)

    services.answer_notice(notice, actor=clerk, body="正在处理。处理完再说吧，先这样。")
    assert Notification.objects.filter(user=leader, kind="supervision_answer").exists()
    services.return_answer(notice, actor=leader, note="请写明处理结果和完成时间")
    returned = fresh(notice)
    assert (returned.state, returned.return_note) == (State.SIGNED, "请写明处理结果和完成时间")
    assert Notification.objects.filter(user=clerk, kind="supervision_returned").exists()

    services.answer_notice(notice, actor=clerk, body=ANSWER)
    services.approve_answer(notice, actor=leader, note="同意")
    done = fresh(notice)
    assert (done.state, done.answer, done.approved_by, done.return_note) == (
        State.ANSWERED,
        ANSWER,
        leader,
        "",
    )
    assert done.answered_late is False
    assert Notification.objects.filter(user=city.users["supervisor"], kind="supervision_answered").exists()
    actions = list(done.events.order_by("seq").values_list("action", flat=True))
    assert actions == ["issue", "sign", "answer", "return", "answer", "approve"]


@pytest.mark.parametrize(
    ("who", "action", "error"),
    [
        ("outsider", Action.SIGN, "permission_denied.unit"),  # another department's clerk
        ("supervisor", Action.SIGN, "permission_denied.role"),
        ("agent", Action.SIGN, "permission_denied.role"),
        ("clerk", Action.APPROVE, "permission_denied.role"),  # the leader approves
        ("dispatcher", Action.SIGN, "permission_denied.unit"),  # the centre's, not this unit's
    ],
)
def test_who_may_not(city: City, clock: Any, who: str, action: Action, error: str) -> None:
    notice = issue(city)
    if action == Action.APPROVE:
        services.sign_notice(notice, actor=city.users["clerk"])
        services.answer_notice(notice, actor=city.users["clerk"], body=ANSWER)
    verbs: dict[Action, Callable[..., Notice]] = {
        Action.SIGN: services.sign_notice,
        Action.APPROVE: services.approve_answer,
    }
    verb = verbs[action]
    before = fresh(notice).state
    with pytest.raises(NotPermitted) as refused:
        verb(notice, actor=city.users[who])
    assert refused.value.code == error
    assert fresh(notice).state == before


def test_late_signing_and_a_late_answer_are_recorded(city: City, clock: Any) -> None:
    notice = issue(city, respond_days=1)
    clock.move_to(notice.respond_by + timedelta(hours=1))  # type: ignore[operator]
    services.sign_notice(notice, actor=city.users["clerk"])
    services.answer_notice(notice, actor=city.users["clerk"], body=ANSWER)
    services.approve_answer(notice, actor=city.users["unit_leader"])
    late = fresh(notice)
    assert late.signed_late
    assert late.answered_late
    assert late.events.get(action=Action.APPROVE).payload == {"late": True}
    assert Notice.objects.late(late.approved_at).filter(pk=late.pk).exists()  # type: ignore[arg-type]
    assert Notification.objects.filter(message__contains="逾期反馈").exists()
