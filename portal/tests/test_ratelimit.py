"""Limits per address and per phone, checked before anything is written; clear words when hit."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from time_machine import Traveller

from cases import services
from cases.models import Case
from portal import ratelimit, views
from portal.tests.test_submit import TEXT, form_data, page
from tests.factories import City, make_case

pytestmark = pytest.mark.django_db


def post_from(ip: str, city: City, **overrides: Any) -> Any:
    return Client(REMOTE_ADDR=ip).post("/m/", form_data(city, **overrides))


def test_an_address_may_submit_five_times_in_ten_minutes(city: City, clock: Traveller) -> None:
    phones = ["13900000001", "13900000002", "13900000003", "13900000004", "13900000005", "13900000006"]
    statuses = [post_from("10.0.0.1", city, mobile=p).status_code for p in phones]
    assert statuses == [302, 302, 302, 302, 302, 429]
    assert Case.objects.count() == 5
    refused = post_from("10.0.0.1", city, mobile="13900000007")
    assert "提交过于频繁，请稍后再试" in page(refused)
    assert TEXT in page(refused)  # the citizen's text is given back
    assert post_from("10.0.0.2", city, mobile="13900000008").status_code == 302  # another address
    clock.shift(601)
    assert post_from("10.0.0.1", city, mobile="13900000009").status_code == 302
    assert Case.objects.count() == 7


def test_a_phone_may_submit_three_times_an_hour(city: City, clock: Traveller) -> None:
    statuses = [post_from(f"10.0.1.{i}", city).status_code for i in range(4)]
    assert statuses == [302, 302, 302, 429]
    refused = post_from("10.0.1.9", city)
    assert "该手机号提交过于频繁" in page(refused)
    assert Case.objects.count() == 3
    clock.shift(3601)
    assert post_from("10.0.1.10", city).status_code == 302


def test_mistakes_do_not_use_up_the_submissions(city: City, clock: Traveller) -> None:
    for _ in range(6):
        assert post_from("10.0.2.1", city, content="太短了").status_code == 422
    assert post_from("10.0.2.1", city).status_code == 302


def test_an_address_posting_without_end_is_stopped(city: City, clock: Traveller) -> None:
    for _ in range(ratelimit.POSTS_PER_IP.count):
        post_from("10.0.3.1", city, content="太短了")
    assert post_from("10.0.3.1", city).status_code == 429
    assert not Case.objects.exists()


def test_lookups_are_limited_per_address(city: City, clock: Traveller) -> None:
    case = make_case(city)
    client = Client(REMOTE_ADDR="10.0.4.1")
    for i in range(30):
        client.post("/m/track/", {"number": f"20250924{i:05d}", "mobile": "13900000000"})
    refused = client.post("/m/track/", {"number": case.number, "mobile": "13812345678"})
    assert refused.status_code == 429
    assert "查询过于频繁" in page(refused)
    other = Client(REMOTE_ADDR="10.0.4.2").post("/m/track/", {"number": case.number, "mobile": "13812345678"})
    assert other.status_code == 302


def look_up(ip: str, number: str, phone: str) -> Any:
    return Client(REMOTE_ADDR=ip).post("/m/track/", {"number": number, "mobile": phone})


def test_guessing_the_phone_of_one_number_from_many_addresses_is_stopped(
    city: City, clock: Traveller
) -> None:
    case = make_case(city)
    for i in range(ratelimit.FAILED_LOOKUPS_PER_NUMBER.count):
        assert look_up(f"10.5.{i // 10}.{i % 10}", case.number, f"1390000{i:04d}").status_code == 404
    # Even the right phone waits now: nothing tells the guesser that the next try would be right.
    right = look_up("10.5.99.99", case.number, "13812345678")
    assert right.status_code == 429
    assert "短信中的链接" in page(right)


def test_wrong_guesses_from_one_address_do_not_lock_the_citizen_out(city: City, clock: Traveller) -> None:
    case = make_case(city)
    for i in range(10):
        assert look_up("10.6.0.1", case.number, f"139000000{i:02d}").status_code == 404
    assert look_up("10.6.0.1", case.number, "13900000099").status_code == 429  # the guesser is stopped
    assert look_up("10.6.0.1", case.number, "13812345678").status_code == 429  # even with the right phone
    # The citizen, on their own phone's address, still gets in.
    assert look_up("10.6.0.2", case.number, "13812345678").status_code == 302


def test_a_known_phone_cannot_scan_consecutive_numbers(city: City, clock: Traveller) -> None:
    """The victim's phone against 2025092400001, …00002, …: five failures a day, from any address."""
    for _ in range(25):
        make_case(city, citizen_phone="13700000001")
    victim = make_case(city)  # 13812345678, the 26th case of the day
    statuses = [look_up(f"10.7.0.{i}", f"20250924{i:05d}", "13812345678").status_code for i in range(1, 27)]
    assert statuses[:5] == [404] * 5
    assert set(statuses[5:]) == {429}
    assert victim.number == "2025092400026"
    clock.shift(24 * 3600 + 1)
    assert look_up("10.7.1.1", victim.number, "13812345678").status_code == 302


def test_one_address_may_fail_thirty_lookups_a_day(city: City, clock: Traveller) -> None:
    case = make_case(city)
    for i in range(30):
        # Different numbers and phones: neither per-number nor per-phone limits are reached.
        assert look_up("10.8.0.1", f"20250923{i:05d}", f"1390000{i:04d}").status_code == 404
        if i % 25 == 24:
            clock.shift(601)  # past the 10-minute lookup limit
    clock.shift(3 * 3600)
    refused = look_up("10.8.0.1", case.number, "13812345678")
    assert refused.status_code == 429
    assert "短信中的链接" in page(refused)
    assert look_up("10.8.0.2", case.number, "13812345678").status_code == 302


def test_a_successful_lookup_uses_up_no_failures(city: City, clock: Traveller) -> None:
    case = make_case(city)
    for _ in range(8):  # more than any failed-lookup limit
        assert look_up("10.9.0.1", case.number, "13812345678").status_code == 302


# ---------------------------------------------------------------- a parallel burst


def test_a_parallel_burst_of_submissions_cannot_pass_the_limit_together(
    city: City, clock: Traveller, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A second request arriving while the first is being registered sees the first's count."""
    settings.MOCHOU_PORTAL_LIMITS = {"submit-ip": (1, 600)}
    register = services.register_case
    inner: list[int] = []

    def register_while_another_arrives(**kwargs: Any) -> Case:
        monkeypatch.setattr(services, "register_case", register)
        inner.append(post_from("10.10.0.1", city, mobile="13900000002").status_code)
        return register(**kwargs)

    monkeypatch.setattr(services, "register_case", register_while_another_arrives)
    assert post_from("10.10.0.1", city, mobile="13900000001").status_code == 302
    assert inner == [429]
    assert Case.objects.count() == 1


def test_a_parallel_burst_of_wrong_lookups_cannot_pass_the_limit_together(
    city: City, clock: Traveller, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.MOCHOU_PORTAL_LIMITS = {"lookup-phone": (1, 86400)}
    find = views._find_case
    inner: list[int] = []

    def find_while_another_arrives(number: str, phone: str) -> Case | None:
        monkeypatch.setattr(views, "_find_case", find)
        inner.append(look_up("10.11.0.2", "2025092400002", phone).status_code)
        return find(number, phone)

    monkeypatch.setattr(views, "_find_case", find_while_another_arrives)
    assert look_up("10.11.0.1", "2025092400001", "13812345678").status_code == 404
    assert inner == [429]


def test_limits_can_be_tuned_in_settings(city: City, clock: Traveller, settings: Any) -> None:
    settings.MOCHOU_PORTAL_LIMITS = {"submit-ip": (1, 600)}
    assert post_from("10.0.6.1", city).status_code == 302
    assert post_from("10.0.6.1", city, mobile="13900000011").status_code == 429
