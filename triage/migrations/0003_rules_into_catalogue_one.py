"""Today's dispatch rules become version 1 of the dispatch catalogue, published and in force since
2000-01-01: the suggestions made so far came from exactly these rules."""

from datetime import UTC, datetime

from django.db import migrations
from django.db.models import Q

EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


def rules_into_the_first_version(apps, schema_editor):
    DispatchCatalogue = apps.get_model("triage", "DispatchCatalogue")
    DispatchRule = apps.get_model("triage", "DispatchRule")
    if not DispatchRule.objects.exists():
        return  # a new database: the first version is drafted and published in the admin (or the demo's)
    version = DispatchCatalogue.objects.create(
        number=1,
        status="published",
        valid_from=EPOCH,
        note="迁移自原派单规则",
        created_at=EPOCH,
        published_at=EPOCH,
    )
    DispatchRule.objects.update(version=version)


def rules_out_of_the_catalogue(apps, schema_editor):
    """Back to one set of rules: those of the version in force now (the others are dropped)."""
    DispatchCatalogue = apps.get_model("triage", "DispatchCatalogue")
    DispatchRule = apps.get_model("triage", "DispatchRule")
    Suggestion = apps.get_model("triage", "Suggestion")
    now = datetime.now(UTC)
    current = (
        DispatchCatalogue.objects.filter(status="published", valid_from__lte=now)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=now))
        .order_by("-valid_from")
        .first()
    )
    DispatchRule.objects.exclude(version=current).delete()
    DispatchRule.objects.update(version=None)
    Suggestion.objects.update(catalogue=None)
    DispatchCatalogue.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("triage", "0002_dispatch_catalogue"),
    ]

    operations = [
        migrations.RunPython(rules_into_the_first_version, rules_out_of_the_catalogue),
    ]
