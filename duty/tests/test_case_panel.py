"""The 12345 link seen from both sides: the case page shows the incidents a case was reported in
(cases.hooks.incident_panel, answered by duty/providers.py) and lets the office register one; the
incident page lists its cases."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from time_machine import Traveller

from accounts.models import User
from cases import services as case_services
from cases.models import Case
from duty.models import Incident
from duty.tests.conftest import Duty
from tests.factories import PASSWORD, make_case

pytestmark = pytest.mark.django_db


def _client(user: User) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def _office_case(duty: Duty) -> Case:
    case = make_case(duty.city, title="S311下穿通道积水，车辆被困")
    return case_services.dispatch(case, actor=duty.city.users["dispatcher"], lead_unit=duty.office)


def _register_from(client: Client, duty: Duty, number: str) -> Incident:
    response = client.post(
        "/duty/incidents/new/",
        {
            "mode": "register",
            "unit": duty.city.township.code,
            "case": number,
            "title": "S311道路积水",
            "level": "3",
            "kind": "flood",
            "township": duty.city.township.code,
            "place": "下穿通道",
        },
    )
    assert response.status_code == 302, response.content.decode()
    return Incident.objects.get()


def test_the_office_registers_an_incident_from_the_case_page_and_each_page_shows_the_other(
    duty: Duty, clock: Traveller
) -> None:
    case = _office_case(duty)
    office = _client(duty.office_clerk)
    body = office.get(f"/cases/{case.number}/").content.decode()
    assert "本工单尚未登记为突发事件" in body
    link = re.search(r'href="([^"]+)" id="btn-register-incident"', body)
    assert link is not None
    assert link.group(1) == f"/duty/incidents/new/?case={case.number}"
    form = office.get(link.group(1)).content.decode()
    assert f'name="case" value="{case.number}"' in form
    assert re.search(r'value="register" id="mode-register" checked', form)

    incident = _register_from(office, duty, case.number)
    assert list(case.incidents.all()) == [incident]
    detail = office.get(f"/duty/incidents/{incident.number}/").content.decode()
    assert f'href="/cases/{case.number}/">{case.number}</a> S311下穿通道积水，车辆被困' in detail
    body = office.get(f"/cases/{case.number}/").content.decode()
    assert f'已报送突发事件 <a href="/duty/incidents/{incident.number}/"' in body
    assert f"{incident.number}</a> S311道路积水（较大（Ⅲ级） · 待初报）" in body


def test_whoever_may_not_see_the_incident_sees_its_number_without_a_link_and_cannot_register(
    duty: Duty, clock: Traveller
) -> None:
    case = _office_case(duty)
    agent = _client(duty.city.users["agent"])
    # No incident yet: nothing of the duty system on a hotline agent's page.
    assert 'id="case-incidents"' not in agent.get(f"/cases/{case.number}/").content.decode()
    incident = _register_from(_client(duty.office_clerk), duty, case.number)
    body = agent.get(f"/cases/{case.number}/").content.decode()
    assert f"已报送突发事件 {incident.number} S311道路积水" in body
    assert f"/duty/incidents/{incident.number}/" not in body
    assert "btn-register-incident" not in body


def test_the_registration_form_without_a_case_is_a_units_first_report(duty: Duty, clock: Traveller) -> None:
    form = _client(duty.office_clerk).get("/duty/incidents/new/").content.decode()
    assert 'name="case" value=""' in form
    assert 'value="first" checked' in form
