"""Data migrations, run for real: an empty database migrated to just before, data in, forward again."""

from __future__ import annotations

from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("cases", "0004_case_suspension")]
AFTER = [("cases", "0005_limit_versions")]


def test_the_categories_limits_become_version_one_with_existing_cases_pinned(
    empty_executor: MigrationExecutor,
) -> None:
    empty_executor.migrate(BEFORE)
    old = MigrationExecutor(connection).loader.project_state(BEFORE).apps
    Category = old.get_model("cases", "Category")
    top = Category.objects.create(name="城乡建设", level=1, path="城乡建设", accept_hours=2, handle_days=10)
    Category.objects.create(name="市政设施", level=2, path="城乡建设/市政设施", parent=top)

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    version = new.get_model("cases", "LimitVersion").objects.get()
    assert (version.number, version.status) == (1, "published")
    entries = list(
        new.get_model("cases", "CategoryLimit").objects.values_list(
            "category_id", "accept_hours", "handle_days"
        )
    )
    assert entries == [(top.pk, 2, 10)]  # only the category that set limits; the child inherits
