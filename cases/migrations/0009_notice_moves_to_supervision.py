# The 督办单 moves to the supervision app (督查督办), which makes it a loop of its own.
#
# Only Django's idea of the models changes here: SupervisionNotice leaves the cases app's state,
# and its table stays where it is, rows and all. supervision 0001 (which depends on this one)
# adopts the same table as supervision.Notice, and supervision 0002 renames it and adds the loop.
# No row is copied, so nothing can be lost between the two apps.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("cases", "0008_callback_ratings_rectification")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="SupervisionNotice")],
            database_operations=[],
        ),
    ]
