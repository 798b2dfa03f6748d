"""莫愁小分队's pages and API: the enterprise books, cancels and rates by its link; the team acts on
its pages and over JSON; refusals are clear (4xx, never 500)."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse
from time_machine import Traveller

from accounts.models import ApiToken, Role, User
from enterprises.models import SquadMember, SquadVisit
from enterprises.squad import services
from enterprises.squad.workflow import State
from enterprises.tests.conftest import Firm
from tests.factories import PASSWORD, City, make_user

TODAY = date(2025, 9, 24)
API = "/api/v1/enterprises/squad/visits"


@pytest.fixture
def leader(city: City) -> User:
    user = make_user("squad_leader", Role.UNIT_LEADER, city.education, display_name="郑队长")
    SquadMember.objects.create(user=user, is_leader=True)
    return user


def bearer(user: User) -> dict[str, str]:
    return {"Authorization": f"Bearer {ApiToken.issue(user)}"}


def test_the_enterprise_books_and_rates_by_its_link(
    client: Client, firm: Firm, leader: User, clock: Traveller
) -> None:
    url = reverse("enterprises:squad_access", args=[firm.token])
    page = client.get(url)
    assert page.status_code == 200
    assert page["Cache-Control"] == "no-store"
    bad = client.post(url, {"topics": "用电", "wished_date": "2025-09-01"})
    assert bad.status_code == 422
    assert "希望日期不能早于今天" in bad.content.decode() or "至少" in bad.content.decode()
    ok = client.post(url, {"topics": "用电增容审批进度", "wished_date": "2025-09-26"})
    assert ok.status_code == 302
    visit = SquadVisit.objects.get()
    services.schedule(visit, actor=leader, day=TODAY, members=[leader])
    services.record(visit, actor=leader, visited_on=TODAY, attendees=[leader], discussed="现场了解用电需求。")
    act = reverse("enterprises:squad_access_act", args=[firm.token, visit.pk])
    client.post(act, {"action": "rate", "rating": "4", "rating_note": ""})
    assert SquadVisit.objects.get().state == State.RATED
    assert "您的评价：4 星" in client.get(url).content.decode()


def test_another_link_cannot_touch_the_visit(
    client: Client, firm: Firm, other_firm: Firm, clock: Traveller
) -> None:
    visit = services.book(firm.enterprise, contact=firm.contact, topics="用电增容审批进度", wished_date=TODAY)
    act = reverse("enterprises:squad_access_act", args=[other_firm.token, visit.pk])
    assert client.post(act, {"action": "cancel", "reason": "不要了"}).status_code == 404
    assert SquadVisit.objects.get().state == State.REQUESTED


def test_the_leader_schedules_on_the_page(client: Client, firm: Firm, leader: User, clock: Traveller) -> None:
    visit = services.book(firm.enterprise, contact=firm.contact, topics="用电增容审批进度", wished_date=TODAY)
    assert client.login(username=leader.username, password=PASSWORD)
    page = client.get(reverse("enterprises:squad_detail", args=[visit.pk])).content.decode()
    assert 'id="form-schedule"' in page
    assert 'id="form-record"' not in page
    r = client.post(
        reverse("enterprises:squad_act", args=[visit.pk]),
        {"action": "schedule", "schedule-scheduled_date": "2025-09-25", "schedule-members": [leader.pk]},
    )
    assert r.status_code == 302
    assert SquadVisit.objects.get().state == State.SCHEDULED
    unknown = client.post(reverse("enterprises:squad_act", args=[visit.pk]), {"action": "fly"})
    assert unknown.status_code == 302


def test_the_liaison_books_on_the_page_and_the_cap_is_explained(
    client: Client, firm: Firm, clock: Traveller
) -> None:
    assert client.login(username=firm.liaison.username, password=PASSWORD)
    url = reverse("enterprises:squad_book", args=[firm.enterprise.pk])
    for _ in range(2):
        assert (
            client.post(url, {"topics": "例行走访了解情况", "wished_date": "2025-09-25"}).status_code == 302
        )
    refused = client.post(url, {"topics": "例行走访了解情况", "wished_date": "2025-09-25"})
    assert refused.status_code == 422
    assert "无事不扰" in refused.content.decode()


def test_the_api_over_the_whole_visit(client: Client, firm: Firm, leader: User, clock: Traveller) -> None:
    liaison = bearer(firm.liaison)
    body = {"enterprise": firm.enterprise.pk, "topics": "技改补贴政策宣讲", "wished_date": "2025-09-25"}
    r = client.post(API, body, content_type="application/json", headers=liaison)
    assert r.status_code == 201, r.content
    pk = r.json()["id"]
    assert r.json()["allowed_actions"] == ["cancel"]
    lead = bearer(leader)
    r = client.post(
        f"{API}/{pk}/schedule",
        {"date": "2025-09-25", "members": ["nobody"]},
        content_type="application/json",
        headers=lead,
    )
    assert (r.status_code, r.json()["code"]) == (422, "squad.not_member")
    r = client.post(
        f"{API}/{pk}/schedule",
        {"date": "2025-09-25", "members": [leader.username]},
        content_type="application/json",
        headers=lead,
    )
    assert r.json()["state"] == "scheduled"
    r = client.post(
        f"{API}/{pk}/record",
        {
            "visited_on": "2025-09-24",
            "attendees": [leader.username],
            "discussed": "讲解技改补贴申报条件。",
            "problems": [
                {
                    "title": "技改补贴申报系统无法登录",
                    "content": "企业反映省技改补贴申报系统账号无法登录，请协调。",
                }
            ],
        },
        content_type="application/json",
        headers=lead,
    )
    assert r.status_code == 200, r.content
    assert len(r.json()["problems"]) == 1
    # The liaison may not record; a bad date is a 422; an unknown visit a 404.
    r = client.post(
        f"{API}/{pk}/cancel", {"reason": "x" * 3}, content_type="application/json", headers=liaison
    )
    assert r.status_code == 409
    assert client.get(f"{API}/999999", headers=liaison).status_code == 404
    r = client.post(
        API, body | {"wished_date": "2025-02-30"}, content_type="application/json", headers=liaison
    )
    assert r.status_code == 422
    assert client.get(API, headers=bearer(firm.liaison)).json()[0]["id"] == pk


def test_outsiders_see_nothing(client: Client, city: City, firm: Firm, clock: Traveller) -> None:
    visit = services.book(firm.enterprise, contact=firm.contact, topics="用电增容审批进度", wished_date=TODAY)
    outsider = city.users["outsider"]
    assert client.get(f"{API}/{visit.pk}", headers=bearer(outsider)).status_code == 404
    assert client.login(username=outsider.username, password=PASSWORD)
    assert client.get(reverse("enterprises:squad_detail", args=[visit.pk])).status_code == 404
    assert client.get(reverse("enterprises:squad_book", args=[firm.enterprise.pk])).status_code == 404
