"""API tokens: issued by `mochou token`, stored only as a digest, checked on every API request."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from accounts.models import ApiToken, User
from accounts.tokens import user_for_token

pytestmark = pytest.mark.django_db


def issue(username: str, *args: str) -> str:
    out = StringIO()
    call_command("token", username, *args, stdout=out)
    return out.getvalue()


def test_the_command_prints_only_a_token_that_authenticates(client: Client, city: Any, clerk: User) -> None:
    printed = issue("clerk", "--name", "住建局对接系统")
    token = printed.strip()
    assert printed == token + "\n"
    assert token.startswith("mc_")

    r = client.get("/api/v1/cases", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 200
    assert r.json() == {"count": 0, "items": [], "notice": None}

    stored = ApiToken.objects.get()
    assert (stored.user, stored.name, stored.prefix) == (clerk, "住建局对接系统", token[:8])
    assert stored.digest == ApiToken.digest_of(token)
    assert token not in stored.digest  # only the digest is kept


def test_an_unknown_user_is_a_chinese_error(city: Any) -> None:
    with pytest.raises(CommandError, match="用户“nobody”不存在"):
        issue("nobody")
    assert not ApiToken.objects.exists()


def test_an_inactive_user_gets_no_token(city: Any, agent: User) -> None:
    agent.is_active = False
    agent.save(update_fields=["is_active"])
    with pytest.raises(CommandError, match="已停用"):
        issue("agent")


def test_each_call_issues_a_new_token(city: Any) -> None:
    first, second = issue("agent").strip(), issue("agent").strip()
    assert first != second
    assert user_for_token(first) == user_for_token(second) == User.objects.get(username="agent")


def test_last_use_is_recorded_at_most_once_a_minute(city: Any, clock: Any, agent: User) -> None:
    token = ApiToken.issue(agent)
    stored = ApiToken.objects.get()
    assert stored.last_used_at is None

    assert user_for_token(token) == agent
    stored.refresh_from_db()
    first_use = stored.last_used_at
    assert first_use is not None

    clock.shift(timedelta(seconds=30))
    user_for_token(token)
    stored.refresh_from_db()
    assert stored.last_used_at == first_use

    clock.shift(timedelta(seconds=31))
    user_for_token(token)
    stored.refresh_from_db()
    assert stored.last_used_at == first_use + timedelta(seconds=61)


def test_unknown_empty_and_inactive_tokens_are_refused(city: Any, agent: User) -> None:
    token = ApiToken.issue(agent)
    assert user_for_token("") is None
    assert user_for_token(token + "x") is None
    agent.is_active = False
    agent.save(update_fields=["is_active"])
    assert user_for_token(token) is None


def test_a_used_token_is_not_written_on_every_request(
    client: Client, city: Any, clock: Any, agent: User, django_assert_num_queries: Any
) -> None:
    token = ApiToken.issue(agent)
    headers = {"Authorization": f"Bearer {token}"}
    client.get("/api/v1/cases", headers=headers)
    # token lookup, count, page — and no UPDATE of last_used_at within the minute
    with django_assert_num_queries(3) as ctx:
        client.get("/api/v1/cases", headers=headers)
    assert not any(q["sql"].startswith("UPDATE") for q in ctx.captured_queries)
