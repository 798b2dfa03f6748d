"""Memory of the web processes: `python -m bench.memory --workers 2 --registrations 20 --repeat 3`.

Starts `mochou serve --workers N` (triage on, the huey worker beside it) on a fresh SQLite demo
in a temporary MOCHOU_VAR_DIR (the demo seeded and the model trained by the first start, reused
by the later runs), or on the database of DATABASE_URL (it must hold the demo: `mochou seed_demo`).
Each run starts the server anew and reads, for every web process (the serve process's children
with `--listen-fd`), VmRSS from /proc/<pid>/status and Pss from /proc/<pid>/smaps_rollup:

1. **start**: once every web process answers /healthz;
2. **warm-up**: after --rounds rounds of page views in each (logged in as dispatcher1: home, the
   to_dispatch and all queues, a case page, the dashboard, 莫愁指南 and a search in it, stats);
3. **registrations**: after --registrations API registrations (POST /api/v1/cases as agent1) in
   each, triage on (the worker triages them; the web process registers and hands them over);
4. **warning**: after the registration form's duplicate warning (POST /cases/possible-duplicates/,
   what the form asks while an agent types) in each, twice, --index-wait seconds apart: the first
   starts building the process's duplicate index (triage.dupindex over the open cases of 30 days;
   its n-grams hashed in numpy, triage.charhash, without importing scikit-learn), the second is
   answered from it.

A keep-alive connection stays with the process that accepted it, and /healthz names that
process, so the bench opens connections until it holds one per web process and drives each
through its own. Printed per run; the medians over --repeat runs of the largest web process go
to stdout and, unless --no-doc, to the memory section of docs/benchmarks.md (between markers).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from bench.docsection import with_section
from bench.intake import bodies_for  # importing bench sets Django up (the messages' reader needs it)

ROOT = Path(__file__).resolve().parent.parent
BEGIN, END = "<!-- memory:begin -->", "<!-- memory:end -->"
PHASES = ("start", "warmup", "registrations", "warning")
PAGES = (
    "/",
    "/cases/queue/to_dispatch/",
    "/cases/queue/all/",
    "{case}",
    "/dashboard/",
    "/knowledge/",
    # A 莫愁指南 search: cuts the query with jieba and builds the process's guide index.
    "/knowledge/?q=" + quote("社保卡丢了怎么补办"),
    "/stats/",
)
DEMO_PASSWORD = "mochou2026"  # noqa: S105 (accounts.demo.DEMO_PASSWORD, the documented demo login)
# Paths under /cases/ that are not a case's page (cases/urls.py).
_NOT_A_CASE = {"queue", "queue-choices", "bulk", "filters", "category-tree", "possible-duplicates", "new"}
_CASE_LINK = re.compile(r'href="/cases/([^/"?#]+)/"')
_CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


# ---------------------------------------------------------------------- reading /proc


def status_kb(status: str, key: str) -> int | None:
    """A `Key:   123 kB` line of /proc/<pid>/status or smaps_rollup, in kB (None: absent)."""
    for line in status.splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    return None


def parent_of(stat: str) -> int:
    """The ppid field of /proc/<pid>/stat (the command name in parentheses may hold spaces)."""
    return int(stat.rsplit(")", 1)[1].split()[1])


def kind_of(cmdline: bytes) -> str:
    """'web', 'worker' or 'other' for a child of `mochou serve`, from /proc/<pid>/cmdline."""
    args = cmdline.split(b"\0")
    if b"--listen-fd" in args:
        return "web"
    if b"run_huey" in args:
        return "worker"
    return "other"


def children(pid: int) -> dict[int, str]:
    """The live children of `pid` → their kind."""
    found: dict[int, str] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if parent_of((entry / "stat").read_text()) == pid:
                found[int(entry.name)] = kind_of((entry / "cmdline").read_bytes())
        except (OSError, ValueError, IndexError):
            continue  # gone meanwhile
    return found


def memory_mb(pid: int) -> tuple[float, float]:
    """(RSS, PSS) of a process, MB."""
    rss = status_kb(Path(f"/proc/{pid}/status").read_text(), "VmRSS") or 0
    try:
        pss = status_kb(Path(f"/proc/{pid}/smaps_rollup").read_text(), "Pss") or 0
    except OSError:
        pss = 0
    return rss / 1024, pss / 1024


# ---------------------------------------------------------------------- HTTP


class Browser:
    """One keep-alive connection (so one web process) with its own cookies."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        self.cookies: SimpleCookie = SimpleCookie()
        self.errors: list[str] = []
        self.location = ""  # the last response's Location header

    def request(
        self, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None
    ) -> tuple[int, str]:
        sent = dict(headers or {})
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={m.value}" for k, m in self.cookies.items())
        self.conn.request(method, path, body=body, headers=sent)
        response = self.conn.getresponse()
        text = response.read().decode("utf-8", "replace")
        self.location = response.headers.get("Location", "")
        for value in response.headers.get_all("Set-Cookie") or []:
            self.cookies.load(value)
        if response.will_close:
            raise ConnectionError(f"{path}: the server closed the connection")
        return response.status, text

    def get(self, path: str, expect: Iterable[int] = (200,)) -> str:
        """The page's text; a redirect within the site is followed (home → the user's desk)."""
        status, text = self.request("GET", path)
        if status == 302 and self.location.startswith("/"):
            return self.get(self.location, expect)
        if status not in expect:
            self.errors.append(f"GET {path}: {status}")
        return text

    def pid(self) -> int:
        return int(json.loads(self.get("/healthz"))["pid"])

    def login(self, username: str, password: str) -> None:
        token = csrf_token(self.get("/accounts/login/"))
        form = urlencode({"csrfmiddlewaretoken": token, "username": username, "password": password})
        status, _ = self.request(
            "POST",
            "/accounts/login/",
            body=form.encode(),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        if status != 302:
            raise SystemExit(f"bench.memory: login as {username} answered {status}, not a redirect")

    def warning(self, body: dict[str, Any]) -> None:
        """The duplicate warning the registration form asks for while the request is typed."""
        form = urlencode({k: body[k] for k in ("title", "content", "citizen_phone")})
        status, _ = self.request(
            "POST",
            "/cases/possible-duplicates/",
            body=form.encode(),
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "X-CSRFToken": self.cookies["csrftoken"].value,
            },
        )
        if status != 200:
            self.errors.append(f"POST /cases/possible-duplicates/: {status}")


def csrf_token(html: str) -> str:
    found = _CSRF_FIELD.search(html)
    if found is None:
        raise ValueError("no csrfmiddlewaretoken in the page")
    return found.group(1)


def first_case(html: str) -> str | None:
    """The first link to a case's page in a queue page (/cases/<number>/)."""
    for number in _CASE_LINK.findall(html):
        if number not in _NOT_A_CASE:
            return f"/cases/{number}/"
    return None


def one_per_process(port: int, pids: set[int], tries: int = 200) -> dict[int, Browser]:
    """Open connections until one is held to each web process (the others are closed)."""
    held: dict[int, Browser] = {}
    for _ in range(tries):
        browser = Browser(port)
        pid = browser.pid()
        if pid in pids and pid not in held:
            held[pid] = browser
            if len(held) == len(pids):
                return held
        else:
            browser.conn.close()
    raise SystemExit(f"bench.memory: reached {sorted(held)} of the web processes {sorted(pids)}")


# ---------------------------------------------------------------------- the server


def server_env(var_dir: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "MOCHOU_TRIAGE": "true",
        "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-memory-" + "x" * 40),
        "DEBUG": "false",
        "MOCHOU_VAR_DIR": str(var_dir),
    }
    if "DATABASE_URL" not in os.environ:
        env["MOCHOU_DEMO"] = "true"  # seeds the empty SQLite database on the first start
    return env


def start_server(
    port: int, workers: int, env: dict[str, str], log: Path, timeout: float
) -> tuple[subprocess.Popen[bytes], dict[int, str]]:
    command = [sys.executable, "-m", "mochou.cli", "serve", "--port", str(port), "--workers", str(workers)]
    # The server's output goes to a file: a pipe nobody reads fills up and stops it.
    with open(log, "ab") as out:
        server = subprocess.Popen(command, env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)  # noqa: S603
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"bench.memory: the server stopped: {log.read_text()[-2000:]}")
        kids = children(server.pid)
        webs = [p for p, k in kids.items() if k == "web"]
        if len(webs) == workers and all(answers(port) for _ in range(2 * workers)):
            return server, kids
        time.sleep(0.5)
    stop_server(server)
    raise SystemExit(f"bench.memory: the server did not answer within {timeout:.0f} s")


def answers(port: int) -> bool:
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        conn.request("GET", "/healthz")
        return conn.getresponse().status == 200
    except OSError:
        return False


def stop_server(server: subprocess.Popen[bytes]) -> None:
    server.terminate()
    try:
        server.wait(60)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def issue_token(env: dict[str, str], username: str) -> str:
    done = subprocess.run(  # noqa: S603 (our own interpreter and module)
        [sys.executable, "-m", "mochou.cli", "token", username, "--name", "bench.memory"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip().splitlines()[-1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# ---------------------------------------------------------------------- one run


@dataclass
class Run:
    """RSS and PSS (MB) of each web process at each phase, and of the parent and the worker."""

    web: dict[int, dict[str, tuple[float, float]]] = field(default_factory=dict)
    parent: float = 0.0
    worker: float = 0.0
    errors: list[str] = field(default_factory=list)

    def largest(self, phase: str) -> tuple[float, float]:
        """(RSS, PSS) of the web process with the largest RSS at that phase."""
        return max((phases[phase] for phases in self.web.values()), default=(0.0, 0.0))


def registration(i: int, run: int, message: dict[str, Any]) -> bytes:
    return json.dumps(
        {**message, "content": f"{message['content']}（内存压测{run}-{i}）"}, ensure_ascii=False
    ).encode()


def one_run(n: int, args: argparse.Namespace, env: dict[str, str], log: Path) -> Run:
    port = free_port()
    server, kids = start_server(port, args.workers, env, log, args.timeout)
    run = Run()
    try:
        webs = {p for p, k in kids.items() if k == "web"}
        browsers = one_per_process(port, webs)
        time.sleep(args.settle)
        for pid in webs:
            run.web[pid] = {"start": memory_mb(pid)}
        token = issue_token(env, "agent1")
        for browser in browsers.values():
            browser.login("dispatcher1", DEMO_PASSWORD)
        case = first_case(next(iter(browsers.values())).get("/cases/queue/all/")) or "/"
        for _ in range(args.rounds):
            for browser in browsers.values():
                for page in PAGES:
                    browser.get(page.format(case=case))
        time.sleep(args.settle)
        for pid in webs:
            run.web[pid]["warmup"] = memory_mb(pid)
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        bodies = bodies_for(args.registrations, seed=n)
        for pid, browser in browsers.items():
            for i, body in enumerate(bodies):
                status, text = browser.request(
                    "POST", "/api/v1/cases", body=registration(i, pid, body), headers=headers
                )
                if status != 201:
                    browser.errors.append(f"POST /api/v1/cases: {status} {text[:120]}")
        time.sleep(args.settle)
        for pid in webs:
            run.web[pid]["registrations"] = memory_mb(pid)
        for browser in browsers.values():
            browser.warning(bodies[0])
        time.sleep(args.index_wait)
        for browser in browsers.values():
            browser.warning(bodies[0])
        time.sleep(args.settle)
        for pid in webs:
            run.web[pid]["warning"] = memory_mb(pid)
        run.parent = memory_mb(server.pid)[0]
        run.worker = max((memory_mb(p)[0] for p, k in kids.items() if k == "worker"), default=0.0)
        for browser in browsers.values():
            run.errors += browser.errors
            browser.conn.close()
    finally:
        stop_server(server)
    return run


# ---------------------------------------------------------------------- output


def medians(runs: list[Run]) -> dict[str, tuple[float, float]]:
    """Per phase, the median over the runs of the largest web process's (RSS, PSS)."""
    return {
        phase: (
            statistics.median(r.largest(phase)[0] for r in runs),
            statistics.median(r.largest(phase)[1] for r in runs),
        )
        for phase in PHASES
    }


def run_line(n: int, run: Run) -> str:
    webs = "; ".join(
        f"web {pid}: " + " / ".join(f"{phases[p][0]:.0f}" for p in PHASES) for pid, phases in run.web.items()
    )
    return (
        f"run {n}: RSS MB start / warm-up / registrations / warning — {webs}; parent {run.parent:.0f}, "
        f"worker {run.worker:.0f}, errors {len(run.errors)}"
    )


def section(runs: list[Run], args: argparse.Namespace, when: datetime, database: str) -> str:
    med = medians(runs)
    lines = [
        BEGIN,
        f"### Memory of a web process: {args.label}",
        "",
        f"Measured {when:%Y-%m-%d %H:%M} UTC with `python -m bench.memory --workers {args.workers} "
        f"--rounds {args.rounds} --registrations {args.registrations} --repeat {args.repeat}` "
        f"({database}; Python {platform.python_version()}; triage on; the 2 cores shared with other "
        "sessions). MB of the largest web process of each run: VmRSS / Pss at start, after "
        f"{args.rounds} rounds of {len(PAGES)} page views, after {args.registrations} API registrations "
        "and after two duplicate warnings of the registration form (each web process); the parent's "
        "and the huey worker's RSS at the end.",
        "",
        "| run | start RSS / PSS | after warm-up | after registrations | after duplicate warning "
        "| parent RSS | worker RSS | errors |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for i, r in enumerate(runs, 1):
        cells = " | ".join(f"{r.largest(p)[0]:.0f} / {r.largest(p)[1]:.0f}" for p in PHASES)
        lines.append(f"| {i} | {cells} | {r.parent:.0f} | {r.worker:.0f} | {len(r.errors)} |")
    cells = " | ".join(f"**{med[p][0]:.0f}** / {med[p][1]:.0f}" for p in PHASES)
    lines += [f"| **median** | {cells} | | | |", "", END]
    return "\n".join(lines)


def replace_section(text: str, block: str) -> str:
    """The text with the memory section replaced by `block` (appended when it has none)."""
    return with_section(text, BEGIN, END, block)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.memory", description=__doc__.split("\n")[0])
    parser.add_argument("--workers", type=int, default=2, help="web processes (2)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of page views in each (3)")
    parser.add_argument("--registrations", type=int, default=20, help="API registrations in each (20)")
    parser.add_argument("--repeat", type=int, default=3, help="server starts; the median is reported (3)")
    parser.add_argument("--settle", type=float, default=2.0, help="seconds before each reading (2)")
    parser.add_argument(
        "--index-wait", type=float, default=15.0, help="seconds between the two duplicate warnings (15)"
    )
    parser.add_argument("--timeout", type=float, default=900.0, help="seconds for a start (900)")
    parser.add_argument("--var-dir", help="MOCHOU_VAR_DIR to use (default: a new temporary one)")
    parser.add_argument("--label", default="current", help="the table's name in the doc (current)")
    parser.add_argument("--no-doc", action="store_true", help="do not write docs/benchmarks.md")
    parser.add_argument("--doc", default=str(ROOT / "docs" / "benchmarks.md"))
    args = parser.parse_args(argv)

    var_dir = Path(args.var_dir) if args.var_dir else Path(tempfile.mkdtemp(prefix="mochou-bench-memory-"))
    var_dir.mkdir(parents=True, exist_ok=True)
    env = server_env(var_dir)
    database = "the DATABASE_URL database" if "DATABASE_URL" in os.environ else "a fresh SQLite demo"
    log = var_dir / "bench-memory-server.log"
    runs: list[Run] = []
    try:
        for n in range(1, args.repeat + 1):
            run = one_run(n, args, env, log)
            runs.append(run)
            print(run_line(n, run), flush=True)
            if run.errors:
                print("  first errors:", run.errors[:3], flush=True)
    finally:
        if not args.var_dir:
            shutil.rmtree(var_dir, ignore_errors=True)
    med = medians(runs)
    print(
        "median of the largest web process, RSS / PSS MB: "
        + ", ".join(f"{p} {med[p][0]:.0f} / {med[p][1]:.0f}" for p in PHASES),
        flush=True,
    )
    if not args.no_doc and runs:
        path = Path(args.doc)
        text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
        block = section(runs, args, datetime.now(tz=UTC), database)
        path.write_text(replace_section(text, block), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
