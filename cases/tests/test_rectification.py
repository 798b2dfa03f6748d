"""好差评 and 差评整改 (issue 10): five levels; a 差评 opens the lead unit's rectification with its
own deadline (countdown, 临期/超期, swept); the centre verifies; a verified rectification is called
back again and that callback's result stands; 重办 keeps an approved extension's later date."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import override_settings

from cases import services
from cases.deadlines import deadline_of, late_q
from cases.guards import available_actions
from cases.models import Case, CaseEvent, DeadlineNotice, Rectification, Satisfaction
from cases.sweeps import sweep_deadlines
from cases.workflow import Action, State
from mochou.errors import InvalidInput, NotPermitted, TransitionNotAllowed
from notifications.models import Notification, SmsMessage
from tests.factories import (
    City,
    accepted_case,
    called_back_case,
    make_case,
    rectified_case,
    rectifying_case,
    replied_case,
)
from worktime.calendar import add_working_days

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
REPORT = "已约谈责任人并再次疏通，现场排水恢复正常。"


def at(day: str, hour: int = 9) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=SHANGHAI)


def fresh(case: Case) -> Case:
    return Case.objects.get(pk=case.pk)


def test_the_callback_records_five_levels(city: City, clock: object) -> None:
    assert [label for _, label in Satisfaction.choices] == [
        "非常满意",
        "满意",
        "基本满意",
        "不满意",
        "非常不满意",
    ]
    case = replied_case(city)
    services.callback(
        case, actor=city.users["agent"], reached=True, resolved=True, satisfaction=Satisfaction.VERY_SATISFIED
    )
    case = fresh(case)
    assert (case.state, case.get_satisfaction_display(), case.resolved) == (
        State.CALLED_BACK,
        "非常满意",
        True,
    )


def test_an_unknown_level_is_refused_naming_the_five(city: City, clock: object) -> None:
    with pytest.raises(InvalidInput, match="非常满意、满意、基本满意、不满意或非常不满意") as caught:
        services.callback(
            replied_case(city), actor=city.users["agent"], reached=True, resolved=True, satisfaction="ok"
        )
    assert caught.value.details["field"] == "satisfaction"


@pytest.mark.parametrize("rating", [Satisfaction.UNSATISFIED, Satisfaction.VERY_UNSATISFIED])
def test_a_poor_rating_goes_straight_to_the_units_rectification(
    city: City, clock: object, rating: str
) -> None:
    case = replied_case(city)
    services.callback(
        case, actor=city.users["agent"], reached=True, resolved=False, satisfaction=rating, comment="态度敷衍"
    )
    case = fresh(case)
    assert case.state == State.RECTIFYING  # never 待结案 with 结案 offered first (item 6)
    rectification = case.rectifications.get()
    assert (rectification.unit, rectification.satisfaction) == (city.housing, rating)
    assert case.rectify_due_at == rectification.due_at == add_working_days(rectification.opened_at, 5)
    last = case.events.order_by("-seq").first()
    assert last is not None
    assert (last.action, last.from_state, last.to_state) == (Action.RECTIFY, State.REPLIED, State.RECTIFYING)
    notice = Notification.objects.get(user=city.users["clerk"], kind="rectification_opened")
    assert "请于" in notice.message
    assert "态度敷衍" in notice.message
    # The centre is offered nothing that would close it; the unit is offered its report.
    assert Action.CLOSE not in available_actions(city.users["agent"], case)
    assert Action.REPORT_RECTIFICATION in available_actions(city.users["clerk"], case)
    assert Action.REPORT_RECTIFICATION not in available_actions(city.users["outsider"], case)


def test_the_rectification_limit_is_configurable(city: City, clock: object) -> None:
    with override_settings(MOCHOU_RECTIFY_DAYS=2):
        case = rectifying_case(city)
    rectification = case.rectifications.get()
    assert case.rectify_due_at == add_working_days(rectification.opened_at, 2)


def test_the_rectification_has_a_countdown_and_is_late_tracked_and_swept(city: City) -> None:
    with time_machine.travel(at("2026-03-02"), tick=False):  # a Monday
        case = rectifying_case(city)
    due = case.rectify_due_at
    assert due is not None
    status = deadline_of(case, at("2026-03-03"))
    assert status is not None
    assert status.kind == "rectify"
    assert status.label.startswith("整改")
    near, overdue = deadline_of(case, at("2026-03-09", 11)), deadline_of(case, at("2026-03-10"))
    assert near is not None
    assert near.level == "near"
    assert overdue is not None
    assert overdue.level == "overdue"
    assert Case.objects.filter(late_q(at("2026-03-10")), pk=case.pk).exists()
    assert sweep_deadlines(at("2026-03-10"))["rectify_overdue"] == 1
    assert sweep_deadlines(at("2026-03-10", 10))["rectify_overdue"] == 0  # once per deadline
    assert DeadlineNotice.objects.filter(case=case, kind="rectify_overdue", deadline=due).exists()
    # Reported late: the rectification says so.
    services.report_rectification(case, actor=city.users["clerk"], report=REPORT, now=at("2026-03-11"))
    rectification = case.rectifications.get()
    assert rectification.late is True
    assert deadline_of(fresh(case), at("2026-03-11")) is None  # the unit's clock stopped with its report


def test_verified_the_case_is_called_back_again_and_that_result_stands(city: City, clock: object) -> None:
    case = rectified_case(city)
    assert case.state == State.RECTIFIED
    services.verify_rectification(case, actor=city.users["dispatcher"], accepted=True, note="现场核实已整改")
    case = fresh(case)
    assert (case.state, case.satisfaction, case.callback_attempts, case.rectify_due_at) == (
        State.REPLIED, "", 0, None
    )  # fmt: skip
    assert case.rectifications.get().status == Rectification.Status.ACCEPTED
    sms = SmsMessage.objects.filter(case=case).order_by("-pk").first()
    assert sms is not None
    assert "已整改" in sms.body
    # Still a 差评: this time it stands — 待结案, with 重办 first and 结案 needing a reason.
    services.callback(
        case, actor=city.users["agent"], reached=True, resolved=False, satisfaction="unsatisfied"
    )
    case = fresh(case)
    assert case.state == State.CALLED_BACK
    assert case.rectifications.count() == 1
    with pytest.raises(InvalidInput, match="结案说明"):
        services.close(case, actor=city.users["agent"])
    services.close(case, actor=city.users["agent"], note="诉求超出政策范围，已做好解释")
    assert fresh(case).state == State.CLOSED


def test_not_accepted_it_goes_back_to_the_unit_with_the_note_and_its_deadline(
    city: City, clock: object
) -> None:
    case = rectified_case(city)
    due = case.rectify_due_at
    with pytest.raises(InvalidInput, match="核实意见"):
        services.verify_rectification(case, actor=city.users["dispatcher"], accepted=False)
    services.verify_rectification(
        case, actor=city.users["dispatcher"], accepted=False, note="现场仍有积水，请彻底整改"
    )
    case = fresh(case)
    assert (case.state, case.rectify_due_at) == (State.RECTIFYING, due)
    rectification = case.rectifications.get()
    assert (rectification.status, rectification.returns) == (Rectification.Status.OPEN, 1)
    event = CaseEvent.objects.filter(case=case).order_by("-seq").first()
    assert event is not None
    assert event.action == Action.RETURN_RECTIFICATION
    assert Notification.objects.filter(user=city.users["clerk"], kind="rectification_returned").exists()


def test_only_the_lead_unit_reports_and_only_the_centre_verifies(city: City, clock: object) -> None:
    case = rectifying_case(city)
    with pytest.raises(NotPermitted):
        services.report_rectification(case, actor=city.users["outsider"], report=REPORT)
    with pytest.raises(NotPermitted):
        services.report_rectification(case, actor=city.users["agent"], report=REPORT)
    with pytest.raises(InvalidInput):
        services.report_rectification(case, actor=city.users["clerk"], report="已整改")
    services.report_rectification(case, actor=city.users["clerk"], report=REPORT)
    with pytest.raises(NotPermitted):
        services.verify_rectification(case, actor=city.users["clerk"], accepted=True)
    with pytest.raises(NotPermitted):
        services.verify_rectification(case, actor=city.users["agent"], accepted=True)


def test_an_answer_at_intake_has_no_unit_to_rectify(city: City, clock: object) -> None:
    case = make_case(city, kind="consult")
    services.answer_at_intake(
        case, actor=city.users["agent"], answer="公积金提取请携带身份证到政务服务中心办理。"
    )
    services.callback(
        case, actor=city.users["agent"], reached=True, resolved=False, satisfaction="unsatisfied"
    )
    assert fresh(case).state == State.CALLED_BACK


def test_reopening_instead_withdraws_the_rectification(city: City, clock: object) -> None:
    case = rectifying_case(city)
    services.reopen(case, actor=city.users["dispatcher"], reason="答复本身有误，需重新办理")
    case = fresh(case)
    assert (case.state, case.rectify_due_at) == (State.IN_PROGRESS, None)
    assert case.rectifications.get().status == Rectification.Status.WITHDRAWN
    # A new answer is a new round: its 差评 opens a new rectification.
    services.submit_reply(case, actor=city.users["clerk"], body="已重新安排施工队彻底疏通并更换管道。")
    services.approve_reply(case, actor=city.users["unit_leader"])
    services.callback(
        case, actor=city.users["agent"], reached=True, resolved=False, satisfaction="unsatisfied"
    )
    assert fresh(case).state == State.RECTIFYING
    assert case.rectifications.count() == 2


def test_a_case_left_in_called_back_over_a_poor_rating_offers_reopen_first(city: City, clock: object) -> None:
    case = called_back_case(city, satisfaction=Satisfaction.VERY_UNSATISFIED)
    from cases.views.case import POORLY_RATED_ORDER, _action_order

    offered = sorted(available_actions(city.users["agent"], case), key=lambda a: _action_order(a, True))
    assert offered[: len(POORLY_RATED_ORDER)] == [Action.REOPEN, Action.CLOSE]


# ---------------------------------------------------------------- 重办 and the approved extension


def _extended(city: City, day: str, days: int) -> Case:
    with time_machine.travel(at(day), tick=False):
        case = accepted_case(city)
        services.request_extension(case, actor=city.users["clerk"], days=days, reason="需等待管网改造施工")
        services.decide_extension(case, actor=city.users["dispatcher"], approve=True)
        services.submit_reply(case, actor=city.users["clerk"], body="已安排市政养护队疏通下水道，恢复排水。")
        services.approve_reply(case, actor=city.users["unit_leader"])
        services.callback(
            case, actor=city.users["agent"], reached=True, resolved=False, satisfaction="unsatisfied"
        )
    return fresh(case)


def test_reopen_keeps_an_approved_extensions_later_date(city: City) -> None:
    case = _extended(city, "2026-03-02", days=20)
    extended_due = case.due_at
    assert extended_due is not None
    services.reopen(case, actor=city.users["agent"], reason="诉求人反映仍未疏通", now=at("2026-03-03"))
    case = fresh(case)
    assert case.due_at == extended_due  # 5 + 20 working days from 03-02 is later than 5 from 03-03
    event = case.events.order_by("-seq").first()
    assert event is not None
    assert event.payload["kept_extension"] is True


def test_reopen_after_the_extended_date_gives_the_fresh_limit(city: City) -> None:
    case = _extended(city, "2026-03-02", days=2)
    reopened_at = at("2026-04-01")
    services.reopen(case, actor=city.users["agent"], reason="诉求人反映仍未疏通", now=reopened_at)
    case = fresh(case)
    assert case.due_at == add_working_days(reopened_at, 5)
    event = case.events.order_by("-seq").first()
    assert event is not None
    assert event.payload["kept_extension"] is False


def test_a_rectification_cannot_be_reported_twice(city: City, clock: object) -> None:
    case = rectified_case(city)
    with pytest.raises(TransitionNotAllowed, match="整改待核实"):
        services.report_rectification(case, actor=city.users["clerk"], report=REPORT)


def test_report_and_verify_through_the_api(city: City, clock: object) -> None:
    from django.test import Client

    from accounts.models import ApiToken

    def post(user: str, path: str, body: dict[str, object]) -> dict[str, object]:
        token = ApiToken.issue(city.users[user])
        response = Client().post(
            f"/api/v1/cases/{case.number}/{path}",
            data=body,
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )
        return {"status": response.status_code, **response.json()}

    case = rectifying_case(city)
    detail = post("clerk", "callback", {"reached": True, "resolved": True, "satisfaction": "satisfied"})
    assert detail["status"] == 403
    short = post("clerk", "report-rectify", {"report": "已整改"})
    assert short["status"] == 422
    detail = post("clerk", "report-rectify", {"report": REPORT})
    assert (detail["status"], detail["state"]) == (200, State.RECTIFIED)
    rectifications = detail["rectifications"]
    assert isinstance(rectifications, list)
    assert rectifications[0]["report"] == REPORT
    missing_note = post("dispatcher", "verify-rectify", {"accepted": False})
    assert (missing_note["status"], missing_note["code"]) == (422, "invalid_input.required")
    detail = post("dispatcher", "verify-rectify", {"accepted": True})
    assert (detail["status"], detail["state"], detail["rectify_due_at"]) == (200, State.REPLIED, None)


def test_the_kept_extension_survives_a_recomputation_from_the_log(city: City) -> None:
    """按现行时限重算 rebuilds the deadline from the case's history: a 重办 that kept an approved
    extension's later date keeps it there too."""
    from cases.services.repin import handling_deadline

    case = _extended(city, "2026-03-02", days=20)
    services.reopen(case, actor=city.users["agent"], reason="诉求人反映仍未疏通", now=at("2026-03-03"))
    case = fresh(case)
    assert handling_deadline(case, 5) == case.due_at
