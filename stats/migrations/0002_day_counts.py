"""The daily counters (DayCount) and the indexes a running window's day so far reads.

On a database whose fact tables are empty (a new installation) the counters are complete as they
are: the mark says so, and they are kept from the first case on. Where fact rows exist, the
counters are left to be counted by the stats sweep (or `mochou stats rebuild --tally`), because at
1,000,000 cases that takes minutes; until then the pages count on the fact tables, as before.
"""

from django.db import migrations, models


def mark_empty_tables_counted(apps, schema_editor):
    db = schema_editor.connection.alias
    facts = [apps.get_model("stats", name) for name in ("StintFact", "AnswerFact", "CallbackFact")]
    if not any(model.objects.using(db).exists() for model in facts):
        apps.get_model("stats", "BuildMark").objects.using(db).update_or_create(name="tally")


def unmark(apps, schema_editor):
    apps.get_model("stats", "BuildMark").objects.using(schema_editor.connection.alias).filter(name="tally").delete()


class Migration(migrations.Migration):

    dependencies = [
        ('stats', '0001_initial'),
    ]

    operations = [
        migrations.CreateModel(
            name='DayCount',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('unit', models.IntegerField(verbose_name='考核单位')),
                ('day', models.DateField()),
                ('known', models.DateField()),
                ('dispatched', models.IntegerField(default=0)),
                ('returned', models.IntegerField(default=0)),
                ('accept_due', models.IntegerField(default=0)),
                ('accepted_on_time', models.IntegerField(default=0)),
                ('handle_due', models.IntegerField(default=0)),
                ('handled_on_time', models.IntegerField(default=0)),
                ('handled', models.IntegerField(default=0)),
                ('response_due', models.IntegerField(default=0)),
                ('responded', models.IntegerField(default=0)),
                ('answered', models.IntegerField(default=0)),
                ('reopened', models.IntegerField(default=0)),
                ('callback_due', models.IntegerField(default=0)),
                ('called_back', models.IntegerField(default=0)),
                ('rated', models.IntegerField(default=0)),
                ('resolved', models.IntegerField(default=0)),
                ('satisfied', models.IntegerField(default=0)),
                ('unreachable', models.IntegerField(default=0)),
                ('answered_at_intake', models.IntegerField(default=0)),
                ('disposed', models.IntegerField(default=0)),
            ],
            options={
                'verbose_name': '日计数（统计）',
                'verbose_name_plural': '日计数（统计）',
            },
        ),
        migrations.AddIndex(
            model_name='answerfact',
            index=models.Index(fields=['called_back_at'], name='answer_fact_called_back'),
        ),
        migrations.AddIndex(
            model_name='answerfact',
            index=models.Index(fields=['reopened_at'], name='answer_fact_reopened'),
        ),
        migrations.AddIndex(
            model_name='callbackfact',
            index=models.Index(fields=['next_at'], name='callback_fact_next'),
        ),
        migrations.AddIndex(
            model_name='stintfact',
            index=models.Index(fields=['returned_at'], name='stint_returned'),
        ),
        migrations.AddIndex(
            model_name='stintfact',
            index=models.Index(fields=['answered_at'], name='stint_answered'),
        ),
        migrations.AddIndex(
            model_name='daycount',
            index=models.Index(fields=['day', 'known'], name='day_count_day'),
        ),
        migrations.AddConstraint(
            model_name='daycount',
            constraint=models.UniqueConstraint(fields=('unit', 'day', 'known'), name='day_count_once'),
        ),
        migrations.RunPython(mark_empty_tables_counted, unmark),
    ]
