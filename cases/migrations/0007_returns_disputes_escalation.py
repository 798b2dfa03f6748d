# Placeholder in the migration chain, filled by the work on: F2 (退单、派单异议审核、提级办理).

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("cases", "0006_case_override")]

    operations: list[migrations.operations.base.Operation] = []
