"""bench.scale's copies are what the generator (and so the services) would have written, moved in time.

A few hundred cases with every side road taken often are generated, the fact tables built, then the
database is tripled. Each copy of a case must have: new ids everywhere the copied tables point at
each other, a 受理编号 of its own local registration day that no other case has, every time (columns
and payload deadlines) moved back by the copy's shift and nothing else changed, payload ids and
numbers naming the copies' rows; the fact tables rebuilt from the copied log hold the original's
facts moved by the same shift (so every rate keeps its verdicts); and register_case afterwards
numbers past every copy. PostgreSQL only, like the command.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from django.db import connection
from django.db.models import Model
from django.utils import timezone

from accounts.models import Role, User
from bench.generate import generate
from bench.scale import PAYLOAD_IDS, PAYLOAD_NESTED, PAYLOAD_TIMES, check_keys, scale
from bench.tables import CASE, NOTICE, TABLES
from bench.tests.test_generate import EVERY_ROAD
from cases import services
from cases.models import Case, CaseEvent, CaseNumberCounter, Channel, Kind
from stats.build import rebuild_all
from stats.counting import Window
from stats.daily import count_units
from stats.exact import exact_counts
from stats.models import AnswerFact, CallbackFact, StintFact
from stats.periods import month
from supervision.models import Notice

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="bench.scale is PostgreSQL only"),
]

FACTOR, STEP = 3, 60


def _moved(
    model: type[Model], row: dict[str, Any], shift: timedelta, offsets: dict[Any, int]
) -> dict[str, Any]:
    """The row as copy k should hold it: times back by shift, keys into copied tables moved."""
    out: dict[str, Any] = {}
    for field in model._meta.concrete_fields:
        value = row[field.attname]
        if value is None:
            out[field.attname] = None
        elif field.primary_key:
            out[field.attname] = value + offsets.get(model, 0)
        elif field.is_relation and field.related_model in offsets:
            out[field.attname] = value + offsets[field.related_model]
        elif field.get_internal_type() == "DateTimeField":
            out[field.attname] = value - shift
        else:
            out[field.attname] = value
    return out


def _moved_iso(value: str | None, k: int) -> str | None:
    """A payload time as the services write it (local isoformat), k × STEP seconds earlier."""
    if value is None:
        return None
    return timezone.localtime(datetime.fromisoformat(value) - timedelta(seconds=k * STEP)).isoformat()


@pytest.fixture
def scaled() -> dict[str, Any]:
    generate(300, seed=2, mix=EVERY_ROAD, log=lambda _: None)
    rebuild_all()
    models: list[Any] = [t.model for t in TABLES]
    top = {m: m.objects.order_by("-pk").values_list("pk", flat=True).first() or 0 for m in models}
    before = {m: list(m.objects.order_by("pk").values()) for m in models}
    facts = {
        m: list(m.objects.order_by("case_id", "seq").values()) for m in (StintFact, AnswerFact, CallbackFact)
    }
    scale(FACTOR, step=STEP, log=lambda _: None)
    return {"top": top, "before": before, "facts": facts}


def test_every_row_is_copied_with_new_ids_and_times_moved(scaled: dict[str, Any]) -> None:
    top, before = scaled["top"], scaled["before"]
    number_fields = {CASE.model: "number", NOTICE.model: "number"}
    for k in range(1, FACTOR):
        shift = timedelta(seconds=k * STEP)
        offsets = {model: k * n for model, n in top.items()}
        for table in TABLES:
            model: Any = table.model
            copies = {
                r["id"]: r
                for r in model.objects.filter(
                    pk__gt=offsets[model], pk__lte=offsets[model] + top[model]
                ).values()
            }
            assert len(copies) == len(before[model]), f"{table.db_table} copy {k}"
            for row in before[model]:
                want = _moved(model, row, shift, offsets)
                got = copies[want["id"]]
                skip = {number_fields.get(model), "payload"}
                assert {c: v for c, v in got.items() if c not in skip} == {
                    c: v for c, v in want.items() if c not in skip
                }, f"{table.db_table} {row['id']} copy {k}"


def test_numbers_are_unique_and_of_the_copys_own_day(scaled: dict[str, Any]) -> None:
    numbers = list(Case.objects.values_list("number", "created_at"))
    assert len({n for n, _ in numbers}) == len(numbers) == 300 * FACTOR
    for number, created in numbers:
        assert number[:8] == f"{timezone.localtime(created):%Y%m%d}"
    for notice in Notice.objects.all():
        assert notice.number == f"DB{timezone.localtime(notice.created_at).year}-{notice.pk:05d}"
    # Each day's counter is past its largest number, so register_case carries on after them.
    for day, last in CaseNumberCounter.objects.values_list("day", "last"):
        issued = [int(n[8:]) for n, _ in numbers if n.startswith(f"{day:%Y%m%d}")]
        assert last >= max(issued, default=0)
    assert check_keys() == []
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the deferred foreign keys, checked now


def test_payloads_name_the_copies_rows(scaled: dict[str, Any]) -> None:
    top = scaled["top"]
    seen = set()
    for event in CaseEvent.objects.filter(case_id__gt=top[Case]).select_related("case"):
        k = (event.case_id - 1) // top[Case]
        original = CaseEvent.objects.get(case_id=event.case_id - k * top[Case], seq=event.seq)
        want = dict(original.payload)
        for key, value in original.payload.items():
            seen.add(key)
            if key in PAYLOAD_TIMES:
                want[key] = _moved_iso(value, k)
            elif key in PAYLOAD_NESTED:
                want[key] = {n: _moved_iso(v, k) if n in PAYLOAD_TIMES else v for n, v in value.items()}
            elif key == "parent":
                want[key] = Case.objects.get(pk=event.case.parent_id).number
            elif key == "notice":
                want[key] = Notice.objects.get(case_id=event.case_id, created_at=event.created_at).number
            elif key in PAYLOAD_IDS and value is not None:
                related: Any = PAYLOAD_IDS[key].model
                want[key] = value + k * top[related]
                assert related.objects.filter(pk=want[key], case_id=event.case_id).exists()
        assert event.payload == want, f"event {event.pk}"
    assert {"due_at", "parent", "notice", "reply", "dispute", "suspension", "extension", "after"} <= seen


def test_facts_rebuilt_from_the_copied_log_are_the_originals_moved(scaled: dict[str, Any]) -> None:
    top = scaled["top"]
    for model, rows in scaled["facts"].items():
        for k in range(1, FACTOR):
            shift = timedelta(seconds=k * STEP)
            got = list(
                model.objects.filter(case_id__gt=k * top[Case], case_id__lte=(k + 1) * top[Case])
                .order_by("case_id", "seq")
                .values()
            )
            assert len(got) == len(rows)
            for old, new in zip(rows, got, strict=True):
                want = _moved(model, old, shift, {Case: k * top[Case]})
                assert {c: v for c, v in new.items() if c != "id"} == {
                    c: v for c, v in want.items() if c != "id"
                }
    # And the exact path (`mochou stats recompute --check`) still equals the tables.
    newest = timezone.localtime(Case.objects.order_by("-created_at").values_list("created_at", flat=True)[0])
    for m in (month(newest.year, newest.month), month(newest.year, newest.month).previous()):
        assert exact_counts(m) == count_units(Window(m.since, m.as_of()))


def test_register_case_numbers_past_the_copies(scaled: dict[str, Any]) -> None:
    agent = User.objects.filter(role=Role.AGENT).first()
    assert agent is not None
    today = f"{timezone.localdate():%Y%m%d}"
    issued = {n for n in Case.objects.filter(number__startswith=today).values_list("number", flat=True)}
    case = services.register_case(
        actor=agent, channel=Channel.HOTLINE, kind=Kind.COMPLAINT, title="路灯不亮",
        content="小区门口的路灯坏了一个多星期，请尽快维修。", citizen_phone="13800000000",
    )  # fmt: skip
    assert case.number.startswith(today)
    assert case.number not in issued
    assert int(case.number[8:]) > max((int(n[8:]) for n in issued), default=0)
