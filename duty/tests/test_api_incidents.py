"""/api/v1/duty: the office registers an incident (from a 12345 case or not) and links cases to
it; the reporting rates over a period; today's 平安报 with its chase."""

from __future__ import annotations

from datetime import date, time

import pytest
from time_machine import Traveller

from cases import services as case_services
from duty.models import Incident
from duty.services.common import at_local
from duty.services.daily import file_daily
from duty.sweeps import chase_daily
from duty.tests.conftest import Api, Duty
from duty.tests.conftest import incident_registration as _registration
from notifications.models import Notification
from tests.factories import make_case

pytestmark = pytest.mark.django_db
BASE = "/api/v1/duty"
DAY = date(2025, 9, 24)


def test_the_office_registers_an_incident_from_a_case_and_the_unit_owes_the_first_report(
    api: Api, duty: Duty, clock: Traveller
) -> None:
    case = make_case(duty.city)
    made = api.post(duty.office_clerk, "/incidents/register", _registration(duty, case=case.number))
    assert made.status_code == 201, made.content
    body = made.json()
    assert (body["state"], body["level"], body["cases"]) == ("pending", "3", [case.number])
    assert body["next_due"].startswith("2025-09-24T10:30:00")  # 较大: 30 minutes from now
    assert Notification.objects.filter(user=duty.city.users["leader"], kind="duty_incident").exists()
    # The unit sees what it owes.
    mine = api.get(duty.town_clerk, f"/incidents/{body['number']}").json()
    assert "first" in mine["actions"]


def test_only_the_office_registers_and_a_wrong_case_or_unit_leaves_nothing(
    api: Api, duty: Duty, clock: Traveller
) -> None:
    refused = api.post(duty.town_clerk, "/incidents/register", _registration(duty))
    assert refused.status_code == 403
    assert refused.json()["code"] == "permission_denied.unit"
    assert (
        api.post(duty.office_clerk, "/incidents/register", _registration(duty, case="X-0")).status_code == 404
    )
    assert (
        api.post(duty.office_clerk, "/incidents/register", _registration(duty, unit="NOPE")).status_code
        == 404
    )
    assert not Incident.objects.exists()
    bad = api.post(duty.office_clerk, "/incidents/register", _registration(duty, level="9"))
    assert bad.status_code == 422
    assert api.post(duty.office_clerk, "/incidents/register", _registration(duty, extra=1)).status_code == 422


def test_a_case_is_linked_to_an_incident_once(api: Api, duty: Duty, clock: Traveller) -> None:
    number = api.post(duty.office_clerk, "/incidents/register", _registration(duty)).json()["number"]
    case = make_case(duty.city)
    linked = api.post(duty.office_clerk, f"/incidents/{number}/cases", {"case": case.number})
    assert linked.status_code == 200, linked.content
    assert linked.json()["cases"] == [case.number]
    again = api.post(duty.office_clerk, f"/incidents/{number}/cases", {"case": case.number})
    assert (again.status_code, again.json()["code"]) == (409, "duty.case_linked")
    # A unit links only a case it can see; another unit does not see the incident at all.
    unseen = api.post(duty.town_clerk, f"/incidents/{number}/cases", {"case": make_case(duty.city).number})
    assert (unseen.status_code, unseen.json()["code"]) == (404, "duty.case_not_found")
    assert (
        api.post(duty.city.users["clerk"], f"/incidents/{number}/cases", {"case": case.number}).status_code
        == 404
    )
    housing_case = case_services.dispatch(
        make_case(duty.city), actor=duty.city.users["dispatcher"], lead_unit=duty.city.housing
    )
    assert (
        api.post(duty.town_clerk, f"/incidents/{number}/cases", {"case": housing_case.number}).status_code
        == 404
    )


def test_reporting_rates_over_a_period(api: Api, duty: Duty, clock: Traveller) -> None:
    file_daily(duty.city.township, actor=duty.town_clerk, kind="safe", now=at_local(DAY, time(8)))
    clock.move_to(at_local(DAY, time(18)))
    rates = api.get(duty.office_clerk, "/rates", start="2025-09-24", end="2025-09-24")
    assert rates.status_code == 200, rates.content
    body = rates.json()
    town = next(u for u in body["units"] if u["unit"] == duty.city.township.code)
    assert (town["expected"], town["reported"], town["late"], town["percent"]) == (1, 1, 0, 100.0)
    housing = next(u for u in body["units"] if u["unit"] == duty.city.housing.code)
    assert (housing["reported"], housing["missing"], housing["percent"]) == (0, 1, 0.0)
    assert [d["day"] for d in body["days"]] == ["2025-09-24"]
    # A unit's staff get their own unit's rates only.
    own = api.get(duty.town_clerk, "/rates").json()
    assert [u["unit"] for u in own["units"]] == [duty.city.township.code]
    assert len(own["days"]) == 7
    for query in ({"start": "2025-09-25", "end": "2025-09-24"}, {"start": "2025-06-01"}, {"since": "x"}):
        assert api.get(duty.office_clerk, "/rates", **query).status_code == 422, query


def test_todays_daily_status_shows_the_chase(api: Api, duty: Duty, clock: Traveller) -> None:
    file_daily(duty.city.township, actor=duty.town_clerk, kind="safe", now=at_local(DAY, time(8)))
    chase_daily(at_local(DAY, time(9, 1)))
    chase_daily(at_local(DAY, time(9, 31)))
    clock.move_to(at_local(DAY, time(10)))
    rows = {r["unit"]: r for r in api.get(duty.office_clerk, "/daily/today").json()}
    town, housing = rows[duty.city.township.code], rows[duty.city.housing.code]
    assert (town["status"], town["notice_at"], town["sms_at"], town["sms_sent"]) == (
        "on_time",
        None,
        None,
        None,
    )
    assert housing["status"] == "missing"
    assert housing["notice_at"].startswith("2025-09-24T09:01:00")
    assert housing["sms_at"].startswith("2025-09-24T09:31:00")
    assert housing["sms_sent"] is True  # 市住建局's leader has a mobile
    assert [r["unit"] for r in api.get(duty.town_clerk, "/daily/today").json()] == [duty.city.township.code]
    assert api.get(duty.office_clerk, "/daily/today", day="2025-09-23").status_code == 422
