"""The demo: violations across the townships in every state, through the verbs; idempotent."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from accounts.demo import seed_users
from enforcement.demo import seed_enforcement
from enforcement.models import Violation
from enforcement.workflow import State
from org.demo import seed_org

pytestmark = pytest.mark.django_db


def test_the_demo_shows_every_state_across_the_townships(
    calendar: None, clock: Any, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    seed_org()
    seed_users()
    now = timezone.localtime()
    seed_enforcement(seed=42, now=now)
    states = set(Violation.objects.values_list("state", flat=True))
    assert states == set(State)
    assert Violation.objects.values("township").distinct().count() == 31
    assert Violation.objects.filter(demolition_kind="forced").exists()
    assert Violation.objects.filter(accountabilities__isnull=False).exists()
    for v in Violation.objects.all():
        assert v.events.order_by("-seq").first().to_state == v.state  # type: ignore[union-attr]
    count = Violation.objects.count()
    seed_enforcement(seed=42, now=now)
    assert Violation.objects.count() == count
