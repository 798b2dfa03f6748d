"""Migration 0007 stamps the 制止 and 限期拆除决定 deadlines of violations confirmed or stopped
before the stamps existed, as the verbs would have (back to before, data in, forward again)."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from enforcement import deadlines
from enforcement.models import Violation
from enforcement.tests.conftest import Control, violation_in
from enforcement.workflow import State

BEFORE = [("enforcement", "0006_reminders_before_stop_order_and_plan")]
AFTER = [("enforcement", "0007_stamp_stop_and_order_deadlines")]


@pytest.mark.usefixtures("clock")
def test_old_violations_get_the_deadlines_the_verbs_would_have_stamped(
    executor: MigrationExecutor, control: Control
) -> None:
    confirmed = violation_in(control, State.CONFIRMED)
    stopped = violation_in(control, State.STOPPED)  # stopped 2025-09-24: through 国庆 and its 调休
    closed = violation_in(control, State.CLOSED)
    reported = violation_in(control, State.REPORTED)
    expected = {
        v.pk: (Violation.objects.get(pk=v.pk).stop_by, Violation.objects.get(pk=v.pk).order_by)
        for v in (confirmed, stopped, closed, reported)
    }
    executor.migrate(BEFORE)
    old = MigrationExecutor(connection).loader.project_state(BEFORE).apps
    OldViolation = old.get_model("enforcement", "Violation")
    OldViolation.objects.update(stop_by=None, order_by=None)  # as before 0004 stamped them

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    stamped = {v.pk: (v.stop_by, v.order_by) for v in Violation.objects.all()}
    assert stamped == expected
    assert stamped[reported.pk] == (None, None)  # never confirmed: nothing was owed
    assert stamped[confirmed.pk][1] is None  # not stopped yet
    stop_by, order_by = stamped[stopped.pk]
    assert order_by is not None
    assert timezone.localtime(order_by).date() == date(2025, 10, 14)
    # The copy in the migration agrees with enforcement.deadlines, which the verbs use.
    event = Violation.objects.get(pk=stopped.pk).events.get(action="stop")
    assert order_by == deadlines.order_deadline(event.created_at)
    assert stop_by == deadlines.stop_deadline(
        Violation.objects.get(pk=stopped.pk).events.get(action="confirm").created_at
    )

    # Run again over stamped rows: nothing changes.
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    assert {v.pk: (v.stop_by, v.order_by) for v in Violation.objects.all()} == expected
