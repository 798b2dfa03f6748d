"""跨域通办 between two real `mochou serve` instances on one machine (a non-browser journey).

Two fresh SQLite databases, two regions (钟祥市 420881, 京山市 420821), each configured with the
other as partner and one shared key. Each way: the receiving window forwards an application;
the other instance receives it over the signed exchange, accepts, approves and grants it; its
progress and result come back; the receiving window delivers, and the handling side hears it.
The messages go out through the outbox sweep (`affairs.exchange.outbox.sweep`), as after a
worker outage: recoverable from the data alone.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.served import free_port, fresh_database, mochou, served_env, wait_for

A, B = "420881", "420821"

pytestmark = pytest.mark.xdist_group("served")  # one migration with test_serve_links (tests/served.py)


def _env(tmp: Path, region: str, partner: str, partner_name: str, partner_port: int) -> dict[str, str]:
    return served_env(
        tmp,
        MOCHOU_AFFAIRS_REGION=region,
        PARTNER_CODE=partner,
        PARTNER_NAME=partner_name,
        PARTNER_PORT=str(partner_port),
    )


def _call(env: dict[str, str], function: str, *args: str) -> dict[str, Any]:
    quoted = ", ".join(json.dumps(a) for a in args)
    done = mochou(env, "shell", "-c", f"from affairs.tests import two_instances as t; t.{function}({quoted})")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def test_an_application_forwarded_both_ways(tmp_path: Path) -> None:
    port_a, port_b = free_port(), free_port()
    env_a = _env(tmp_path / "a", A, B, "京山市", port_b)
    env_b = _env(tmp_path / "b", B, A, "钟祥市", port_a)
    # Each side's own data is written by `setup` below, on a migrated empty database.
    fresh_database(tmp_path / "a")
    fresh_database(tmp_path / "b")
    assert _call(env_a, "setup") == {"ok": True}
    assert _call(env_b, "setup") == {"ok": True}
    servers = [
        subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "mochou.cli", "serve", "--port", str(port), "--no-worker"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for env, port in ((env_a, port_a), (env_b, port_b))
    ]
    try:
        for server, port in zip(servers, (port_a, port_b), strict=True):
            wait_for(f"http://127.0.0.1:{port}/affairs/guide/", server)
        for here, there, name, id_number in (
            (env_a, env_b, "张跨域", "42088119900101123X"),
            (env_b, env_a, "李通办", "420881198805051232"),
        ):
            sent = _call(here, "forward", name, id_number)
            assert sent["state"] == "forwarded"
            assert sent["sent"] == 1
            assert sent["remote_number"]  # the partner's number came back in its answer
            handled = _call(there, "handle", sent["number"])
            assert (handled["before"], handled["state"], handled["channel"]) == (
                "submitted",
                "granted",
                "partner",
            )
            assert handled["sent"] == 3  # 受理, 审批, 准予: in order
            assert handled["number"] == sent["remote_number"]
            seen = _call(here, "deliver", sent["number"])
            assert (seen["state"], seen["remote_progress"], seen["licence"]) == ("granted", "准予", "QY-0001")
            assert seen["events"] == [
                "submit",
                "forward",
                "remote_progress",
                "remote_progress",
                "remote_grant",
            ]
            assert (seen["after"], seen["sent"]) == ("delivered", 1)
            assert _call(there, "state", handled["number"]) == {
                "state": "delivered",
                "delivery": "partner",
                "pending": 0,
            }
    finally:
        for server in servers:
            server.terminate()
            server.wait(30)
