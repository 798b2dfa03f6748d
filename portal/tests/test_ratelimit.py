"""Limits per address and per phone, checked before anything is written; clear words when hit."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from cases.models import Case
from portal import ratelimit
from portal.tests.test_submit import TEXT, form_data, page
from tests.factories import City, make_case

pytestmark = pytest.mark.django_db


def post_from(ip: str, city: City, **overrides: Any) -> Any:
    return Client(REMOTE_ADDR=ip).post("/m/", form_data(city, **overrides))


def test_an_address_may_submit_five_times_in_ten_minutes(city: City, clock: Any) -> None:
    phones = ["13900000001", "13900000002", "13900000003", "13900000004", "13900000005", "13900000006"]
    statuses = [post_from("10.0.0.1", city, mobile=p).status_code for p in phones]
    assert statuses == [302, 302, 302, 302, 302, 429]
    assert Case.objects.count() == 5
    refused = post_from("10.0.0.1", city, mobile="13900000007")
    assert "提交过于频繁，请稍后再试" in page(refused)
    assert TEXT in page(refused)  # the citizen's text is given back
    assert post_from("10.0.0.2", city, mobile="13900000008").status_code == 302  # another address
    clock.shift(601)  # type: ignore[attr-defined]
    assert post_from("10.0.0.1", city, mobile="13900000009").status_code == 302
    assert Case.objects.count() == 7


def test_a_phone_may_submit_three_times_an_hour(city: City, clock: Any) -> None:
    statuses = [post_from(f"10.0.1.{i}", city).status_code for i in range(4)]
    assert statuses == [302, 302, 302, 429]
    refused = post_from("10.0.1.9", city)
    assert "该手机号提交过于频繁" in page(refused)
    assert Case.objects.count() == 3
    clock.shift(3601)  # type: ignore[attr-defined]
    assert post_from("10.0.1.10", city).status_code == 302


def test_mistakes_do_not_use_up_the_submissions(city: City, clock: Any) -> None:
    for _ in range(6):
        assert post_from("10.0.2.1", city, content="太短了").status_code == 422
    assert post_from("10.0.2.1", city).status_code == 302


def test_an_address_posting_without_end_is_stopped(city: City, clock: Any) -> None:
    for _ in range(ratelimit.POSTS_PER_IP.count):
        post_from("10.0.3.1", city, content="太短了")
    assert post_from("10.0.3.1", city).status_code == 429
    assert not Case.objects.exists()


def test_lookups_are_limited_per_address(city: City, clock: Any) -> None:
    case = make_case(city)
    client = Client(REMOTE_ADDR="10.0.4.1")
    for i in range(30):
        client.post("/m/track/", {"number": f"20250924{i:05d}", "mobile": "13900000000"})
    refused = client.post("/m/track/", {"number": case.number, "mobile": "13812345678"})
    assert refused.status_code == 429
    assert "查询过于频繁" in page(refused)
    other = Client(REMOTE_ADDR="10.0.4.2").post("/m/track/", {"number": case.number, "mobile": "13812345678"})
    assert other.status_code == 302


def test_guessing_the_phone_of_one_number_is_stopped(city: City, clock: Any) -> None:
    case = make_case(city)
    for i in range(10):
        Client(REMOTE_ADDR=f"10.0.5.{i}").post(
            "/m/track/", {"number": case.number, "mobile": f"139000000{i:02d}"}
        )
    # Even the right phone waits now: nothing tells the guesser that the next try would be right.
    right = Client(REMOTE_ADDR="10.0.5.99").post(
        "/m/track/", {"number": case.number, "mobile": "13812345678"}
    )
    assert right.status_code == 429


def test_limits_can_be_tuned_in_settings(city: City, clock: Any, settings: Any) -> None:
    settings.MOCHOU_PORTAL_LIMITS = {"submit-ip": (1, 600)}
    assert post_from("10.0.6.1", city).status_code == 302
    assert post_from("10.0.6.1", city, mobile="13900000011").status_code == 429
