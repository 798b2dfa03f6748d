"""The reply checks in the case loop: the clerk and the leader see them before approval, the
submit and approve events record them, the API carries them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from cases import hooks
from cases.models import Case, CaseEvent
from cases.workflow import Action
from mochou.datasets import REPLIES_FULL_CSV
from tests.factories import accepted_case
from triage import replyquality

pytestmark = pytest.mark.django_db

FORWARD_ONLY = "您好！您的留言已收悉。关于您反映的问题，已转市城管局调查处理。"
CONCRETE = "您好！经现场查看，小区门口下水道系建筑垃圾堵塞，市政养护队已于9月25日上午疏通，现已恢复正常排水。"


@pytest.fixture(autouse=True)
def _builtin_stats(tmp_path: Path) -> Iterator[None]:
    # No cached corpus statistics in an empty directory: the statistics shipped with the package
    # (triage/data), the same on every machine whatever var/ holds.
    replyquality.configure(REPLIES_FULL_CSV, tmp_path)
    yield
    replyquality.configure(REPLIES_FULL_CSV, None)


def _page(client: Client, user: Any, case: Case) -> str:
    client.force_login(user)
    return client.get(f"/cases/{case.number}/").content.decode()


def _event(case: Case, action: Action) -> CaseEvent:
    return CaseEvent.objects.filter(case=case, action=action.value).latest("seq")


def test_triage_provides_the_reply_checks() -> None:
    assert hooks.reply_checks.provided


def test_a_forwarding_reply_is_flagged_to_the_clerk_and_the_leader_and_recorded_when_approved(
    client: Client, city: Any, clock: Any
) -> None:
    case = accepted_case(city)
    client.force_login(city.users["clerk"])
    client.post(f"/cases/{case.number}/act/reply/", {"body": FORWARD_ONLY, "result": ""})
    submitted = _event(case, Action.REPLY).payload["checks"]
    assert [c["code"] for c in submitted["checks"]] == ["forwarded"]

    clerk_page = _page(client, city.users["clerk"], case)
    assert 'id="draft-reply-checks"' in clerk_page
    assert "答复可能存在的问题：" in clerk_page
    assert "只说明已转办或请诉求人另找部门" in clerk_page

    leader_page = _page(client, city.users["unit_leader"], case)
    form = leader_page.split('id="action-approve"', 1)[1].split("</form>", 1)[0]
    assert "答复可能存在的问题：" in form
    assert "只说明已转办或请诉求人另找部门，未答复办理情况（“已转市城管局调查处理”）" in form
    assert 'id="draft-reply-checks"' not in leader_page  # the leader reads them on the form

    # The leader may still approve; the flags shown are recorded, and recompute to the same.
    response = client.post(f"/cases/{case.number}/act/approve/", {"note": ""})
    assert response.status_code == 302
    approved = _event(case, Action.APPROVE_REPLY).payload["checks"]
    case.refresh_from_db()
    assert approved == replyquality.checks_payload(case.title, case.content, FORWARD_ONLY)
    assert approved["fingerprint"] == replyquality.fingerprint(case.title, case.content, FORWARD_ONLY)
    assert approved["version"] == replyquality.VERSION
    shipped = replyquality.shipped_stats()
    assert shipped is not None
    assert approved["stats"] == shipped.source


def test_a_concrete_reply_with_a_date_shows_no_problem(client: Client, city: Any, clock: Any) -> None:
    case = accepted_case(city)
    client.force_login(city.users["clerk"])
    client.post(f"/cases/{case.number}/act/reply/", {"body": CONCRETE, "result": "已疏通"})
    leader_page = _page(client, city.users["unit_leader"], case)
    form = leader_page.split('id="action-approve"', 1)[1].split("</form>", 1)[0]
    assert "答复可能存在的问题" not in form
    assert "自动检查未发现答复不回应诉求的迹象。" in form
    client.post(f"/cases/{case.number}/act/approve/", {"note": ""})
    assert _event(case, Action.APPROVE_REPLY).payload["checks"]["checks"] == []


def test_the_api_carries_the_checks_of_the_reply_awaiting_approval(
    client: Client, city: Any, clock: Any
) -> None:
    from accounts.models import ApiToken

    case = accepted_case(city)
    clerk, leader = city.users["clerk"], city.users["unit_leader"]

    def call(user: Any, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        headers = {"Authorization": f"Bearer {ApiToken.issue(user)}"}
        url = f"/api/v1/cases/{case.number}{path}"
        if method == "get":
            return client.get(url, headers=headers).json()
        return client.post(
            url, json.dumps(body or {}), content_type="application/json", headers=headers
        ).json()

    submitted = call(clerk, "post", "/reply", {"body": FORWARD_ONLY})
    [reply] = submitted["replies"]
    assert [c["code"] for c in reply["checks"]] == ["forwarded"]
    assert reply["checks"][0]["text"].startswith("只说明已转办")
    [seen] = call(leader, "get", "")["replies"]
    assert seen["checks"] == reply["checks"]
    call(leader, "post", "/approve", {})
    [approved] = call(leader, "get", "")["replies"]
    assert approved["status"] == "approved"
    assert approved["checks"] is None
