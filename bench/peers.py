"""Mochou against its closest peer, django-helpdesk: `python -m bench.peers --tickets 10000`.

The peer is installed from PyPI into a virtual environment of its own under the cache dir
(--cache-dir, MOCHOU_BENCH_CACHE, default ~/.cache/mochou-bench), keyed by the pinned versions;
nothing of it reaches Mochou's venv or dependencies. Its site is our own small project
(bench/peer_helpdesk: settings, URLs, a loader and a timing agent), copied next to that venv.

Each side gets its own PostgreSQL database on 127.0.0.1:5432 (user postgres): mochou_peer_mochou
for Mochou (bench.generate fills it with N cases) and mochou_peer_helpdesk for the peer, loaded
in bulk with the *same* N cases — their titles, texts, registration times, first-level subject as
the queue, an open/resolved/closed status from Mochou's state, and Mochou's reply as the closing
follow-up. Both are dropped and rebuilt when N or the peer's version changes, or with --recreate.

Then one interleaved run: per round, each measure on one side and then on the other (the side that
goes first alternates), so that both see the same machine:
  creation  in-process, through each side's own path: Mochou's cases.services.register_case (as
            bench.run calls it), the peer's PublicTicketForm validated and saved (what its public
            submission does);
  intake    HTTP POSTs from the same client code, --connections keep-alive connections, to real
            servers: `mochou serve` (waitress, --threads; the huey worker beside it unless
            --no-worker) at /api/v1/cases with an agent's bearer token; the peer under waitress
            with the same threads at its REST API /api/tickets/ (DRF, a staff user's token) and at
            its public submission form /tickets/submit/ (anonymous, with its CSRF token);
  queue     GET as a logged-in dispatcher / staff user: Mochou's /cases/queue/<--queue>/, the
            peer's /tickets/ (all statuses, newest first) plus the JSON its table then fetches
            (the first --page-size rows), the two requests a browser makes;
  detail    GET of the same cases: Mochou's /cases/<number>/, the peer's /tickets/<id>/.
Ratios are Mochou's speed over the peer's: peer ms / Mochou ms, Mochou req/s / peer req/s, so
above 1 means Mochou is faster. Results go to stdout and, unless --no-doc, to the peers section of
docs/benchmarks.md. Client, both servers, the worker and PostgreSQL share this machine's cores.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from importlib.metadata import version
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import django
from django.conf import settings
from django.utils import timezone

import bench  # noqa: F401  (sets Django up)
from bench.docsection import with_section

HELPDESK_VERSION = "2.6.1"  # the newest release on PyPI; it requires Django >= 5.2
WORKER_NOTE = "; triage on, the huey worker beside the server, its queue drained before the peer's turn"
BEGIN, END = "<!-- peers:begin -->", "<!-- peers:end -->"
PG = "postgres://postgres@127.0.0.1:5432/"
MOCHOU_DB, PEER_DB = "mochou_peer_mochou", "mochou_peer_helpdesk"
ROOT = Path(settings.BASE_DIR).parent
HERE = Path(__file__).resolve().parent
# Mochou's states as the peer's five statuses (1 open, 3 resolved, 4 closed, 5 duplicate).
PEER_STATUS = {"closed": 4, "transferred": 4, "merged": 5, "replied": 3, "called_back": 3}


# ---------------------------------------------------------------- arguments and figures


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.peers", description=__doc__.split("\n")[0])
    add = parser.add_argument
    add("--tickets", type=int, default=10_000, help="cases / tickets in each database (10000)")
    add("--rounds", type=int, default=3, help="interleaved rounds (3)")
    add("--creations", type=int, default=50, help="in-process creations per side and round (50)")
    add("--requests", type=int, default=200, help="intake POSTs per side, endpoint and round (200)")
    add("--connections", type=int, default=8, help="client connections for the intake (8)")
    add("--threads", type=int, default=8, help="waitress threads of each server (8)")
    add("--page-requests", type=int, default=20, help="GETs of each page per side and round (20)")
    add("--page-size", type=int, default=50, help="rows the peer's table asks for (Mochou's page: 50)")
    add("--queue", default="all", help="Mochou's queue slug for the dispatcher (all: 全部工单)")
    add("--settle", type=float, default=60.0, help="seconds to wait for Mochou's triage after its intake")
    add("--no-worker", action="store_true", help="serve Mochou without its huey worker")
    add("--recreate", action="store_true", help="drop and rebuild both databases")
    add(
        "--cache-dir",
        default=os.environ.get("MOCHOU_BENCH_CACHE", str(Path.home() / ".cache" / "mochou-bench")),
    )
    add("--no-doc", action="store_true", help="do not write docs/benchmarks.md")
    add("--doc", default=str(ROOT / "docs" / "benchmarks.md"))
    args = parser.parse_args(argv)
    if (
        min(args.tickets, args.rounds, args.creations, args.requests, args.connections, args.page_requests)
        < 1
    ):
        parser.error("counts must be positive")
    return args


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


@dataclass
class Series:
    """One measure of one side over the whole run: every call's latency (ms), pooled over the
    rounds, and each round's rate (calls/s, or requests/s for the intake)."""

    ms: list[float] = field(default_factory=list)
    rates: list[float] = field(default_factory=list)
    errors: int = 0

    def median(self) -> float:
        return statistics.median(self.ms) if self.ms else float("nan")

    def rate(self) -> float:
        return statistics.median(self.rates) if self.rates else float("nan")


@dataclass
class Row:
    """A line of the table. `throughput` rows compare requests/s, the others median latency."""

    label: str
    mochou: Series
    peer: Series
    throughput: bool = False

    def ratio(self) -> float:
        """Mochou's speed over the peer's (> 1: Mochou is faster)."""
        if self.throughput:
            a, b = self.mochou.rate(), self.peer.rate()
        else:
            a, b = self.peer.median(), self.mochou.median()
        return a / b if b and b == b else float("nan")


def fmt(x: float, digits: int = 1) -> str:
    return "–" if x != x else f"{x:,.{digits}f}"


def table(rows: list[Row]) -> list[str]:
    """The markdown table: medians (latency) or median requests/s over the rounds, p95, ratio."""
    lines = [
        "| measure | Mochou | Mochou p95 ms | django-helpdesk | peer p95 ms | Mochou ÷ peer |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        if r.throughput:
            a, b = f"{fmt(r.mochou.rate())} req/s", f"{fmt(r.peer.rate())} req/s"
        else:
            a, b = f"{fmt(r.mochou.median())} ms", f"{fmt(r.peer.median())} ms"
        lines.append(
            f"| {r.label} | {a} | {fmt(percentile(r.mochou.ms, 0.95))} | {b} | "
            f"{fmt(percentile(r.peer.ms, 0.95))} | **{fmt(r.ratio(), 2)}×** |"
        )
    return lines


def intake_table(rows: list[tuple[str, Series]]) -> list[str]:
    lines = [
        "| intake endpoint | req/s (median of rounds) | p50 ms | p95 ms | p99 ms | errors |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for label, s in rows:
        lines.append(
            f"| {label} | {fmt(s.rate())} | {fmt(percentile(s.ms, 0.5), 0)} | "
            f"{fmt(percentile(s.ms, 0.95), 0)} | {fmt(percentile(s.ms, 0.99), 0)} | {s.errors} |"
        )
    return lines


def doc_block(ctx: dict[str, Any], rows: list[Row], intake: list[tuple[str, Series]]) -> str:
    a = ctx["args"]
    load0, load1 = ctx["load_start"], ctx["load_end"]
    lines = [
        BEGIN,
        "### Mochou and django-helpdesk, same data, one interleaved run",
        "",
        f"Measured {ctx['when']} with `python -m bench.peers --tickets {a.tickets} --rounds {a.rounds} "
        f"--creations {a.creations} --requests {a.requests} --connections {a.connections}"
        f"{' --no-worker' if a.no_worker else ''}`: {a.tickets:,} cases in Mochou's database and the same "
        f"{a.tickets:,} tickets in the peer's, both on PostgreSQL {ctx['postgres']} (127.0.0.1), "
        f"Python {platform.python_version()}, Django {django.get_version()} on both sides; Mochou "
        f"{ctx['mochou_rev']}, django-helpdesk {ctx['peer_versions'].get('helpdesk', HELPDESK_VERSION)} "
        f"(DRF {ctx['peer_versions'].get('rest_framework', '?')}), both under waitress "
        f"{version('waitress')} with {a.threads} threads. Load average (1 min) "
        f"{load0:.2f} at the start, {load1:.2f} at the end; client, servers, "
        f"{'' if a.no_worker else 'Mochou’s worker, '}and the database share the machine's "
        f"{os.cpu_count()} cores, with other work.",
        "",
        *table(rows),
        "",
        *intake_table(intake),
        "",
        "Creation is in-process, through each side's own path: Mochou's `cases.services.register_case`, "
        "the peer's `PublicTicketForm` validated and saved (what its public submission does). Intake: "
        f"Mochou's `POST /api/v1/cases` (bearer token of an agent{WORKER_NOTE if not a.no_worker else ''}); "
        "the peer's REST API `POST /api/tickets/` (DRF, a staff user's token) and its public form "
        "`POST /tickets/submit/` (anonymous, CSRF token, a 302 counts as done). Queue page: Mochou's "
        f"`/cases/queue/{a.queue}/` as the dispatcher; the peer's `/tickets/` (all statuses, newest first) "
        f"plus the JSON its table fetches ({a.page_size} rows), as its staff user. Detail: the same cases' "
        "pages. Ratios: peer ms ÷ Mochou ms, or Mochou req/s ÷ peer req/s; above 1, Mochou is faster. "
        "Medians over the pooled calls of all rounds (intake: of the rounds' requests/s).",
        "",
        END,
    ]
    return "\n".join(lines)


def write_doc(path: Path, block: str) -> None:
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    path.write_text(with_section(text, BEGIN, END, block), encoding="utf-8")


# ---------------------------------------------------------------- the peer's venv and databases


def peer_requirements() -> list[str]:
    """The peer's packages: helpdesk pinned, and the same Django, psycopg and waitress as Mochou's."""
    return [
        f"django-helpdesk=={HELPDESK_VERSION}",
        f"Django=={django.get_version()}",
        f"psycopg[binary]=={version('psycopg')}",
        f"waitress=={version('waitress')}",
    ]


def ensure_venv(cache: Path) -> Path:
    """The peer venv's Python, made (or remade) when its pinned requirements change."""
    venv = cache / f"helpdesk-venv-{HELPDESK_VERSION}"
    python = venv / "bin" / "python"
    marker = venv / "bench-requirements.txt"
    wanted = "\n".join(peer_requirements()) + "\n"
    if python.exists() and marker.exists() and marker.read_text() == wanted:
        return python
    print(f"bench.peers: installing {', '.join(peer_requirements())} into {venv}", flush=True)
    shutil.rmtree(venv, ignore_errors=True)
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)  # noqa: S603
    pip = [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    subprocess.run([*pip, *peer_requirements()], check=True)  # noqa: S603
    marker.write_text(wanted)
    return python


def peer_project(cache: Path) -> Path:
    """Our peer project files, copied fresh each run as the top-level package `peer_helpdesk`."""
    project = cache / "peer-project"
    target = project / "peer_helpdesk"
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    for f in (HERE / "peer_helpdesk").glob("*.py"):
        shutil.copy2(f, target / f.name)
    return project


def admin_sql(*statements: str) -> None:
    import psycopg

    with psycopg.connect(PG + "postgres", autocommit=True) as conn:
        for sql in statements:
            conn.execute(sql.encode())


def database_exists(name: str) -> bool:
    import psycopg

    with psycopg.connect(PG + "postgres", autocommit=True) as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is not None


def prepare_databases(cache: Path, tickets: int, recreate: bool) -> None:
    """Both databases exist; both are dropped first when asked, or when N or the peer changed
    (the peer is loaded from Mochou's first N cases: both must hold the same ones)."""
    meta = cache / "peers-databases.json"
    key = {"tickets": tickets, "helpdesk": HELPDESK_VERSION}
    stale = recreate or not meta.exists() or json.loads(meta.read_text()) != key
    for name in (MOCHOU_DB, PEER_DB):
        if stale:
            admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')  # our constant names
        if not database_exists(name):
            admin_sql(f'CREATE DATABASE "{name}"')
    meta.write_text(json.dumps(key))


def reexec_env(cache: Path) -> dict[str, str] | None:
    """The environment this process must run in (Mochou's database and a var dir of its own, so
    that the huey queue and the triage model are not shared with other runs), or None if it has it.
    Settings are read when `bench` is imported, so the process starts again to change them. The
    server gets the same SECRET_KEY: the sessions this process opens are signed with it."""
    wanted = {
        "DATABASE_URL": PG + MOCHOU_DB,
        "MOCHOU_VAR_DIR": str(cache / "mochou-var"),
        "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-peers-" + "x" * 40),
    }
    if all(os.environ.get(k) == v for k, v in wanted.items()):
        return None
    return {**os.environ, **wanted}


# ---------------------------------------------------------------- loading both sides


def load_mochou(tickets: int) -> None:
    from django.core.management import call_command

    from bench.generate import generate
    from cases.models import Case

    call_command("migrate", interactive=False, verbosity=0)
    have = Case.objects.count()
    if have < tickets:
        print(f"bench.peers: generating {tickets - have:,} cases for Mochou", flush=True)
        generate(tickets - have)


def dump_cases(tickets: int, path: Path) -> list[dict[str, Any]]:
    """Mochou's first N cases as the peer's loader reads them (JSON lines)."""
    from cases.models import Case, Reply

    cases = list(
        Case.objects.order_by("pk").values_list(
            "pk",
            "number",
            "title",
            "content",
            "created_at",
            "closed_at",
            "replied_at",
            "state",
            "category__path",
        )[:tickets]
    )
    replies = dict(
        Reply.objects.filter(case_id__in=[c[0] for c in cases], status="approved")
        .order_by("case_id", "pk")
        .values_list("case_id", "body")
    )
    rows = []
    with path.open("w", encoding="utf-8") as f:
        for pk, number, title, content, created, closed, replied, state, cat in cases:
            row = {
                "number": number,
                "title": title,
                "content": content,
                "created": created.isoformat(),
                "modified": (closed or replied or created + timedelta(hours=1)).isoformat(),
                "status": PEER_STATUS.get(state, 1),
                "queue": (cat or "未分类").split("/")[0],
                "reply": replies.get(pk, "已办结。"),
                "email": f"c{pk}@example.invalid",
            }
            rows.append(row)
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    return rows


class Peer:
    """The peer venv's Python with our project on its path: one-shot commands and the agent."""

    def __init__(self, python: Path, project: Path, cache: Path) -> None:
        self.python = python
        self.env = {
            **os.environ,
            "PYTHONPATH": str(project),
            "DJANGO_SETTINGS_MODULE": "peer_helpdesk.settings",
            "PEER_DB_NAME": PEER_DB,
            "PEER_STATIC_ROOT": str(cache / "peer-static"),
            "PEER_MEDIA_ROOT": str(cache / "peer-media"),
        }
        self.agent: subprocess.Popen[str] | None = None

    def run(self, *args: str) -> dict[str, Any]:
        done = subprocess.run(  # noqa: S603
            [str(self.python), "-m", "peer_helpdesk.agent", *args],
            env=self.env,
            check=True,
            stdout=subprocess.PIPE,
            text=True,
        )
        return dict(json.loads(done.stdout.strip().splitlines()[-1]))

    def versions(self) -> dict[str, str]:
        code = (
            "import json; from importlib.metadata import version as v; "
            "print(json.dumps({'helpdesk': v('django-helpdesk'), "
            "'rest_framework': v('djangorestframework')}))"
        )
        done = subprocess.run([str(self.python), "-c", code], check=True, stdout=subprocess.PIPE, text=True)  # noqa: S603
        return dict(json.loads(done.stdout))

    def start_agent(self) -> None:
        self.agent = subprocess.Popen(  # noqa: S603
            [str(self.python), "-m", "peer_helpdesk.agent", "serve"],
            env=self.env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def ask(self, **request: Any) -> dict[str, Any]:
        if self.agent is None or self.agent.stdin is None or self.agent.stdout is None:
            raise RuntimeError("bench.peers: the peer's agent is not running")
        self.agent.stdin.write(json.dumps(request, ensure_ascii=False) + "\n")
        self.agent.stdin.flush()
        line = self.agent.stdout.readline()
        if not line:
            raise SystemExit("bench.peers: the peer's agent stopped")
        return dict(json.loads(line))


# ---------------------------------------------------------------- servers and the HTTP client


def wait_ready(proc: subprocess.Popen[bytes], port: int, log: Path, what: str) -> None:
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"bench.peers: {what} stopped: {log.read_text()[-2000:]}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/login/" if what == "the peer" else "/accounts/login/")
            conn.getresponse().read()
            return
        except OSError:
            time.sleep(0.5)
    proc.terminate()
    raise SystemExit(f"bench.peers: {what} did not answer within 240 s")


def start_peer_server(peer: Peer, port: int, threads: int, log_path: Path) -> subprocess.Popen[bytes]:
    waitress = peer.python.parent / "waitress-serve"
    command = [
        str(waitress),
        "--host=127.0.0.1",
        f"--port={port}",
        f"--threads={threads}",
        f"--max-request-body-size={20 * 1024 * 1024}",  # as mochou serve bounds its bodies
        "peer_helpdesk.wsgi:application",
    ]
    log = open(log_path, "wb")  # noqa: SIM115 (open for the server's lifetime)
    server = subprocess.Popen(command, env=peer.env, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603
    wait_ready(server, port, log_path, "the peer")
    return server


def start_mochou_server(port: int, threads: int, worker: bool, log_path: Path) -> subprocess.Popen[bytes]:
    """`mochou serve` as bench.intake starts it (triage on, DEBUG off), with --threads."""
    env = {
        **os.environ,
        "MOCHOU_TRIAGE": "true",
        "MOCHOU_DEMO": "false",
        "DEBUG": "false",
    }
    command = [sys.executable, "-m", "mochou.cli", "serve", "--port", str(port), "--threads", str(threads)]
    if not worker:
        command.append("--no-worker")
    log = open(log_path, "wb")  # noqa: SIM115 (open for the server's lifetime)
    server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603
    wait_ready(server, port, log_path, "Mochou")
    return server


def stop(proc: subprocess.Popen[Any] | None) -> None:
    if proc is None or proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(30)
    except subprocess.TimeoutExpired:
        proc.kill()


Request = tuple[str, str, bytes, dict[str, str]]  # method, path, body, headers


def post_load(
    port: int, requests: list[Request], ok: set[int], connections: int
) -> tuple[Series, list[bytes]]:
    """Send every request, `connections` at a time on keep-alive connections (bench.intake's
    client, for any endpoint): the round's requests/s, each latency, errors, the answers."""
    series = Series()
    answers: list[bytes] = []
    todo = list(reversed(requests))
    lock = threading.Lock()

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while True:
            with lock:
                if not todo:
                    break
                method, path, body, headers = todo.pop()
            started = time.perf_counter()
            try:
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                data = response.read()
                elapsed = (time.perf_counter() - started) * 1000
                with lock:
                    if response.status in ok:
                        series.ms.append(elapsed)
                        answers.append(data)
                    else:
                        series.errors += 1
                        if series.errors <= 3:
                            print(f"  {path}: {response.status} {data[:200]!r}", flush=True)
            except (OSError, http.client.HTTPException) as exc:
                with lock:
                    series.errors += 1
                    if series.errors <= 3:
                        print(f"  {path}: {exc!r}", flush=True)
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        conn.close()

    threads = [threading.Thread(target=client) for _ in range(connections)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    series.rates.append(len(series.ms) / wall if wall else 0.0)
    return series, answers


def get_pages(port: int, paths: list[list[str]], cookie: str, into: Series) -> None:
    """GET each page in turn on one connection; a page may be several requests (the peer's list
    and the JSON its table fetches), timed together. Anything but 200 is an error."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    for parts in paths:
        started = time.perf_counter()
        ok = True
        for path in parts:
            conn.request("GET", path, headers={"Cookie": cookie})
            response = conn.getresponse()
            body = response.read()
            if response.status != 200:
                ok = False
                if into.errors < 3:
                    print(f"  GET {path}: {response.status} {body[:200]!r}", flush=True)
        if ok:
            into.ms.append((time.perf_counter() - started) * 1000)
        else:
            into.errors += 1
    conn.close()


def merge(into: Series, part: Series) -> None:
    into.ms += part.ms
    into.rates += part.rates
    into.errors += part.errors


# ---------------------------------------------------------------- the two sides' requests


def intake_bodies(n: int, seed: int) -> list[dict[str, Any]]:
    from bench.intake import bodies_for

    return bodies_for(n, seed)


def mochou_requests(bodies: list[dict[str, Any]], token: str) -> list[Request]:
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    return [("POST", "/api/v1/cases", json.dumps(b).encode(), headers) for b in bodies]


def peer_api_requests(bodies: list[dict[str, Any]], token: str, queue: int) -> list[Request]:
    headers = {"Authorization": f"Token {token}", "Content-Type": "application/json"}
    return [
        (
            "POST",
            "/api/tickets/",
            json.dumps(
                {
                    "queue": queue,
                    "title": b["title"],
                    "description": b["content"],
                    "submitter_email": f"{b['citizen_phone']}@example.invalid",
                    "priority": 3,
                }
            ).encode(),
            headers,
        )
        for b in bodies
    ]


def peer_form_requests(bodies: list[dict[str, Any]], csrf: tuple[str, str], queue: int) -> list[Request]:
    cookie, token = csrf
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": f"csrftoken={cookie}"}
    return [
        (
            "POST",
            "/tickets/submit/",
            urlencode(
                {
                    "csrfmiddlewaretoken": token,
                    "queue": queue,
                    "title": b["title"],
                    "body": b["content"],
                    "priority": 3,
                    "submitter_email": f"{b['citizen_phone']}@example.invalid",
                    "due_date": "",
                }
            ).encode(),
            headers,
        )
        for b in bodies
    ]


def peer_form_data(bodies: list[dict[str, Any]], queue: int) -> list[dict[str, Any]]:
    return [
        {
            "queue": str(queue),
            "title": b["title"],
            "body": b["content"],
            "priority": "3",
            "submitter_email": f"{b['citizen_phone']}@example.invalid",
        }
        for b in bodies
    ]


def peer_csrf(port: int) -> tuple[str, str]:
    """The CSRF cookie and form token a browser gets with the public form (valid together)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", "/tickets/submit/")
    response = conn.getresponse()
    html = response.read().decode("utf-8", "replace")
    cookie = re.search(r"csrftoken=([^;]+)", response.getheader("Set-Cookie") or "")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    if not (cookie and token):
        raise SystemExit(f"bench.peers: no CSRF token on the peer's form ({response.status})")
    return cookie.group(1), token.group(1)


def peer_list_paths(port: int, cookie: str, page_size: int) -> list[str]:
    """The peer's list page and the JSON URL its table fetches (its query is in the page)."""
    query = urlencode([("status", s) for s in (1, 2, 3, 4, 5)] + [("sort", "created"), ("sortreverse", "on")])
    page = f"/tickets/?{query}"
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", page, headers={"Cookie": cookie})
    response = conn.getresponse()
    html = response.read().decode("utf-8", "replace")
    found = re.search(r'"url": "(/datatables_ticket_list/[^"]+)"', html)
    if response.status != 200 or not found:
        raise SystemExit(f"bench.peers: the peer's list page did not name its data URL ({response.status})")
    data = found.group(1) + "?" + urlencode({"draw": 1, "start": 0, "length": page_size})
    return [page, data]


@contextmanager
def servers(args: argparse.Namespace, peer: Peer, cache: Path) -> Iterator[tuple[int, int]]:
    from bench.intake import free_port

    mochou_port, peer_port = free_port(), free_port()
    mochou = peer_server = None
    try:
        mochou = start_mochou_server(
            mochou_port, args.threads, not args.no_worker, cache / "mochou-server.log"
        )
        peer_server = start_peer_server(peer, peer_port, args.threads, cache / "peer-server.log")
        yield mochou_port, peer_port
    finally:
        stop(peer_server)
        stop(mochou)


# ---------------------------------------------------------------- the run


def mochou_creator() -> Callable[[list[dict[str, Any]]], list[float]]:
    """Mochou's in-process creation, as bench.run does it (an agent, a township, a category)."""
    from accounts.models import Role, User
    from cases import services
    from cases.models import Category, Channel, Kind
    from org.models import Unit, UnitKind

    agent = User.objects.filter(role=Role.AGENT, is_active=True).order_by("pk").first()
    township = Unit.objects.filter(kind=UnitKind.TOWNSHIP, is_active=True).first()
    category = Category.objects.filter(level=3, is_active=True).order_by("pk").first()
    if agent is None:
        raise SystemExit("bench.peers: Mochou's database has no agent")

    def create(bodies: list[dict[str, Any]]) -> list[float]:
        times = []
        for b in bodies:
            t = time.perf_counter()
            services.register_case(
                actor=agent,
                channel=Channel.HOTLINE,
                kind=Kind.COMPLAINT,
                title=b["title"],
                content=b["content"],
                citizen_name="张女士",
                citizen_phone=b["citizen_phone"],
                address="郢中街道莫愁湖路12号",
                township=township,
                category=category,
            )
            times.append((time.perf_counter() - t) * 1000)
        return times

    return create


def mochou_session() -> str:
    from django.test import Client

    from accounts.models import Role, User

    dispatcher = User.objects.filter(role=Role.DISPATCHER, is_active=True).order_by("pk").first()
    if dispatcher is None:
        raise SystemExit("bench.peers: Mochou's database has no dispatcher")
    client = Client()
    client.force_login(dispatcher)
    name = settings.SESSION_COOKIE_NAME
    return f"{name}={client.cookies[name].value}"


def wait_triage(numbers: list[str], settle: float) -> None:
    """Let Mochou's worker finish the round's suggestions before the peer's turn, so that the
    peer is never measured while Mochou's background work still runs."""
    from bench.intake import triage_lag

    lag = triage_lag(numbers, settle)
    print(
        f"  mochou triage: {lag['triaged']}/{lag['cases']} suggested, lag p50 {lag['p50']:.1f} s", flush=True
    )


def run(args: argparse.Namespace) -> int:
    cache = Path(args.cache_dir).expanduser()
    cache.mkdir(parents=True, exist_ok=True)
    load_start = os.getloadavg()[0]
    python = ensure_venv(cache)
    prepare_databases(cache, args.tickets, args.recreate)
    load_mochou(args.tickets)
    dump = cache / "peer-tickets.jsonl"
    rows = dump_cases(args.tickets, dump)
    peer = Peer(python, peer_project(cache), cache)
    state = peer.run("setup")
    if state["tickets"] == 0:
        print(f"bench.peers: loading {len(rows):,} tickets into the peer", flush=True)
        print(f"  {peer.run('load', str(dump))}", flush=True)
    peer.start_agent()
    try:
        return measure(args, cache, peer, rows, load_start)
    finally:
        if peer.agent is not None:
            peer.ask(op="quit")
            stop(peer.agent)


def measure(
    args: argparse.Namespace, cache: Path, peer: Peer, rows: list[dict[str, Any]], load_start: float
) -> int:
    from bench.intake import agent_token

    rng = random.Random(17)
    positions = rng.sample(range(len(rows)), min(len(rows), args.page_requests))
    peer_ids = peer.ask(op="ids", positions=positions)["ids"]
    queue_id = int(peer.ask(op="queue")["id"])
    peer_token = peer.run("setup")["token"]
    peer_cookie = "sessionid=" + peer.ask(op="session")["cookie"]
    m_token, m_cookie = agent_token(), mochou_session()
    m_create = mochou_creator()
    results = {k: (Series(), Series()) for k in ("create", "queue", "detail")}
    m_intake, p_api, p_form = Series(), Series(), Series()

    with servers(args, peer, cache) as (m_port, p_port):
        csrf = peer_csrf(p_port)
        m_pages = [[f"/cases/queue/{args.queue}/"]] * args.page_requests
        p_pages = [peer_list_paths(p_port, peer_cookie, args.page_size)] * args.page_requests
        m_detail = [[f"/cases/{rows[p]['number']}/"] for p in positions]
        p_detail = [[f"/tickets/{i}/"] for i in peer_ids]
        # Warm-up, not counted: code paths, caches, connections on both sides.
        warm = intake_bodies(10, seed=0)
        m_create(warm[:3])
        peer.ask(op="create", bodies=peer_form_data(warm[:3], queue_id))
        post_load(m_port, mochou_requests(warm, m_token), {201}, args.connections)
        post_load(p_port, peer_api_requests(warm, peer_token, queue_id), {201}, args.connections)
        post_load(p_port, peer_form_requests(warm, csrf, queue_id), {302}, args.connections)
        for port, pages, cookie in ((m_port, m_pages, m_cookie), (p_port, p_pages, peer_cookie)):
            get_pages(port, pages[:3], cookie, Series())
        get_pages(m_port, m_detail[:3], m_cookie, Series())
        get_pages(p_port, p_detail[:3], peer_cookie, Series())

        for r in range(1, args.rounds + 1):
            bodies = intake_bodies(args.creations, seed=1000 + r)
            posts = intake_bodies(args.requests, seed=2000 + r)
            sides = ("mochou", "peer") if r % 2 else ("peer", "mochou")
            print(f"round {r}/{args.rounds} ({sides[0]} first)", flush=True)
            for side in sides:
                m, p = results["create"]
                if side == "mochou":
                    ms = m_create(bodies)
                    m.ms += ms
                    m.rates.append(1000 * len(ms) / sum(ms))
                else:
                    ms = peer.ask(op="create", bodies=peer_form_data(bodies, queue_id))["ms"]
                    p.ms += ms
                    p.rates.append(1000 * len(ms) / sum(ms))
            for side in sides:
                if side == "mochou":
                    part, answers = post_load(
                        m_port, mochou_requests(posts, m_token), {201}, args.connections
                    )
                    merge(m_intake, part)
                    print(f"  mochou intake: {part.rate():.1f} req/s, errors {part.errors}", flush=True)
                    if not args.no_worker:
                        wait_triage([json.loads(a)["number"] for a in answers], args.settle)
                else:
                    api, _ = post_load(
                        p_port, peer_api_requests(posts, peer_token, queue_id), {201}, args.connections
                    )
                    form, _ = post_load(
                        p_port, peer_form_requests(posts, csrf, queue_id), {302}, args.connections
                    )
                    merge(p_api, api)
                    merge(p_form, form)
                    print(
                        f"  peer intake: API {api.rate():.1f} req/s (errors {api.errors}), "
                        f"form {form.rate():.1f} req/s (errors {form.errors})",
                        flush=True,
                    )
            for key, m_paths, p_paths in (("queue", m_pages, p_pages), ("detail", m_detail, p_detail)):
                m, p = results[key]
                for side in sides:
                    if side == "mochou":
                        get_pages(m_port, m_paths, m_cookie, m)
                    else:
                        get_pages(p_port, p_paths, peer_cookie, p)
                print(f"  {key}: mochou {m.median():.1f} ms, peer {p.median():.1f} ms", flush=True)

    table_rows = [
        Row("creation, in-process", *results["create"]),
        Row("HTTP intake (peer: REST API)", m_intake, p_api, throughput=True),
        Row("HTTP intake (peer: public form)", m_intake, p_form, throughput=True),
        Row(f"queue page ({args.queue} / ticket list)", *results["queue"]),
        Row("case / ticket page", *results["detail"]),
    ]
    intake_rows = [
        ("Mochou `POST /api/v1/cases`", m_intake),
        ("peer `POST /api/tickets/`", p_api),
        ("peer `POST /tickets/submit/`", p_form),
    ]
    ctx = {
        "args": args,
        "when": f"{timezone.localtime():%Y-%m-%d %H:%M %Z}",
        "load_start": load_start,
        "load_end": os.getloadavg()[0],
        "postgres": postgres_version(),
        "mochou_rev": git_rev(),
        "peer_versions": peer.versions(),
    }
    print("\n".join(table(table_rows)))
    print("\n".join(intake_table(intake_rows)))
    print(f"load average: {ctx['load_start']:.2f} at the start, {ctx['load_end']:.2f} at the end")
    if not args.no_doc:
        write_doc(Path(args.doc), doc_block(ctx, table_rows, intake_rows))
    errors = (
        m_intake.errors + p_api.errors + p_form.errors + sum(a.errors + b.errors for a, b in results.values())
    )
    return 1 if errors else 0


def postgres_version() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        return str(cursor.fetchone()[0]).split()[0]


def git_rev() -> str:
    done = subprocess.run(  # noqa: S603
        ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],  # noqa: S607
        stdout=subprocess.PIPE,
        text=True,
        check=False,
    )
    return done.stdout.strip() or "?"


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    env = reexec_env(Path(args.cache_dir).expanduser())
    if env is not None:
        Path(env["MOCHOU_VAR_DIR"]).mkdir(parents=True, exist_ok=True)
        os.execve(  # noqa: S606 (the same interpreter and module, in Mochou's bench environment)
            sys.executable,
            [sys.executable, "-m", "bench.peers", *(sys.argv[1:] if argv is None else argv)],
            env,
        )
    return run(args)


if __name__ == "__main__":
    raise SystemExit(main())
