"""/api/v1/hall: the same verbs and guards over JSON; refusals with their codes, never a 500."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from accounts.models import ApiToken
from hall.services import tickets as svc

pytestmark = pytest.mark.django_db


def _h(user: Any) -> dict[str, str]:
    return {"Authorization": f"Bearer {ApiToken.issue(user)}"}


def test_a_window_works_over_json(
    client: Client, matter: Any, comprehensive: Any, window: Any, clock: Any
) -> None:
    made = client.post(
        "/api/v1/hall/tickets", {"matter": matter.code}, content_type="application/json", headers=_h(window)
    )
    assert made.status_code == 201
    assert made.json()["number"] == "B001"
    assert made.json()["priority"] == 1
    called = client.post(
        "/api/v1/hall/windows/01/call", {}, content_type="application/json", headers=_h(window)
    ).json()
    assert called["state"] == "called"
    assert "start" in called["allowed_actions"]
    tid = called["id"]
    assert client.post(f"/api/v1/hall/tickets/{tid}/no_show", {}, content_type="application/json",
                       headers=_h(window)).status_code == 409  # fmt: skip
    for action in ("start", "finish"):
        r = client.post(
            f"/api/v1/hall/tickets/{tid}/{action}", {}, content_type="application/json", headers=_h(window)
        )
        assert r.status_code == 200
    assert r.json()["state"] == "done"
    assert (
        client.post(
            "/api/v1/hall/windows/01/call", {}, content_type="application/json", headers=_h(window)
        ).json()
        is None
    )
    times = client.get("/api/v1/hall/times", headers=_h(window)).json()
    assert times["overall"]["tickets"] == 1
    assert times["by_window"][0]["key"] == "01"
    assert client.get("/api/v1/hall/tickets?day=2025-09-24", headers=_h(window)).json()[0]["number"] == "B001"


def test_refusals_over_json(
    client: Client, matter: Any, comprehensive: Any, outsider: Any, window: Any, clock: Any
) -> None:
    assert client.get("/api/v1/hall/windows", headers=_h(outsider)).status_code == 403
    assert (
        client.post(
            "/api/v1/hall/windows/99/call", {}, content_type="application/json", headers=_h(window)
        ).status_code
        == 404
    )
    assert client.get("/api/v1/hall/tickets?day=0", headers=_h(window)).status_code in {400, 422}
    assert (
        client.get("/api/v1/hall/times?start=2025-09-24&end=2025-01-01", headers=_h(window)).status_code
        == 422
    )
    t = svc.take(matter)
    assert client.post(f"/api/v1/hall/tickets/{t.pk}/take", {}, content_type="application/json",
                       headers=_h(window)).status_code == 422  # fmt: skip
    assert client.post(f"/api/v1/hall/tickets/{t.pk}/recall", {}, content_type="application/json",
                       headers=_h(window)).status_code == 409  # fmt: skip
