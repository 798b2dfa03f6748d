"""Migration 0008, run for real: the three ratings of before keep their values and their meaning
under the five levels, and a case left in 待结案 over a 不满意 stays there with no invented
rectification."""

from __future__ import annotations

from datetime import UTC, datetime

from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("cases", "0007_returns_disputes_escalation")]
AFTER = [("cases", "0008_callback_ratings_rectification")]


def test_old_ratings_keep_their_meaning_under_the_five_levels(empty_executor: MigrationExecutor) -> None:
    empty_executor.migrate(BEFORE)
    old = MigrationExecutor(connection).loader.project_state(BEFORE).apps
    user = old.get_model("accounts", "User").objects.create(username="old-agent", role="agent", password="!")
    Case, Callback = old.get_model("cases", "Case"), old.get_model("cases", "Callback")
    at = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
    numbers = {}
    for i, rating in enumerate(("satisfied", "basically", "unsatisfied"), start=1):
        case = Case.objects.create(
            number=f"20260302{i:05d}", channel="hotline", kind="complaint", title="旧工单",
            content="旧工单", created_at=at, replied_at=at, state="called_back", satisfaction=rating,
            resolved=rating != "unsatisfied",
        )  # fmt: skip
        Callback.objects.create(case=case, by_id=user.pk, at=at, outcome="reached", satisfaction=rating)
        numbers[rating] = case.number

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    NewCase = new.get_model("cases", "Case")
    labels = dict(NewCase._meta.get_field("satisfaction").choices)
    stored = dict(NewCase.objects.values_list("number", "satisfaction"))
    assert {rating: labels[stored[number]] for rating, number in numbers.items()} == {
        "satisfied": "满意",  # not promoted to 非常满意
        "basically": "基本满意",
        "unsatisfied": "不满意",
    }
    assert set(new.get_model("cases", "Callback").objects.values_list("satisfaction", flat=True)) == {
        "satisfied", "basically", "unsatisfied",
    }  # fmt: skip
    assert set(NewCase.objects.values_list("state", flat=True)) == {"called_back"}
    assert not new.get_model("cases", "Rectification").objects.exists()
    assert set(NewCase.objects.values_list("rectify_due_at", "callback_claimed_by")) == {(None, None)}
