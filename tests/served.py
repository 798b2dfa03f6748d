"""Helpers for tests that run a real `mochou serve` in a subprocess on a fresh SQLite database
(mochou/tests/test_serve_links.py, affairs/tests/test_two_instances.py).

Migrating a fresh database takes about half a minute; the schema does not depend on the
instance's settings (no migration reads them), so a process migrates one database once and each
served instance starts from a copy. Those tests share the xdist group "served" to share it.
"""

from __future__ import annotations

import atexit
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from functools import cache
from pathlib import Path

SECRET_KEY = "a-test-key-that-is-long-enough-and-not-the-demo-one-1234567890"
DATABASE_FILE = "mochou.sqlite3"  # under MOCHOU_VAR_DIR (mochou/settings.py)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def served_env(var_dir: Path, **extra: str) -> dict[str, str]:
    """This process's environment without its Django and Mochou settings, pointed at var_dir."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "MOCHOU_", "DATABASE_URL"))}
    env.update(
        MOCHOU_VAR_DIR=str(var_dir),
        MOCHOU_DEMO="false",
        MOCHOU_TRIAGE="false",
        SECRET_KEY=SECRET_KEY,
        DJANGO_SETTINGS_MODULE="mochou.settings",
        **extra,
    )
    return env


def mochou(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 (our own interpreter and module)
        [sys.executable, "-m", "mochou.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )


@cache
def _migrated_once() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="mochou-migrated-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    mochou(served_env(folder), "migrate", "--verbosity", "0")
    # WAL mode: the last connection's close checkpoints the log into the file; nothing may be left.
    assert not (folder / f"{DATABASE_FILE}-wal").exists()
    return folder / DATABASE_FILE


def fresh_database(var_dir: Path) -> None:
    """A migrated, empty database in var_dir, as `mochou migrate` leaves it."""
    var_dir.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(_migrated_once(), var_dir / DATABASE_FILE)


def wait_for(url: str, server: subprocess.Popen[str], seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"mochou serve stopped: {server.stdout.read() if server.stdout else ''}")
        try:
            urllib.request.urlopen(url, timeout=2)  # noqa: S310 (a local test server)
            return
        except OSError:
            time.sleep(0.5)
    raise AssertionError(f"{url} did not answer within {seconds}s")
