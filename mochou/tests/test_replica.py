"""Past one machine: two `mochou serve` nodes on one PostgreSQL primary and its streaming replica.

The test starts its own primary (initdb, on a free port, configured for replication: it neither
needs nor touches the machine's cluster, whose pg_hba has no `replication` line) and a standby made
from it with pg_basebackup, then two serving nodes with DATABASE_URL=primary and
DATABASE_REPLICA_URL=replica, and registers cases through the API on both at once:
- no case number twice, every case on the primary;
- the replica catches up, and the dispatcher's queue 待派单 served from it lists every case;
- that queue really comes from the replica (with the standby's replay paused, a case registered
  meanwhile is missing there), and a user who has just registered reads the primary and sees it;
- with the replica stopped, the queue is still served, from the primary.

The schema is copied from the suite's own migrated test database (pg_dump: migrating a fresh
database takes over a minute on this machine), with django_migrations, so `mochou serve`'s own
migrate finds nothing to do. Runs in CI's PostgreSQL phase, where the server binaries exist.

Below it, the router's and the middleware's decisions one by one, on any engine (no replica).
"""

from __future__ import annotations

import contextlib
import glob
import http.cookiejar
import json
import os
import pwd
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.contrib.sessions.models import Session
from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory
from django.urls import resolve

from accounts.models import User
from cases.models import Case
from mochou import dbrouting
from mochou.dbrouting import PRIMARY, REPLICA, ReplicaReadsMiddleware, ReplicaRouter
from tests.served import free_port, served_env, wait_for


def _server_binaries() -> Path | None:
    found = shutil.which("pg_basebackup")
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    if found:
        candidates.insert(0, str(Path(found).resolve().parent))
    for folder in candidates:
        if all((Path(folder) / tool).exists() for tool in ("initdb", "pg_ctl", "pg_basebackup", "postgres")):
            return Path(folder)
    return None


def _postgres_user() -> str | None:
    """The OS user to run the clusters as: postgres refuses to run as root."""
    if os.geteuid() != 0:
        return pwd.getpwuid(os.geteuid()).pw_name
    with contextlib.suppress(KeyError):
        return pwd.getpwnam("postgres").pw_name
    return None


PG_BIN = _server_binaries()
OS_USER = _postgres_user()

on_a_replica_of_our_own = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the replica is PostgreSQL's (run on PostgreSQL)"
    ),
    pytest.mark.skipif(
        PG_BIN is None, reason="no PostgreSQL server binaries (initdb, pg_ctl, pg_basebackup)"
    ),
    pytest.mark.skipif(OS_USER is None, reason="running as root and there is no postgres OS user"),
    # Without it pytest-django sets up no test database, and the schema would be read from another.
    pytest.mark.django_db,
]


def on_postgresql_with_server_binaries(test: Callable[..., None]) -> Callable[..., None]:
    for mark in reversed(on_a_replica_of_our_own):
        test = mark(test)
    return test


CASES = 40
# The rows `migrate` checks: copied, both nodes' own migrate (in `mochou serve`) has nothing to add,
# so they do not race to insert the same content types and permissions.
RECORDS = ("django_migrations", "django_content_type", "auth_permission")
CONTENT = "小区门口的路灯已经坏了一个多月，晚上出行很不方便，请尽快修复（第{}件）。"
SETUP = """
import json
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.utils import timezone
from accounts.middleware import mark_session_seen
from accounts.models import ApiToken
from tests.factories import make_city
from worktime.seeding import seed_year

seed_year(timezone.localdate().year)
city = make_city()

def session(user):
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "accounts.backends.LockoutModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    mark_session_seen(store)
    store.create()
    return store.session_key

print(json.dumps({
    "tokens": [ApiToken.issue(city.users["agent"]), ApiToken.issue(city.users["agent2"])],
    "dispatcher": session(city.users["dispatcher"]),
}))
"""


@dataclass
class Cluster:
    folder: Path
    port: int

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/mochou"

    def query(self, sql: str) -> Any:
        with psycopg.connect(
            f"host=127.0.0.1 port={self.port} user=postgres dbname=mochou", autocommit=True
        ) as db:
            return db.execute(sql).fetchone()


def _tool(name: str) -> str:
    assert PG_BIN is not None  # the module is skipped without the binaries
    return str(PG_BIN / name)


def _run(*args: str, as_postgres: bool = False, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    """A PostgreSQL tool; the server's own (initdb, pg_ctl, …) as the postgres OS user when root."""
    prefix = ["runuser", "-u", str(OS_USER), "--"] if as_postgres and os.geteuid() == 0 else []
    return subprocess.run([*prefix, *args], check=True, capture_output=True, text=True, timeout=60, **kwargs)  # noqa: S603


def _start(folder: Path, port: int, sockets: Path) -> Cluster:
    options = f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1 -c fsync=off -c max_wal_senders=4"
    pg_ctl = [_tool("pg_ctl"), "-D", str(folder), "-l", f"{folder}.log", "-w", "-t", "30"]
    _run(*pg_ctl, "-o", options, "start", as_postgres=True)
    return Cluster(folder, port)


def _stop(cluster: Cluster) -> None:
    if (cluster.folder / "postmaster.pid").exists():
        with contextlib.suppress(subprocess.SubprocessError):
            _run(
                _tool("pg_ctl"), "-D", str(cluster.folder), "-m", "immediate", "-w", "stop", as_postgres=True
            )


def _copy_schema(primary: Cluster) -> None:
    """The suite's migrated schema and migrate's records into the primary's database `mochou`; the
    other tables stay empty, as a flush leaves them (the suite's committed rows are not copied)."""
    source = connection.settings_dict
    env = {**os.environ, "PGPASSWORD": source.get("PASSWORD") or ""}
    dump = [
        _tool("pg_dump"),
        "--no-owner",
        "--no-privileges",
        f"--host={source['HOST'] or '127.0.0.1'}",
        f"--port={source['PORT'] or 5432}",
        f"--username={source['USER']}",
        str(source["NAME"]),
    ]
    schema = _run(*dump, "--schema-only", env=env).stdout
    records = _run(*dump, "--data-only", *(f"--table={t}" for t in RECORDS), env=env).stdout
    target = f"host=127.0.0.1 port={primary.port} user=postgres"
    with psycopg.connect(f"{target} dbname=postgres", autocommit=True) as db:
        db.execute("CREATE DATABASE mochou")
    for sql in (schema, records):
        _run(_tool("psql"), "-q", "-v", "ON_ERROR_STOP=1", f"{target} dbname=mochou", input=sql)


@pytest.fixture
def clusters(db: None) -> Iterator[tuple[Cluster, Cluster]]:
    folder = Path(tempfile.mkdtemp(prefix="mochou-replica-"))
    started: list[Cluster] = []
    try:
        if os.geteuid() == 0:
            shutil.chown(folder, user=str(OS_USER))
        initdb = [_tool("initdb"), "-D", str(folder / "primary"), "-U", "postgres", "--auth=trust"]
        _run(*initdb, "--no-sync", "-E", "UTF8", "--locale=C.UTF-8", as_postgres=True)
        primary = _start(folder / "primary", free_port(), folder)
        started.append(primary)
        _copy_schema(primary)
        source = ["-h", "127.0.0.1", "-p", str(primary.port), "-U", "postgres"]
        standby = ["-D", str(folder / "replica"), "-R", "-X", "stream", "-c", "fast"]
        _run(_tool("pg_basebackup"), *source, *standby, as_postgres=True)
        replica = _start(folder / "replica", free_port(), folder)
        started.append(replica)
        yield primary, replica
    finally:
        for cluster in reversed(started):
            _stop(cluster)
        shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def _nodes(primary: Cluster, replica: Cluster, root: Path, count: int) -> Iterator[list[str]]:
    servers: list[subprocess.Popen[str]] = []
    try:
        bases = []
        for n in range(count):
            port = free_port()
            env = served_env(root / f"node{n}", DATABASE_URL=primary.url, DATABASE_REPLICA_URL=replica.url)
            command = [sys.executable, "-m", "mochou.cli", "serve", "--port", str(port), "--no-worker"]
            pipe, merged = subprocess.PIPE, subprocess.STDOUT
            servers.append(subprocess.Popen(command, env=env, stdout=pipe, stderr=merged, text=True))  # noqa: S603
            bases.append(f"http://127.0.0.1:{port}")
        for base, server in zip(bases, servers, strict=True):
            wait_for(base + "/m/", server, seconds=90)
        yield bases
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            try:
                server.wait(20)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait(5)


def _setup_data(primary: Cluster, root: Path) -> dict[str, Any]:
    env = served_env(root / "setup", DATABASE_URL=primary.url)
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "mochou.cli", "shell", "-c", SETUP],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def _register(base: str, token: str, n: int) -> str:
    body = json.dumps({"kind": "complaint", "content": CONTENT.format(n)}).encode()
    request = urllib.request.Request(  # noqa: S310 (a local test server)
        base + "/api/v1/cases",
        data=body,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=60) as answer:  # noqa: S310
        assert answer.status == 201
        return str(json.loads(answer.read())["number"])


def _browser(base: str, session_key: str) -> tuple[urllib.request.OpenerDirector, http.cookiejar.CookieJar]:
    jar = http.cookiejar.CookieJar()
    host = urllib.parse.urlsplit(base).hostname or "127.0.0.1"
    jar.set_cookie(
        http.cookiejar.Cookie(
            0,
            "sessionid",
            session_key,
            None,
            False,
            host,
            False,
            False,
            "/",
            True,
            False,
            None,
            False,
            None,
            None,
            {},
        )
    )
    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar)), jar


def _queue(opener: urllib.request.OpenerDirector, base: str) -> str:
    with opener.open(base + "/cases/queue/to_dispatch/", timeout=30) as page:
        return str(page.read().decode())


def _register_in_page(opener: urllib.request.OpenerDirector, base: str) -> str:
    """The dispatcher registers a case through the centre's form (a POST with its CSRF token)."""
    form = opener.open(base + "/cases/new/", timeout=30).read().decode()
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)
    assert csrf
    fields = {
        "csrfmiddlewaretoken": csrf.group(1),
        "kind": "complaint",
        "channel": "hotline",
        "urgency": "normal",
        "content": "派单员自己登记的一件：菜市场门口积水，行人无法通行。",
    }
    request = urllib.request.Request(base + "/cases/new/", data=urllib.parse.urlencode(fields).encode())  # noqa: S310
    with opener.open(request, timeout=60) as page:
        number = re.search(r"/cases/(\d{13})/", page.url)
        assert number, page.url
        return number.group(1)


def _until(check: Callable[[], bool], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} within {seconds}s")
        time.sleep(0.2)


@on_postgresql_with_server_binaries
def test_two_nodes_register_on_the_primary_and_serve_queues_from_the_replica(
    clusters: tuple[Cluster, Cluster], tmp_path: Path
) -> None:
    primary, replica = clusters
    assert replica.query("SELECT pg_is_in_recovery()")[0]
    with ThreadPoolExecutor(2) as pool:
        setup = pool.submit(_setup_data, primary, tmp_path)
        with _nodes(primary, replica, tmp_path, 2) as bases:
            data = setup.result()
            tokens = data["tokens"]

            # Intake on both nodes at once, from four threads and two agents.
            with ThreadPoolExecutor(4) as clients:
                numbers = list(clients.map(lambda n: _register(bases[n % 2], tokens[n % 2], n), range(CASES)))
            assert len(set(numbers)) == CASES
            assert primary.query("SELECT count(*), count(DISTINCT number) FROM cases_case") == (CASES, CASES)

            _until(
                lambda: replica.query("SELECT count(*) FROM cases_case")[0] == CASES,
                15,
                "the replica caught up",
            )
            dispatcher, _ = _browser(bases[1], data["dispatcher"])
            page = _queue(dispatcher, bases[1])
            assert all(number in page for number in numbers)

            # Replay paused: what is registered now is on the primary only.
            replica.query("SELECT pg_wal_replay_pause()")
            later = _register(bases[0], tokens[0], CASES)
            assert later not in _queue(dispatcher, bases[1]), "the queue was not read from the replica"
            # The dispatcher's own registration: their next reads are on the primary (read your writes).
            own = _register_in_page(dispatcher, bases[0])
            page = _queue(dispatcher, bases[1])
            assert own in page
            assert later in page
            assert replica.query("SELECT count(*) FROM cases_case")[0] == CASES

            replica.query("SELECT pg_wal_replay_resume()")
            _until(
                lambda: replica.query("SELECT count(*) FROM cases_case")[0] == CASES + 2, 15, "replay resumed"
            )
            fresh, _ = _browser(bases[0], data["dispatcher"])  # no recent write: the replica again
            page = _queue(fresh, bases[0])
            assert own in page
            assert later in page

            # The replica down: the queue is served, from the primary.
            _stop(replica)
            last = _register(bases[1], tokens[1], CASES + 1)
            assert last in _queue(fresh, bases[0])


# ---------------------------------------------------------------- the router's decisions (any engine)


@pytest.fixture
def in_request(monkeypatch: pytest.MonkeyPatch) -> Iterator[dbrouting._RequestReads]:
    """A request whose reads may use the replica, and a replica that answers well."""
    monkeypatch.setattr(dbrouting, "_replica_usable", lambda: True)
    reads = dbrouting._RequestReads(replica=True)
    token = dbrouting._reads.set(reads)
    yield reads
    dbrouting._reads.reset(token)


def test_outside_a_request_everything_is_read_on_the_primary() -> None:
    assert ReplicaRouter().db_for_read(Case) == PRIMARY


def test_a_listed_page_reads_cases_on_the_replica_and_identity_on_the_primary(in_request: object) -> None:
    router = ReplicaRouter()
    assert router.db_for_read(Case) == REPLICA
    assert router.db_for_read(User) == PRIMARY
    assert router.db_for_read(Session) == PRIMARY


def test_after_a_write_and_in_a_transaction_reads_stay_on_the_primary(
    in_request: dbrouting._RequestReads, transactional_db: None
) -> None:
    router = ReplicaRouter()
    with transaction.atomic():
        assert router.db_for_read(Case) == PRIMARY
    assert router.db_for_read(Case) == REPLICA
    assert router.db_for_write(Case) == PRIMARY
    assert in_request.wrote
    assert router.db_for_read(Case) == PRIMARY


def test_an_unusable_replica_sends_the_request_to_the_primary(
    in_request: dbrouting._RequestReads, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(dbrouting, "_replica_usable", lambda: False)
    assert ReplicaRouter().db_for_read(Case) == PRIMARY
    assert not in_request.replica


def test_migrations_run_on_the_primary_only() -> None:
    assert ReplicaRouter().allow_migrate(PRIMARY, "cases")
    assert not ReplicaRouter().allow_migrate(REPLICA, "cases")


def _request(method: str, path: str, cookie: str | None = None) -> HttpRequest:
    request = getattr(RequestFactory(), method.lower())(path)
    request.resolver_match = resolve(path)
    if cookie is not None:
        request.COOKIES[dbrouting.WROTE_COOKIE] = cookie
    return request


@pytest.mark.parametrize(
    ("method", "path", "may"),
    [
        ("GET", "/cases/queue/to_dispatch/", True),
        ("HEAD", "/stats/", True),
        ("GET", "/dashboard/", True),
        ("GET", "/hotspots/", True),
        ("POST", "/cases/queue/to_dispatch/", False),
        ("GET", "/cases/new/", False),
        ("GET", "/cases/2025092400001/", False),
    ],
)
def test_only_safe_requests_of_the_listed_pages_may_read_the_replica(
    method: str, path: str, may: bool
) -> None:
    assert dbrouting._may_read_replica(_request(method, path)) is may


def test_a_browser_that_wrote_reads_the_primary_for_the_sticky_seconds(settings: Any) -> None:
    settings.MOCHOU_REPLICA_STICKY_SECONDS = 5
    middleware = ReplicaReadsMiddleware(lambda request: HttpResponse())
    response = middleware(_request("POST", "/cases/new/"))
    cookie = response.cookies[dbrouting.WROTE_COOKIE]
    assert cookie["max-age"] == 5
    assert cookie["httponly"]
    assert not dbrouting._may_read_replica(_request("GET", "/stats/", cookie.value))
    assert dbrouting._may_read_replica(_request("GET", "/stats/", "forged"))
    assert dbrouting.WROTE_COOKIE not in middleware(_request("GET", "/stats/")).cookies
