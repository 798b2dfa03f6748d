"""Shared test setup: a small city (centre, two departments, a township), one user per role,
the 2025–2026 working-day calendar, and a clock frozen on a working morning."""

from __future__ import annotations

import socket
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

SHANGHAI = ZoneInfo("Asia/Shanghai")
# Wednesday 24 September 2025, 10:00 — a working morning a week before 国庆.
WORKING_MORNING = datetime(2025, 9, 24, 10, 0, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def _block_internet(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test talks to the outside world; localhost (live server, browser) is allowed."""
    real_connect = socket.socket.connect

    def guarded(self: socket.socket, address: object) -> object:
        host = address[0] if isinstance(address, tuple) else address
        if (
            isinstance(host, str)
            and host not in {"127.0.0.1", "localhost", "::1"}
            and not host.startswith("/")
        ):
            raise RuntimeError(f"tests may not connect to {address!r}")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)


@pytest.fixture(autouse=True)
def _run_on_commit_callbacks(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests run inside one transaction that never commits, so on_commit work (notifications,
    SMS) would never happen. Run it at once instead; transactional tests keep the real thing."""
    if "transactional_db" in request.fixturenames or "live_server" in request.fixturenames:
        return
    from django.db import transaction

    def run_now(func: object, using: object = None, robust: bool = False) -> None:
        try:
            func()
        except Exception:
            if not robust:  # as Django does: a robust callback's failure is logged, not raised
                raise

    monkeypatch.setattr(transaction, "on_commit", run_now)


@pytest.fixture(autouse=True)
def _fresh_calendar_cache() -> None:
    """The working-day cache lives for the process; each test's rows roll back, so clear it."""
    from worktime.calendar import clear_cache

    clear_cache()
    yield
    clear_cache()


@pytest.fixture
def calendar(db: None) -> None:
    from worktime.seeding import seed_year

    seed_year(2025)
    seed_year(2026)


@pytest.fixture
def clock() -> object:
    """Freeze time at WORKING_MORNING; tests move it with clock.move_to(...)."""
    import time_machine

    with time_machine.travel(WORKING_MORNING, tick=False) as traveller:
        yield traveller


@pytest.fixture
def city(db: None, calendar: None) -> object:
    from tests.factories import make_city

    return make_city()


@pytest.fixture
def agent(city: object) -> object:
    return city.users["agent"]


@pytest.fixture
def dispatcher(city: object) -> object:
    return city.users["dispatcher"]


@pytest.fixture
def clerk(city: object) -> object:
    return city.users["clerk"]


@pytest.fixture
def unit_leader(city: object) -> object:
    return city.users["unit_leader"]


@pytest.fixture
def supervisor(city: object) -> object:
    return city.users["supervisor"]


@pytest.fixture
def leader(city: object) -> object:
    return city.users["leader"]


@pytest.fixture
def outsider(city: object) -> object:
    """A clerk of another department: may see nothing of the first department's cases."""
    return city.users["outsider"]
