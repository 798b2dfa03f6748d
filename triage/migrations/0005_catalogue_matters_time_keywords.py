"""The dispatch catalogue's entries become matters (issue 10): a time of day, keywords and the duty
they rest on; a plain entry stays unique per category × township, entries with conditions may be
several. A suggestion keeps why it named its unit (reason) and where the unit came from."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("triage", "0004_rule_version_required"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="dispatchrule",
            options={"verbose_name": "派单目录事项", "verbose_name_plural": "派单目录事项"},
        ),
        migrations.RemoveConstraint(
            model_name="dispatchrule",
            name="one_rule_per_version_category_township",
        ),
        migrations.RemoveConstraint(
            model_name="dispatchrule",
            name="one_citywide_rule_per_version_category",
        ),
        migrations.AddField(
            model_name="dispatchrule",
            name="basis",
            field=models.CharField(
                blank=True,
                help_text="三定规定、派单口径或异议裁定的出处",
                max_length=200,
                verbose_name="职责依据",
            ),
        ),
        migrations.AddField(
            model_name="dispatchrule",
            name="hours_from",
            field=models.TimeField(blank=True, help_text="留空表示全天", null=True, verbose_name="时段起"),
        ),
        migrations.AddField(
            model_name="dispatchrule",
            name="hours_to",
            field=models.TimeField(blank=True, null=True, verbose_name="时段止"),
        ),
        migrations.AddField(
            model_name="dispatchrule",
            name="keywords",
            field=models.CharField(
                blank=True,
                help_text="各组以空格分隔、须全部出现，组内“|”分隔任一词，如“施工|工地 噪声|噪音”",
                max_length=200,
                verbose_name="关键词",
            ),
        ),
        migrations.AddField(
            model_name="suggestion",
            name="reason",
            field=models.TextField(blank=True, verbose_name="派单依据"),
        ),
        migrations.AddField(
            model_name="suggestion",
            name="unit_source",
            field=models.CharField(blank=True, max_length=16, verbose_name="单位来源"),
        ),
        migrations.AddConstraint(
            model_name="dispatchrule",
            constraint=models.UniqueConstraint(
                condition=models.Q(("hours_from__isnull", True), ("keywords", "")),
                fields=("version", "category", "township"),
                name="one_plain_rule_per_version_category_township",
            ),
        ),
        migrations.AddConstraint(
            model_name="dispatchrule",
            constraint=models.UniqueConstraint(
                condition=models.Q(
                    ("hours_from__isnull", True), ("keywords", ""), ("township__isnull", True)
                ),
                fields=("version", "category"),
                name="one_plain_citywide_rule_per_version_category",
            ),
        ),
        migrations.AddConstraint(
            model_name="dispatchrule",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("hours_from__isnull", True), ("hours_to__isnull", True)),
                    models.Q(("hours_from__isnull", False), ("hours_to__isnull", False)),
                    _connector="OR",
                ),
                name="dispatch_rule_hours_both_or_neither",
            ),
        ),
    ]
