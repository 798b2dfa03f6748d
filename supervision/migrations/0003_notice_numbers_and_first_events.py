# Notices issued before the loop existed get their number (DB<year>-<id>, as new ones do) and the
# event that issued them (by their supervisor, at their time, with their demand), so that the
# event log explains every notice's state (已下发). Nothing else about them is invented: no
# 签收期限 (they had none), no signing, no answer.

from django.db import migrations
from django.utils import timezone


def number_and_log(apps, schema_editor):
    Notice = apps.get_model("supervision", "Notice")
    NoticeEvent = apps.get_model("supervision", "NoticeEvent")
    for notice in Notice.objects.select_related("supervisor", "unit").order_by("pk").iterator():
        number = f"DB{timezone.localtime(notice.created_at).year}-{notice.pk:05d}"
        Notice.objects.filter(pk=notice.pk).update(number=number)
        if NoticeEvent.objects.filter(notice_id=notice.pk).exists():
            continue
        NoticeEvent.objects.create(
            notice_id=notice.pk,
            seq=1,
            action="issue",
            from_state="",
            to_state="issued",
            actor_id=notice.supervisor_id,
            actor_unit_id=notice.supervisor.unit_id,
            note=notice.body,
            payload={
                "notice": number,
                "colour": "blue",
                "unit": notice.unit.code,
                "respond_by": notice.respond_by.isoformat() if notice.respond_by else None,
                "migrated": True,
            },
            created_at=notice.created_at,
        )


class Migration(migrations.Migration):
    dependencies = [("supervision", "0002_notice_loop")]

    operations = [migrations.RunPython(number_and_log, migrations.RunPython.noop)]
