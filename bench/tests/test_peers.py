"""bench.peers without the peer: its arguments, its figures and the doc section it writes.

Installing django-helpdesk needs the network and minutes, so what runs here is only what decides
the numbers printed from the measured ones: the ratio's direction (above 1 = Mochou faster), the
medians and p95 of pooled calls, the table, and the doc section replaced between its markers.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench import peers
from bench.peers import BEGIN, END, Row, Series


def test_defaults_and_flags() -> None:
    args = peers.parse_args([])
    assert (args.tickets, args.rounds, args.connections, args.threads) == (10_000, 3, 8, 8)
    assert not args.recreate
    assert not args.no_doc
    assert not args.no_worker
    args = peers.parse_args(["--tickets", "100000", "--rounds", "5", "--recreate", "--no-doc"])
    assert (args.tickets, args.rounds, args.recreate, args.no_doc) == (100_000, 5, True, True)


def test_counts_must_be_positive(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        peers.parse_args(["--tickets", "0"])
    assert "counts must be positive" in capsys.readouterr().err


def test_ratio_is_mochou_speed_over_the_peer() -> None:
    latency = Row("page", Series(ms=[10, 20, 30]), Series(ms=[60, 60, 90]))
    assert latency.ratio() == pytest.approx(3.0)  # peer 60 ms / Mochou 20 ms
    intake = Row("intake", Series(rates=[40, 50, 60]), Series(rates=[100, 200, 10]), throughput=True)
    assert intake.ratio() == pytest.approx(0.5)  # Mochou 50 req/s / peer 100 req/s


def test_missing_side_gives_no_ratio() -> None:
    ratio = Row("page", Series(), Series(ms=[5.0])).ratio()
    assert ratio != ratio  # NaN: nothing measured on Mochou's side


def test_percentile_and_table() -> None:
    values = [float(v) for v in range(1, 101)]
    assert peers.percentile(values, 0.95) == 96.0
    assert peers.percentile([], 0.5) != peers.percentile([], 0.5)
    rows = [
        Row("case / ticket page", Series(ms=[10.0] * 20), Series(ms=[18.0] * 20)),
        Row("HTTP intake", Series(ms=[100.0], rates=[80.0]), Series(rates=[20.0]), throughput=True),
    ]
    lines = peers.table(rows)
    assert lines[2] == "| case / ticket page | 10.0 ms | 10.0 | 18.0 ms | 18.0 | **1.80×** |"
    assert lines[3].startswith("| HTTP intake | 80.0 req/s |")
    assert lines[3].endswith("**4.00×** |")
    intake = peers.intake_table([("Mochou", Series(ms=[5.0, 7.0], rates=[3.0], errors=1))])
    assert intake[2] == "| Mochou | 3.0 | 7 | 7 | 7 | 1 |"


def test_doc_section_is_replaced_between_markers(tmp_path: Path) -> None:
    args = peers.parse_args(["--tickets", "1000", "--rounds", "2"])
    ctx = {
        "args": args,
        "when": "2026-01-01 10:00",
        "load_start": 0.5,
        "load_end": 1.25,
        "postgres": "15.2",
        "mochou_rev": "abc1234",
        "peer_versions": {"helpdesk": peers.HELPDESK_VERSION, "rest_framework": "3.16.1"},
    }
    rows = [Row("creation, in-process", Series(ms=[5.0]), Series(ms=[10.0]))]
    block = peers.doc_block(ctx, rows, [("Mochou `POST /api/v1/cases`", Series(ms=[9.0], rates=[50.0]))])
    assert block.startswith(BEGIN)
    assert block.endswith(END)
    assert "python -m bench.peers --tickets 1000 --rounds 2" in block
    assert "0.50 at the start, 1.25 at the end" in block
    assert "django-helpdesk 2.6.1" in block
    assert "POST /api/tickets/" in block
    assert "POST /tickets/submit/" in block

    doc = tmp_path / "benchmarks.md"
    doc.write_text("# Benchmarks\n\n<!-- intake:begin:x -->\nkept\n<!-- intake:end:x -->\n", encoding="utf-8")
    peers.write_doc(doc, block)
    peers.write_doc(doc, block.replace("**2.00×**", "**3.00×**"))
    text = doc.read_text(encoding="utf-8")
    assert text.count(BEGIN) == 1
    assert "kept" in text
    assert "**3.00×**" in text


def test_peer_requests_carry_the_same_texts() -> None:
    body = {"title": "路灯不亮", "content": "小区门口路灯坏了", "citizen_phone": "13900000000"}
    (m,) = peers.mochou_requests([body], "tok")
    (api,) = peers.peer_api_requests([body], "key", queue=3)
    (form,) = peers.peer_form_requests([body], ("cookie", "token"), queue=3)
    assert m[1] == "/api/v1/cases"
    assert m[3]["Authorization"] == "Bearer tok"
    assert api[1] == "/api/tickets/"
    assert api[3]["Authorization"] == "Token key"
    assert json.loads(m[2])["title"] == json.loads(api[2])["title"] == "路灯不亮"
    assert json.loads(m[2])["content"] == json.loads(api[2])["description"]
    assert form[1] == "/tickets/submit/"
    assert b"csrfmiddlewaretoken=token" in form[2]
    assert form[3]["Cookie"] == "csrftoken=cookie"


def test_peer_requirements_pin_the_same_stack() -> None:
    reqs = peers.peer_requirements()
    assert reqs[0] == f"django-helpdesk=={peers.HELPDESK_VERSION}"
    assert any(r.startswith("Django==5.2") for r in reqs)
