# Placeholder in the migration chain, filled by the work on: F3 (好差评、整改、回访池).

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("cases", "0007_returns_disputes_escalation")]

    operations: list[migrations.operations.base.Operation] = []
