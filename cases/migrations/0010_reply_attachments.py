# Placeholder in the migration chain, filled by the work on: F5 (答复附件).

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("cases", "0009_notice_moves_to_supervision")]

    operations: list[migrations.operations.base.Operation] = []
