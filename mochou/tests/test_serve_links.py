"""`mochou serve --port P` sends SMS links that reach port P, and the links are short.

The served process is a real `mochou serve` on a fresh SQLite database: a citizen submits a request
on the phone page, and the SMS the platform writes carries a link on the served address.
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import sqlite3
import subprocess
import sys
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from mochou.management.commands.serve import use_served_address_for_links
from tests.served import free_port, fresh_database, mochou, served_env, wait_for

MOBILE = "13907211234"

pytestmark = pytest.mark.xdist_group("served")  # one migration for both (tests/served.py)


def test_serve_on_another_port_sends_sms_links_on_that_port(tmp_path: Path) -> None:
    port = free_port()
    env = served_env(tmp_path)
    fresh_database(tmp_path)
    mochou(
        env,
        "shell",
        "-c",
        "from org.models import Unit; "
        "Unit.objects.create(code='420881001', name='郢中街道', kind='township')",
    )
    server = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "mochou.cli", "serve", "--port", str(port), "--no-worker"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for(base + "/m/", server)
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        form = opener.open(base + "/m/", timeout=10).read().decode()
        csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)
        township = re.search(r'<option value="(\d+)"[^>]*>郢中街道', form)
        assert csrf
        assert township
        fields = {
            "csrfmiddlewaretoken": csrf.group(1),
            "kind": "complaint",
            "content": "小区门口的路灯已经坏了一个多月，晚上出行很不方便，请尽快修复。",
            "township": township.group(1),
            "address": "莫愁湖路12号",
            "name": "张女士",
            "mobile": MOBILE,
            "consent": "on",
        }
        request = urllib.request.Request(  # noqa: S310
            base + "/m/", data=urllib.parse.urlencode(fields).encode(), headers={"Referer": base + "/m/"}
        )
        opener.open(request, timeout=30)
        with sqlite3.connect(tmp_path / "mochou.sqlite3") as db:
            bodies = [
                row[0]
                for row in db.execute("select body from notifications_smsmessage where phone = ?", [MOBILE])
            ]
    finally:
        server.terminate()
        server.wait(30)
    assert bodies, "no SMS was written for the citizen"
    link = re.search(r"https?://\S+", bodies[0])
    assert link
    assert link.group(0).startswith(f"http://127.0.0.1:{port}/r/")
    assert len(link.group(0)) <= 50  # the link alone must not push the SMS into a second part


def test_the_served_address_is_used_only_when_no_public_address_is_set(settings: object, monkeypatch) -> None:
    monkeypatch.delenv("MOCHOU_PUBLIC_URL", raising=False)
    settings.MOCHOU_PUBLIC_URL = ""  # type: ignore[attr-defined]
    assert use_served_address_for_links("0.0.0.0", 8101) == "http://127.0.0.1:8101"  # noqa: S104
    assert os.environ["MOCHOU_PUBLIC_URL"] == "http://127.0.0.1:8101"  # the worker inherits it
    settings.MOCHOU_PUBLIC_URL = "https://12345.zhongxiang.gov.cn"  # type: ignore[attr-defined]
    assert use_served_address_for_links("127.0.0.1", 8101) == "https://12345.zhongxiang.gov.cn"
