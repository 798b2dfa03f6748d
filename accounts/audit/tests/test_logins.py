"""Logins, failed logins and logouts are on the audit log; a password never is."""

from __future__ import annotations

import pytest
from django.test import Client

from accounts.audit.models import AuditRecord
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_a_login_is_recorded(city) -> None:
    client = Client(REMOTE_ADDR="10.20.30.40")
    response = client.post("/accounts/login/", {"username": "clerk", "password": PASSWORD})
    assert response.status_code == 302
    rec = AuditRecord.objects.get(action="login")
    assert rec.actor == city.users["clerk"]
    assert rec.ip == "10.20.30.40"
    assert (rec.target_type, rec.target_id) == ("accounts.user", str(city.users["clerk"].pk))


def test_a_failed_login_keeps_the_username_tried_and_never_the_password(city) -> None:
    client = Client(REMOTE_ADDR="10.20.30.41")
    typed = "Wrong-Secret-123"
    response = client.post("/accounts/login/", {"username": "clerk", "password": typed})
    assert response.status_code == 200
    rec = AuditRecord.objects.get(action="login.failed")
    assert rec.actor is None
    assert rec.target_repr == "clerk"
    assert rec.new == {"username": "clerk"}
    assert rec.ip == "10.20.30.41"
    for value in AuditRecord.objects.values_list("old", "new", "reason", "target_repr", "target_id"):
        assert typed not in str(value)
    assert not AuditRecord.objects.filter(action="login").exists()


def test_a_failed_login_of_an_unknown_name_is_recorded_too(db) -> None:
    Client().post("/accounts/login/", {"username": "root", "password": "x"})
    assert AuditRecord.objects.get(action="login.failed").target_repr == "root"


def test_a_logout_is_recorded(city) -> None:
    client = Client()
    client.force_login(city.users["agent"])
    client.post("/accounts/logout/")
    rec = AuditRecord.objects.get(action="logout")
    assert rec.actor == city.users["agent"]
