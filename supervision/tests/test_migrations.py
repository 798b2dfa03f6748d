"""The move of the 督办单 from cases to supervision, run for real: a notice made by the old model
(cases.SupervisionNotice, before cases 0009) is the same row afterwards, as supervision.Notice,
with its fields, a number and the event that issued it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from tests.factories import accepted_case, make_city

CASES_BEFORE = ("cases", "0008_callback_ratings_rectification")
BEFORE: list[tuple[str, str | None]] = [CASES_BEFORE, ("supervision", None)]
AFTER = [("supervision", "0005_migrated_notices_not_escalated")]


def test_a_notice_of_before_the_move_survives_with_its_fields(
    executor: MigrationExecutor, calendar: Any
) -> None:
    city = make_city()  # cases, units and users through the services, on the newest schema
    case = accepted_case(city)
    executor.migrate(BEFORE)  # ("supervision", None): the app unapplied entirely
    old = MigrationExecutor(connection).loader.project_state(CASES_BEFORE).apps
    assert "supervisionnotice" in old.all_models["cases"]
    Old = old.get_model("cases", "SupervisionNotice")
    issued = timezone.now() - timedelta(days=3)
    made = Old.objects.create(
        case_id=case.pk,
        unit_id=city.housing.pk,
        supervisor_id=city.users["supervisor"].pk,
        body="该件已超期，请于两个工作日内办结并反馈。",
        respond_by=issued + timedelta(days=2),
        created_at=issued,
    )

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    assert "supervisionnotice" not in new.all_models["cases"]
    Notice = new.get_model("supervision", "Notice")
    assert Notice._meta.db_table == "supervision_notice"
    notice = Notice.objects.get(pk=made.pk)
    assert (notice.case_id, notice.unit_id, notice.supervisor_id) == (
        case.pk,
        city.housing.pk,
        made.supervisor_id,
    )
    assert notice.body == "该件已超期，请于两个工作日内办结并反馈。"
    assert (notice.respond_by, notice.created_at) == (made.respond_by, made.created_at)
    assert (notice.state, notice.colour) == ("issued", "blue")
    assert notice.number == f"DB{timezone.localtime(issued).year}-{made.pk:05d}"
    event = new.get_model("supervision", "NoticeEvent").objects.get(notice_id=notice.pk)
    assert (event.seq, event.action, event.to_state, event.actor_id) == (
        1,
        "issue",
        "issued",
        made.supervisor_id,
    )
    assert event.created_at == issued
    # It could not have been answered before the move: the sweep must not escalate it for that.
    reminders = new.get_model("supervision", "NoticeReminder").objects.filter(notice_id=notice.pk)
    assert set(reminders.values_list("kind", "deadline")) == {
        ("respond_near", made.respond_by),
        ("respond_overdue", made.respond_by),
    }
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
    assert "supervision_notice" in tables
    assert "cases_supervisionnotice" not in tables
