"""Repeated failed logins lock the account name and the address (accounts.lockout)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from pytest_django import Settings
from time_machine import Traveller

from accounts import lockout
from accounts.audit.models import AuditRecord
from accounts.models import LoginLock
from tests.factories import PASSWORD, City

pytestmark = pytest.mark.django_db

LOCKED = "登录失败次数过多，已暂时锁定"


def login(client: Client, username: str, password: str, ip: str = "10.0.0.1") -> str:
    """The login page's answer: "" when logged in, else the error shown."""
    response = client.post("/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=ip)
    if response.status_code == 302:
        client.post("/accounts/logout/")
        return ""
    body = response.content.decode()
    return body.split('<div class="alert error">')[1].split("</div>")[0]


def fail(client: Client, username: str, times: int, ip: str = "10.0.0.1") -> list[str]:
    return [login(client, username, "wrong-password", ip) for _ in range(times)]


def test_five_failures_lock_the_account_even_for_the_right_password(
    client: Client, city: City, clock: Traveller
) -> None:
    answers = fail(client, "clerk", 5)
    assert all(LOCKED not in a for a in answers[:4])
    assert LOCKED in answers[4]
    assert "15 分钟" in answers[4]

    assert LOCKED in login(client, "clerk", PASSWORD)
    assert "_auth_user_id" not in client.session
    # From another address too: it is the account that is locked.
    assert LOCKED in login(client, "clerk", PASSWORD, ip="10.9.9.9")
    # Other accounts are not affected.
    assert login(client, "agent", PASSWORD) == ""


def test_the_lock_ends_after_fifteen_minutes(client: Client, city: City, clock: Traveller) -> None:
    fail(client, "clerk", 5)
    clock.shift(dt.timedelta(minutes=14))
    assert LOCKED in login(client, "clerk", PASSWORD)
    assert "1 分钟" in login(client, "clerk", PASSWORD)
    clock.shift(dt.timedelta(minutes=1, seconds=1))

    assert login(client, "clerk", PASSWORD) == ""
    # The failures before the lock are spent: one new failure does not lock again.
    assert LOCKED not in fail(client, "clerk", 1)[0]


def test_an_unknown_name_is_locked_the_same_way(client: Client, city: City, clock: Traveller) -> None:
    known = fail(client, "clerk", 6, ip="10.0.0.1")
    unknown = fail(client, "nobody-here", 6, ip="10.0.0.2")
    assert known == unknown  # the same words at every step: no hint which names exist


def test_the_lock_counts_names_without_case(client: Client, city: City, clock: Traveller) -> None:
    fail(client, "Clerk", 3)
    fail(client, "CLERK", 2)
    assert LOCKED in login(client, "clerk", PASSWORD)


def test_a_success_clears_the_accounts_failures(client: Client, city: City, clock: Traveller) -> None:
    fail(client, "clerk", 4)
    assert login(client, "clerk", PASSWORD) == ""
    assert all(LOCKED not in a for a in fail(client, "clerk", 4))


def test_failures_older_than_the_window_do_not_count(client: Client, city: City, clock: Traveller) -> None:
    fail(client, "clerk", 4)
    clock.shift(dt.timedelta(minutes=16))
    assert LOCKED not in fail(client, "clerk", 1)[0]
    assert login(client, "clerk", PASSWORD) == ""


def test_twenty_failures_from_one_address_lock_the_address(
    client: Client, city: City, clock: Traveller
) -> None:
    # A guesser trying few passwords on many names: no name reaches five.
    for n in range(5):
        fail(client, f"user{n}", 4, ip="10.6.6.6")
    assert LOCKED in login(client, "clerk", PASSWORD, ip="10.6.6.6")
    assert login(client, "clerk", PASSWORD, ip="10.7.7.7") == ""
    clock.shift(dt.timedelta(minutes=15, seconds=1))
    assert login(client, "clerk", PASSWORD, ip="10.6.6.6") == ""


def test_the_address_limit_is_a_setting(
    client: Client, city: City, clock: Traveller, settings: Settings
) -> None:
    settings.MOCHOU_LOGIN_MAX_FAILURES_PER_ADDRESS = 3
    fail(client, "a", 1, ip="10.6.6.6")
    fail(client, "b", 1, ip="10.6.6.6")
    assert LOCKED in fail(client, "c", 1, ip="10.6.6.6")[0]


def test_a_lock_is_recorded_once_in_the_audit_log(client: Client, city: City, clock: Traveller) -> None:
    fail(client, "clerk", 7, ip="10.0.0.5")
    locks = AuditRecord.objects.filter(action="login.locked")
    assert locks.count() == 1
    record = locks.get()
    assert record.target_repr == "clerk"
    assert record.ip == "10.0.0.5"
    assert record.new["scope"] == "account"
    assert record.new["failures"] == 5
    assert record.new["until"] == "2025-09-24T10:15:00+08:00"
    # Every attempt is still a failed login in the log, the locked ones too.
    assert AuditRecord.objects.filter(action="login.failed").count() == 7


def test_the_admin_login_is_locked_too(client: Client, city: City, clock: Traveller) -> None:
    fail(client, "admin", 5)
    response = client.post(
        "/admin/login/?next=/admin/", {"username": "admin", "password": PASSWORD}, REMOTE_ADDR="10.0.0.1"
    )
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_a_wrong_old_password_on_the_change_page_counts(client: Client, city: City, clock: Traveller) -> None:
    client.force_login(city.users["clerk"])
    for _ in range(5):
        response = client.post(
            "/accounts/password/",
            {"old_password": "wrong", "new_password1": "Qiao-2026-wen", "new_password2": "Qiao-2026-wen"},
        )
    assert LOCKED in response.content.decode()
    assert LoginLock.objects.filter(scope="account", key="clerk").exists()


def test_an_administrator_can_lift_a_lock(client: Client, city: City, clock: Traveller) -> None:
    fail(client, "clerk", 5)
    assert lockout.unlock(LoginLock.Scope.ACCOUNT, "Clerk") == 1
    assert login(client, "clerk", PASSWORD) == ""
    assert LOCKED not in fail(client, "clerk", 1)[0]
