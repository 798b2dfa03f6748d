# Every notice has its number now (0003): it becomes the notice's unique key (pages, API, print).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("supervision", "0003_notice_numbers_and_first_events")]

    operations = [
        migrations.AlterField(
            model_name="notice",
            name="number",
            field=models.CharField(max_length=20, unique=True, verbose_name="督办单编号"),
        ),
    ]
