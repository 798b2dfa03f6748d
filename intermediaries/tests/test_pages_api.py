"""莫愁超市's pages and API: an agency responds by its link, the project side selects and follows up
over JSON, the ranking is public to projects; refusals are 4xx with clear messages."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.test import Client
from django.urls import reverse
from time_machine import Traveller

from accounts.models import ApiToken, User
from intermediaries.models import Need
from intermediaries.workflow import State
from tests.factories import PASSWORD, City

from .conftest import TODAY, Market, make_agency, post_need

API = "/api/v1/intermediaries"


def bearer(user: User) -> dict[str, str]:
    return {"Authorization": f"Bearer {ApiToken.issue(user)}"}


def test_an_agency_responds_by_its_link(client: Client, market: Market, clock: Traveller) -> None:
    firm = make_agency(market, 1)
    expired = make_agency(market, 2, expires=TODAY - timedelta(days=1))
    need = post_need(market)
    url = reverse("intermediaries:agency_access", args=[firm.token])
    page = client.get(url)
    assert page.status_code == 200
    assert page["Cache-Control"] == "no-store"
    assert market.project.name not in page.content.decode()  # the code name only
    client.post(url, {"need": need.pk, "price": "12", "days": "10", "note": "含评审配合"})
    assert need.responses.count() == 1
    other = client.get(reverse("intermediaries:agency_access", args=[expired.token])).content.decode()
    assert "资质已过期" in other
    client.post(
        reverse("intermediaries:agency_access", args=[expired.token]),
        {"need": need.pk, "price": "10", "days": "10"},
    )
    assert need.responses.count() == 1
    assert client.get(reverse("intermediaries:agency_access", args=["nope"])).status_code == 404


def test_the_project_side_over_json(client: Client, market: Market, clock: Traveller) -> None:
    owner = bearer(market.office.clerk)
    body = {
        "project": market.project.number,
        "service_type": "eia",
        "scope": "环境影响报告书编制",
        "budget_min": "10",
        "budget_max": "20",
        "time_limit_days": 20,
        "respond_by": "2025-09-26",
    }
    r = client.post(f"{API}/needs", body, content_type="application/json", headers=owner)
    assert r.status_code == 201, r.content
    pk = r.json()["id"]
    bad = client.post(
        f"{API}/needs", body | {"service_type": "magic"}, content_type="application/json", headers=owner
    )
    assert (bad.status_code, bad.json()["code"]) == (422, "intermediaries.service_type")
    firm = make_agency(market, 1)
    from intermediaries import services

    response = services.respond(Need.objects.get(pk=pk), contact=firm.contact, price="15", days=15)
    early = client.post(
        f"{API}/needs/{pk}/select", {"response": response.pk}, content_type="application/json", headers=owner
    )
    assert early.status_code == 409
    clock.move_to(datetime(2025, 9, 29, 10, tzinfo=ZoneInfo("Asia/Shanghai")))
    r = client.post(
        f"{API}/needs/{pk}/select", {"response": response.pk}, content_type="application/json", headers=owner
    )
    assert r.json()["state"] == "selected"
    r = client.post(
        f"{API}/needs/{pk}/start",
        {"started_on": "2025-09-29"},
        content_type="application/json",
        headers=owner,
    )
    assert r.json()["due_on"] is not None
    r = client.post(
        f"{API}/needs/{pk}/deliver",
        {"delivered_on": "2025-09-29"},
        content_type="application/json",
        headers=owner,
    )
    assert r.json()["on_time"] is True
    r = client.post(f"{API}/needs/{pk}/rate", {"rating": 1}, content_type="application/json", headers=owner)
    assert (r.status_code, r.json()["code"]) == (422, "intermediaries.rating_note") or r.status_code == 422
    r = client.post(f"{API}/needs/{pk}/rate", {"rating": 5}, content_type="application/json", headers=owner)
    assert r.json()["state"] == "rated"
    ranking = client.get(f"{API}/agencies", headers=bearer(market.office.township_clerk)).json()
    assert ranking[0]["delivered"] == 1
    assert ranking[0]["on_time_rate"] == 1.0


def test_outsiders_are_refused(client: Client, city: City, market: Market, clock: Traveller) -> None:
    need = post_need(market)
    # A hotline agent has no part in the market; another unit's clerk may use it (a unit may be
    # a project's), but not see a need of a project that is not theirs: it does not exist for them.
    agent = bearer(city.users["agent"])
    assert client.get(f"{API}/needs/{need.pk}", headers=agent).status_code == 403
    outsider = bearer(city.users["outsider"])
    assert client.get(f"{API}/needs/{need.pk}", headers=outsider).status_code == 404
    r = client.post(
        f"{API}/needs/{need.pk}/withdraw",
        {"reason": "不要了"},
        content_type="application/json",
        headers=bearer(market.clerk),
    )
    assert r.status_code == 403  # the market office runs the register, not the project's needs


def test_the_pages_open(client: Client, market: Market, clock: Traveller) -> None:
    firm = make_agency(market, 1)
    need = post_need(market)
    assert client.login(username=market.office.clerk.username, password=PASSWORD)
    assert client.get(reverse("intermediaries:needs")).status_code == 200
    assert client.get(reverse("intermediaries:need", args=[need.pk])).status_code == 200
    listing = client.get(reverse("intermediaries:agencies")).content.decode()
    assert firm.agency.name in listing
    assert client.get(reverse("intermediaries:agency", args=[firm.agency.pk])).status_code == 200
    form = client.get(reverse("intermediaries:need_new", args=[market.project.number]))
    assert form.status_code == 200
    r = client.post(
        reverse("intermediaries:act", args=[need.pk]), {"action": "withdraw", "withdraw-reason": "方案调整"}
    )
    assert r.status_code == 302
    assert Need.objects.get(pk=need.pk).state == State.WITHDRAWN
    client.logout()
    assert client.login(username=market.clerk.username, password=PASSWORD)
    new = client.post(
        reverse("intermediaries:agency_new"),
        {
            "name": "湖北错码有限公司",
            "credit_code": "123",
            "contact_name": "王工",
            "contact_mobile": "13772409990",
        },
    )
    assert new.status_code == 422
