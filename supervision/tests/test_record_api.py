"""会议纪要 → 待审事项 over JSON: the review page's steps (补录, save, merge, split, discard,
restore, confirm) through the same verbs, refused to anyone but the 督查室."""

from __future__ import annotations

import pytest
from django.test import Client

from supervision.task_models import DraftStatus, DraftTask, MeetingRecord, Task
from supervision.tests.test_api_verification import call
from supervision.tests.test_extract import RECORD
from tests.factories import City

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


def test_the_office_reviews_a_record_over_json(client: Client, city: City) -> None:
    sup = city.users["supervisor"]
    made = call(client, sup, "post", "/records", {"text": RECORD, "held_on": "2021-08-01"})
    assert made.status_code == 201
    record = made.json()
    assert record["text"] == RECORD.strip()
    assert record["pending"] == record["drafts"] == len(record["items"]) > 2
    first, second, third = record["items"][:3]

    added = call(client, sup, "post", f"/records/{record['id']}/drafts", {"sentence": RECORD[40:80]})
    assert (added.status_code, added.json()["status"]) == (201, "pending")
    foreign = call(client, sup, "post", f"/records/{record['id']}/drafts", {"sentence": "这句话不在纪要里面"})
    assert (foreign.status_code, foreign.json()["code"]) == (422, "invalid_input.sentence")

    unknown = call(
        client, sup, "post", f"/drafts/{first['id']}/save", {"title": "四个字以上", "lead_unit": "nope"}
    )
    assert (unknown.status_code, unknown.json()["code"]) == (422, "invalid_input.unit")
    saved = call(client, sup, "post", f"/drafts/{first['id']}/save", {
        "title": "改过的事项标题", "lead_unit": city.housing.code, "co_units": [city.education.code],
        "deadline": "2026-12-31", "target": "≥80%",
    })  # fmt: skip
    assert saved.status_code == 200
    assert (saved.json()["title"], saved.json()["lead_unit"], saved.json()["co_units"]) == (
        "改过的事项标题",
        city.housing.code,
        [city.education.code],
    )

    parts = call(
        client, sup, "post", f"/drafts/{second['id']}/split", {"titles": ["第一项承诺", "第二项承诺"]}
    )
    assert [(d["title"], d["sentence"]) for d in parts.json()] == [
        ("第一项承诺", second["sentence"]),
        ("第二项承诺", second["sentence"]),
    ]
    merged = call(
        client,
        sup,
        "post",
        f"/records/{record['id']}/merge",
        {"drafts": [parts.json()[1]["id"], third["id"]]},
    )
    assert merged.status_code == 200
    assert DraftTask.objects.get(pk=third["id"]).status == DraftStatus.MERGED
    again = call(client, sup, "post", f"/drafts/{third['id']}/discard")
    assert (again.status_code, again.json()["code"]) == (409, "supervision.draft_done")

    assert (
        call(client, sup, "post", f"/drafts/{first['id']}/restore").json()["code"]
        == "supervision.draft_not_discarded"
    )
    assert call(client, sup, "post", f"/drafts/{added.json()['id']}/discard").json()["status"] == "discarded"
    assert call(client, sup, "post", f"/drafts/{added.json()['id']}/restore").json()["status"] == "pending"

    confirmed = call(
        client, sup, "post", f"/drafts/{first['id']}/confirm", {"leader": city.users["leader"].username}
    )
    assert confirmed.status_code == 201
    task = Task.objects.get(number=confirmed.json()["number"])
    assert (task.title, task.lead_unit, task.leader, task.record_id) == (
        "改过的事项标题",
        city.housing,
        city.users["leader"],
        record["id"],
    )
    twice = call(client, sup, "post", f"/drafts/{first['id']}/confirm", {})
    assert (twice.status_code, twice.json()["code"]) == (409, "supervision.draft_done")
    assert Task.objects.count() == 1
    shown = call(client, sup, "get", f"/records/{record['id']}").json()
    assert next(d for d in shown["items"] if d["id"] == first["id"])["task"] == task.number
    assert call(client, sup, "get", "/records").json()[0]["pending"] == shown["pending"]


def test_only_the_office_works_on_records(client: Client, city: City) -> None:
    sup = city.users["supervisor"]
    record = call(client, sup, "post", "/records", {"text": RECORD}).json()
    draft = record["items"][0]["id"]
    for name in ("clerk", "unit_leader", "leader", "agent"):
        user = city.users[name]
        for method, path in [
            ("get", "/records"),
            ("get", f"/records/{record['id']}"),
            ("get", "/records/999999"),  # a 403 before saying whether it exists
            ("post", "/records"),
            ("post", f"/drafts/{draft}/confirm"),
            ("post", f"/drafts/{draft}/discard"),
        ]:
            body = {"text": RECORD} if path == "/records" else {}
            refused = call(client, user, method, path, body)
            assert (refused.status_code, refused.json()["code"]) == (403, "permission_denied.role"), (
                name,
                path,
            )
            assert refused.json()["message"] == "只有督查室可以审核会议纪要的待审事项。"
    assert MeetingRecord.objects.count() == 1
    assert Task.objects.count() == 0
    assert call(client, sup, "get", "/records/999999").status_code == 404
    assert call(client, sup, "post", "/drafts/999999/discard").status_code == 404
