"""退单, 派单异议审核 and 提级办理 (国办函〔2025〕66号), through the services, the pages and the API."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client, override_settings
from django.utils import timezone

from accounts.models import ApiToken, Role
from cases import hooks, services
from cases.forms import DispatchForm
from cases.history import stints
from cases.models import Assignment, Case, CaseEvent, Dispute, ReturnReason
from cases.queues import queue_cases
from cases.stats import returns_by_unit
from cases.workflow import Action, State
from mochou.errors import Conflict, InvalidInput
from notifications.models import Notification
from org.models import Unit, UnitKind
from tests import factories as f

pytestmark = pytest.mark.django_db


def fresh(case: Case) -> Case:
    return Case.objects.get(pk=case.pk)


def returned(city: f.City, **kwargs: Any) -> Case:
    case = f.dispatched_case(city)
    services.return_case(
        case,
        actor=city.users["clerk"],
        reason="该路段由郢中街道负责日常养护",
        reason_kind=kwargs.pop("reason_kind", ReturnReason.NOT_OUR_DUTY),
        **kwargs,
    )
    return fresh(case)


# ---------------------------------------------------------------- 退单 opens a dispute


def test_a_return_opens_a_dispute_and_waits_for_the_ruling(city: f.City, clock: object) -> None:
    case = returned(city, suggested_unit=city.township, reason_kind=ReturnReason.NOT_OUR_AREA)
    dispute = Dispute.objects.get(case=case)
    assert (case.state, case.lead_unit_id, case.due_at) == (State.REGISTERED, None, None)
    assert (dispute.status, dispute.unit, dispute.suggested_unit) == (
        Dispute.Status.PENDING, city.housing, city.township,
    )  # fmt: skip
    assert dispute.reason == ReturnReason.NOT_OUR_AREA
    event = case.events.get(action=Action.RETURN)
    assert event.payload["dispute"] == dispute.pk
    assert event.payload["suggested_unit"] == city.township.code
    assert "不在本单位管辖区域" in event.note
    # Nothing else happens to the case until the centre has ruled.
    with pytest.raises(Conflict) as caught:
        services.dispatch(case, actor=city.users["dispatcher"], lead_unit=city.education)
    assert caught.value.code == "case.dispute_pending"
    assert case in queue_cases(city.users["dispatcher"], "disputes")
    assert case not in queue_cases(city.users["dispatcher"], "to_dispatch")
    assert Notification.objects.filter(user__role=Role.DISPATCHER, kind="returned").exists()


def test_a_return_needs_a_listed_reason_and_its_explanation(city: f.City, clock: object) -> None:
    clerk = city.users["clerk"]
    case = f.dispatched_case(city)
    with pytest.raises(InvalidInput) as caught:
        services.return_case(case, actor=clerk, reason="不是我们的事情", reason_kind="whatever")
    assert caught.value.code == "invalid_input.reason_kind"
    with pytest.raises(InvalidInput):
        services.return_case(case, actor=clerk, reason="不对")
    with pytest.raises(InvalidInput) as caught:
        services.return_case(case, actor=clerk, reason="属于本单位以外", suggested_unit=city.housing)
    assert caught.value.code == "invalid_input.suggested_unit"
    assert fresh(case).state == State.DISPATCHED
    assert not Dispute.objects.exists()


# ---------------------------------------------------------------- the ruling


def test_upheld_the_returning_unit_is_never_offered_again(city: f.City, clock: object) -> None:
    dispatcher = city.users["dispatcher"]
    case = returned(city, suggested_unit=city.township)
    ruled: list[dict[str, Any]] = []
    hooks.dispute_ruled.connect(lambda **kw: ruled.append(kw))
    try:
        services.rule_dispute(case, actor=dispatcher, upheld=True, amend_catalogue=True)
    finally:
        hooks.dispute_ruled._subscribers.pop()
    case = fresh(case)
    dispute = Dispute.objects.get(case=case)
    assert case.state == State.REGISTERED
    assert dispute.status == Dispute.Status.UPHELD
    assert case.events.last().action == Action.RULE_DISPUTE  # type: ignore[union-attr]
    assert ruled == [
        {
            "case_id": case.pk, "dispute_id": dispute.pk, "upheld": True, "category_id": city.category.pk,
            "township_id": city.township.pk, "unit_id": city.housing.pk,
            "suggested_unit_id": city.township.pk, "decided_unit_id": None, "amend_catalogue": True,
        }
    ]  # fmt: skip
    # The category's default unit is the returning one: the form neither lists nor pre-fills it,
    # and offers the unit the returning unit named.
    form = DispatchForm(case=case, user=dispatcher)
    assert city.housing not in form.fields["lead_unit"].queryset  # type: ignore[attr-defined]
    assert form.fields["lead_unit"].initial == city.township.pk
    assert "市住房和城乡建设局" in str(form.fields["lead_unit"].help_text) or "住房" in str(
        form.fields["lead_unit"].help_text
    )
    with pytest.raises(InvalidInput) as caught:
        services.dispatch(case, actor=dispatcher, lead_unit=city.housing)
    assert caught.value.code == "invalid_input.unit_excluded"
    services.dispatch(case, actor=dispatcher, lead_unit=city.township)
    assert fresh(case).lead_unit == city.township
    assert Notification.objects.filter(user=city.users["clerk"], kind="dispute_ruled").exists()


def test_upheld_advice_naming_the_returning_unit_is_not_prefilled(
    city: f.City, clock: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = returned(city)
    services.rule_dispute(case, actor=city.users["dispatcher"], upheld=True)
    advice = type("Advice", (), {"lead_unit_id": city.housing.pk, "co_units": [city.housing.code]})()
    monkeypatch.setattr(hooks.triage_advice, "_answer", lambda c: advice)
    form = DispatchForm(case=fresh(case), user=city.users["dispatcher"])
    assert form.fields["lead_unit"].initial is None
    assert city.housing.pk not in (form.fields["co_units"].initial or [])


def test_rejected_the_case_goes_back_to_the_unit_with_the_ruling(city: f.City, clock: Any) -> None:
    dispatcher, clerk = city.users["dispatcher"], city.users["clerk"]
    case = f.make_case(city)
    services.dispatch(case, actor=dispatcher, lead_unit=city.housing, co_units=[city.education])
    services.return_case(case, actor=clerk, reason="该路段由郢中街道负责日常养护")
    clock.shift(timedelta(hours=3))
    with pytest.raises(InvalidInput):  # the unit reads why: the reasons are required
        services.rule_dispute(fresh(case), actor=dispatcher, upheld=False)
    services.rule_dispute(fresh(case), actor=dispatcher, upheld=False, note="市政排水管网属市住建局养护")
    case = fresh(case)
    assert (case.state, case.lead_unit) == (State.DISPATCHED, city.housing)
    assert case.dispatched_at == timezone.now()  # the acceptance clock starts again
    assert case.accept_due_at is not None
    assert case.accept_due_at > timezone.now()
    live = case.assignments.exclude(status=Assignment.Status.RETURNED)
    assert sorted(live.values_list("unit__code", "role")) == [("D-JYJ", "co"), ("D-ZJJ", "lead")]
    event = case.events.last()
    assert event is not None
    assert event.action == Action.REJECT_DISPUTE
    assert event.note == "市政排水管网属市住建局养护"
    assert Dispute.objects.get(case=case).status == Dispute.Status.REJECTED
    # The unit sees the case again, and the ruling on it.
    assert case in Case.objects.visible_to(clerk)
    services.accept(case, actor=clerk)


def test_only_the_centre_rules_and_only_on_an_open_dispute(city: f.City, clock: object) -> None:
    case = returned(city)
    for name in ("clerk", "agent", "supervisor"):
        assert services.CASES.guards.refusal(city.users[name], case, Action.RULE_DISPUTE) is not None
    services.rule_dispute(case, actor=city.users["dispatcher"], upheld=True)
    with pytest.raises(Conflict):
        services.rule_dispute(fresh(case), actor=city.users["dispatcher"], upheld=True)


# ---------------------------------------------------------------- counted per unit


def test_returns_and_rulings_are_counted_per_unit_and_period(city: f.City, clock: object) -> None:
    dispatcher = city.users["dispatcher"]
    services.rule_dispute(returned(city), actor=dispatcher, upheld=True)
    services.rule_dispute(returned(city), actor=dispatcher, upheld=False, note="属市住建局职责范围")
    returned(city)
    today = timezone.localdate()
    [row] = returns_by_unit(today, today)
    assert (row.unit, row.returns, row.upheld, row.rejected, row.pending) == (city.housing.name, 3, 1, 1, 1)
    assert row.rejected_share == "50%"
    assert returns_by_unit(today - timedelta(days=7), today - timedelta(days=1)) == []


# ---------------------------------------------------------------- 提级办理


def _bounce(city: f.City, case: Case) -> Case:
    services.return_case(fresh(case), actor=city.users["clerk"], reason="该路段由郢中街道负责养护")
    services.rule_dispute(fresh(case), actor=city.users["dispatcher"], upheld=False, note="属市住建局职责")
    return fresh(case)


def test_a_case_passed_back_three_times_becomes_a_problem_case(city: f.City, clock: Any) -> None:
    case = f.dispatched_case(city)
    _bounce(city, case)
    clock.shift(timedelta(hours=2))
    case = _bounce(city, case)
    assert case.escalated_at is None
    services.accept(case, actor=city.users["clerk"])
    services.submit_reply(case, actor=city.users["clerk"], body="已安排市政养护队疏通下水道。")
    services.approve_reply(case, actor=city.users["unit_leader"])
    services.callback(
        case, actor=city.users["agent"], reached=True, resolved=False, satisfaction="unsatisfied"
    )
    services.reopen(fresh(case), actor=city.users["agent"], reason="诉求人反映仍未疏通")
    case = fresh(case)
    assert case.escalated_at == timezone.now()
    event = case.events.get(action=Action.ESCALATE)
    assert event.payload["moves"] == 3
    assert event.actor is None
    assert "退单2次、重办1次" in event.note
    assert case in queue_cases(city.users["supervisor"], "escalated")
    assert Notification.objects.filter(user=city.users["supervisor"], kind="escalated").count() == 1
    # Once only: further moves do not flag it again.
    assert services.escalate_if_due(case.pk) is False
    spells = stints(case)
    assert [s.started_by for s in spells] == ["派单", "退单异议不成立，退回", "退单异议不成立，退回", "重办"]
    assert [s.ended_by for s in spells] == ["退单", "退单", "答复", ""]
    assert spells[0].end_note.endswith("该路段由郢中街道负责养护")
    assert {s.unit for s in spells} == {city.housing.name}


@override_settings(MOCHOU_ESCALATION_MOVES=1)
def test_the_threshold_is_a_setting_and_the_sweep_recovers_a_lost_check(city: f.City, clock: object) -> None:
    case = f.dispatched_case(city)
    # As if the process died between the return's commit and its check: the return is written
    # without its after-commit duties (the log is the truth; the sweep rereads it).
    with services.CASES.verb(case, Action.RETURN, city.users["clerk"]) as step:
        step.item.lead_unit = None
        step.record(note="模拟：退单后未及检查", fields=["lead_unit"])
    assert fresh(case).escalated_at is None
    assert services.sweep_escalations() == 1
    assert fresh(case).escalated_at is not None
    assert services.sweep_escalations() == 0
    assert CaseEvent.objects.filter(case=case, action=Action.ESCALATE).count() == 1


# ---------------------------------------------------------------- pages


HX: dict[str, Any] = {"HTTP_HX_REQUEST": "true"}


def _page(client: Client, case: Case) -> str:
    return client.get(f"/cases/{case.number}/").content.decode()


def test_the_pages_return_rule_and_show_the_ruling_to_the_unit(city: f.City, clock: object) -> None:
    clerk_client, centre = Client(), Client()
    clerk_client.force_login(city.users["clerk"])
    centre.force_login(city.users["dispatcher"])
    case = f.dispatched_case(city)
    response = clerk_client.post(
        f"/cases/{case.number}/act/return/",
        {
            "reason_kind": "not_our_duty",
            "reason": "该路段由郢中街道负责养护",
            "suggested_unit": city.township.pk,
        },
        **HX,
    )
    assert response.status_code == 204  # the unit no longer sees the case: sent home
    queue = centre.get("/cases/queue/disputes/").content.decode()
    assert case.number in queue
    assert "退单：不属于本单位职责范围——该路段由郢中街道负责养护；建议由郢中街道承办" in queue
    html = _page(centre, case)
    assert "退单与派单异议审核" in html
    assert "等待审核" in html
    assert 'id="action-rule_dispute"' in html
    assert 'id="action-dispatch"' not in html
    response = centre.post(
        f"/cases/{case.number}/act/rule_dispute/",
        {"decision": "rejected", "note": "下水道属市住建局养护"},
        **HX,
    )
    assert "已派单异议审核" in response.content.decode()
    html = _page(clerk_client, case)
    assert "异议不成立" in html
    assert "下水道属市住建局养护" in html
    assert 'id="action-accept"' in html


def test_the_return_stats_page_is_for_the_centre(city: f.City, clock: object) -> None:
    services.rule_dispute(returned(city), actor=city.users["dispatcher"], upheld=True)
    client = Client()
    client.force_login(city.users["dispatcher"])
    html = client.get("/cases/returns/").content.decode()
    rows = re.findall(r"<tr><th scope=\"row\">([^<]+)</th><td>(\d+)</td><td>(\d+)</td>", html)
    assert (city.housing.name, "1", "1") in rows
    client.force_login(city.users["clerk"])
    assert client.get("/cases/returns/").status_code == 403


# ---------------------------------------------------------------- API


def test_the_api_returns_and_rules(city: f.City, clock: object) -> None:
    client = Client()

    def post(user_key: str, path: str, body: dict[str, Any]) -> Any:
        token = ApiToken.issue(city.users[user_key])
        return client.post(
            f"/api/v1/cases{path}", json.dumps(body), content_type="application/json",
            headers={"Authorization": f"Bearer {token}"},
        )  # fmt: skip

    case = f.dispatched_case(city)
    missing = post("clerk", f"/{case.number}/return", {"reason": "该路段由郢中街道负责养护"})
    assert missing.status_code == 422
    r = post(
        "clerk",
        f"/{case.number}/return",
        {
            "reason_kind": "not_our_area",
            "reason": "该路段由郢中街道负责养护",
            "suggested_unit": city.township.code,
        },
    )
    assert r.status_code == 200, r.content
    assert r.json()["state"] == State.REGISTERED
    r = post(
        "dispatcher", f"/{case.number}/rule-dispute", {"upheld": True, "decided_unit": city.township.code}
    )
    assert r.status_code == 200, r.content
    body = r.json()
    [dispute] = body["disputes"]
    assert (dispute["status"], dispute["decided_unit"]["code"], dispute["suggested_unit"]["code"]) == (
        "upheld", city.township.code, city.township.code,
    )  # fmt: skip
    assert "dispatch" in [a["action"] for a in body["actions"]]


def test_unit_kinds_other_than_handlers_cannot_be_named(city: f.City, clock: object) -> None:
    centre = Unit.objects.get(kind=UnitKind.CENTRE)
    with pytest.raises(InvalidInput):
        returned(city, suggested_unit=centre)
