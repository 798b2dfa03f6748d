"""The demo's notices carried on through the verbs: some signed, answered, approved, the rest
escalated by the sweep at the demo's now; every notice is what its event log says."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from cases import services as case_services
from supervision.demo import seed_notices
from supervision.models import Notice
from supervision.workflow import State
from tests.factories import City, accepted_case

pytestmark = pytest.mark.django_db


def test_seeded_notices_spread_over_the_loop(city: City, clock: Any) -> None:
    now = timezone.now()
    for days in range(12, 0, -1):
        case = accepted_case(city)
        case_services.supervise(
            case,
            actor=city.users["supervisor"],
            body="请抓紧办理并按期反馈办理情况。",
            now=now - timedelta(days=days),
        )
    report = seed_notices(seed=3, now=now)
    states = set(Notice.objects.values_list("state", flat=True))
    assert {State.ANSWERED, State.ESCALATED} <= states
    assert report.escalated == Notice.objects.filter(state=State.ESCALATED).count()
    for notice in Notice.objects.prefetch_related("events"):
        events = list(notice.events.all())
        assert events[-1].to_state == notice.state
        assert all(e.created_at <= now for e in events)
    again = seed_notices(seed=3, now=now)
    assert again.escalated == 0
