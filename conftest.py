"""Shared test setup: a small city (centre, two departments, a township), one user per role,
the 2025–2026 working-day calendar, and a clock frozen on a working morning.

**A test fails when it writes to the console** (as zulip's do), so that a warning never scrolls
past unseen:
- anything written to stdout or stderr during a test's setup, call or teardown (a `print`, a
  library writing to `sys.stderr`, a subprocess) fails it — when pytest captures output (its
  default; with `-s` there is nothing to check);
- a logging record at WARNING or above fails it, unless the test asks for `caplog`: then the test
  owns its records and is expected to assert them. (In tests the root logger's console handler is
  detached, so a record is judged once, as a record, not again as stderr text.)
- a test that uses `capsys` or `capfd` reads its own output and is not checked for it;
- a test that writes to the console on purpose says so with `@pytest.mark.console_output`.
Management commands tested with `call_command(..., stdout=buffer)` write to the buffer: fine.
Python warnings are errors where pyproject's `filterwarnings` says so (RuntimeWarning, and
deprecations raised from our own code); others appear in pytest's warnings summary.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Generator, Iterator
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import pytest

if TYPE_CHECKING:
    from django.db.migrations.executor import MigrationExecutor
    from time_machine import Traveller

    from accounts.models import User
    from tests.factories import City

SHANGHAI = ZoneInfo("Asia/Shanghai")
# Wednesday 24 September 2025, 10:00 — a working morning a week before 国庆.
WORKING_MORNING = datetime(2025, 9, 24, 10, 0, tzinfo=SHANGHAI)


# ---------------------------------------------------------------- the database tests, for .ci/run

# Fixtures that give a test the test database (pytest-django's), and the two a fixture of ours asks
# for when it writes module-wide data itself (tests.module_data).
_DATABASE_FIXTURES = frozenset(
    {"db", "transactional_db", "live_server", "django_db_reset_sequences", "django_db_serialized_rollback"}
)
_DATABASE_HANDLES = frozenset({"django_db_setup", "django_db_blocker"})


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--database-tests-only",
        action="store_true",
        help="run only the tests that use the test database (.ci/run repeats those on PostgreSQL)",
    )


def uses_the_database(item: pytest.Item) -> bool:
    """Whether the test reaches the test database: a pytest-django database fixture, the
    django_db marker, or one of our fixtures that opens the database itself. Every other test
    (transition tables, parsers, the models' evaluations, the served instances, which always run
    on a SQLite file of their own: tests.served) gives the same answer on any engine."""
    if item.get_closest_marker("django_db") or _DATABASE_FIXTURES & set(getattr(item, "fixturenames", ())):
        return True
    info = getattr(item, "_fixtureinfo", None)
    if info is None:
        return False
    return any(
        _DATABASE_HANDLES & set(fixture.argnames)
        for fixtures in info.name2fixturedefs.values()
        for fixture in fixtures
        if "pytest_django" not in (getattr(fixture.func, "__module__", "") or "")
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not config.getoption("--database-tests-only"):
        return
    kept: list[pytest.Item] = []
    dropped: list[pytest.Item] = []
    for item in items:
        (kept if uses_the_database(item) else dropped).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


# ---------------------------------------------------------------- no unexpected console output

CONSOLE_OUTPUT_MARKER = "console_output"
_PHASES = ("setup", "call", "teardown")
_LOG_RECORDS = pytest.StashKey[dict[str, list[logging.LogRecord]]]()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", f"{CONSOLE_OUTPUT_MARKER}: the test writes to stdout/stderr or logs a warning on purpose"
    )


class _RecordCollector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def _collect_logs(item: pytest.Item, when: str) -> Generator[None, object, object]:
    collector = _RecordCollector()
    root = logging.getLogger()
    root.addHandler(collector)
    try:
        return (yield)
    finally:
        root.removeHandler(collector)
        item.stash.setdefault(_LOG_RECORDS, {})[when] = collector.records


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Generator[None, object, object]:
    return (yield from _collect_logs(item, "setup"))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, object, object]:
    return (yield from _collect_logs(item, "call"))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item) -> Generator[None, object, object]:
    return (yield from _collect_logs(item, "teardown"))


def _console_complaints(item: pytest.Item, report: pytest.TestReport) -> list[str]:
    if item.get_closest_marker(CONSOLE_OUTPUT_MARKER) is not None:
        return []
    fixtures = set(getattr(item, "fixturenames", ()))
    complaints = []
    if not fixtures & {"capsys", "capfd", "capsysbinary", "capfdbinary"}:
        for stream in ("stdout", "stderr"):
            text = "".join(
                content for title, content in report.sections if title == f"Captured {stream} {report.when}"
            )
            if text.strip():
                complaints.append(f"wrote to {stream}:\n{text.rstrip()}")
    if "caplog" not in fixtures:
        for record in item.stash.get(_LOG_RECORDS, {}).get(report.when, []):
            complaints.append(f"logged {record.levelname} on {record.name!r}: {record.getMessage()}")
    return complaints


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    if report.when in _PHASES and report.passed:
        complaints = _console_complaints(item, report)
        if complaints:
            report.outcome = "failed"
            report.longrepr = (
                f"unexpected console output during {report.when} (assert it, or mark the test "
                f"@pytest.mark.{CONSOLE_OUTPUT_MARKER}):\n" + "\n".join(complaints)
            )
    return report


@pytest.fixture(autouse=True, scope="session")
def _logging_not_to_console() -> Iterator[None]:
    """Settings give the root logger a console handler; in tests a record is judged as a record
    (above), so that handler is detached for the session rather than also printing to stderr."""
    root = logging.getLogger()
    # Exactly StreamHandler: pytest's own capturing handlers are subclasses and stay.
    console = [h for h in root.handlers if type(h) is logging.StreamHandler]
    for handler in console:
        root.removeHandler(handler)
    yield
    for handler in console:
        root.addHandler(handler)


@pytest.fixture(autouse=True)
def _block_internet(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test talks to the outside world; localhost (live server, browser) is allowed."""
    real_connect = socket.socket.connect

    def guarded(self: socket.socket, address: Any) -> None:
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
    from tests.module_data import run_on_commit_at_once

    run_on_commit_at_once(monkeypatch)


@pytest.fixture(autouse=True)
def _fresh_calendar_cache() -> Iterator[None]:
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
def clock() -> Iterator[Traveller]:
    """Freeze time at WORKING_MORNING; tests move it with clock.move_to(...)."""
    import time_machine

    with time_machine.travel(WORKING_MORNING, tick=False) as traveller:
        yield traveller


@pytest.fixture
def city(db: None, calendar: None) -> City:
    from tests.factories import make_city

    return make_city()


@pytest.fixture
def agent(city: City) -> User:
    return city.users["agent"]


@pytest.fixture
def dispatcher(city: City) -> User:
    return city.users["dispatcher"]


@pytest.fixture
def clerk(city: City) -> User:
    return city.users["clerk"]


@pytest.fixture
def unit_leader(city: City) -> User:
    return city.users["unit_leader"]


@pytest.fixture
def supervisor(city: City) -> User:
    return city.users["supervisor"]


@pytest.fixture
def leader(city: City) -> User:
    return city.users["leader"]


@pytest.fixture
def outsider(city: City) -> User:
    """A clerk of another department: may see nothing of the first department's cases."""
    return city.users["outsider"]


@pytest.fixture
def executor(transactional_db: None) -> Iterator[MigrationExecutor]:
    """Django's migration executor on the test database, for tests of data migrations (back to
    before, data in, forward again); the newest schema is restored for the tests after."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    yield MigrationExecutor(connection)
    latest = MigrationExecutor(connection)
    latest.migrate(latest.loader.graph.leaf_nodes())


@pytest.fixture
def empty_executor(
    django_db_setup: None, django_db_blocker: Any, tmp_path: Path
) -> Iterator[MigrationExecutor]:
    """Django's migration executor on an empty database of its own, which stands in as `default`
    for the test, so that the data migrations and the historical models both use it.

    For a data migration of an app that much of the project depends on (cases): `executor` would
    unapply everything that depends on it and apply it all again, about a minute per test, where
    this applies only the migrations that come before (a few seconds). The data goes in through
    the historical models of the state migrated to, every app's included. The test database is
    not touched."""
    from django.db import connections
    from django.db.migrations.executor import MigrationExecutor
    from django.db.utils import load_backend

    with django_db_blocker.unblock():
        test_database = connections["default"]
        settings = {**test_database.settings_dict}
        on_postgres = test_database.vendor == "postgresql"
        if on_postgres:
            # Per worker: when no test asks for the test database, NAME is the configured one.
            worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
            settings["NAME"] = f"{settings['NAME']}_migrations_{worker}"
            drop = f'DROP DATABASE IF EXISTS "{settings["NAME"]}" WITH (FORCE)'
            with test_database.cursor() as cursor:
                cursor.execute(drop)  # one an interrupted run left behind
                cursor.execute(f'CREATE DATABASE "{settings["NAME"]}"')
        else:
            settings["NAME"] = str(tmp_path / "migrations.sqlite3")
        empty = load_backend(settings["ENGINE"]).DatabaseWrapper(settings, "default")
        connections["default"] = empty
        try:
            yield MigrationExecutor(empty)
        finally:
            empty.close()
            connections["default"] = test_database
            if on_postgres:
                with test_database.cursor() as cursor:
                    cursor.execute(drop)
