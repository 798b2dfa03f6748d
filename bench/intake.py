"""HTTP intake under load: `python -m bench.intake --requests 400 --connections 8 --repeat 3`.

Starts `mochou serve` (waitress, 8 threads, the huey worker beside it unless --no-worker) on the
database of DATABASE_URL (or the SQLite file under MOCHOU_VAR_DIR), with triage on, and POSTs
registrations to /api/v1/cases from --connections client threads (keep-alive, one connection
each; texts from the shipped hotline messages). Per run: requests/s, p50/p95/p99 latency, errors,
the server's RSS; after the run, how long each case waited for its triage suggestion (suggestion
created − case created, p50/p99) and how many were triaged within --settle seconds.

The client runs on the same machine as the server (2 cores shared with the database and the
worker), so the figures are what this machine serves, not what the server alone could. Results go
to stdout and, unless --no-doc, to the intake section of docs/benchmarks.md (between markers).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils import timezone

import bench  # noqa: F401  (sets Django up)
from accounts.models import ApiToken, Role, User
from bench.docsection import with_section
from cases.models import Case
from mochou.datasets import MESSAGES_CSV, read_messages
from org.models import Unit, UnitKind

ROOT = Path(settings.BASE_DIR).parent
BEGIN, END = "<!-- intake:begin:{} -->", "<!-- intake:end:{} -->"
LOG = Path(settings.VAR_DIR) / "bench-intake-server.log"


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def agent_token() -> str:
    centre = Unit.objects.filter(kind=UnitKind.CENTRE).order_by("pk").first()
    user, _ = User.objects.get_or_create(
        username="bench_intake", defaults={"role": Role.AGENT, "unit": centre, "display_name": "压测话务员"}
    )
    return ApiToken.issue(user, name="bench.intake")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(port: int, worker: bool) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "MOCHOU_TRIAGE": "true",
        "MOCHOU_DEMO": os.environ.get("MOCHOU_DEMO", "false"),
        "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-intake-" + "x" * 40),
        "DEBUG": "false",
    }
    command = [sys.executable, "-m", "mochou.cli", "serve", "--port", str(port)]
    if not worker:
        command.append("--no-worker")
    # The server's and the worker's logs go to a file: a pipe nobody reads fills up and stops them.
    log = open(LOG, "wb")  # noqa: SIM115 (open for the server's lifetime)
    server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"bench.intake: the server stopped: {LOG.read_text()[-2000:]}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/accounts/login/")
            conn.getresponse().read()
            return server
        except OSError:
            time.sleep(0.5)
    server.terminate()
    raise SystemExit("bench.intake: the server did not answer within 180 s")


def rss_mb(pid: int) -> float:
    """Resident memory of the server process (not its worker child), MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def load(port: int, token: str, bodies: list[dict[str, Any]], connections: int) -> dict[str, Any]:
    """POST every body, `connections` at a time; latencies in ms, errors counted."""
    latencies: list[float] = []
    errors: list[str] = []
    numbers: list[str] = []
    todo = list(bodies)
    lock = threading.Lock()
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while True:
            with lock:
                if not todo:
                    break
                body = todo.pop()
            started = time.perf_counter()
            try:
                conn.request("POST", "/api/v1/cases", body=json.dumps(body), headers=headers)
                response = conn.getresponse()
                data = response.read()
                elapsed = (time.perf_counter() - started) * 1000
                with lock:
                    if response.status == 201:
                        latencies.append(elapsed)
                        numbers.append(json.loads(data)["number"])
                    else:
                        errors.append(f"{response.status} {data[:120]!r}")
            except (OSError, http.client.HTTPException) as exc:
                with lock:
                    errors.append(repr(exc))
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
    return {"wall": wall, "latencies": latencies, "errors": errors, "numbers": numbers}


def triage_lag(numbers: list[str], settle: float) -> dict[str, Any]:
    """Seconds from each case's registration to its suggestion, waiting up to `settle` s."""
    from triage.models import Suggestion

    deadline = time.monotonic() + settle
    ids = list(Case.objects.filter(number__in=numbers).values_list("pk", flat=True))
    while True:
        done = Suggestion.objects.filter(case_id__in=ids).count()
        if done >= len(ids) or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    pairs = Suggestion.objects.filter(case_id__in=ids).values_list("created_at", "case__created_at")
    lags = [(s - c).total_seconds() for s, c in pairs]
    return {
        "triaged": len(lags),
        "cases": len(ids),
        "p50": percentile(lags, 0.5),
        "p99": percentile(lags, 0.99),
    }


def bodies_for(n: int, seed: int) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    messages = read_messages(MESSAGES_CSV)
    out = []
    for i in range(n):
        m = rng.choice(messages)
        out.append(
            {
                "kind": "complaint",
                "title": m.title[:120],
                "content": (m.body or m.title)[:4000] + f"（压测{seed}-{i}）",
                "citizen_phone": f"139{rng.randrange(10**8):08d}",
            }
        )
    return out


def summary(run: dict[str, Any], rss: float, lag: dict[str, Any]) -> dict[str, Any]:
    lat = run["latencies"]
    return {
        "rps": len(lat) / run["wall"] if run["wall"] else 0.0,
        "p50": percentile(lat, 0.5),
        "p95": percentile(lat, 0.95),
        "p99": percentile(lat, 0.99),
        "errors": len(run["errors"]),
        "rss": rss,
        "lag_p50": lag["p50"],
        "lag_p99": lag["p99"],
        "triaged": f"{lag['triaged']}/{lag['cases']}",
    }


def write_doc(
    path: Path, engine: str, label: str, rows: list[dict[str, Any]], args: argparse.Namespace
) -> None:
    med = {k: statistics.median(r[k] for r in rows) for k in ("rps", "p50", "p95", "p99", "errors", "rss")}
    lines = [
        BEGIN.format(f"{engine}:{label}"),
        f"### HTTP intake on {engine}: {label}",
        "",
        f"Measured {timezone.localtime():%Y-%m-%d %H:%M %Z} with `python -m bench.intake --requests "
        f"{args.requests} --connections {args.connections} --repeat {args.repeat}` "
        f"({Case.objects.count():,} cases in the database; Python {platform.python_version()}; "
        "client, server, worker and database on the same 2 cores, shared with other sessions).",
        "",
        "| run | requests/s | p50 ms | p95 ms | p99 ms | errors | server RSS MB "
        "| suggestion lag p50 s | p99 s | triaged |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for i, r in enumerate(rows, 1):
        lines.append(
            f"| {i} | {r['rps']:.1f} | {r['p50']:.0f} | {r['p95']:.0f} | {r['p99']:.0f} | {r['errors']} | "
            f"{r['rss']:.0f} | {r['lag_p50']:.2f} | {r['lag_p99']:.2f} | {r['triaged']} |"
        )
    lines.append(
        f"| **median** | **{med['rps']:.1f}** | **{med['p50']:.0f}** | **{med['p95']:.0f}** | "
        f"**{med['p99']:.0f}** | {med['errors']:.0f} | {med['rss']:.0f} | | | |"
    )
    lines += ["", END.format(f"{engine}:{label}")]
    block = "\n".join(lines)
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    begin, end = BEGIN.format(f"{engine}:{label}"), END.format(f"{engine}:{label}")
    path.write_text(with_section(text, begin, end, block), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.intake", description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=400, help="registrations per run (400)")
    parser.add_argument("--connections", type=int, default=8, help="concurrent client connections (8)")
    parser.add_argument("--repeat", type=int, default=3, help="runs; the median is reported (3)")
    parser.add_argument("--warmup", type=int, default=40, help="registrations before the first run (40)")
    parser.add_argument("--settle", type=float, default=60.0, help="seconds to wait for the suggestions (60)")
    parser.add_argument("--no-worker", action="store_true", help="serve without the huey worker")
    parser.add_argument(
        "--pause",
        type=float,
        default=0.0,
        help="seconds to wait after the warm-up (the worker loads its model and builds its duplicate index)",
    )
    parser.add_argument("--label", default="current", help="the row set's name in the doc (current)")
    parser.add_argument("--no-doc", action="store_true", help="do not write docs/benchmarks.md")
    parser.add_argument("--doc", default=str(ROOT / "docs" / "benchmarks.md"))
    args = parser.parse_args(argv)

    token = agent_token()
    engine = connection.vendor
    port = free_port()
    server = start_server(port, worker=not args.no_worker)
    rows = []
    try:
        load(port, token, bodies_for(args.warmup, seed=0), args.connections)
        time.sleep(args.pause)
        for i in range(1, args.repeat + 1):
            run = load(port, token, bodies_for(args.requests, seed=i), args.connections)
            rss = rss_mb(server.pid)
            lag = triage_lag(run["numbers"], args.settle)
            row = summary(run, rss, lag)
            rows.append(row)
            print(
                f"run {i}: {row['rps']:.1f} req/s, p50 {row['p50']:.0f} ms, p95 {row['p95']:.0f} ms, "
                f"p99 {row['p99']:.0f} ms, errors {row['errors']}, RSS {row['rss']:.0f} MB, "
                f"suggestion lag p50 {row['lag_p50']:.2f} s p99 {row['lag_p99']:.2f} s, "
                f"triaged {row['triaged']}",
                flush=True,
            )
            if run["errors"]:
                print("  first errors:", run["errors"][:3], flush=True)
    finally:
        server.terminate()
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()
    if not args.no_doc and rows:
        write_doc(Path(args.doc), engine, args.label, rows, args)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
