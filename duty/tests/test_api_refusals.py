"""The duty API's documented 403s (ERRORS_DUTY_LIST, ERRORS_GET): a caller outside the duty system
(neither the duty chain nor a reporting unit's staff) is refused every read, with the precise
code, and learns nothing of an incident that exists; the document promises what is answered."""

from __future__ import annotations

import pytest
from time_machine import Traveller

from duty.tests.conftest import Api, Duty, incident_registration
from mochou.api import api as ninja_api

pytestmark = pytest.mark.django_db

READS = ("/now", "/daily", "/incidents", "/incidents/{number}")


def _incident(api: Api, duty: Duty) -> str:
    made = api.post(duty.office_clerk, "/incidents/register", incident_registration(duty))
    assert made.status_code == 201, made.content
    return str(made.json()["number"])


def test_a_caller_outside_the_duty_system_is_refused_every_read(
    api: Api, duty: Duty, clock: Traveller
) -> None:
    number = _incident(api, duty)
    # A hotline agent and the supervision office: staff, but not on duty nor of a reporting unit.
    for key in ("agent", "supervisor"):
        for path in READS:
            answer = api.get(duty.city.users[key], path.format(number=number))
            assert answer.status_code == 403, (key, path)
            assert answer.json()["code"] == "permission_denied", (key, path)
            assert number not in answer.content.decode()
    # The same reads answer the unit's own staff.
    for path in READS:
        assert api.get(duty.town_clerk, path.format(number=number)).status_code == 200, path


def test_the_document_promises_the_403_of_every_duty_read() -> None:
    paths = ninja_api.get_openapi_schema(path_prefix="/api/")["paths"]
    for path in READS:
        responses = paths[f"/api/v1/duty{path}"]["get"]["responses"]
        assert "403" in {str(status) for status in responses}, path
