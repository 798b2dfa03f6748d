"""Sessions end after 30 idle minutes and when the browser closes (accounts.middleware)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from time_machine import Traveller

from tests.factories import PASSWORD, City

pytestmark = pytest.mark.django_db

QUEUE = "/cases/queue/to_accept/"


def logged_in(client: Client) -> Client:
    assert client.post("/accounts/login/", {"username": "clerk", "password": PASSWORD}).status_code == 302
    return client


def test_the_settings_are_thirty_minutes_and_browser_close() -> None:
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE


def test_the_cookie_ends_with_the_browser(client: Client, city: City, clock: Traveller) -> None:
    cookie = logged_in(client).cookies[settings.SESSION_COOKIE_NAME]
    assert not cookie["max-age"]
    assert not cookie["expires"]
    assert cookie["httponly"]


def test_thirty_idle_minutes_log_the_user_out(client: Client, city: City, clock: Traveller) -> None:
    logged_in(client)
    clock.shift(dt.timedelta(minutes=30, seconds=1))
    response = client.get(QUEUE)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_activity_keeps_the_session(client: Client, city: City, clock: Traveller) -> None:
    logged_in(client)
    for _ in range(4):  # two hours of work, a request every 25 minutes
        clock.shift(dt.timedelta(minutes=25))
        assert client.get(QUEUE).status_code == 200
    clock.shift(dt.timedelta(minutes=31))
    assert client.get(QUEUE).status_code == 302


def test_the_expiry_is_renewed_at_most_once_a_minute(client: Client, city: City, clock: Traveller) -> None:
    logged_in(client)
    key = client.session.session_key

    def expiry() -> dt.datetime:
        return Session.objects.get(session_key=key).expire_date

    first = expiry()
    clock.shift(dt.timedelta(seconds=30))
    client.get(QUEUE)
    assert expiry() == first  # no write for a request within the minute
    clock.shift(dt.timedelta(seconds=31))
    client.get(QUEUE)
    assert expiry() == first + dt.timedelta(seconds=61)
