# Placeholder in the migration chain, filled by the work on: F4 (督办单迁入 supervision).

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("cases", "0008_callback_ratings_rectification")]

    operations: list[migrations.operations.base.Operation] = []
