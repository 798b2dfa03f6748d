"""跨域通办 in the browser, between two real Mochou instances: 钟祥市 (420881) and 京山市 (420821),
each a `mochou serve --no-worker` on its own fresh SQLite database, each with the other as partner
and one shared key (the setup of affairs/tests/two_instances.py, run in each instance by
`mochou shell`).

Here the 综窗 clerk receives a 京山 matter for an applicant, with its own form fields, and
forwards it (转办理地); 京山's window accepts it, 京山's police clerk reads the forwarded answers and
approves, its leader grants; the result comes back, and our window hands it over (出件), which
京山 hears. Each exchange message goes out through the outbox sweep (no worker runs beside the
servers), as after a worker outage: recoverable from the data alone.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.desks import Desk
from tests.served import free_port, fresh_database, mochou, served_env, wait_for

# Not in the "served" xdist group although it serves instances: a group is sent to its worker as
# one unit, wherever its first test stands, and a browser test must come after every unit test of
# its worker (tests/browser/conftest.py). It migrates its own copy of the database instead.
pytestmark = pytest.mark.browser

HERE, THERE = "420881", "420821"
FIELDS = (
    "move_to_address｜迁入地址｜文本｜必填\n"
    "move_reason｜迁移原因｜选项｜必填｜购房、投靠亲属、工作调动\n"
    "spouse_id｜配偶身份证号｜身份证号｜选填"
)


class Instance:
    def __init__(
        self, var_dir: Path, region: str, port: int, partner: str, partner_name: str, partner_port: int
    ) -> None:
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.env = served_env(
            var_dir,
            MOCHOU_AFFAIRS_REGION=region,
            PARTNER_CODE=partner,
            PARTNER_NAME=partner_name,
            PARTNER_PORT=str(partner_port),
        )
        fresh_database(var_dir)

    def call(self, function: str, *args: str) -> dict[str, Any]:
        quoted = ", ".join(json.dumps(a) for a in args)
        done = mochou(
            self.env, "shell", "-c", f"from affairs.tests import two_instances as t; t.{function}({quoted})"
        )
        return dict(json.loads(done.stdout.strip().splitlines()[-1]))

    def serve(self) -> subprocess.Popen[str]:
        return subprocess.Popen(  # noqa: S603 (our own interpreter and module)
            [sys.executable, "-m", "mochou.cli", "serve", "--port", str(self.port), "--no-worker"],
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )


@pytest.fixture
def regions(tmp_path: Path) -> Iterator[tuple[Instance, Instance]]:
    port_here, port_there = free_port(), free_port()
    here = Instance(tmp_path / "here", HERE, port_here, THERE, "京山市", port_there)
    there = Instance(tmp_path / "there", THERE, port_there, HERE, "钟祥市", port_here)
    for instance in (here, there):
        assert instance.call("setup", FIELDS) == {"ok": True}
        assert instance.call("passwords") == {"ok": True}
    servers = [here.serve(), there.serve()]
    try:
        for server, instance in zip(servers, (here, there), strict=True):
            wait_for(f"{instance.url}/affairs/guide/", server)
        yield here, there
    finally:
        for server in servers:
            server.terminate()
            server.wait(30)


def _desk(browser: Browser, instance: Instance, username: str) -> Desk:
    context = browser.new_context(
        base_url=instance.url,
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        viewport={"width": 1280, "height": 900},
    )
    # A served instance compiles its templates on the first visits, on a machine shared with others.
    context.set_default_timeout(20_000)
    return Desk(context, username).login()


def _open(page: Page, number: str) -> None:
    page.goto(f"/affairs/a/{number}/")
    expect(page.locator("#app-facts")).to_be_visible()


def test_an_application_forwarded_to_the_partner_decided_there_and_delivered_here(
    browser: Browser, regions: tuple[Instance, Instance]
) -> None:
    here, there = regions
    window = _desk(browser, here, "window").page

    # Our 综窗 receives a 京山 matter: its materials and its own form fields come with it.
    window.goto("/affairs/window/")
    window.locator("#id_matter").select_option(label="公安局 · 户口迁移（跨域通办）")
    expect(window.locator("#materials-fieldset")).to_contain_text("户口簿")
    expect(window.locator("#answer-fields")).to_contain_text("迁入地址")
    window.locator("#id_name").fill("张跨域")
    window.locator("#id_id_number").fill("42088119900101123X")
    window.locator("#id_phone").fill("13907211234")
    window.locator('#materials-fieldset input[value="居民身份证"]').check()
    window.locator('#materials-fieldset input[value="户口簿"]').check()
    window.locator("#id_answer_move_to_address").fill("京山市新市街道城中路 8 号")
    window.locator("#id_answer_move_reason").select_option("投靠亲属")
    window.locator("#id_answer_spouse_id").fill("420881199001011234")  # a wrong check digit
    window.locator("#id_partner").select_option(label="京山市")
    window.locator("#btn-receive").click()
    # Refused with the reason by the field, the form kept as typed (the materials still ticked).
    # (A required field left empty the browser itself stops; the server says it too: tests of the
    # form in affairs/tests/test_form_fields.py.)
    expect(window.locator("#answer-fields")).to_contain_text("配偶身份证号不是有效的 18 位居民身份证号码")
    expect(window.locator('#materials-fieldset input[value="户口簿"]')).to_be_checked()
    expect(window.locator("#id_answer_move_reason")).to_have_value("投靠亲属")
    window.locator("#id_answer_spouse_id").fill("420881198805051232")
    window.locator("#btn-receive").click()
    expect(window.locator("#app-partner")).to_contain_text("办理地 京山市")
    number = window.locator("h1 .number").inner_text().strip()
    expect(window.locator("#app-answers")).to_contain_text("投靠亲属")

    # 预审 passes: 转办理地. The message goes out with the sweep; 京山's number comes back.
    expect(window.locator("#action-accept")).to_have_count(0)  # handled elsewhere: not ours to accept
    window.locator("#btn-forward").click()
    expect(window.locator("#app-status")).to_contain_text("已转办理地")
    assert here.call("sweep") == {"sent": 1}
    window.reload()
    expect(window.locator("#app-partner")).to_contain_text("对方编号")
    remote = re.search(r"对方编号 (\w+)", window.locator("#app-partner").inner_text())
    assert remote is not None
    theirs = remote.group(1)

    # 京山: its window finds it received from 钟祥 and accepts it; the police decide in two steps.
    their_window = _desk(browser, there, "window").page
    _open(their_window, theirs)
    expect(their_window.locator("#app-origin")).to_contain_text("钟祥市异地代收")
    expect(their_window.locator("#app-status")).to_contain_text("待预审")
    their_window.locator("#btn-accept").click()
    expect(their_window.locator("#app-status")).to_contain_text("审批中")
    clerk = _desk(browser, there, "gaj_clerk").page
    _open(clerk, theirs)
    # The department reads the answers sent across, in full: it works the application now.
    answers = clerk.locator("#app-answers")
    expect(answers).to_contain_text("京山市新市街道城中路 8 号")
    expect(answers).to_contain_text("420881198805051232")
    clerk.locator("#btn-approve_step").click()
    expect(clerk.locator("#app-steps")).to_contain_text("✓")
    leader = _desk(browser, there, "gaj_leader").page
    _open(leader, theirs)
    leader.locator("#id_grant-licence_number").fill("JS-HJ-0001")
    leader.locator("#btn-grant").click()
    expect(leader.locator("#app-status")).to_contain_text("准予")
    expect(leader.locator("#action-deliver")).to_have_count(0)
    assert there.call("sweep") == {"sent": 3}  # 受理, 审批, 准予: in order

    # Back here: the result has come; our window hands it over, and 京山 hears of it.
    window.reload()
    expect(window.locator("#app-status")).to_contain_text("准予")
    expect(window.locator("#app-facts")).to_contain_text("JS-HJ-0001")
    timeline = window.locator("#app-timeline")
    expect(timeline.locator("li")).to_have_count(5)  # 申报, 转办理地, 受理 and 审批 there, 准予
    window.locator("#btn-deliver").click()
    expect(window.locator("#app-status")).to_contain_text("已出件")
    assert here.call("sweep") == {"sent": 1}
    assert there.call("state", theirs) == {"state": "delivered", "delivery": "partner", "pending": 0}
    _open(their_window, theirs)
    expect(their_window.locator("#app-status")).to_contain_text("已出件")
    assert number
