"""Two queue pools read in their own order: 待派单 (加急 first, newest first) and 回访池 (longest
waiting first). At 1,000,000 cases each page sorted every waiting case: 25 ms and 173 ms of SQL,
0.5 ms each with these (EXPLAIN ANALYZE, docs/benchmarks.md). Plain CREATE INDEX, as in 0012: it
holds writes on the table while it builds (7 s for both at 1M cases on this machine)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0012_read_side_indexes'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='case',
            index=models.Index(fields=['state', '-urgency', '-created_at'], name='case_state_urgency_created'),
        ),
        migrations.AddIndex(
            model_name='case',
            index=models.Index(fields=['state', 'replied_at', 'id'], name='case_state_replied'),
        ),
    ]
