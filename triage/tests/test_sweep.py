"""The triage sweep: a case whose after-commit hook never ran (the web process died right after
the registration committed) is triaged by the worker, exactly once, however many sweeps run."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from pytest_django.fixtures import Settings
from time_machine import Traveller

from cases.models import Case, CaseEvent
from tests import factories as f
from tests.concurrency import at_once
from tests.factories import City
from triage import tasks
from triage.models import Suggestion
from triage.services import TRIAGE_GRACE, TRIAGE_LOOKBACK, sweep_untriaged, triage_new_case, untriaged_cases

pytestmark = pytest.mark.django_db

DRAIN = {
    "title": "郢中街道小区门口下水道堵塞",
    "content": "郢中街道莫愁湖路小区门口的下水道堵塞好几天了，污水漫到路面，臭气熏天，请尽快疏通管网。",
    "category": None,
}


def registered_without_triage(city: City, settings: Settings) -> Case:
    """As after a crash between the commit and the hook: the case is there, its triage is not."""
    settings.MOCHOU_TRIAGE = False
    case = f.make_case(city, **DRAIN)
    settings.MOCHOU_TRIAGE = True
    return case


def triage_count(case: Case) -> tuple[int, int]:
    return Suggestion.objects.filter(case=case).count(), CaseEvent.objects.filter(
        case=case, action="triage"
    ).count()


def test_a_case_whose_hook_never_ran_is_triaged_once_by_the_sweep(
    city: City, clock: object, triage_on: Path, settings: Settings
) -> None:
    case = registered_without_triage(city, settings)
    assert untriaged_cases(case.created_at + TRIAGE_GRACE / 2) == []  # its hook may still be running
    later = case.created_at + TRIAGE_GRACE + timedelta(seconds=1)
    assert untriaged_cases(later) == [case.pk]
    assert sweep_untriaged(later) == 1
    assert triage_count(case) == (1, 1)
    assert sweep_untriaged(later) == 0  # a re-run finds nothing
    assert triage_new_case(case.pk) is None  # nor does a late hook
    assert triage_count(case) == (1, 1)


def test_the_periodic_task_runs_the_sweep(
    city: City, clock: Traveller, triage_on: Path, settings: Settings
) -> None:
    case = registered_without_triage(city, settings)
    clock.shift(TRIAGE_GRACE + timedelta(seconds=1))
    assert tasks.triage_sweep.call_local() == 1
    assert triage_count(case) == (1, 1)


def test_the_sweep_leaves_old_cases_and_does_nothing_with_triage_off(
    city: City, clock: object, triage_on: Path, settings: Settings
) -> None:
    case = registered_without_triage(city, settings)
    assert untriaged_cases(case.created_at + TRIAGE_LOOKBACK + timedelta(minutes=1)) == []
    settings.MOCHOU_TRIAGE = False
    assert sweep_untriaged(case.created_at + TRIAGE_GRACE * 2) == 0
    assert triage_count(case) == (0, 0)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite serialises writers: no race to lose")
@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_triage_each_case_once(
    calendar: None, triage_on: Path, settings: Settings
) -> None:
    city = f.make_city()
    cases = [registered_without_triage(city, settings) for _ in range(6)]
    later = max(c.created_at for c in cases) + TRIAGE_GRACE + timedelta(seconds=1)
    done = at_once(lambda: sweep_untriaged(later), 3)
    assert sum(done) == len(cases)
    assert [triage_count(c) for c in cases] == [(1, 1)] * len(cases)
