"""The demo seeds every state through the services, and a second run adds nothing."""

from __future__ import annotations

import pytest

from accounts.demo import seed_users
from conftest import WORKING_MORNING
from duty.demo import seed_duty
from duty.models import DailyChase, DailyReport, DutyTask, Incident, IncidentReport, Shift, Swap
from duty.services.reserves import shortfalls
from duty.workflow import State, TaskState
from org.demo import seed_org
from org.models import Unit, UnitKind

pytestmark = pytest.mark.django_db


def test_the_demo_shows_every_state_and_is_idempotent(calendar: None) -> None:
    seed_org()
    # A few units keep the test fast (each has a roster of 17 days); the rest of the city is idle.
    kept = ["D-YJJ", "D-ZJJ", "D-JTJ", "420881001", "420881002", "420881103"]
    Unit.objects.exclude(code__in=kept).exclude(kind=UnitKind.CENTRE).update(is_active=False)
    seed_users()
    seed_duty(seed=42, now=WORKING_MORNING)
    counts = (Shift.objects.count(), DailyReport.objects.count(), Incident.objects.count())
    assert set(Incident.objects.values_list("state", flat=True)) == set(State.values)
    assert set(DutyTask.objects.values_list("state", flat=True)) == set(TaskState.values)
    assert set(Swap.objects.values_list("status", flat=True)) == {"pending", "approved"}
    assert IncidentReport.objects.filter(kind="follow", seq=2).exists()
    assert any(r.late for r in IncidentReport.objects.filter(kind="first"))
    assert any(r.late for r in DailyReport.objects.all())
    assert DailyChase.objects.filter(rung="sms").exists()
    assert Incident.objects.filter(leaders_told_level="3").exists()
    whys = {s.why for s in shortfalls(WORKING_MORNING)}
    assert {"检查未达标", "超过30天未检查"} <= whys
    seed_duty(seed=42, now=WORKING_MORNING)
    assert (Shift.objects.count(), DailyReport.objects.count(), Incident.objects.count()) == counts
