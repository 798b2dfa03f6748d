"""bench.load: the wrk script it writes, the reading of wrk's output, its doc section, and one short
real run (2 s per scenario, 2 connections) against a served SQLite instance when wrk is installed."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bench import load
from bench.load import BEGIN, END, JSON_MARK, SEQ, Row, Visit, WrkResult
from tests.served import fresh_database, mochou, served_env

# What wrk 4.1 prints for a run with the script's done() line (from a real run, shortened).
WRK_OUTPUT = f"""Running 3s test @ http://127.0.0.1:41234/
  2 threads and 4 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   229.53ms  120.01ms 561.20ms   70.00%
    Req/Sec     7.95      4.12    20.00     80.00%
  43 requests in 3.01s, 2.61MB read
  Non-2xx or 3xx responses: 2
Requests/sec:     14.29
Transfer/sec:    888.34KB
{JSON_MARK}{{"requests": 43, "duration_us": 3010000, "bytes": 2736000, "errors": {{"connect": 0, \
"read": 1, "write": 0, "timeout": 2, "status": 2}}, "statuses": {{"200": 40, "302": 1, "500": 2}}, \
"latency_us": {{"min": 80123.000, "mean": 229530.000, "max": 561200.000, "p50": 229000.000, \
"p90": 400000.000, "p95": 504000.000, "p99": 561000.000, "p99.9": 561200.000}}}}
"""


def test_lua_strings_escape_everything_that_could_end_them() -> None:
    assert load.lua_string("/cases/queue/all/") == '"/cases/queue/all/"'
    assert load.lua_string('a"b\\c\nd') == '"a\\034b\\092c\\010d"'
    assert load.lua_string("压") == '"\\229\\142\\139"'  # UTF-8 bytes, as Lua counts them
    assert load.lua_string(None) == "nil"


def test_the_intake_script_posts_each_body_once_with_its_own_key(tmp_path: Path) -> None:
    bodies = tmp_path / "bodies.jsonl"
    script = load.lua_script(
        "intake",
        "POST",
        ["/api/v1/cases"],
        {"Authorization": "Bearer mc_x", "Content-Type": "application/json"},
        bodies_file=bodies,
        key_prefix="bench-load-ab-1-",
    )
    assert 'local method = "POST"' in script
    assert 'local paths = { "/api/v1/cases" }' in script
    assert f'local bodies_file = "{bodies}"' in script
    assert '["Authorization"] = "Bearer mc_x"' in script
    assert f':gsub("{SEQ}", seq, 1)' in script
    assert 'headers["Idempotency-Key"] = key_prefix .. seq' in script
    assert f'io.write("{JSON_MARK}{{"' in script
    assert "$" not in script  # every placeholder filled


def test_the_pages_script_cycles_the_paths_with_the_session_cookie() -> None:
    script = load.lua_script("pages", "GET", ["/a/", "/b/"], {"Cookie": "sessionid=s; csrftoken=c"})
    assert 'local paths = { "/a/", "/b/" }' in script
    assert "local bodies_file = nil" in script
    assert '["Cookie"] = "sessionid=s; csrftoken=c"' in script
    with pytest.raises(ValueError, match="at least one path"):
        load.lua_script("pages", "GET", [], {})


def test_the_page_sequence_keeps_visits_together_and_opens_every_case() -> None:
    mix = (
        Visit("queue", 2, ("/q/", "/q/counts/")),
        Visit("case", 3, (load.CASE,)),
        Visit("home", 1, ("/h/",)),
    )
    cases = [f"20261204{i:05d}" for i in range(7)]
    sequence = load.page_sequence(mix, cases)
    assert len(sequence) == 3 * 8  # 7 cases need 3 cycles of 3 case pages; 8 requests a cycle
    opened = [p for p in sequence if p.startswith("/cases/")]
    assert set(opened) == {f"/cases/{c}/" for c in cases}
    assert sequence.count("/q/") == sequence.count("/q/counts/") == 6
    for i, path in enumerate(sequence):
        if path == "/q/":
            assert sequence[i + 1] == "/q/counts/"
    assert load.page_sequence(mix, cases) == sequence  # a fixed order: runs compare
    with pytest.raises(ValueError, match="no case"):
        load.page_sequence(mix, [])
    assert load.page_sequence((Visit("home", 2, ("/h/",)),), []) == ["/h/", "/h/"]


def test_the_default_mix_is_a_dispatchers_desk() -> None:
    requests = sum(v.weight * len(v.paths) for v in load.PAGE_MIX)
    cases = sum(v.weight for v in load.PAGE_MIX if load.CASE in v.paths)
    assert (requests, cases) == (23, 6)
    assert all(p == load.CASE or p.startswith("/") for v in load.PAGE_MIX for p in v.paths)


def test_bodies_are_written_one_a_line_with_the_runs_marker(tmp_path: Path) -> None:
    path = tmp_path / "b.jsonl"
    load.write_bodies(
        [{"title": "路灯", "content": "路灯坏了"}, {"title": "噪音", "content": "夜里施工"}], path, "m-1"
    )
    lines = path.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["content"] for line in lines] == [
        f"路灯坏了（压测m-1-{SEQ}）",
        f"夜里施工（压测m-1-{SEQ}）",
    ]


def test_wrks_output_is_read_from_the_scripts_json_line() -> None:
    result = load.parse_wrk(WRK_OUTPUT)
    assert result.requests == 43
    assert result.rps == pytest.approx(43 / 3.01)
    assert result.latency_ms["p50"] == pytest.approx(229.0)
    assert result.latency_ms["p99"] == pytest.approx(561.0)
    assert result.latency_ms["max"] == pytest.approx(561.2)
    assert result.statuses == {200: 40, 302: 1, 500: 2}
    assert result.socket == {"connect": 0, "read": 1, "write": 0, "timeout": 2}
    # For the pages a redirect is an error (the login page is fast); every socket error is one.
    assert result.errors(200) == 1 + 2 + 3
    assert result.error_text(200) == "HTTP 302 × 1, HTTP 500 × 2, socket read × 1, socket timeout × 2"
    with pytest.raises(ValueError, match="BENCH_LOAD_JSON"):
        load.parse_wrk("Running 3s test @ http://127.0.0.1:1/\n")


def test_a_run_without_responses_has_no_latency() -> None:
    empty = (
        f'{JSON_MARK}{{"requests": 0, "duration_us": 2000000, "bytes": 0, "errors": {{"connect": 8, '
        '"read": 0, "write": 0, "timeout": 0, "status": 0}, "statuses": {}}\n'
    )
    result = load.parse_wrk(empty)
    assert (result.requests, result.rps, result.latency_ms, result.errors(201)) == (0, 0.0, {}, 8)


def row(scenario: str, run: int, p99: float, statuses: dict[int, int]) -> Row:
    """A run of 20 s: its requests/s is its responses over 20."""
    result = WrkResult(
        requests=sum(statuses.values()),
        duration_s=20.0,
        statuses=statuses,
        socket={"connect": 0, "read": 0, "write": 0, "timeout": 0},
        latency_ms={"p50": p99 / 4, "p95": p99 / 2, "p99": p99, "max": p99 * 2},
    )
    return Row(scenario, run, result, {"total": 900.0, "web": 500.0, "worker": 400.0}, 3.5, 12)


def test_the_section_has_medians_and_says_loudly_when_a_run_failed() -> None:
    args = load.parse_args(["--duration", "20", "--repeat", "3"])
    ctx = {
        "args": args,
        "when": "2026-12-04 12:00 CST",
        "commit": "abc1234",
        "command": "python -m bench.load --duration 20 --repeat 3",
        "database": "SQLite 3.40.1 (/tmp/x.sqlite3)",
        "cases": 10_000,
        "wrk": "debian/4.1.0-3+b2",
        "triage": "on",
        "load_start": 2.5,
        "load_end": 4.25,
        "case_pages": 40,
        "order": ["intake", "pages"],
        "settled": 31.4,
        "note": "Other sessions ran their test suites.",
    }
    rows = [
        row("intake", 1, 800, {201: 600}),
        row("intake", 2, 900, {201: 700}),
        row("intake", 3, 1000, {201: 497, 500: 3}),
        row("pages", 1, 400, {200: 1000}),
    ]
    block = load.section("sqlite", rows, ctx)
    assert block.startswith(BEGIN.format("sqlite"))
    assert block.endswith(END.format("sqlite"))
    assert "at commit abc1234 with `python -m bench.load --duration 20 --repeat 3`" in block
    assert "2.50 at the start, 4.25 at the end" in block
    assert "**The machine is shared**" in block
    assert "not with another day's. Other sessions ran their test suites." in block
    assert "Order: intake, then pages; the worker had finished starting" in block
    assert "31 s after the server answered" in block
    assert (
        "| intake | 3 | 25.0 | 250 | 500 | 1000 | 2000 | 500 | **3** | 900 (500 / 400) | 12 | 3.50 |" in block
    )
    assert "| pages | 1 | 50.0 | 100 | 200 | 400 | 800 | 1,000 | 0 |" in block
    assert "| **intake, median** | | **30.0** | **225** | **450** | **900** |" in block
    assert "**1 run(s) had errors**: intake run 3: HTTP 500 × 3." in block
    busy = load.section("sqlite", rows, {**ctx, "settled": 120.2, "idle": False})
    assert "**the worker was still busy** 120 s after the server answered" in busy
    clean = load.section("sqlite", rows[:2], ctx)
    assert "No errors" in clean
    assert "| pages |" not in clean  # a scenario that did not run has no rows


def test_the_doc_keeps_the_other_sections(tmp_path: Path) -> None:
    doc = tmp_path / "benchmarks.md"
    other = "<!-- load:begin:postgresql -->\npg\n<!-- load:end:postgresql -->"
    doc.write_text(f"# Benchmarks\n\n{other}\n", encoding="utf-8")
    block = f"{BEGIN.format('sqlite')}\nnew\n{END.format('sqlite')}"
    load.write_doc(doc, "sqlite", block)
    load.write_doc(doc, "sqlite", block)  # a second run replaces its own section only
    assert doc.read_text(encoding="utf-8") == f"# Benchmarks\n\n{other}\n\n{block}\n"


def test_without_wrk_it_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(load.shutil, "which", lambda name: None)
    with pytest.raises(SystemExit, match="apt-get install wrk"):
        load.main(["--no-doc"])


def test_the_command_shown_leaves_the_note_out() -> None:
    assert load.shown_command(["--repeat", "3", "--note", "it's busy", "--workers", "2"]) == (
        "python -m bench.load --repeat 3 --workers 2"
    )
    assert load.shown_command(["--note=x", "--no-doc"]) == "python -m bench.load --no-doc"


def test_pages_run_first_unless_there_is_no_case_to_open() -> None:
    assert load.run_order("both", have_cases=True) == ["pages", "intake"]
    assert load.run_order("both", have_cases=False) == ["intake", "pages"]
    assert load.run_order("intake", have_cases=True) == ["intake"]


def test_arguments_are_checked(capsys: pytest.CaptureFixture[str]) -> None:
    args = load.parse_args([])
    assert (args.connections, args.duration, args.repeat, args.scenario, args.workers) == (
        8,
        20.0,
        3,
        "both",
        1,
    )
    with pytest.raises(SystemExit):
        load.parse_args(["--connections", "0"])
    assert "counts must be positive" in capsys.readouterr().err


@pytest.mark.xdist_group("served")  # one migration with the other served tests (tests/served.py)
@pytest.mark.skipif(
    shutil.which("wrk") is None, reason="wrk is not installed (apt-get install wrk): no real bench.load run"
)
def test_a_short_real_run_against_a_served_instance(tmp_path: Path) -> None:
    env = served_env(tmp_path)  # triage off: no model to train
    fresh_database(tmp_path)
    mochou(
        env,
        "shell",
        "-c",
        "from org.models import Unit; "
        "Unit.objects.create(code='420881000', name='钟祥12345热线中心', kind='centre')",
    )
    out = tmp_path / "load.json"
    short = "--duration 2 --warmup 0 --repeat 1 --connections 2 --threads 1 --cases 5 --no-worker --no-doc"
    done = subprocess.run(  # noqa: S603 (our own interpreter and module)
        [sys.executable, "-m", "bench.load", *short.split(), "--json", str(out)],
        env=env,
        cwd=load.ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    runs = {r["scenario"]: r for r in json.loads(out.read_text(encoding="utf-8"))}
    assert set(runs) == {"intake", "pages"}
    for scenario, status in (("intake", "201"), ("pages", "200")):
        run = runs[scenario]
        assert run["errors"] == 0, run
        assert run["requests"] > 0
        assert set(run["statuses"]) == {status}
        assert run["latency_ms"]["p50"] <= run["latency_ms"]["p99"]
        assert run["rss_mb"]["total"] > 50
    assert "intake, medians of 1" in done.stdout
