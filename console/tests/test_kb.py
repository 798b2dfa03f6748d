"""The knowledge base beside the intake form: searched as the agent types, each guide offered with
its answer to use, and a plain "知识库暂不可用" when there is no knowledge base to ask."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from accounts.models import User
from console import kb

pytestmark = pytest.mark.django_db

HX: dict[str, Any] = {"HTTP_HX_REQUEST": "true"}


@dataclass
class FakeGuide:
    pk: int
    title: str
    body: str

    def get_absolute_url(self) -> str:
        return f"/knowledge/{self.pk}/"


@dataclass
class FakeHit:
    guide: FakeGuide
    score: float
    snippet: str


@pytest.fixture
def searched(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """knowledge.search as planned, answering one guide for anything about 医保."""
    asked: list[dict[str, Any]] = []

    def search_guides(query: str, *, user: Any = None, public_only: bool = False, limit: int = 10) -> list:
        asked.append({"query": query, "user": user, "public_only": public_only, "limit": limit})
        if "医保" not in query:
            return []
        guide = FakeGuide(7, "新生儿参保登记", "<p>新生儿出生后三个月内参保，</p>需户口簿和出生医学证明。")
        return [FakeHit(guide, 3.2, "新生儿出生后三个月内<mark>参保</mark>")]

    monkeypatch.setattr(kb, "backend", lambda: search_guides)
    return asked


def test_guides_are_offered_with_their_answer_as_the_agent_types(
    client: Client, agent: User, searched: list
) -> None:
    client.force_login(agent)
    html = client.get("/console/_kb/", {"q": "新生儿医保怎么办"}, **HX).content.decode()
    assert "新生儿参保登记" in html
    assert 'href="/knowledge/7/"' in html
    assert 'class="use-guide" data-guide="7"' in html
    # The answer to start from is plain text; the snippet keeps no markup either.
    assert "新生儿出生后三个月内参保，需户口簿和出生医学证明。" in html
    assert "&lt;p&gt;" not in html
    assert "<mark>" not in html
    assert searched == [{"query": "新生儿医保怎么办", "user": agent, "public_only": False, "limit": 5}]


def test_the_textarea_searches_as_the_agent_types(client: Client, agent: User) -> None:
    client.force_login(agent)
    html = client.get("/console/").content.decode()
    textarea = html[html.index("<textarea") : html.index("</textarea>")]
    assert 'name="content"' in textarea
    assert 'hx-get="/console/_kb/"' in textarea
    assert 'hx-trigger="input changed delay:300ms, load"' in textarea
    assert "autofocus" in textarea


def test_no_match_and_too_short_a_query_say_so(client: Client, agent: User, searched: list) -> None:
    client.force_login(agent)
    assert "没有找到相关内容" in client.get("/console/_kb/", {"content": "路灯不亮"}).content.decode()
    assert "输入诉求内容后自动查找" in client.get("/console/_kb/", {"q": "路"}).content.decode()


def test_without_a_knowledge_base_the_console_says_so_and_works_on(
    client: Client, agent: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    def missing() -> None:
        raise ImportError("No module named 'knowledge.search'")  # as before knowledge/ was built

    monkeypatch.setattr(kb, "backend", missing)
    client.force_login(agent)
    response = client.get("/console/_kb/", {"q": "新生儿医保怎么办"})
    assert response.status_code == 200
    assert "知识库暂不可用" in response.content.decode()


def test_a_failing_search_is_reported_as_unavailable(
    client: Client, agent: User, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*args: Any, **kwargs: Any) -> list:
        raise RuntimeError("index missing")

    monkeypatch.setattr(kb, "backend", lambda: broken)
    client.force_login(agent)
    assert "知识库暂不可用" in client.get("/console/_kb/", {"q": "新生儿医保"}).content.decode()
    assert "knowledge search failed" in caplog.text


def test_the_real_knowledge_base_is_searched_when_it_is_there(client: Client, city: Any) -> None:
    services = pytest.importorskip("knowledge.services", reason="knowledge/ is not built yet")
    guide, _ = services.import_guide(
        slug="newborn-insurance",
        data={
            "title": "新生儿参加城乡居民医保",
            "body": "新生儿出生后三个月内办理参保登记，自出生之日起享受医保待遇。",
            "documents": "户口簿\n出生医学证明",
            "unit": city.housing,
        },
    )
    client.force_login(city.users["agent"])
    html = client.get("/console/_kb/", {"q": "新生儿医保怎么参保"}).content.decode()
    assert f'data-guide="{guide.pk}"' in html
    assert (
        "新生儿出生后三个月内办理参保登记，自出生之日起享受医保待遇。\n所需材料：户口簿、出生医学证明" in html
    )
