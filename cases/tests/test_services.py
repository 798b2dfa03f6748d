"""The invariants of the case loop, through the domain services."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.db import IntegrityError, transaction

from accounts.models import Role
from cases import services
from cases.models import Case, CaseEvent, Extension, Reply, Satisfaction
from cases.workflow import State
from conftest import SHANGHAI
from loop.writes import StateWriteRefused, recording
from mochou.errors import Conflict, InvalidInput, NotPermitted, TransitionNotAllowed
from notifications.models import Notification, SmsMessage
from tests import factories as f
from worktime.calendar import CalendarMissing

pytestmark = pytest.mark.django_db


def fresh(case: Case) -> Case:
    return Case.objects.get(pk=case.pk)


def events_of(case: Case) -> list[CaseEvent]:
    return list(CaseEvent.objects.filter(case=case).order_by("seq"))


def snapshot(case: Case) -> tuple:
    case = fresh(case)
    return case.state, case.lead_unit_id, case.due_at, CaseEvent.objects.filter(case=case).count()


# ---------------------------------------------------------------- the event log


def test_every_state_change_has_exactly_one_event_and_the_state_is_the_last_event(city, clock) -> None:
    case = f.make_case(city)
    steps = [
        lambda c: services.dispatch(c, actor=city.users["dispatcher"], lead_unit=city.housing),
        lambda c: services.return_case(c, actor=city.users["clerk"], reason="不属于我局职责范围"),
        lambda c: services.rule_dispute(
            c, actor=city.users["dispatcher"], upheld=False, note="市政排水设施属市住建局养护"
        ),
        lambda c: services.accept(c, actor=city.users["clerk"]),
        lambda c: services.submit_reply(c, actor=city.users["clerk"], body="已安排人员疏通，现已恢复排水。"),
        lambda c: services.reject_reply(c, actor=city.users["unit_leader"], note="请写明疏通时间"),
        lambda c: services.submit_reply(
            c, actor=city.users["clerk"], body="9月25日上午已疏通，现已恢复排水。"
        ),
        lambda c: services.approve_reply(c, actor=city.users["unit_leader"]),
        lambda c: services.callback(
            c, actor=city.users["agent"], reached=True, resolved=False, satisfaction="unsatisfied"
        ),
        lambda c: services.reopen(c, actor=city.users["agent"], reason="群众反映仍有积水"),
        lambda c: services.submit_reply(
            c, actor=city.users["clerk"], body="已更换破损管道，现场复查无积水。"
        ),
        lambda c: services.approve_reply(c, actor=city.users["unit_leader"]),
        lambda c: services.callback(
            c, actor=city.users["agent"], reached=True, resolved=True, satisfaction="satisfied"
        ),
        lambda c: services.close(c, actor=city.users["agent"]),
    ]
    for step in steps:
        before = fresh(case).state
        count_before = CaseEvent.objects.filter(case=case).count()
        step(fresh(case))
        after = fresh(case)
        log = events_of(case)
        assert len(log) == count_before + 1
        assert log[-1].from_state == before
        assert log[-1].to_state == after.state
    log = events_of(case)
    assert [e.seq for e in log] == list(range(1, len(log) + 1))
    assert fresh(case).state == State.CLOSED
    assert fresh(case).reopen_count == 1


def test_event_log_is_append_only(city, clock) -> None:
    event = events_of(f.make_case(city))[0]
    event.note = "改写历史"
    with pytest.raises(RuntimeError, match="append-only"):
        event.save()
    with pytest.raises(RuntimeError, match="append-only"):
        event.delete()


# ---------------------------------------------------------------- closing


def test_a_replied_case_cannot_close_before_its_callback(city, clock) -> None:
    case = f.replied_case(city)
    with pytest.raises(TransitionNotAllowed):
        services.close(case, actor=city.users["agent"])
    assert fresh(case).state == State.REPLIED


def test_a_case_in_progress_cannot_close_without_a_reply(city, clock) -> None:
    case = f.accepted_case(city)
    with pytest.raises(TransitionNotAllowed):
        services.close(case, actor=city.users["agent"])
    assert fresh(case).closed_at is None


def test_the_database_refuses_a_closed_case_without_a_reply(city, clock) -> None:
    case = f.accepted_case(city)
    # Past the model's own refusal (loop.writes), the database holds the rule too.
    with pytest.raises(IntegrityError), transaction.atomic(), recording():
        Case.objects.filter(pk=case.pk).update(state=State.CLOSED)


def test_a_state_written_outside_a_verb_is_refused_and_nothing_changes(city, clock) -> None:
    case = f.accepted_case(city)
    with pytest.raises(StateWriteRefused):
        Case.objects.filter(pk=case.pk).update(state=State.CLOSED)
    loaded = Case.objects.get(pk=case.pk)
    loaded.state = State.CLOSED
    with pytest.raises(StateWriteRefused):
        loaded.save()
    with pytest.raises(StateWriteRefused):
        Case.objects.bulk_update([loaded], ["state"])
    with pytest.raises(StateWriteRefused):
        Case.objects.create(
            number="2026010100001", channel="hotline", kind="help", title="t", content="内容内容内容"
        )
    loaded.refresh_from_db(fields=["title"])  # a refresh without the state approves nothing
    with pytest.raises(StateWriteRefused):
        loaded.save()
    stale = Case.objects.get(pk=case.pk)  # read before a verb moves the row …
    services.submit_reply(case, actor=city.users["clerk"], body="已安排市政养护队疏通下水道，排水已恢复。")
    stale.title = "改标题"
    stale.save()  # … its full save keeps the verb's state
    assert Case.objects.get(pk=case.pk).state == State.PENDING_APPROVAL
    loaded = Case.objects.get(pk=case.pk)
    loaded.title = "只改标题"  # other fields, with the state as loaded, save as usual
    loaded.state = State.IN_PROGRESS
    loaded.save(update_fields=["title"])
    assert Case.objects.get(pk=case.pk).state == State.PENDING_APPROVAL


def test_unreachable_citizen_can_be_closed_only_after_the_configured_attempts(city, clock, settings) -> None:
    settings.MOCHOU_CALLBACK_ATTEMPTS = 3
    case = f.replied_case(city)
    for attempt in (1, 2):
        services.callback(
            fresh(case), actor=city.users["agent"], reached=False, comment=f"第{attempt}次未接通"
        )
        assert fresh(case).state == State.REPLIED
        with pytest.raises(TransitionNotAllowed):
            services.close(fresh(case), actor=city.users["agent"])
    services.callback(fresh(case), actor=city.users["agent"], reached=False, comment="第3次未接通")
    assert fresh(case).state == State.CALLED_BACK
    services.close(fresh(case), actor=city.users["agent"])
    assert fresh(case).state == State.CLOSED


def test_closing_over_an_unsatisfied_citizen_needs_a_reason(city, clock) -> None:
    case = f.called_back_case(city, satisfaction=Satisfaction.UNSATISFIED)
    with pytest.raises(InvalidInput, match="结案说明"):
        services.close(case, actor=city.users["agent"])
    services.close(case, actor=city.users["agent"], note="诉求超出政策范围，已解释")
    assert fresh(case).state == State.CLOSED


def test_a_reached_callback_needs_satisfaction_and_resolution(city, clock) -> None:
    case = f.replied_case(city)
    with pytest.raises(InvalidInput):
        services.callback(case, actor=city.users["agent"], reached=True, resolved=True, satisfaction="")
    with pytest.raises(InvalidInput):
        services.callback(case, actor=city.users["agent"], reached=True, satisfaction="satisfied")
    assert fresh(case).callback_attempts == 0


# ---------------------------------------------------------------- who may act


def _attempts(city):
    """Each action with an actor who may NOT take it (by role or by unit)."""
    u = city.users
    return [
        (
            "dispatch by an agent",
            f.make_case,
            lambda c: services.dispatch(c, actor=u["agent"], lead_unit=city.housing),
        ),
        (
            "dispatch by a leader",
            f.make_case,
            lambda c: services.dispatch(c, actor=u["leader"], lead_unit=city.housing),
        ),
        ("accept by another unit", f.dispatched_case, lambda c: services.accept(c, actor=u["outsider"])),
        ("accept by the dispatcher", f.dispatched_case, lambda c: services.accept(c, actor=u["dispatcher"])),
        (
            "return by another unit",
            f.dispatched_case,
            lambda c: services.return_case(c, actor=u["outsider"], reason="不是我们的"),
        ),
        (
            "reply by another unit",
            f.accepted_case,
            lambda c: services.submit_reply(c, actor=u["outsider"], body="答复内容足够长了吧"),
        ),
        (
            "extension by an agent",
            f.accepted_case,
            lambda c: services.request_extension(c, actor=u["agent"], days=3, reason="需要现场勘查"),
        ),
        (
            "approve by the clerk",
            lambda city: _pending(city),
            lambda c: services.approve_reply(c, actor=u["clerk"]),
        ),
        (
            "callback by a clerk",
            f.replied_case,
            lambda c: services.callback(
                c, actor=u["clerk"], reached=True, resolved=True, satisfaction="satisfied"
            ),
        ),
        ("close by a clerk", f.called_back_case, lambda c: services.close(c, actor=u["clerk"])),
        (
            "reopen by a clerk",
            f.called_back_case,
            lambda c: services.reopen(c, actor=u["clerk"], reason="不满意重办"),
        ),
        (
            "supervise by a dispatcher",
            f.accepted_case,
            lambda c: services.supervise(c, actor=u["dispatcher"], body="请加快办理"),
        ),
        (
            "merge by a clerk",
            f.make_case,
            lambda c: services.merge(c, actor=u["clerk"], parent=f.make_case(city)),
        ),
        (
            "transfer by an agent",
            f.make_case,
            lambda c: services.transfer(c, actor=u["agent"], target="荆门市12345"),
        ),
    ]


def _pending(city) -> Case:
    case = f.accepted_case(city)
    services.submit_reply(case, actor=city.users["clerk"], body="已安排人员疏通，现已恢复排水。")
    return fresh(case)


@pytest.mark.parametrize("index", range(14))
def test_a_role_or_unit_that_may_not_act_is_refused_and_nothing_changes(city, clock, index: int) -> None:
    name, build, act = _attempts(city)[index]
    case = build(city)
    before = snapshot(case)
    with pytest.raises(NotPermitted) as caught:
        act(fresh(case))
    assert caught.value.status == 403, name
    assert snapshot(case) == before, name


def test_only_the_unit_leader_approves_replies(city, clock) -> None:
    case = _pending(city)
    with pytest.raises(NotPermitted, match="单位负责人"):
        services.approve_reply(case, actor=city.users["clerk"])
    services.approve_reply(case, actor=city.users["unit_leader"])
    assert fresh(case).state == State.REPLIED
    assert Reply.objects.get(case=case).reviewer == city.users["unit_leader"]


# ---------------------------------------------------------------- input


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"content": "   "}, "invalid_input.required"),
        ({"content": "太短"}, "invalid_input.too_short"),
        ({"content": "很长" * 3000}, "invalid_input.too_long"),
        ({"citizen_phone": "12345"}, "invalid_input.phone"),
        ({"kind": "gossip"}, "invalid_input.kind"),
        ({"channel": "pigeon"}, "invalid_input.channel"),
    ],
)
def test_bad_intake_is_refused_with_a_precise_code_and_stores_nothing(city, clock, overrides, code) -> None:
    with pytest.raises(InvalidInput) as caught:
        f.make_case(city, **overrides)
    assert caught.value.code == code
    assert caught.value.status == 422
    assert Case.objects.count() == 0


def test_case_numbers_are_date_prefixed_and_sequential(city, clock) -> None:
    numbers = [f.make_case(city).number for _ in range(3)]
    assert numbers == ["2025092400001", "2025092400002", "2025092400003"]


def test_phone_numbers_are_normalised(city, clock) -> None:
    assert f.make_case(city, citizen_phone="+86 138 1234 5678").citizen_phone == "13812345678"
    assert f.make_case(city, citizen_phone="0724-4222345").citizen_phone == "0724-4222345"


# ---------------------------------------------------------------- deadlines in working time


def test_deadlines_cross_national_day_and_the_adjusted_saturday(city, clock) -> None:
    clock.move_to(datetime(2025, 9, 30, 16, 30, tzinfo=SHANGHAI))
    case = f.dispatched_case(city)  # 城乡建设: accept within 2 working hours, handle within 5 working days
    # 17:30 ends 30 Sept (one hour used); 1–8 Oct are 国庆/中秋; the second hour is 9 Oct 08:30–09:30.
    assert case.accept_due_at == datetime(2025, 10, 9, 9, 30, tzinfo=SHANGHAI)
    # Working days after 30 Sept: 9 Oct, 10 Oct, Saturday 11 Oct (调休 workday), 13 Oct, 14 Oct.
    assert case.due_at == datetime(2025, 10, 14, 17, 30, tzinfo=SHANGHAI)


def test_urgent_cases_get_the_urgent_limits(city, clock) -> None:
    case = f.dispatched_case(city, urgency="urgent")  # 1 working hour, 1 working day
    assert case.accept_due_at == datetime(2025, 9, 24, 11, 0, tzinfo=SHANGHAI)
    assert case.due_at == datetime(2025, 9, 25, 17, 30, tzinfo=SHANGHAI)


def test_an_approved_extension_moves_the_deadline_in_working_days(city, clock) -> None:
    case = f.accepted_case(city)
    assert case.due_at == datetime(2025, 9, 30, 17, 30, tzinfo=SHANGHAI)
    services.request_extension(case, actor=city.users["clerk"], days=2, reason="需协调燃气公司共同施工")
    with pytest.raises(Conflict):
        services.request_extension(fresh(case), actor=city.users["clerk"], days=2, reason="再申请一次")
    services.decide_extension(fresh(case), actor=city.users["dispatcher"], approve=True)
    # 30 Sept + 2 working days: 国庆 in between, so 9 Oct and 10 Oct.
    assert fresh(case).due_at == datetime(2025, 10, 10, 17, 30, tzinfo=SHANGHAI)
    assert Extension.objects.get(case=case).status == Extension.Status.APPROVED


def test_a_refused_extension_needs_a_reason_and_keeps_the_deadline(city, clock) -> None:
    case = f.accepted_case(city)
    due = case.due_at
    services.request_extension(case, actor=city.users["clerk"], days=5, reason="需要现场勘查")
    with pytest.raises(InvalidInput):
        services.decide_extension(fresh(case), actor=city.users["dispatcher"], approve=False)
    services.decide_extension(
        fresh(case), actor=city.users["dispatcher"], approve=False, note="时限内可以办结"
    )
    assert fresh(case).due_at == due


def test_dispatch_into_a_year_without_calendar_fails_clearly_and_changes_nothing(city, clock) -> None:
    clock.move_to(datetime(2026, 12, 28, 10, 0, tzinfo=SHANGHAI))  # 5 working days reach into 2027
    case = f.make_case(city)
    with pytest.raises(CalendarMissing, match="2027年的工作日历尚未配置"):
        services.dispatch(case, actor=city.users["dispatcher"], lead_unit=city.housing)
    assert snapshot(case)[:2] == (State.REGISTERED, None)


def test_reopen_returns_the_case_to_its_unit_with_a_fresh_deadline(city, clock) -> None:
    case = f.called_back_case(city, satisfaction=Satisfaction.UNSATISFIED)
    clock.move_to(datetime(2025, 10, 9, 9, 0, tzinfo=SHANGHAI))
    services.reopen(case, actor=city.users["agent"], reason="群众反映问题仍未解决")
    case = fresh(case)
    assert case.state == State.IN_PROGRESS
    assert case.lead_unit == city.housing
    assert case.satisfaction == ""
    assert case.due_at == datetime(2025, 10, 15, 17, 30, tzinfo=SHANGHAI)  # 10, 11(调休), 13, 14, 15 Oct
    assert Notification.objects.filter(user=city.users["clerk"], kind="reopened").exists()


# ---------------------------------------------------------------- merge, transfer, intake answer, supervision


def test_a_merged_duplicate_gets_the_parent_cases_answer(city, clock) -> None:
    parent = f.accepted_case(city)
    duplicate = f.make_case(city, citizen_phone="13700001111", citizen_name="刘先生")
    services.merge(duplicate, actor=city.users["dispatcher"], parent=parent)
    assert fresh(duplicate).state == State.MERGED
    services.submit_reply(
        parent, actor=city.users["clerk"], body="已安排市政养护队疏通下水道，现已恢复正常排水。"
    )
    services.approve_reply(fresh(parent), actor=city.users["unit_leader"])
    texts = list(SmsMessage.objects.filter(phone="13700001111").values_list("body", flat=True))
    assert any(duplicate.number in t and "已有答复" in t for t in texts)
    merged_into = fresh(duplicate).parent
    assert merged_into is not None
    answer = merged_into.approved_reply
    assert answer is not None
    assert answer.body.startswith("已安排市政养护队")


def test_a_case_cannot_merge_into_itself(city, clock) -> None:
    case = f.make_case(city)
    with pytest.raises(InvalidInput):
        services.merge(case, actor=city.users["dispatcher"], parent=case)


def test_transfer_keeps_the_case_for_tracking(city, clock) -> None:
    case = f.make_case(city)
    services.transfer(case, actor=city.users["dispatcher"], target="京山市12345热线")
    case = fresh(case)
    assert (case.state, case.transferred_to) == (State.TRANSFERRED, "京山市12345热线")


def test_a_consultation_answered_at_intake_still_needs_a_callback(city, clock) -> None:
    case = f.make_case(city, kind="consult", content="请问办理居住证需要带哪些材料？")
    services.answer_at_intake(case, actor=city.users["agent"], answer="带身份证、居住证明到派出所办理。")
    assert fresh(case).state == State.REPLIED
    with pytest.raises(TransitionNotAllowed):
        services.close(fresh(case), actor=city.users["agent"])
    services.callback(
        fresh(case), actor=city.users["agent"], reached=True, resolved=True, satisfaction="satisfied"
    )
    services.close(fresh(case), actor=city.users["agent"])
    assert fresh(case).state == State.CLOSED


def test_only_consultations_are_answered_at_intake(city, clock) -> None:
    case = f.make_case(city)
    with pytest.raises(InvalidInput, match="咨询"):
        services.answer_at_intake(case, actor=city.users["agent"], answer="这个直接回答了。")
    assert fresh(case).state == State.REGISTERED


def test_supervision_notifies_the_unit_and_texts_its_leader(city, clock) -> None:
    case = f.accepted_case(city)
    notice = services.supervise(case, actor=city.users["supervisor"], body="该件群众反映强烈，请于两日内办结")
    assert notice.unit == city.housing
    assert Notification.objects.filter(user=city.users["clerk"], kind="supervised").exists()
    assert SmsMessage.objects.filter(phone="13900000001", body__contains=case.number).exists()
    assert fresh(case).state == State.IN_PROGRESS


def test_co_handlers_contribute_and_others_cannot(city, clock) -> None:
    case = f.make_case(city)
    services.dispatch(case, actor=city.users["dispatcher"], lead_unit=city.housing, co_units=[city.education])
    services.accept(fresh(case), actor=city.users["clerk"])
    services.contribute(fresh(case), actor=city.users["outsider"], body="学校周边排水由我局配合清理")
    assert events_of(case)[-1].action == "contribute"
    with pytest.raises(NotPermitted):
        services.contribute(fresh(case), actor=city.users["clerk"], body="主办单位不是协办单位")


def test_registration_texts_the_citizen_their_number(city, clock) -> None:
    case = f.make_case(city)
    sms = SmsMessage.objects.get(phone="13812345678")
    assert case.number in sms.body
    assert sms.status == SmsMessage.Status.SENT  # huey runs immediately in tests; the record backend "sends"


def test_returned_case_goes_back_to_the_dispatchers(city, clock) -> None:
    case = f.dispatched_case(city)
    services.return_case(case, actor=city.users["clerk"], reason="属于供水公司职责")
    case = fresh(case)
    assert (case.state, case.lead_unit, case.due_at) == (State.REGISTERED, None, None)
    assert Notification.objects.filter(user__role=Role.DISPATCHER, kind="returned").exists()
    with pytest.raises(InvalidInput):
        services.return_case(f.dispatched_case(city), actor=city.users["clerk"], reason="")


# ---------------------------------------------------------------- review findings, kept fixed


def test_merging_a_case_carries_its_own_duplicates_to_the_new_parent(city, clock) -> None:
    first, middle, last = (
        f.make_case(city, citizen_phone=p) for p in ("13700000001", "13700000002", "13700000003")
    )
    services.merge(first, actor=city.users["dispatcher"], parent=middle)
    services.merge(fresh(middle), actor=city.users["dispatcher"], parent=last)
    assert fresh(first).parent == last  # not left under a merged case
    services.dispatch(fresh(last), actor=city.users["dispatcher"], lead_unit=city.housing)
    services.accept(fresh(last), actor=city.users["clerk"])
    services.submit_reply(fresh(last), actor=city.users["clerk"], body="已组织疏通，现已恢复正常排水。")
    services.approve_reply(fresh(last), actor=city.users["unit_leader"])
    told = set(SmsMessage.objects.filter(body__contains="已有答复").values_list("phone", flat=True))
    assert told == {"13700000001", "13700000002", "13700000003"}


def test_a_pending_extension_lapses_when_the_answer_is_approved(city, clock) -> None:
    case = f.accepted_case(city)
    services.request_extension(case, actor=city.users["clerk"], days=10, reason="需要协调多个部门")
    services.submit_reply(fresh(case), actor=city.users["clerk"], body="已组织疏通，现已恢复正常排水。")
    services.approve_reply(fresh(case), actor=city.users["unit_leader"])
    extension = Extension.objects.get(case=case)
    assert extension.status == Extension.Status.REFUSED
    assert "失效" in extension.decision_note
    services.callback(
        fresh(case), actor=city.users["agent"], reached=True, resolved=False, satisfaction="unsatisfied"
    )
    services.reopen(fresh(case), actor=city.users["agent"], reason="群众反映仍有积水")
    due = fresh(case).due_at
    # After the reopen the unit may ask again, and nothing stale stretches the fresh deadline.
    services.request_extension(fresh(case), actor=city.users["clerk"], days=1, reason="等待管材到货")
    with pytest.raises(Conflict):
        services.request_extension(fresh(case), actor=city.users["clerk"], days=1, reason="再申请一次")
    assert fresh(case).due_at == due


def test_a_reopened_case_is_unanswered_again(city, clock) -> None:
    case = f.called_back_case(city, satisfaction=Satisfaction.UNSATISFIED)
    assert case.replied_at is not None
    services.reopen(case, actor=city.users["agent"], reason="群众反映仍有积水")
    case = fresh(case)
    assert (case.replied_at, case.is_overdue_closed) == (None, False)
    duplicate = f.make_case(city, citizen_phone="13700009999")
    services.merge(duplicate, actor=city.users["dispatcher"], parent=case)
    assert not SmsMessage.objects.filter(phone="13700009999", body__contains="与已办理的诉求相同").exists()


def test_the_event_log_refuses_bulk_changes_too(city, clock) -> None:
    case = f.accepted_case(city)
    with pytest.raises(RuntimeError, match="append-only"):
        CaseEvent.objects.filter(case=case).update(note="改写")
    with pytest.raises(RuntimeError, match="append-only"):
        case.events.all().delete()
    assert case.events.count() == 3
