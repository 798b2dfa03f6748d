"""Issue 8, finding 8: a lookup with number + phone (which neighbours and family may know) shows
the case without its house numbers; the citizen's own SMS link shows what they wrote."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client

from portal.links import rating_path
from tests.factories import City, replied_case

pytestmark = pytest.mark.django_db

ADDRESS = "郢中街道莫愁湖路12号3栋2单元401室"
CONTENT = "郢中街道莫愁湖路12号3栋2单元401室楼下下水道堵塞，联系电话13912345678，请尽快疏通。"


def test_a_lookup_shows_the_street_without_house_numbers_and_the_sms_link_shows_it_all(
    city: City, clock: object
) -> None:
    cache.clear()  # the lookup rate limits
    case = replied_case(city, address=ADDRESS, content=CONTENT)
    neighbour = Client()
    assert (
        neighbour.post("/m/track/", {"number": case.number, "mobile": case.citizen_phone}).status_code == 302
    )
    page = neighbour.get(f"/m/case/{case.number}/").content.decode()
    assert "莫愁湖路" in page  # the street stays: the citizen recognises their request
    for personal in ("12号", "401", "13912345678", "3栋2单元"):
        assert personal not in page, personal
    citizen = Client()
    assert citizen.get(rating_path(case)).status_code == 302
    own = citizen.get(f"/m/case/{case.number}/").content.decode()
    assert ADDRESS in own
    assert CONTENT in own
