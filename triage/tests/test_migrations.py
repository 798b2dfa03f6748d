"""Data migrations, run for real on the test database: back to before, data in, forward again."""

from __future__ import annotations

from datetime import UTC, datetime

from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from cases.models import Category
from org.models import Unit

BEFORE = [("triage", "0001_dispatch_rules_suggestions_examples")]
AFTER = [("triage", "0004_rule_version_required")]


def test_todays_rules_become_catalogue_version_one_published_since_2000(executor: MigrationExecutor) -> None:
    executor.migrate(BEFORE)
    old = MigrationExecutor(connection).loader.project_state(BEFORE).apps
    # Only triage went back: units and categories are at today's schema, so today's models make them.
    township = Unit.objects.create(code="420881001", name="郢中街道", kind="township")
    housing = Unit.objects.create(code="D-ZJJ", name="钟祥市住房和城乡建设局", kind="department")
    top = Category.objects.create(name="城乡建设", level=1, path="城乡建设")
    OldRule = old.get_model("triage", "DispatchRule")
    rule = OldRule.objects.create(
        category_id=top.pk, township_id=township.pk, lead_unit_id=township.pk, note="街道主办"
    )
    rule.co_units.add(housing.pk)
    citywide = OldRule.objects.create(category_id=top.pk, lead_unit_id=housing.pk)

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    version = new.get_model("triage", "DispatchCatalogue").objects.get()
    assert (version.number, version.status, version.valid_to) == (1, "published", None)
    assert version.valid_from == datetime(2000, 1, 1, tzinfo=UTC)
    rules = new.get_model("triage", "DispatchRule").objects.order_by("pk")
    assert [(r.pk, r.version_id, r.lead_unit_id, r.note) for r in rules] == [
        (rule.pk, version.pk, township.pk, "街道主办"),
        (citywide.pk, version.pk, housing.pk, ""),
    ]
    assert list(rules.first().co_units.values_list("pk", flat=True)) == [housing.pk]


def test_a_new_database_gets_no_empty_version(executor: MigrationExecutor) -> None:
    executor.migrate(BEFORE)
    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    assert not new.get_model("triage", "DispatchCatalogue").objects.exists()
