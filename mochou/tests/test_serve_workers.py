"""`mochou serve --workers N`: N processes on one socket, restarted when they die, stopped gently;
the probes; hashed static files cached for a year.

One real `mochou serve --workers 2` (with its huey worker) on a fresh SQLite database serves the
subprocess tests of this module, in order; the last one stops it with SIGTERM.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import DatabaseError
from waitress.server import create_server

from mochou import health, prefork
from tests.served import free_port, fresh_database, served_env, wait_for

pytestmark = pytest.mark.xdist_group("served")  # one migration with the other served tests
MOCHOU_SERVE = [sys.executable, "-m", "mochou.cli", "serve"]


# ------------------------------------------------------------------ helpers


def get(url: str) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:  # noqa: S310 (a local test server)
            return answer.status, dict(answer.headers), answer.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def children_of(pid: int) -> dict[int, str]:
    """pid → command line of every live process whose parent is `pid` (Linux /proc)."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        if int(fields[1]) == pid and fields[0] != "Z":
            found[int(entry.name)] = cmdline
    return found


def serving_children(pid: int) -> set[int]:
    return {child for child, cmdline in children_of(pid).items() if "--listen-fd" in cmdline}


def wait_until(condition: Any, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError("condition not met in time")


class Served:
    def __init__(self, process: subprocess.Popen[str], base: str) -> None:
        self.process = process
        self.base = base

    def pid_answering(self) -> int:
        status, _, body = get(self.base + "/healthz")
        assert status == 200
        return int(json.loads(body)["pid"])


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    var_dir = tmp_path_factory.mktemp("workers")
    fresh_database(var_dir)
    port = free_port()
    process = subprocess.Popen(  # noqa: S603 (our own interpreter and module)
        [*MOCHOU_SERVE, "--port", str(port), "--workers", "2", "--shutdown-timeout", "10"],
        env=served_env(var_dir),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    served = Served(process, f"http://127.0.0.1:{port}")
    try:
        wait_for(served.base + "/healthz", process)
        wait_until(lambda: len(serving_children(process.pid)) == 2)
        yield served
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(30)
            for child in children_of(process.pid):
                os.kill(child, signal.SIGKILL)


# ------------------------------------------------------------------ the served instance


def test_the_probes_answer_without_login_and_are_never_cached(served: Served) -> None:
    for path, status in (("/healthz", "ok"), ("/readyz", "ready")):
        code, headers, body = get(served.base + path)
        assert code == 200
        assert json.loads(body)["status"] == status
        assert "no-store" in headers["Cache-Control"]
        assert "Set-Cookie" not in headers


def test_requests_are_answered_by_two_processes_the_parent_started(served: Served) -> None:
    pids: set[int] = set()
    for _ in range(200):
        pids.add(served.pid_answering())
        if len(pids) == 2:
            break
    assert len(pids) == 2
    assert pids == serving_children(served.process.pid)


def test_the_huey_worker_is_started_once(served: Served) -> None:
    workers = [c for c in children_of(served.process.pid).values() if "run_huey" in c]
    assert len(workers) == 1


def test_a_pages_static_assets_are_hashed_and_cached_for_a_year(served: Served) -> None:
    _, _, page = get(served.base + "/accounts/login/")
    assets = re.findall(r'(?:href|src)="(/static/[^"]+)"', page.decode())
    assert any(re.search(r"/css/mochou\.[0-9a-f]{12}\.css$", asset) for asset in assets)
    for asset in assets:
        code, headers, _ = get(served.base + asset)
        assert code == 200, asset
        assert headers["Cache-Control"] == "max-age=31536000, public, immutable", asset
    # The same file under its plain name may change: a short cache only.
    code, headers, _ = get(served.base + "/static/css/mochou.css")
    assert code == 200
    assert headers["Cache-Control"] == "max-age=60, public"


def test_a_killed_child_is_restarted(served: Served) -> None:
    before = serving_children(served.process.pid)
    victim = min(before)
    os.kill(victim, signal.SIGKILL)
    wait_until(lambda: len(serving_children(served.process.pid) - before) == 1)
    wait_until(lambda: victim not in {served.pid_answering() for _ in range(20)})
    assert len(serving_children(served.process.pid)) == 2


def test_sigterm_lets_the_request_in_flight_finish_then_everything_exits_0(served: Served) -> None:
    everyone = set(children_of(served.process.pid))
    host, port = served.base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=20) as client:
        client.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # not finished yet
        time.sleep(1)  # accepted and being read by a child
        served.process.send_signal(signal.SIGTERM)
        time.sleep(1.5)  # the children have been told to stop
        client.sendall(b"\r\n")
        answer = client.recv(65536)
        while b'"status": "ok"' not in answer:
            more = client.recv(65536)
            assert more, answer
            answer += more
    assert answer.startswith(b"HTTP/1.1 200 OK")
    assert served.process.wait(30) == 0
    output = served.process.stdout.read() if served.process.stdout else ""
    assert "莫愁已停止。" in output
    assert "网站进程 " in output  # the restart of the killed child was logged
    wait_until(lambda: not any(Path(f"/proc/{pid}").exists() for pid in everyone), 10)


# ------------------------------------------------------------------ in this process


@pytest.mark.console_output  # the 503 is logged, as a server error should be
def test_readiness_fails_while_a_migration_is_unapplied(
    client: Any, db: None, monkeypatch: Any, caplog: Any
) -> None:
    assert client.get("/readyz").status_code == 200
    on_disk = {**health.migrations_on_disk(), ("cases", "9999_not_yet"): frozenset()}
    monkeypatch.setattr(health, "migrations_on_disk", lambda: on_disk)
    answer = client.get("/readyz")
    assert answer.status_code == 503
    assert answer.json()["code"] == "migrations_pending"
    assert answer.json()["pending"] == 1
    assert "9999_not_yet" not in answer.text  # names stay on the machine (mochou showmigrations)
    assert "no-store" in answer["Cache-Control"]
    assert [r.getMessage() for r in caplog.records] == ["Service Unavailable: /readyz"]


def test_a_squash_counts_as_applied_when_what_it_replaces_is(client: Any, db: None, monkeypatch: Any) -> None:
    applied = next(iter(health.migrations_on_disk()))
    on_disk = {**health.migrations_on_disk(), ("cases", "0001_squashed"): frozenset({applied})}
    monkeypatch.setattr(health, "migrations_on_disk", lambda: on_disk)
    assert client.get("/readyz").status_code == 200


@pytest.mark.console_output  # the 503 is logged, as a server error should be
def test_readiness_fails_without_the_database_and_liveness_does_not(
    client: Any, db: None, monkeypatch: Any, caplog: Any
) -> None:
    def unreachable(alias: str = "default") -> list[str]:
        raise DatabaseError("connection refused")

    monkeypatch.setattr(health, "unapplied_migrations", unreachable)
    answer = client.get("/readyz")
    assert answer.status_code == 503
    assert answer.json()["code"] == "database_unavailable"
    assert [r.getMessage() for r in caplog.records] == ["Service Unavailable: /readyz"]
    assert client.get("/healthz").status_code == 200


def test_the_probes_take_no_other_method(client: Any, db: None) -> None:
    assert client.post("/healthz").status_code == 405
    assert client.head("/readyz").status_code == 200


def test_a_slow_request_finishes_after_the_stop() -> None:
    """serve_until_stopped: asked to stop while the application works, it still sends the answer."""
    started = threading.Event()

    def slow_app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        started.set()
        time.sleep(1.5)
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"finished"]

    listener = prefork.bind("127.0.0.1", 0)
    port = listener.getsockname()[1]
    server = create_server(slow_app, sockets=[listener], threads=2)
    stop = threading.Event()
    serving = threading.Thread(target=prefork.serve_until_stopped, args=(server, stop.is_set, 10))
    serving.start()
    answers: list[bytes] = []
    asking = threading.Thread(
        target=lambda: answers.append(urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10).read())
    )
    asking.start()
    assert started.wait(10)
    stop.set()
    serving.join(15)
    asking.join(15)
    assert not serving.is_alive()
    assert answers == [b"finished"]
    with pytest.raises(ConnectionRefusedError):  # no longer accepting
        socket.create_connection(("127.0.0.1", port), timeout=2)


def test_static_names_fall_back_to_the_plain_name_without_a_manifest_entry(tmp_path: Path) -> None:
    from mochou.static_assets import HashedStaticFilesStorage

    def storage() -> HashedStaticFilesStorage:
        return HashedStaticFilesStorage(location=str(tmp_path), base_url="/static/")

    assert storage().url("css/mochou.css") == "/static/css/mochou.css"  # never collected here
    manifest = {"version": "1.1", "paths": {"css/mochou.css": "css/mochou.0123456789ab.css"}}
    (tmp_path / "staticfiles.json").write_text(json.dumps(manifest))
    assert storage().url("css/mochou.css") == "/static/css/mochou.0123456789ab.css"
    assert storage().url("js/new-since.js") == "/static/js/new-since.js"  # collected before it existed
