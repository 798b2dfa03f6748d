"""联系诉求人: the lead unit records that it reached (or tried to reach) the citizen.

The page, the API and the verb agree on who may do it and when; the record shows on the timeline;
bad input changes nothing."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from accounts.models import ApiToken
from cases import services
from cases.models import Case, CaseEvent, ContactWay
from cases.workflow import Action, State
from mochou.errors import InvalidInput, NotPermitted, TransitionNotAllowed
from tests.factories import City, accepted_case, dispatched_case, replied_case

pytestmark = pytest.mark.django_db


def _events(case: Case) -> list[CaseEvent]:
    return list(CaseEvent.objects.filter(case=case).order_by("seq"))


def test_the_lead_unit_records_a_contact_and_an_attempt(city: City, clock: object) -> None:
    case = accepted_case(city)
    clerk = city.users["clerk"]
    services.contact(case, actor=clerk, way=ContactWay.PHONE, reached=False, note="电话无人接听，稍后再打。")
    services.contact(
        case, actor=clerk, way=ContactWay.VISIT, reached=True, note="上门了解情况，约定周五疏通。"
    )
    contacts = [e for e in _events(case) if e.action == Action.CONTACT]
    assert [(e.payload["way"], e.payload["reached"]) for e in contacts] == [("phone", False), ("visit", True)]
    assert contacts[1].note == "上门了解情况，约定周五疏通。"
    assert Case.objects.get(pk=case.pk).state == State.IN_PROGRESS


def test_only_the_lead_unit_may_contact_and_only_while_it_handles_the_case(city: City, clock: object) -> None:
    note = "已电话联系诉求人。"
    case = accepted_case(city)
    with pytest.raises(NotPermitted):
        services.contact(case, actor=city.users["outsider"], way=ContactWay.PHONE, reached=True, note=note)
    with pytest.raises(NotPermitted):
        services.contact(case, actor=city.users["agent"], way=ContactWay.PHONE, reached=True, note=note)
    with pytest.raises(TransitionNotAllowed):  # not yet accepted: 签收 comes first
        services.contact(
            dispatched_case(city), actor=city.users["clerk"], way=ContactWay.PHONE, reached=True, note=note
        )
    with pytest.raises(TransitionNotAllowed):  # answered: the callback is the centre's
        services.contact(
            replied_case(city), actor=city.users["clerk"], way=ContactWay.PHONE, reached=True, note=note
        )


@pytest.mark.parametrize(
    ("way", "note", "field"),
    [("fax", "已联系诉求人。", "way"), (ContactWay.PHONE, "好", "note"), (ContactWay.PHONE, "  ", "note")],
)
def test_bad_input_is_refused_and_nothing_is_written(
    city: City, clock: object, way: str, note: str, field: str
) -> None:
    case = accepted_case(city)
    before = len(_events(case))
    with pytest.raises(InvalidInput) as refused:
        services.contact(case, actor=city.users["clerk"], way=way, reached=True, note=note)
    assert refused.value.details.get("field") == field
    assert len(_events(case)) == before


def test_the_case_page_offers_the_form_and_shows_the_contact(
    client: Client, city: City, clock: object
) -> None:
    case = accepted_case(city)
    client.force_login(city.users["clerk"])
    page = client.get(f"/cases/{case.number}/").content.decode()
    assert 'id="btn-contact"' in page
    assert "联系情况" in page
    response = client.post(
        f"/cases/{case.number}/act/contact/",
        {"way": "phone", "reached": "yes", "note": "已电话联系，约定明日现场查看。"},
        follow=True,
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "电话 · 已联系上" in body
    assert "已电话联系，约定明日现场查看。" in body
    refused = client.post(
        f"/cases/{case.number}/act/contact/", {"way": "phone", "reached": "yes", "note": ""}
    )
    assert refused.status_code == 422
    assert [e.action for e in _events(case)].count(Action.CONTACT) == 1


def test_the_api_takes_a_contact_and_names_a_bad_field(client: Client, city: City, clock: object) -> None:
    case = accepted_case(city)
    auth = {"Authorization": f"Bearer {ApiToken.issue(city.users['clerk'])}"}
    url = f"/api/v1/cases/{case.number}/contact"
    ok = client.post(
        url,
        json.dumps({"way": "sms", "reached": True, "note": "已短信告知办理进度。"}),
        content_type="application/json",
        headers=auth,
    )
    assert ok.status_code == 200, ok.content
    assert any(
        e["action"] == "contact"
        for e in client.get(f"/api/v1/cases/{case.number}/events", headers=auth).json()
    )
    bad = client.post(
        url,
        json.dumps({"way": "sms", "reached": "maybe", "note": "已短信告知。"}),
        content_type="application/json",
        headers=auth,
    )
    assert bad.status_code == 422
    assert "reached" in bad.content.decode()


def test_a_failed_attempt_shows_as_such_and_an_answered_case_refuses_a_contact(
    client: Client, city: City, clock: object
) -> None:
    case = accepted_case(city)
    services.contact(
        case, actor=city.users["clerk"], way=ContactWay.PHONE, reached=False, note="电话关机，明日再打。"
    )
    client.force_login(city.users["clerk"])
    assert "电话 · 未联系上" in client.get(f"/cases/{case.number}/").content.decode()
    answered = replied_case(city)
    auth = {"Authorization": f"Bearer {ApiToken.issue(city.users['clerk'])}"}
    refused = client.post(
        f"/api/v1/cases/{answered.number}/contact",
        json.dumps({"way": "phone", "reached": True, "note": "已电话联系诉求人。"}),
        content_type="application/json",
        headers=auth,
    )
    assert refused.status_code == 409
    assert refused.json()["code"].startswith("case.")
