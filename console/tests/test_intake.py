"""Intake at the console: 直接办结 from the knowledge base, 登记并派单流转, and bad input that is
refused with a clear message and leaves nothing stored."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from time_machine import Traveller

from accounts.models import User
from cases.models import Case, CaseEvent, Channel, Kind, Reply, Urgency
from cases.workflow import State
from console import calls, kb
from console.models import Call, IntakeAnswer
from notifications.models import SmsMessage
from tests.factories import City

pytestmark = pytest.mark.django_db

HX: dict[str, Any] = {"HTTP_HX_REQUEST": "true"}
PHONE = "13812345678"
QUESTION = "请问新生儿医保怎么办理？需要带哪些材料？"
ANSWER = "新生儿参保可在出生后三个月内到市医保局窗口或“鄂汇办”办理，需户口簿和出生医学证明。"


@pytest.fixture
def guides(monkeypatch: pytest.MonkeyPatch) -> None:
    """The knowledge base's guide 7 exists (whatever knowledge/ provides meanwhile)."""
    monkeypatch.setattr(kb, "guide_title", lambda pk: {7: "新生儿参保登记"}.get(pk))


def ring(agent: User, call_id: str = "c-1") -> Call:
    parsed = calls.parse_event(
        {"event": "answered", "call_id": call_id, "caller": PHONE, "agent": agent.username}
    )
    return calls.record_call_event(parsed)[0]


def submit(client: Client, user: User, **fields: Any) -> Any:
    data = {"kind": Kind.CONSULT, "content": QUESTION, "citizen_phone": PHONE, "path": "register", **fields}
    client.force_login(user)
    return client.post("/console/intake/", {k: v for k, v in data.items() if v is not None}, **HX)


def saved_number(response: Any) -> str:
    match = re.search(r'id="saved-number">(\d+)<', response.content.decode())
    assert match, response.content.decode()
    return match.group(1)


# ---------------------------------------------------------------- 直接办结


def test_a_consultation_answered_from_a_guide_is_replied_at_intake(
    client: Client, agent: User, clock: Traveller, guides: None
) -> None:
    call = ring(agent)
    response = submit(
        client, agent, path="answer", answer=ANSWER, guide=7, call=call.pk, citizen_name="李先生"
    )
    assert response.status_code == 200
    number = saved_number(response)
    assert "已直接办结" in response.content.decode()
    case = Case.objects.get(number=number)
    assert (case.state, case.kind, case.channel) == (State.REPLIED, Kind.CONSULT, Channel.HOTLINE)
    assert (case.citizen_phone, case.citizen_name, case.registered_by) == (PHONE, "李先生", agent)
    reply = Reply.objects.get(case=case)
    assert (reply.body, reply.status, reply.author) == (ANSWER, Reply.Status.APPROVED, agent)
    record = IntakeAnswer.objects.get(case=case)
    assert (record.guide_id, record.guide_title, record.call, record.answered_by) == (
        7,
        "新生儿参保登记",
        call,
        agent,
    )
    assert list(case.events.values_list("action", flat=True)) == ["register", "answer_at_intake"]
    call.refresh_from_db()
    assert call.case == case
    assert call.wrapped_up_at is not None


def test_the_agent_may_edit_the_guides_answer_or_answer_without_a_guide(
    client: Client, agent: User, clock: Traveller
) -> None:
    response = submit(client, agent, path="answer", answer="请携带户口簿到市医保局一楼窗口办理。")
    case = Case.objects.get(number=saved_number(response))
    reply = case.approved_reply
    assert reply is not None
    assert reply.body == "请携带户口簿到市医保局一楼窗口办理。"
    assert IntakeAnswer.objects.get(case=case).guide_id is None


def test_the_form_resets_for_the_next_call_after_saving(
    client: Client, city: City, clock: Traveller, guides: None
) -> None:
    agent = city.users["agent"]
    first = ring(agent, "c-1")
    response = submit(client, agent, path="answer", answer=ANSWER, guide=7, call=first.pk)
    html = response.content.decode()
    assert QUESTION not in html  # a fresh form
    assert 'name="call"' in html
    assert f'name="call" value="{first.pk}"' not in html
    assert 'id="no-call"' in html  # the pop, sent along out of band, is cleared too
    assert 'hx-swap-oob="true"' in html


# ---------------------------------------------------------------- 登记并派单流转


def test_a_request_is_registered_for_the_dispatchers(client: Client, agent: User, clock: Traveller) -> None:
    call = ring(agent)
    response = submit(
        client,
        agent,
        kind=Kind.COMPLAINT,
        content="郢中街道莫愁湖路12号小区门口的下水道堵塞好几天了，污水漫到路面。",
        township="郢中",
        address="莫愁湖路12号",
        urgent="on",
        call=call.pk,
    )
    assert "已登记，转派单流转" in response.content.decode()
    case = Case.objects.get(number=saved_number(response))
    assert (case.state, case.kind, case.urgency) == (State.REGISTERED, Kind.COMPLAINT, Urgency.URGENT)
    assert case.township is not None
    assert case.township.name == "郢中街道"
    assert not Reply.objects.filter(case=case).exists()
    assert not IntakeAnswer.objects.exists()
    call.refresh_from_db()
    assert call.case == case
    # The citizen is told the number by SMS as well as on the phone.
    assert SmsMessage.objects.filter(case=case, phone=PHONE, body__contains=case.number).exists()
    # The dispatchers find it in 待派单.
    client.force_login(User.objects.get(username="dispatcher"))
    assert case.number in client.get("/cases/queue/to_dispatch/").content.decode()


def test_triage_runs_after_registration_as_for_every_door(
    client: Client, agent: User, clock: Traveller, settings: Any, tmp_path: Any
) -> None:
    settings.MOCHOU_TRIAGE = True
    settings.MOCHOU_TRIAGE_MODEL = str(tmp_path / "absent.joblib")  # no model: a note for the dispatchers
    response = submit(client, agent, kind=Kind.HELP)
    case = Case.objects.get(number=saved_number(response))
    triage = CaseEvent.objects.get(case=case, action="triage")
    assert "请人工派单" in triage.note
    assert case.state == State.REGISTERED


def test_a_dispatcher_at_the_console_registers_but_does_not_answer(
    client: Client, dispatcher: User, clock: Traveller
) -> None:
    client.force_login(dispatcher)
    page = client.get("/console/").content.decode()
    assert 'id="btn-register"' in page
    assert 'id="btn-answer"' not in page
    response = submit(client, dispatcher, path="answer", answer=ANSWER)
    assert "只有话务员可以直接办结" in response.content.decode()
    assert not Case.objects.exists()
    assert saved_number(submit(client, dispatcher))


def test_a_call_of_another_agent_is_not_linked(client: Client, city: City, clock: Traveller) -> None:
    theirs = ring(city.users["agent2"])
    response = submit(client, city.users["agent"], call=theirs.pk)
    saved_number(response)
    theirs.refresh_from_db()
    assert theirs.case is None
    assert theirs.wrapped_up_at is None


# ---------------------------------------------------------------- bad input: a clear message, nothing stored


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"content": "太长" * 2501}, "诉求内容不能超过5000个字（现为5002个字）"),
        ({"content": ""}, "请填写诉求内容"),
        ({"content": "   "}, "请填写诉求内容"),
        ({"content": "路灯"}, "诉求内容至少需要5个字"),
        ({"citizen_phone": "12345"}, "联系电话格式不正确"),
        ({"citizen_phone": "138123456789"}, "联系电话格式不正确"),
        ({"content": "<script>alert('x')</script>路灯不亮"}, "请勿输入 HTML 标签或脚本"),
        ({"citizen_name": '<img src=x onerror="alert(1)">'}, "请勿输入 HTML 标签或脚本"),
        ({"township": "火星"}, "找不到乡镇“火星”"),
        ({"kind": "gossip"}, "请选择诉求类型：1 咨询"),
        ({"citizen_phone": "1" * 21}, "联系电话不能超过20个字"),
        ({"path": "answer", "kind": Kind.COMPLAINT, "answer": ANSWER}, "只有咨询类诉求可以直接办结"),
        ({"path": "answer", "answer": ""}, "直接办结需要填写答复内容"),
        ({"path": "answer", "answer": "好的"}, "直接办结需要填写答复内容"),
        ({"path": "answer", "answer": "答" * 5001}, "答复内容不能超过5000个字"),
        ({"path": "answer", "answer": "<b>请到窗口办理</b>"}, "请勿输入 HTML 标签或脚本"),
        ({"path": "answer", "answer": ANSWER, "guide": 99}, "所选莫愁指南已不存在"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message_and_nothing_stored(
    client: Client, agent: User, clock: Traveller, guides: None, fields: dict, message: str
) -> None:
    call = ring(agent)
    response = submit(client, agent, call=call.pk, **fields)
    html = response.content.decode()
    assert response.status_code == 200  # htmx swaps the form back in with the errors
    assert message in html
    assert 'id="intake-error"' in html
    assert not Case.objects.exists()
    assert not SmsMessage.objects.exists()
    call.refresh_from_db()
    assert (call.case, call.wrapped_up_at) == (None, None)  # the call stays on screen


def test_what_the_agent_typed_survives_an_error(client: Client, agent: User, clock: Traveller) -> None:
    html = submit(client, agent, citizen_phone="12345", citizen_name="张女士").content.decode()
    assert QUESTION in html
    assert 'value="张女士"' in html


def test_without_htmx_an_error_is_a_full_page_with_status_422(
    client: Client, agent: User, clock: Traveller
) -> None:
    client.force_login(agent)
    response = client.post("/console/intake/", {"kind": "consult", "content": "路灯", "path": "register"})
    assert response.status_code == 422
    assert "诉求内容至少需要5个字" in response.content.decode()
    assert 'id="current-call"' in response.content.decode()


def test_without_script_the_pressed_button_decides(client: Client, agent: User, clock: Traveller) -> None:
    client.force_login(agent)
    data = {"kind": "consult", "content": QUESTION, "answer": ANSWER, "path": "", "submit_path": "answer"}
    response = client.post("/console/intake/", data)
    assert response.status_code == 200
    assert Case.objects.get(number=saved_number(response)).state == State.REPLIED


def test_the_scripted_choice_wins_over_a_stale_button(client: Client, agent: User, clock: Traveller) -> None:
    """Alt+S after a mouse click elsewhere: the hidden path the script wrote is what the agent chose."""
    response = submit(client, agent, path="register", submit_path="answer", answer=ANSWER)
    assert Case.objects.get(number=saved_number(response)).state == State.REGISTERED
