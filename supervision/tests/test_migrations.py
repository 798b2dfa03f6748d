"""The move of the 督办单 from cases to supervision, run for real: a notice made by the old model
(cases.SupervisionNotice, before cases 0009) is the same row afterwards, as supervision.Notice,
with its fields, a number and the event that issued it."""

from __future__ import annotations

from datetime import timedelta

from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

CASES_BEFORE = ("cases", "0008_callback_ratings_rectification")
BEFORE = [CASES_BEFORE]  # on an empty database: supervision is not there yet
AFTER = [("supervision", "0005_migrated_notices_not_escalated")]


def test_a_notice_of_before_the_move_survives_with_its_fields(empty_executor: MigrationExecutor) -> None:
    empty_executor.migrate(BEFORE)
    old = MigrationExecutor(connection).loader.project_state(CASES_BEFORE).apps
    assert "supervisionnotice" in old.all_models["cases"]
    assert "supervision" not in old.app_configs
    Unit, User = old.get_model("org", "Unit"), old.get_model("accounts", "User")
    housing = Unit.objects.create(code="D-ZJJ", name="钟祥市住房和城乡建设局", kind="department")
    supervisor = User.objects.create(username="supervisor", role="supervisor", password="!")
    issued = timezone.now() - timedelta(days=3)
    case = old.get_model("cases", "Case").objects.create(
        number="2025092400001", channel="hotline", kind="complaint", title="下水道堵塞",
        content="小区门口下水道堵塞。", state="handling", lead_unit_id=housing.pk,
        created_at=issued - timedelta(days=10),
    )  # fmt: skip
    Old = old.get_model("cases", "SupervisionNotice")
    made = Old.objects.create(
        case_id=case.pk,
        unit_id=housing.pk,
        supervisor_id=supervisor.pk,
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
    assert (notice.case_id, notice.unit_id, notice.supervisor_id) == (case.pk, housing.pk, supervisor.pk)
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
