"""受理编号 without a hot row on PostgreSQL: the sequence cases_case_number_seq and the day's base
(CaseNumberCounter.sequence_base). SQLite keeps counting under the row lock: nothing to create."""

from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

SEQUENCE = "cases_case_number_seq"


def create_sequence(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"CREATE SEQUENCE IF NOT EXISTS {SEQUENCE}")


def drop_sequence(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP SEQUENCE IF EXISTS {SEQUENCE}")


class Migration(migrations.Migration):
    dependencies = [("cases", "0010_reply_attachments")]

    operations = [
        migrations.AddField(
            model_name="casenumbercounter",
            name="sequence_base",
            field=models.BigIntegerField(blank=True, null=True),
        ),
        migrations.RunPython(create_sequence, drop_sequence),
    ]
