"""The demo: twelve agencies, needs in every state on the investment demo's projects, twice."""

from __future__ import annotations

import pytest

from conftest import WORKING_MORNING
from intermediaries import ranking
from intermediaries.demo import seed_intermediaries
from intermediaries.models import Agency, Need
from intermediaries.workflow import State

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock", "calendar")]


def test_demo_seeds_every_state_once() -> None:
    from accounts.demo import seed_users
    from enterprises.demo import seed_enterprises
    from investment.demo import seed_investment
    from org.demo import seed_org

    seed_org()
    seed_users()
    seed_enterprises()
    seed_investment(seed=7, now=WORKING_MORNING)
    seed_intermediaries(seed=7, now=WORKING_MORNING)
    seed_intermediaries(seed=7, now=WORKING_MORNING)  # idempotent
    assert Agency.objects.count() == 12
    assert Agency.objects.filter(checked_at__isnull=False).count() == 12
    assert set(Need.objects.values_list("state", flat=True)) == set(State.values)
    assert Need.objects.count() == 15
    assert Need.objects.filter(on_time=False).exists()
    assert Need.objects.filter(on_time=True).exists()
    records = ranking.records(today=WORKING_MORNING.date())
    assert sum(r.delivered for r in records) == 5
    assert any(not r.qualified for r in records)  # the agency whose 资质 lapsed
