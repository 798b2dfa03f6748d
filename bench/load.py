"""HTTP load with a real load generator (wrk): `python -m bench.load --duration 20 --repeat 3`.

Starts `mochou serve` (waitress, `--workers N` web processes, the huey worker beside it unless
--no-worker, triage on unless MOCHOU_TRIAGE=false) on the database of DATABASE_URL (PostgreSQL)
or the SQLite file under MOCHOU_VAR_DIR, and drives it with Debian's `wrk` (`apt-get install
wrk`; a benchmark tool, not a dependency of Mochou) through a Lua script this module writes:

- **intake**: POST /api/v1/cases with an agent's bearer token. Python writes distinct bodies
  (texts of the shipped hotline messages) to a temporary file; the script cycles through them and
  makes every request unique (a per-thread sequence in the content and in its `Idempotency-Key`),
  so the idempotency keys and the duplicate index see new cases, never a retry. A 201 is success.
- **pages**: GETs as a logged-in dispatcher (派单员; a user of this bench, logged in over HTTP
  through the login form, as a browser does) over PAGE_MIX: the queue pages each followed by the
  nav counts the page fetches with htmx, case pages, the leaders' home /dashboard/. A 200 is
  success: a redirect (an expired session sends wrk to the login page, which is fast) is an error.

Per run: requests/s, p50/p90/p95/p99/max latency (exact, from wrk's histogram, printed as JSON by
the script's done()), responses other than the expected status and socket errors (connect, read,
write, timeout: all counted as errors, and a run with any says so loudly), the peak RSS of the
server's processes (VmRSS summed over `mochou serve`, its web children and the worker, sampled
every second), the triage backlog, the load average. First the worker is given up to --settle
seconds to finish starting (model, duplicate index, its sweep); then, per scenario (the pages
first, before the intake's cases load the worker, unless there is no case to open yet), one
unreported warm-up run and --repeat runs; medians go to stdout and, unless --no-doc, to the load
section of docs/benchmarks.md for the engine (between `<!-- load:begin:<engine> -->` markers).
The exit status is 1 when any run had an error.

wrk, the server, the worker and the database share this machine's cores (2 here, with other
people's work): the figures are what the machine serves with its own client on it.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import random
import re
import secrets
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from string import Template
from typing import Any

import django
from django.conf import settings
from django.db import connection
from django.utils import timezone

from accounts.models import Role, User
from bench.docsection import with_section
from bench.intake import agent_token, bodies_for  # importing bench sets Django up
from bench.memory import Browser, answers, free_port, kind_of, parent_of, status_kb, stop_server
from cases.models import Case
from org.models import Unit, UnitKind

ROOT = Path(__file__).resolve().parent.parent
BEGIN, END = "<!-- load:begin:{} -->", "<!-- load:end:{} -->"
SCENARIOS = ("intake", "pages")
EXPECTED_STATUS = {"intake": 201, "pages": 200}
WRK_MISSING = (
    "bench.load: wrk is not installed. It is Debian's HTTP load generator, needed by this "
    "benchmark only: apt-get install wrk"
)
JSON_MARK = "BENCH_LOAD_JSON "  # the line the script's done() prints
SEQ = "@@SEQ@@"  # replaced in each intake body by the thread's id and sequence number
STAFF = "bench_load"  # the dispatcher whose pages are loaded
ENGINE_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


@dataclass(frozen=True)
class Visit:
    """What a browser asks for when the user opens one page: the page and its htmx fragments."""

    label: str
    weight: int
    paths: tuple[str, ...]


CASE = "{case}"  # a case page: the next of the chosen cases
# A dispatcher's desk (the centre's 派单员, the role that spends the day in the queues): per 23
# requests, 8 queue pages (each followed by its nav counts, which the page loads with htmx: 16
# requests), 6 case pages and the leaders' home once. The 待派单 queue is the dispatcher's home
# (cases.queues.HOME_QUEUE) and the most visited.
PAGE_MIX = (
    Visit(
        "待派单 to_dispatch + nav counts",
        4,
        ("/cases/queue/to_dispatch/", "/cases/queue/to_dispatch/counts/"),
    ),
    Visit("全部 all + nav counts", 2, ("/cases/queue/all/", "/cases/queue/all/counts/")),
    Visit("临期/超期 late + nav counts", 1, ("/cases/queue/late/", "/cases/queue/late/counts/")),
    Visit(
        "回访池 to_callback + nav counts",
        1,
        ("/cases/queue/to_callback/", "/cases/queue/to_callback/counts/"),
    ),
    Visit("a case page /cases/<number>/", 6, (CASE,)),
    Visit("领导首页 /dashboard/", 1, ("/dashboard/",)),
)


# ---------------------------------------------------------------------- the wrk script

LUA = Template(r"""-- Written by bench.load for one wrk run ($scenario); a temporary file, not kept.
local method = $method
local paths = { $paths }
local bodies_file = $bodies_file
local key_prefix = $key_prefix
local headers = { $headers }

local threads = {}
local bodies = {}
local counter = 0
-- Globals, so that done() can read them from each thread (thread:get).
id = 0
statuses = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  if bodies_file ~= nil then
    for line in io.lines(bodies_file) do
      if #line > 0 then bodies[#bodies + 1] = line end
    end
  end
  -- The threads start at different places of the cycle: they do not ask for the same page at once.
  counter = id * 7919
end

function request()
  counter = counter + 1
  if bodies_file ~= nil then
    local seq = id .. "-" .. counter
    local body = bodies[counter % #bodies + 1]:gsub("$seq", seq, 1)
    headers["Idempotency-Key"] = key_prefix .. seq
    return wrk.format(method, paths[1], headers, body)
  end
  return wrk.format(method, paths[counter % #paths + 1], headers, nil)
end

function response(status, response_headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

local function num(x)
  if x ~= x or x == math.huge or x == -math.huge then return "null" end
  return string.format("%.3f", x)
end

function done(summary, latency, requests)
  local merged = {}
  for _, thread in ipairs(threads) do
    for code, n in pairs(thread:get("statuses")) do
      merged[code] = (merged[code] or 0) + n
    end
  end
  local codes = {}
  for code, n in pairs(merged) do codes[#codes + 1] = string.format('"%d": %d', code, n) end
  local e = summary.errors
  local parts = {
    '"requests": ' .. summary.requests,
    '"duration_us": ' .. summary.duration,
    '"bytes": ' .. summary.bytes,
    '"errors": {"connect": ' .. e.connect .. ', "read": ' .. e.read .. ', "write": ' .. e.write
      .. ', "timeout": ' .. e.timeout .. ', "status": ' .. e.status .. '}',
    '"statuses": {' .. table.concat(codes, ", ") .. '}',
  }
  if summary.requests > 0 then
    parts[#parts + 1] = '"latency_us": {"min": ' .. num(latency.min) .. ', "mean": ' .. num(latency.mean)
      .. ', "max": ' .. num(latency.max) .. ', "p50": ' .. num(latency:percentile(50))
      .. ', "p90": ' .. num(latency:percentile(90)) .. ', "p95": ' .. num(latency:percentile(95))
      .. ', "p99": ' .. num(latency:percentile(99)) .. ', "p99.9": ' .. num(latency:percentile(99.9)) .. '}'
  end
  io.write("$mark{" .. table.concat(parts, ", ") .. "}\n")
end
""")


def lua_string(text: str | None) -> str:
    """A Lua string literal of `text` (nil for None): every byte outside printable ASCII, the
    quote and the backslash escaped as \\ddd, so no path, cookie or file name can end the string."""
    if text is None:
        return "nil"
    out = []
    for byte in text.encode():
        if 32 <= byte < 127 and byte not in (ord('"'), ord("\\")):
            out.append(chr(byte))
        else:
            out.append(f"\\{byte:03d}")
    return '"' + "".join(out) + '"'


def lua_script(
    scenario: str,
    method: str,
    paths: list[str],
    headers: dict[str, str],
    bodies_file: Path | None = None,
    key_prefix: str = "",
) -> str:
    """The wrk script of one run: intake (bodies_file set) POSTs paths[0] with each body in turn;
    pages GETs the paths in turn."""
    if not paths:
        raise ValueError("a wrk script needs at least one path")
    return LUA.substitute(
        scenario=scenario,
        method=lua_string(method),
        paths=", ".join(lua_string(p) for p in paths),
        bodies_file=lua_string(str(bodies_file) if bodies_file is not None else None),
        key_prefix=lua_string(key_prefix),
        headers=", ".join(f"[{lua_string(k)}] = {lua_string(v)}" for k, v in headers.items()),
        seq=SEQ,
        mark=JSON_MARK,
    )


def page_sequence(mix: tuple[Visit, ...], cases: list[str], seed: int = 17) -> list[str]:
    """The paths of the page mix in a fixed shuffled order of visits (a visit's page and its
    fragments stay together, in the order a browser asks for them), repeated until every case of
    `cases` has been opened once; each case slot takes the next case."""
    needs_case = any(CASE in v.paths for v in mix)
    if needs_case and not cases:
        raise ValueError("the page mix opens case pages, and no case was given")
    per_cycle = sum(v.weight * v.paths.count(CASE) for v in mix)
    cycles = max(1, -(-len(cases) // per_cycle)) if needs_case else 1
    rng = random.Random(seed)
    sequence: list[str] = []
    taken = 0
    for _ in range(cycles):
        visits = [v for v in mix for _ in range(v.weight)]
        rng.shuffle(visits)
        for visit in visits:
            for path in visit.paths:
                if path == CASE:
                    sequence.append(f"/cases/{cases[taken % len(cases)]}/")
                    taken += 1
                else:
                    sequence.append(path)
    return sequence


def write_bodies(bodies: list[dict[str, Any]], path: Path, marker: str) -> None:
    """One JSON body a line (json.dumps writes no newline inside), each content ending with a
    marker unique to the run and the SEQ placeholder the script fills in."""
    with path.open("w", encoding="utf-8") as out:
        for body in bodies:
            unique = {**body, "content": f"{body['content']}（压测{marker}-{SEQ}）"}
            out.write(json.dumps(unique, ensure_ascii=False) + "\n")


# ---------------------------------------------------------------------- wrk's output


@dataclass
class WrkResult:
    requests: int
    duration_s: float
    statuses: dict[int, int]
    socket: dict[str, int]  # connect, read, write, timeout
    latency_ms: dict[str, float]  # min, mean, max, p50, p90, p95, p99, p99.9

    @property
    def rps(self) -> float:
        return self.requests / self.duration_s if self.duration_s else 0.0

    @property
    def socket_errors(self) -> int:
        return sum(self.socket.values())

    def unexpected(self, expected: int) -> dict[int, int]:
        return {code: n for code, n in sorted(self.statuses.items()) if code != expected}

    def errors(self, expected: int) -> int:
        return sum(self.unexpected(expected).values()) + self.socket_errors

    def error_text(self, expected: int) -> str:
        parts = [f"HTTP {code} × {n}" for code, n in self.unexpected(expected).items()]
        parts += [f"socket {kind} × {n}" for kind, n in self.socket.items() if n]
        return ", ".join(parts)


def parse_wrk(stdout: str) -> WrkResult:
    """The figures the script's done() printed (the line after JSON_MARK) in wrk's output."""
    for line in stdout.splitlines():
        if line.startswith(JSON_MARK):
            data = json.loads(line[len(JSON_MARK) :])
            break
    else:
        raise ValueError(f"no {JSON_MARK.strip()} line in wrk's output:\n{stdout[-2000:]}")
    errors = data["errors"]
    latency = {
        k: (v / 1000 if v is not None else float("nan")) for k, v in data.get("latency_us", {}).items()
    }
    return WrkResult(
        requests=int(data["requests"]),
        duration_s=data["duration_us"] / 1e6,
        statuses={int(code): int(n) for code, n in data["statuses"].items()},
        socket={k: int(errors[k]) for k in ("connect", "read", "write", "timeout")},
        latency_ms=latency,
    )


def wrk_version(wrk: str) -> str:
    done = subprocess.run([wrk, "--version"], capture_output=True, text=True, check=False)  # noqa: S603
    first = (done.stdout or done.stderr).splitlines()
    match = re.match(r"wrk (\S+)", first[0]) if first else None
    return match.group(1) if match else "?"


# ---------------------------------------------------------------------- the server's processes


def process_tree(root: int) -> dict[int, str]:
    """`root` and its live descendants → 'serve', 'web', 'worker' or 'other'."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = parent_of((entry / "stat").read_text())
            except (OSError, ValueError, IndexError):
                continue  # gone meanwhile
    found = {root: "serve"}
    frontier = [root]
    while frontier:
        pid = frontier.pop()
        for child, parent in parents.items():
            if parent == pid and child not in found:
                try:
                    found[child] = kind_of(Path(f"/proc/{child}/cmdline").read_bytes())
                except OSError:
                    continue
                frontier.append(child)
    return found


def rss_sample(root: int) -> dict[str, float]:
    """MB of VmRSS: all the server's processes, the web processes (the serve process itself when it
    serves alone) and the huey worker."""
    tree = process_tree(root)
    mb: dict[int, float] = {}
    for pid in tree:
        try:
            mb[pid] = (status_kb(Path(f"/proc/{pid}/status").read_text(), "VmRSS") or 0) / 1024
        except OSError:
            mb[pid] = 0.0
    webs = [p for p, k in tree.items() if k == "web"] or [root]
    return {
        "total": sum(mb.values()),
        "web": sum(mb[p] for p in webs),
        "worker": sum(mb[p] for p, k in tree.items() if k == "worker"),
    }


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time of these processes so far (utime and stime of /proc/<pid>/stat)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        total += int(fields[11]) + int(fields[12])  # the 14th and 15th fields of the line
    return total / os.sysconf("SC_CLK_TCK")


def wait_for_idle_worker(root: int, limit: float, step: float = 2.0) -> tuple[float, bool]:
    """Seconds waited until the huey worker uses under a tenth of a core (at start it loads the
    model, builds its duplicate index and its sweep triages recent untriaged cases, which would
    slow the first runs), at most `limit`; and whether it did become idle."""
    started = time.monotonic()
    while time.monotonic() - started < limit:
        workers = [p for p, k in process_tree(root).items() if k == "worker"]
        if not workers:
            return time.monotonic() - started, True
        before = cpu_seconds(workers)
        time.sleep(step)
        if cpu_seconds(workers) - before < 0.1 * step:
            return time.monotonic() - started, True
    return time.monotonic() - started, False


def run_order(choice: str, have_cases: bool) -> list[str]:
    """The scenarios in the order they run. Both: the pages first, before the intake's cases give
    the worker a triage backlog that competes with them for the cores; the intake first only on a
    database without a case yet (the page mix opens case pages)."""
    if choice != "both":
        return [choice]
    return ["pages", "intake"] if have_cases else ["intake", "pages"]


def server_env() -> dict[str, str]:
    return {
        **os.environ,
        # Triage on, as in production, unless the caller switched it off (the tests do: no model).
        "MOCHOU_TRIAGE": os.environ.get("MOCHOU_TRIAGE", "true"),
        "MOCHOU_DEMO": os.environ.get("MOCHOU_DEMO", "false"),
        "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-load-" + "x" * 40),
        "DEBUG": "false",
    }


def start_server(
    port: int, args: argparse.Namespace, log: Path, timeout: float = 900
) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "mochou.cli", "serve", "--port", str(port)]
    command += ["--workers", str(args.workers), "--threads", str(args.server_threads)]
    if args.no_worker:
        command.append("--no-worker")
    # The server's output goes to a file: a pipe nobody reads fills up and stops it.
    with log.open("ab") as out:
        server = subprocess.Popen(command, env=server_env(), cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)  # noqa: S603
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"bench.load: the server stopped: {log.read_text()[-2000:]}")
        webs = [p for p, k in process_tree(server.pid).items() if k == "web"]
        if (args.workers == 1 or len(webs) == args.workers) and all(
            answers(port) for _ in range(2 * args.workers)
        ):
            return server
        time.sleep(0.5)
    stop_server(server)
    raise SystemExit(f"bench.load: the server did not answer within {timeout:.0f} s (log: {log})")


# ---------------------------------------------------------------------- who the load comes from


def staff_login(port: int) -> tuple[str, User]:
    """The Cookie header of a dispatcher logged in through the login form (a new random password
    each time, never the demo's: a demo password forces a password change outside the demo)."""
    centre = Unit.objects.filter(kind=UnitKind.CENTRE).order_by("pk").first()
    user, _ = User.objects.get_or_create(
        username=STAFF, defaults={"role": Role.DISPATCHER, "unit": centre, "display_name": "压测派单员"}
    )
    password = secrets.token_urlsafe(18) + "aA1"
    user.set_password(password)
    user.must_change_password = False
    user.is_active = True
    user.save()
    browser = Browser(port)
    browser.login(STAFF, password)
    return "; ".join(f"{k}={m.value}" for k, m in browser.cookies.items()), user


def pick_cases(n: int) -> list[str]:
    """Case numbers to open: half the newest, half spread evenly over the table (old closed cases
    and recent open ones), so the case pages are neither all cached nor all cold."""
    newest = list(Case.objects.order_by("-pk").values_list("number", flat=True)[: n // 2])
    total = Case.objects.count()
    step = max(1, total // max(1, n - len(newest)))
    spread = list(Case.objects.order_by("pk").values_list("number", flat=True)[::step][: n - len(newest)])
    return list(dict.fromkeys(newest + spread))


def check_pages(port: int, paths: list[str], cookie: str) -> list[str]:
    """GET each distinct path once as the dispatcher: the ones that do not answer 200 (a redirect
    is the login page or another desk: wrk would count it as a fast success)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    bad = []
    for path in dict.fromkeys(paths):
        conn.request("GET", path, headers={"Cookie": cookie})
        response = conn.getresponse()
        response.read()
        if response.status != 200:
            bad.append(f"{path} → {response.status} {response.headers.get('Location', '')}".rstrip())
        if response.will_close:
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    conn.close()
    return bad


def triage_backlog(since: Any) -> int:
    """Cases registered since the bench started that have no suggestion yet (the worker's queue)."""
    from triage.models import Suggestion

    return (
        Case.objects.filter(created_at__gte=since)
        .exclude(pk__in=Suggestion.objects.values("case_id"))
        .count()
    )


# ---------------------------------------------------------------------- one run


@dataclass
class Row:
    scenario: str
    run: int  # 0: the warm-up
    result: WrkResult
    rss: dict[str, float]
    load: float  # 1-minute load average at the end of the run
    backlog: int | None = None  # untriaged cases at the start (None: no worker or triage off)
    expected: int = field(init=False)

    def __post_init__(self) -> None:
        self.expected = EXPECTED_STATUS[self.scenario]

    @property
    def errors(self) -> int:
        return self.result.errors(self.expected)


def run_wrk(
    wrk: str,
    script: str,
    port: int,
    server: subprocess.Popen[bytes],
    args: argparse.Namespace,
    seconds: float,
) -> tuple[WrkResult, dict[str, float]]:
    """One wrk run; the server's RSS sampled every second meanwhile (the peak total is kept)."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", prefix="bench-load-", delete=False) as fh:
        fh.write(script)
    try:
        command = [
            wrk,
            f"--connections={args.connections}",
            f"--threads={min(args.threads, args.connections)}",
            f"--duration={seconds:g}s",
            f"--timeout={args.timeout:g}s",
            f"--script={fh.name}",
            f"http://127.0.0.1:{port}/",
        ]
        with tempfile.TemporaryFile("w+") as out:
            process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, text=True)  # noqa: S603
            peak = rss_sample(server.pid)
            while process.poll() is None:
                time.sleep(1)
                sample = rss_sample(server.pid)
                if sample["total"] > peak["total"]:
                    peak = sample
            out.seek(0)
            text = out.read()
        if process.returncode != 0:
            raise SystemExit(f"bench.load: wrk failed ({process.returncode}):\n{text[-2000:]}")
        return parse_wrk(text), peak
    finally:
        os.unlink(fh.name)


def scenario_script(
    scenario: str, run: int, workdir: Path, token: str, cookie: str, pages: list[str], marker: str
) -> str:
    if scenario == "intake":
        bodies = workdir / f"bodies-{run}.jsonl"
        # Enough texts for variety; the sequence number keeps every request distinct past them.
        write_bodies(bodies_for(2000, seed=1000 + run), bodies, f"{marker}-{run}")
        return lua_script(
            "intake",
            "POST",
            ["/api/v1/cases"],
            {"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
            bodies_file=bodies,
            key_prefix=f"bench-load-{marker}-{run}-",
        )
    return lua_script("pages", "GET", pages, {"Cookie": cookie})


def print_row(row: Row) -> None:
    r = row.result
    lat = r.latency_ms
    name = "warm-up" if row.run == 0 else f"run {row.run}"
    backlog = "" if row.backlog is None else f", triage backlog at start {row.backlog}"
    print(
        f"{row.scenario} {name}: {r.rps:.1f} req/s ({r.requests} in {r.duration_s:.1f} s), "
        f"p50 {lat.get('p50', float('nan')):.0f} ms, p95 {lat.get('p95', float('nan')):.0f} ms, "
        f"p99 {lat.get('p99', float('nan')):.0f} ms, max {lat.get('max', float('nan')):.0f} ms, "
        f"errors {row.errors}, RSS {row.rss['total']:.0f} MB (web {row.rss['web']:.0f}, worker "
        f"{row.rss['worker']:.0f}), load {row.load:.2f}{backlog}",
        flush=True,
    )
    if row.errors:
        print(
            f"!!! {row.scenario} {name} HAD {row.errors} ERRORS of {r.requests + r.socket_errors}: "
            f"{r.error_text(row.expected)} (server log: the VAR_DIR's bench-load-server.log)",
            flush=True,
        )


# ---------------------------------------------------------------------- the report


def medians(rows: list[Row]) -> dict[str, float]:
    return {
        "rps": statistics.median(r.result.rps for r in rows),
        "p50": statistics.median(r.result.latency_ms.get("p50", float("nan")) for r in rows),
        "p95": statistics.median(r.result.latency_ms.get("p95", float("nan")) for r in rows),
        "p99": statistics.median(r.result.latency_ms.get("p99", float("nan")) for r in rows),
        "max": statistics.median(r.result.latency_ms.get("max", float("nan")) for r in rows),
        "rss": statistics.median(r.rss["total"] for r in rows),
    }


def commit() -> str:
    def git(*a: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(["git", *a], cwd=ROOT, capture_output=True, text=True, check=False)  # noqa: S603, S607

    rev = git("rev-parse", "--short", "HEAD").stdout.strip() or "?"
    # The server runs the working tree: say when it is not the commit alone.
    dirty = git("diff", "--quiet", "HEAD", "--").returncode == 1
    return f"{rev} (with uncommitted changes in the working tree)" if dirty else rev


def settle_text(ctx: dict[str, Any]) -> str:
    if ctx.get("settled") is None:
        return "."
    if ctx.get("idle", True):
        return (
            f"; the worker had finished starting (model, duplicate index, its sweep) {ctx['settled']:.0f} s "
            "after the server answered, before the first run."
        )
    return (
        f"; **the worker was still busy** {ctx['settled']:.0f} s after the server answered (--settle): "
        "the first runs shared the cores with its start."
    )


def section(engine: str, rows: list[Row], ctx: dict[str, Any]) -> str:
    args = ctx["args"]
    lines = [
        BEGIN.format(engine),
        f"### HTTP load with wrk on {ENGINE_NAMES.get(engine, engine)} (bench.load)",
        "",
        f"Measured {ctx['when']} at commit {ctx['commit']} with `{ctx['command']}`: {ctx['database']}, "
        f"{ctx['cases']:,} cases at the start. wrk {ctx['wrk']}, {args.connections} connections on "
        f"{min(args.threads, args.connections)} threads, {args.duration:g} s per run after a "
        f"{args.warmup:g} s warm-up per scenario (not reported), timeout {args.timeout:g} s; "
        f"`mochou serve --workers {args.workers} --threads {args.server_threads}` (waitress)"
        f"{' without' if args.no_worker else ' with'} the huey worker, triage {ctx['triage']}; "
        f"Python {platform.python_version()}, Django {django.get_version()}. Load average (1 min) "
        f"{ctx['load_start']:.2f} at the start, {ctx['load_end']:.2f} at the end, on {os.cpu_count()} cores.",
        "",
        "**The machine is shared**: wrk, the web processes, the worker (triaging the intake's cases "
        "as they arrive) and the database run on the same "
        f"{os.cpu_count()} cores, beside other engineers' test runs, so these figures are what this "
        "machine serves to a client on itself under that load, not the server's capacity; compare "
        "runs taken side by side, not with another day's." + (f" {ctx['note']}" if ctx.get("note") else ""),
        "",
        f"Order: {', then '.join(ctx['order'])}" + settle_text(ctx),
        "",
        "| scenario | run | requests/s | p50 ms | p95 ms | p99 ms | max ms | requests | errors "
        "| RSS MB all (web / worker) | triage backlog at start | load 1 min |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for scenario in dict.fromkeys(r.scenario for r in rows):
        mine = [r for r in rows if r.scenario == scenario and r.run > 0]
        for r in mine:
            lat = r.result.latency_ms
            errors = f"**{r.errors}**" if r.errors else "0"
            backlog = "–" if r.backlog is None else str(r.backlog)
            lines.append(
                f"| {scenario} | {r.run} | {r.result.rps:.1f} | {lat['p50']:.0f} | {lat['p95']:.0f} | "
                f"{lat['p99']:.0f} | {lat['max']:.0f} | {r.result.requests:,} | {errors} | "
                f"{r.rss['total']:.0f} ({r.rss['web']:.0f} / {r.rss['worker']:.0f}) | {backlog} | "
                f"{r.load:.2f} |"
            )
        med = medians(mine)
        lines.append(
            f"| **{scenario}, median** | | **{med['rps']:.1f}** | **{med['p50']:.0f}** | "
            f"**{med['p95']:.0f}** | **{med['p99']:.0f}** | {med['max']:.0f} | | | {med['rss']:.0f} | | |"
        )
    bad = [r for r in rows if r.run > 0 and r.errors]
    lines.append("")
    if bad:
        lines.append(
            f"**{len(bad)} run(s) had errors**: "
            + "; ".join(f"{r.scenario} run {r.run}: {r.result.error_text(r.expected)}" for r in bad)
            + ". Their figures include the failed responses."
        )
    else:
        lines.append(
            "No errors: every response was the expected one (intake 201, pages 200) and no socket "
            "error (connect, read, write, timeout)."
        )
    lines += [
        "",
        "Intake: `POST /api/v1/cases` with an agent's bearer token, bodies from the shipped hotline "
        "messages, each request made unique (content and `Idempotency-Key`). Pages: GETs as a "
        f"dispatcher logged in through the login form, in a fixed shuffled order of visits over "
        f"{ctx['case_pages']} case pages: "
        + "; ".join(f"{v.label} ×{v.weight}" for v in PAGE_MIX)
        + f" ({sum(v.weight * len(v.paths) for v in PAGE_MIX)} requests a cycle). Errors: "
        "any other status (a redirect too) and socket errors. Latency: wrk's own histogram "
        "(exact percentiles, from the first byte sent to the whole response). RSS: the peak of "
        "VmRSS summed over `mochou serve`, its web processes and the worker, sampled every second "
        "during the run. Triage backlog: cases registered during this session without a "
        "suggestion when the run started (the worker is behind the intake).",
        "",
        END.format(engine),
    ]
    return "\n".join(lines)


def write_doc(path: Path, engine: str, block: str) -> None:
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    path.write_text(with_section(text, BEGIN.format(engine), END.format(engine), block), encoding="utf-8")


def describe_database() -> str:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            version = cursor.fetchone()[0].split()[0]
        return f"PostgreSQL {version} (database {connection.settings_dict['NAME']}, 127.0.0.1)"
    import sqlite3

    return f"SQLite {sqlite3.sqlite_version} ({connection.settings_dict['NAME']})"


# ---------------------------------------------------------------------- main


def shown_command(argv: list[str]) -> str:
    """The command for the doc, without --note (its sentence is in the doc already)."""
    shown: list[str] = []
    skip = False
    for arg in argv:
        if skip:
            skip = False
        elif arg == "--note":
            skip = True
        elif not arg.startswith("--note="):
            shown.append(arg)
    return shlex.join(["python", "-m", "bench.load", *shown])


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--scenario", choices=(*SCENARIOS, "both"), default="both", help="what to load (both)"
    )
    parser.add_argument("--connections", type=int, default=8, help="wrk's concurrent connections (8)")
    parser.add_argument("--threads", type=int, default=2, help="wrk's threads, at most --connections (2)")
    parser.add_argument("--duration", type=float, default=20.0, help="seconds per run (20)")
    parser.add_argument(
        "--warmup", type=float, default=5.0, help="seconds of unreported load first, per scenario (5)"
    )
    parser.add_argument("--repeat", type=int, default=3, help="runs per scenario; medians reported (3)")
    parser.add_argument(
        "--timeout", type=float, default=30.0, help="wrk's per-request timeout in seconds (30)"
    )
    parser.add_argument("--workers", type=int, default=1, help="web processes: mochou serve --workers (1)")
    parser.add_argument("--server-threads", type=int, default=8, help="waitress threads per web process (8)")
    parser.add_argument("--no-worker", action="store_true", help="serve without the huey worker")
    parser.add_argument(
        "--settle",
        type=float,
        default=120.0,
        help="at most this many seconds for the worker to finish starting before the first run (120)",
    )
    parser.add_argument("--cases", type=int, default=40, help="distinct case pages in the page mix (40)")
    parser.add_argument("--no-doc", action="store_true", help="do not write docs/benchmarks.md")
    parser.add_argument("--doc", default=str(ROOT / "docs" / "benchmarks.md"))
    parser.add_argument("--json", help="also write every run's figures to this file")
    parser.add_argument("--note", default="", help="a sentence for the doc about this run's conditions")
    args = parser.parse_args(argv)
    if min(args.connections, args.threads, args.repeat, args.workers, args.server_threads, args.cases) < 1:
        parser.error("counts must be positive")
    if args.duration <= 0 or args.warmup < 0:
        parser.error("--duration must be positive and --warmup not negative")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    wrk = shutil.which("wrk")
    if wrk is None:
        raise SystemExit(WRK_MISSING)
    scenarios = run_order(args.scenario, Case.objects.exists())
    engine = connection.vendor
    triage_on = server_env()["MOCHOU_TRIAGE"].lower() in ("1", "true", "yes", "on")
    ctx: dict[str, Any] = {
        "args": args,
        "when": f"{timezone.localtime():%Y-%m-%d %H:%M %Z}",
        "commit": commit(),
        "command": shown_command(sys.argv[1:] if argv is None else argv),
        "database": describe_database(),
        "cases": Case.objects.count(),
        "wrk": wrk_version(wrk),
        "triage": "on" if triage_on else "off",
        "load_start": os.getloadavg()[0],
        "order": scenarios,
        "note": args.note,
    }
    token = agent_token()
    started = timezone.now()
    marker = secrets.token_hex(4)  # keeps this session's bodies and keys apart from earlier ones
    log = Path(settings.VAR_DIR) / "bench-load-server.log"
    port = free_port()
    rows: list[Row] = []
    server = start_server(port, args, log)
    try:
        if not args.no_worker:
            waited, idle = wait_for_idle_worker(server.pid, args.settle)
            print(
                f"the worker was {'idle' if idle else 'STILL BUSY'} after {waited:.0f} s "
                f"(at most --settle {args.settle:g})",
                flush=True,
            )
            ctx["settled"], ctx["idle"] = waited, idle
        cookie, _ = staff_login(port)
        pages: list[str] = []
        with tempfile.TemporaryDirectory(prefix="bench-load-") as tmp:
            for scenario in scenarios:
                if scenario == "pages":
                    cases = pick_cases(args.cases)
                    if not cases:
                        raise SystemExit(
                            "bench.load: no case to open: generate cases or run the intake first"
                        )
                    pages = page_sequence(PAGE_MIX, cases)
                    bad = check_pages(port, pages, cookie)
                    if bad:
                        raise SystemExit(
                            "bench.load: pages of the mix do not answer 200:\n  " + "\n  ".join(bad)
                        )
                    ctx["case_pages"] = len(cases)
                for run in range(0 if args.warmup else 1, args.repeat + 1):
                    backlog = triage_backlog(started) if triage_on and not args.no_worker else None
                    script = scenario_script(scenario, run, Path(tmp), token, cookie, pages, marker)
                    result, rss = run_wrk(
                        wrk, script, port, server, args, args.duration if run else args.warmup
                    )
                    row = Row(scenario, run, result, rss, os.getloadavg()[0], backlog)
                    print_row(row)
                    if run:
                        rows.append(row)
        if "pages" in scenarios and check_pages(port, pages[:1], cookie):
            print("!!! the dispatcher's session no longer opens the pages after the runs", flush=True)
    finally:
        stop_server(server)
    ctx["load_end"] = os.getloadavg()[0]
    ctx.setdefault("case_pages", 0)
    for scenario in scenarios:
        mine = [r for r in rows if r.scenario == scenario]
        if mine:
            med = medians(mine)
            print(
                f"{scenario}, medians of {len(mine)}: {med['rps']:.1f} req/s, p50 {med['p50']:.0f} ms, "
                f"p95 {med['p95']:.0f} ms, p99 {med['p99']:.0f} ms, RSS {med['rss']:.0f} MB; "
                f"errors {sum(r.errors for r in mine)}",
                flush=True,
            )
    if any(r.errors for r in rows):
        print("!!! SOME RUNS HAD ERRORS: see the lines marked !!! above", flush=True)
    if args.json:
        Path(args.json).write_text(
            json.dumps(
                [
                    {
                        "scenario": r.scenario,
                        "run": r.run,
                        "rps": r.result.rps,
                        "requests": r.result.requests,
                        "latency_ms": r.result.latency_ms,
                        "statuses": r.result.statuses,
                        "socket": r.result.socket,
                        "errors": r.errors,
                        "rss_mb": r.rss,
                        "backlog": r.backlog,
                        "load": r.load,
                    }
                    for r in rows
                ],
                indent=1,
            ),
            encoding="utf-8",
        )
    if not args.no_doc and rows:
        write_doc(Path(args.doc), engine, section(engine, rows, ctx))
        print(f"wrote the {engine} section of {args.doc}", flush=True)
    return 1 if any(r.errors for r in rows) else 0


if __name__ == "__main__":
    raise SystemExit(main())
