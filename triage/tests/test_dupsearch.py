"""The engine's duplicate candidates (triage.dupsearch, issue 17): PostgreSQL with pg_trgm only."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from cases.models import Case
from tests.factories import City, closed_case, make_case
from triage import dupsearch

pytestmark = pytest.mark.django_db

DRAIN = "小区门口的下水道堵塞了，污水漫到路面上，已经三天没人来处理"
SIMILAR = "小区门口下水道堵了，污水漫到路上三天了没人处理"


@pytest.fixture(autouse=True)
def _fresh() -> Iterator[None]:
    dupsearch.reset()
    yield
    dupsearch.reset()


@pytest.fixture
def trgm(db: None) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("pg_trgm is PostgreSQL's; SQLite keeps the in-memory index")
    with connection.cursor() as cur:  # inside the test's transaction: rolled back after it
        cur.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")


def test_a_near_duplicate_in_the_window_is_found_not_a_closed_or_old_one(trgm: None, city: City) -> None:
    found = make_case(city, title="小区门口下水道堵塞", content=DRAIN)
    closed = closed_case(city, title="小区门口下水道堵塞", content=DRAIN)
    old = make_case(city, title="小区门口下水道堵塞", content=DRAIN)
    make_case(city, title="学校门口乱停车", content="学校门口每天早上乱停车，堵得走不动")
    Case.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=40))
    assert dupsearch.available()
    ids = [c["case_id"] for c in dupsearch.possible_duplicates(SIMILAR, title="下水道堵塞")]
    assert ids[:1] == [found.pk]
    assert closed.pk not in ids
    assert old.pk not in ids


def test_without_the_extension_it_is_not_available_and_says_so_once(
    db: None, caplog: pytest.LogCaptureFixture
) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("DROP EXTENSION IF EXISTS pg_trgm")
    assert not dupsearch.available()
    assert not dupsearch.available()
    said = [r for r in caplog.records if "pg_trgm" in r.getMessage()]
    assert len(said) == (1 if connection.vendor == "postgresql" else 0)
