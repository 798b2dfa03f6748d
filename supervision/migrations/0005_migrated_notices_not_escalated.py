# Notices issued before the loop existed could not be signed for or answered (the old model had no
# way to). Those whose 反馈期限 had already passed when this runs are not escalated by the first
# sweep (蓝→黄→红, up to the city's leaders) for a silence the unit could not break: their
# 反馈临期/反馈超期 rungs are marked done, as a sweep would have marked them. Notices still within
# their 反馈期限 run their course like new ones.

from django.db import migrations
from django.utils import timezone


def mark_past_rungs_done(apps, schema_editor):
    Notice = apps.get_model("supervision", "Notice")
    NoticeEvent = apps.get_model("supervision", "NoticeEvent")
    NoticeReminder = apps.get_model("supervision", "NoticeReminder")
    migrated = NoticeEvent.objects.filter(action="issue", payload__migrated=True).values("notice_id")
    past = Notice.objects.filter(pk__in=migrated, respond_by__lt=timezone.now())
    for notice_id, respond_by in past.values_list("pk", "respond_by"):
        for kind in ("respond_near", "respond_overdue"):
            NoticeReminder.objects.get_or_create(notice_id=notice_id, kind=kind, deadline=respond_by)


class Migration(migrations.Migration):
    dependencies = [("supervision", "0004_notice_number_unique")]

    operations = [migrations.RunPython(mark_past_rungs_done, migrations.RunPython.noop)]
