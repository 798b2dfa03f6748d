"""The parks an enterprise may sit in: the five industrial parks, named as the 招商 app's parks,
so that each park's enterprises show on its parks page (none of the five shows 0 for want of a
choice); the two parks that were the only ones before are still valid."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from enterprises.models import PARKS, Enterprise
from tests.factories import City

from .conftest import make_firm


def test_the_five_parks_are_the_choices() -> None:
    assert len(PARKS) == 5
    choices = [value for value, _ in Enterprise._meta.get_field("park").choices]  # type: ignore[union-attr]
    assert choices == list(PARKS)
    assert {"湖北钟祥经济开发区", "湖北钟祥胡集经济技术开发区"} <= set(choices)  # the old values


@pytest.mark.django_db
def test_an_enterprise_sits_in_one_of_the_five_parks_or_none(city: City, client: Client) -> None:
    firm = make_firm(city, 1, city.users["clerk"], "13772400001")
    enterprise = firm.enterprise
    for park in (*PARKS, ""):
        enterprise.park = park
        enterprise.full_clean()
    enterprise.park = "某某工业园"
    with pytest.raises(ValidationError):
        enterprise.full_clean()
    client.force_login(city.users["dispatcher"])
    page = client.get(reverse("enterprises:edit", args=[enterprise.pk])).content.decode()
    assert "双河循环经济产业园" in page  # offered on the form
