# Photos are re-encoded without metadata and get a thumbnail for the pages that list them.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0001_attachment"),
    ]

    operations = [
        migrations.AddField(
            model_name="attachment",
            name="thumbnail_path",
            field=models.CharField(blank=True, default="", max_length=200, verbose_name="缩略图路径"),
        ),
    ]
