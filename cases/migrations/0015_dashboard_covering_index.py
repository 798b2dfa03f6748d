"""The dashboard's counts read from an index: created_at with the columns the charts group and
filter by (channel, category, township, lead unit) as INCLUDE columns on PostgreSQL, so a year's
chart at 1,000,000 cases is an index-only scan instead of a scan of the wide table (docs/
benchmarks.md). It replaces created_at's own index (db_index), which it covers: the new one is
built first, so created_at is never without an index. On SQLite (no INCLUDE) it is an index on
created_at alone, like the one it replaces.

Plain CREATE INDEX, as in 0012 and 0013: it holds writes on cases while it builds (0.8 s at
1,000,000 cases on this machine) and the old index goes in the same transaction. Run it with the
server stopped or at a quiet hour (docs/deploy.md, "Upgrading")."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0014_contact_action'),
        ('org', '0001_unit_tree'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name='case',
            index=models.Index(
                fields=['created_at'],
                include=('channel', 'category', 'township', 'lead_unit'),
                name='case_created_cover',
            ),
        ),
        migrations.AlterField(
            model_name='case',
            name='created_at',
            field=models.DateTimeField(verbose_name='登记时间'),
        ),
    ]
