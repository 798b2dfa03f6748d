"""What the project page and the list must not give away to who may not see the investor or one
project's amounts: the investor's other appeals, the "10亿元以上" flag (the amount's bracket)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import ApiToken
from cases.models import Kind
from enterprises import services as enterprise_services
from tests.factories import PASSWORD

from .conftest import Office, approved, new_project
from .test_problems import with_enterprise

pytestmark = pytest.mark.usefixtures("clock")


def login(user: object) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)  # type: ignore[attr-defined]
    return client


def test_the_investors_other_appeals_are_shown_only_to_who_may_see_the_investor(office: Office) -> None:
    project = with_enterprise(office)
    enterprise = project.investor
    assert enterprise is not None
    appeal = enterprise_services.submit_appeal(
        enterprise,
        enterprise.contacts.get(),
        kind=Kind.HELP,
        title="企业招工需求对接",
        content="企业扩产需要招聘一线工人五十名，请协助对接。",
    )
    url = reverse("investment:detail", args=[project.number])
    leader = login(office.leader).get(url).content.decode()
    assert 'id="appeals"' in leader
    assert appeal.case.number in leader
    for user in (office.clerk, office.township_clerk):  # may see the project, not its investor
        page = login(user).get(url).content.decode()
        assert 'id="appeals"' not in page
        assert appeal.case.number not in page


def test_the_10yi_flag_is_shown_only_to_who_may_see_amounts(client: Client, office: Office) -> None:
    project = new_project(office, total_investment=Decimal(150000), is_leading=True)
    listing, detail = reverse("investment:list"), reverse("investment:detail", args=[project.number])
    for user in (office.clerk, office.township_clerk):
        browser = login(user)
        for url in (listing, detail):
            page = browser.get(url).content.decode()
            assert "10亿元以上" not in page
            assert "龙头" in page  # not an amount
        r = client.get(
            f"/api/v1/investment/projects/{project.number}",
            headers={"Authorization": f"Bearer {ApiToken.issue(user)}"},
        )
        assert r.json()["flags"] == ["龙头"]
    leader = login(office.leader)
    assert "10亿元以上" in leader.get(listing).content.decode()
    assert "10亿元以上" in leader.get(detail).content.decode()


def test_a_signing_of_10yi_is_not_flagged_to_a_clerk_on_the_project_page(office: Office) -> None:
    project = new_project(office, total_investment=Decimal(150000))
    approved(office, project, "sign", date(2025, 9, 1))
    page = login(office.clerk).get(reverse("investment:detail", args=[project.number])).content.decode()
    assert "10亿元以上" not in page
