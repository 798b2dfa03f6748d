"""Two indexes for the read side at scale (docs/benchmarks.md, "At 1,000,000 cases"): the open
加急 cases of the leaders' homes, oldest first (a partial index over the urgent cases only, a
small share of the table), and one action of the event log over a period (the 督办 per unit of a month).

Both are plain CREATE INDEX, which holds writes on the table while it builds (seconds at 1M
cases, 6.5M events). Where that pause matters, build them first with CREATE INDEX CONCURRENTLY
under the same names and then record this migration with `mochou migrate cases 0012 --fake`.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("cases", "0011_case_number_sequence")]

    operations = [
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                condition=models.Q(("urgency", "urgent")), fields=["created_at"], name="case_urgent_created"
            ),
        ),
        migrations.AddIndex(
            model_name="caseevent",
            index=models.Index(fields=["action", "created_at"], name="case_event_action_created"),
        ),
    ]
