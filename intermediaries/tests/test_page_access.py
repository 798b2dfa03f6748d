"""The 发布需求 picker asks the market's rule like every other page: an outsider is refused (403),
not redirected on to the list that would refuse it."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from tests.factories import City

from .conftest import Market


def test_an_outsider_is_refused_the_need_picker(city: City, market: Market) -> None:
    client = Client()
    client.force_login(city.users["agent"])  # a hotline agent has no part in the market
    assert client.get(reverse("intermediaries:need_pick"), {"project": "ZS0001"}).status_code == 403
    client.force_login(market.office.township_clerk)
    picked = client.get(reverse("intermediaries:need_pick"), {"project": market.project.number})
    assert picked.status_code == 302
    assert picked["Location"] == reverse("intermediaries:need_new", args=[market.project.number])
