# supervision.Notice adopts the table of cases.SupervisionNotice as it is (cases 0009 removed the
# model from the cases app's state without touching the table): a state-only CreateModel with
# db_table pointing at the existing table. The content type (and so the admin's permissions on
# the notices) is renamed with it, so a group that could view 督办单 still can.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def move_content_type(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    old = ContentType.objects.filter(app_label="cases", model="supervisionnotice")
    if ContentType.objects.filter(app_label="supervision", model="notice").exists():
        return  # created already by a post_migrate of an interrupted run: the old one stays unused
    old.update(app_label="supervision", model="notice")


def restore_content_type(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    if ContentType.objects.filter(app_label="cases", model="supervisionnotice").exists():
        return
    ContentType.objects.filter(app_label="supervision", model="notice").update(
        app_label="cases", model="supervisionnotice"
    )


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("cases", "0009_notice_moves_to_supervision"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("org", "0001_unit_tree"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Notice",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("body", models.TextField(max_length=2000, verbose_name="督办要求")),
                        ("respond_by", models.DateTimeField(blank=True, null=True, verbose_name="反馈期限")),
                        ("created_at", models.DateTimeField()),
                        ("case", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="supervision_notices", to="cases.case")),
                        ("supervisor", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL)),
                        ("unit", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="supervision_notices", to="org.unit")),
                    ],
                    options={
                        "verbose_name": "督办单",
                        "verbose_name_plural": "督办单",
                        "ordering": ["-created_at"],
                        "db_table": "cases_supervisionnotice",
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_type, restore_content_type, elidable=True),
    ]
