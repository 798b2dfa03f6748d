"""The demo seed: the catalogue, the packages and every state of the loop, twice (idempotent)."""

from __future__ import annotations

import pytest

from affairs.demo import seed_affairs
from affairs.demo_catalogue import MATTERS
from affairs.models import Application, Matter
from affairs.workflow import State
from conftest import WORKING_MORNING

pytestmark = pytest.mark.django_db


def test_demo_seeds_every_state_once(clock, calendar):
    from accounts.demo import seed_users
    from knowledge.demo import seed_guides
    from org.demo import seed_org

    seed_org()
    seed_guides()
    seed_users()
    seed_affairs(seed=7, now=WORKING_MORNING)
    assert Matter.objects.live().count() == len(MATTERS) >= 40
    assert Matter.objects.live().filter(guide__isnull=False).count() >= 30
    states = set(Application.objects.values_list("state", flat=True))
    assert states == set(State.values)
    reused = Application.objects.get(matter__code="GAJ-HJ-02", channel="online", applicant__name="陈海燕")
    # The ID card and the new property certificate are on file; the 户口簿 was never given.
    assert reused.missing == ["居民户口簿"]
    total = Application.objects.count()
    seed_affairs(seed=7, now=WORKING_MORNING)
    assert Application.objects.count() == total
    assert Application.objects.filter(joint__isnull=False).count() == 9
