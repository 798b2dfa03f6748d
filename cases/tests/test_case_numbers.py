"""受理编号: one day's numbers in order from 00001, on PostgreSQL from a sequence (no row lock held
until each registration commits), on SQLite under the day's row lock."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.db import connection

from cases.models import CaseNumberCounter
from cases.services.common import _nextval
from tests import factories as f

pytestmark = pytest.mark.django_db
DAY = date(2025, 9, 24)  # the clock fixture's day
on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="the sequence is PostgreSQL's")


def test_a_day_counts_from_one(city: Any, clock: Any) -> None:
    numbers = [f.make_case(city).number for _ in range(3)]
    assert numbers == ["2025092400001", "2025092400002", "2025092400003"]


def test_a_day_counted_under_the_lock_carries_on_after_its_last_number(city: Any, clock: Any) -> None:
    CaseNumberCounter.objects.create(day=DAY, last=7)  # as a database upgraded mid-day has it
    assert [f.make_case(city).number for _ in range(2)] == ["2025092400008", "2025092400009"]


@on_postgresql
def test_a_value_drawn_before_the_days_base_is_never_a_number_again(city: Any, clock: Any) -> None:
    # Two first registrations at once: the other one wrote a base above the value this one drew.
    CaseNumberCounter.objects.create(day=DAY, last=0, sequence_base=_nextval() + 3)
    assert f.make_case(city).number == "2025092400001"
    counter = CaseNumberCounter.objects.get(day=DAY)
    assert counter.last == 0  # the hot row is not written per registration
