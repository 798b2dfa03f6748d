"""The 督查室's demo: the seed record's drafts reviewed into tasks spread over every state,
the plans' indicators with figures, notices of each colour; a second run changes nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.demo import seed_users
from accounts.models import User
from org.demo import seed_org
from supervision.plan_data import PLANS
from supervision.task_demo import seed_tasks
from supervision.task_models import DraftStatus, DraftTask, Indicator, Task, TaskNotice
from supervision.task_workflow import TaskState

pytestmark = pytest.mark.django_db


def test_the_demo_shows_every_state(calendar: None, clock: Any, client: Client) -> None:
    seed_org()
    seed_users()
    now = timezone.now()
    report = seed_tasks(seed=1, now=now)
    states = set(Task.objects.values_list("state", flat=True))
    assert states == set(TaskState)
    assert report.drafts_pending == 3
    assert DraftTask.objects.filter(status=DraftStatus.DISCARDED).exists()
    assert set(TaskNotice.objects.values_list("colour", flat=True)) >= {"blue", "yellow", "red"}
    assert Task.objects.filter(extension_step="supervisor_ok").exists()
    assert Task.objects.filter(parent__isnull=False).count() == 3
    # Every indicator of the eight plans, those fed by another app's figures included.
    assert Indicator.objects.count() == sum(len(plan.indicators) for plan in PLANS) == 8
    assert Indicator.objects.get(code="park-output-share").measurements.exists()
    for task in Task.objects.prefetch_related("events"):
        events = list(task.events.all())
        assert events[-1].to_state == task.state
        assert all(e.created_at <= now for e in events)
    # Every page renders the demo's data (one task per state, as the 督查员 and the leader).
    for username in ("supervisor1", "leader1"):
        client.force_login(User.objects.get(username=username))
        for url in (
            "supervision:cockpit",
            "supervision:tasks",
            "supervision:bulletin",
            "supervision:records",
        ):
            assert client.get(reverse(url)).status_code == (
                403 if url.endswith("records") and username == "leader1" else 200
            )
        for state in TaskState:
            shown = Task.objects.filter(state=state).first()
            assert shown is not None
            assert client.get(reverse("supervision:task", args=[shown.number])).status_code == 200
        for notice in TaskNotice.objects.all()[:3]:
            assert client.get(reverse("supervision:task_notice", args=[notice.number])).status_code == 200
        for indicator in Indicator.objects.all():
            assert client.get(reverse("supervision:indicator", args=[indicator.code])).status_code == 200
    record = DraftTask.objects.first().record  # type: ignore[union-attr]
    client.force_login(User.objects.get(username="supervisor1"))
    assert "确认立项" in client.get(reverse("supervision:record", args=[record.pk])).content.decode()
    count = Task.objects.count()
    seed_tasks(seed=1, now=now)
    assert Task.objects.count() == count
