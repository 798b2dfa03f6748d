"""排队号 without a hot row on PostgreSQL: one sequence per queue letter (hall.numbering), used
with the day's base in QueueDay. SQLite counts under the day's row: nothing to create."""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

LETTERS = "abcdefghijklmnopqrstuvwxyz"


def create_sequences(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        for letter in LETTERS:
            schema_editor.execute(f"CREATE SEQUENCE IF NOT EXISTS hall_ticket_seq_{letter}")


def drop_sequences(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        for letter in LETTERS:
            schema_editor.execute(f"DROP SEQUENCE IF EXISTS hall_ticket_seq_{letter}")


class Migration(migrations.Migration):
    dependencies = [("hall", "0001_initial")]

    operations = [migrations.RunPython(create_sequences, drop_sequences)]
