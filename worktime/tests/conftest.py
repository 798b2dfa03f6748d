from __future__ import annotations

from collections.abc import Iterator

import pytest

from worktime.calendar import clear_cache
from worktime.seeding import seed_year


@pytest.fixture(autouse=True)
def _fresh_calendar_cache() -> Iterator[None]:
    # The cache is per process while each test's rows roll back: never let a year leak across.
    clear_cache()
    yield
    clear_cache()


@pytest.fixture
def calendar_2025(db: None) -> None:
    seed_year(2025)


@pytest.fixture
def calendar_2025_2026(db: None) -> None:
    seed_year(2025)
    seed_year(2026)
