# 答复附件: files a unit attaches to its answer (issue 10, item 15). A new table, nothing to backfill.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("cases", "0009_notice_moves_to_supervision")]

    operations = [
        migrations.CreateModel(
            name="ReplyAttachment",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=120, verbose_name="文件名")),
                ("path", models.CharField(max_length=200, unique=True, verbose_name="存储路径")),
                ("content_type", models.CharField(max_length=40, verbose_name="类型")),
                ("size", models.PositiveIntegerField(verbose_name="大小(字节)")),
                ("sha256", models.CharField(max_length=64)),
                ("created_at", models.DateTimeField(verbose_name="上传时间")),
                (
                    "reply",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="attachments",
                        to="cases.reply",
                    ),
                ),
            ],
            options={
                "verbose_name": "答复附件",
                "verbose_name_plural": "答复附件",
                "ordering": ["reply", "pk"],
            },
        ),
    ]
