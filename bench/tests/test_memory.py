"""bench.memory's reading of /proc and of pages, its medians and its doc section (no server, no timing)."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime

import pytest

from bench import memory
from bench.memory import BEGIN, END, Run

STATUS = "Name:\tpython\nVmPeak:\t  400000 kB\nVmRSS:\t  230400 kB\nThreads:\t9\n"
SMAPS = "55d0-7ffd ---p 00000000 00:00 0    [rollup]\nRss:      230400 kB\nPss:      198656 kB\n"


def test_status_lines_are_read_in_kb() -> None:
    assert memory.status_kb(STATUS, "VmRSS") == 230400
    assert memory.status_kb(SMAPS, "Pss") == 198656
    assert memory.status_kb(STATUS, "VmSwap") is None


def test_the_parent_is_read_past_a_command_name_with_spaces_and_parentheses() -> None:
    assert memory.parent_of("4242 (python (x) y) S 4200 4242 4242 0 -1") == 4200


def test_children_of_serve_are_told_apart_by_their_command_line() -> None:
    python = b"/venv/bin/python\0-m\0mochou.cli\0"
    assert memory.kind_of(python + b"serve\0--threads\x008\0--listen-fd\x003\0") == "web"
    assert memory.kind_of(python + b"run_huey\0--workers\x002\0") == "worker"
    assert memory.kind_of(b"sh\0-c\0true\0") == "other"


def test_the_login_form_token_and_a_case_link_are_found() -> None:
    html = (
        '<input type="hidden" name="csrfmiddlewaretoken" value="abc123">'
        '<a href="/cases/queue/all/">全部</a><a href="/cases/new/">登记</a>'
        '<a href="/cases/2026120300017/">2026120300017</a>'
    )
    assert memory.csrf_token(html) == "abc123"
    assert memory.first_case(html) == "/cases/2026120300017/"
    assert memory.first_case('<a href="/cases/queue/to_dispatch/">') is None
    with pytest.raises(ValueError, match="csrfmiddlewaretoken"):
        memory.csrf_token("<form></form>")


def run_of(*largest: float) -> Run:
    """A run of two web processes whose larger one has these RSS figures per phase."""
    return Run(
        web={
            1: {p: (mb, mb - 30) for p, mb in zip(memory.PHASES, largest, strict=True)},
            2: {p: (mb - 5, mb - 35) for p, mb in zip(memory.PHASES, largest, strict=True)},
        },
        parent=230,
        worker=390,
    )


def test_medians_are_of_the_largest_web_process_of_each_run() -> None:
    runs = [run_of(225, 249, 250, 340), run_of(226, 251, 251, 341), run_of(224, 247, 249, 339)]
    med = memory.medians(runs)
    assert med["start"] == (225, 195)
    assert med["registrations"] == (250, 220)
    assert med["warning"] == (340, 310)


def test_the_section_replaces_only_its_own_markers() -> None:
    args = argparse.Namespace(workers=2, rounds=3, registrations=20, repeat=1, label="after")
    block = memory.section([run_of(225, 249, 250, 340)], args, datetime(2026, 12, 3, 10, 47, tzinfo=UTC), "x")
    assert block.startswith(BEGIN)
    assert block.endswith(END)
    assert "| 1 | 225 / 195 | 249 / 219 | 250 / 220 | 340 / 310 | 230 | 390 | 0 |" in block
    assert "| **median** | **225** / 195 |" in block
    doc = f"# Benchmarks\n\n<!-- run:begin -->\nrun\n<!-- run:end -->\n\n{BEGIN}\nold\n{END}\n\ntail\n"
    replaced = memory.replace_section(doc, block)
    assert "old" not in replaced
    assert replaced.startswith("# Benchmarks\n\n<!-- run:begin -->\nrun\n<!-- run:end -->\n\n" + block)
    assert replaced.endswith("\n\ntail\n")
    assert memory.replace_section("# Benchmarks\n", block) == "# Benchmarks\n\n" + block + "\n"
