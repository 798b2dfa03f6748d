# The 督办单 becomes a loop: its table takes the app's name, and it gains a number, a colour, a
# state with its event log, the 签收期限, the unit's answer and its leader's approval, the ladder
# link (previous) and the sweep's claims. Existing notices become 蓝色 已下发 (what they were: issued,
# never answered); 0003 gives them their numbers and their first event, 0004 makes the number unique.

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

STATES = [
    ("issued", "已下发"),
    ("signed", "已签收"),
    ("pending_approval", "反馈待审"),
    ("answered", "已反馈"),
    ("escalated", "已升级"),
]
ACTIONS = [
    ("issue", "下发督办单"),
    ("sign", "签收"),
    ("answer", "提交反馈"),
    ("approve", "审核通过"),
    ("return", "退回修改"),
    ("escalate", "升级督办"),
]


def _user(**kwargs):
    return models.ForeignKey(
        blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+",
        to=settings.AUTH_USER_MODEL, **kwargs,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("supervision", "0001_notice_from_cases"),
        ("org", "0001_unit_tree"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelTable(name="notice", table=None),
        migrations.AddField(
            model_name="notice",
            name="number",
            field=models.CharField(default="", max_length=20, verbose_name="督办单编号"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="notice",
            name="colour",
            field=models.CharField(choices=[("blue", "蓝色"), ("yellow", "黄色"), ("red", "红色")], default="blue", max_length=8, verbose_name="颜色"),
        ),
        migrations.AddField(
            model_name="notice",
            name="state",
            field=models.CharField(choices=STATES, default="issued", max_length=20, verbose_name="状态"),
        ),
        migrations.AddField(model_name="notice", name="major", field=models.BooleanField(default=False, verbose_name="重大事项")),
        migrations.AddField(model_name="notice", name="addressed_to", field=_user()),
        migrations.AddField(
            model_name="notice",
            name="previous",
            field=models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="next", to="supervision.notice"),
        ),
        migrations.AddField(model_name="notice", name="sign_by", field=models.DateTimeField(blank=True, null=True, verbose_name="签收期限")),
        migrations.AddField(model_name="notice", name="signed_at", field=models.DateTimeField(blank=True, null=True, verbose_name="签收时间")),
        migrations.AddField(model_name="notice", name="signed_by", field=_user()),
        migrations.AddField(model_name="notice", name="answer", field=models.TextField(blank=True, max_length=5000, verbose_name="反馈内容")),
        migrations.AddField(model_name="notice", name="answered_at", field=models.DateTimeField(blank=True, null=True, verbose_name="反馈提交时间")),
        migrations.AddField(model_name="notice", name="answered_by", field=_user()),
        migrations.AddField(model_name="notice", name="return_note", field=models.TextField(blank=True, max_length=500, verbose_name="退回意见")),
        migrations.AddField(model_name="notice", name="approved_at", field=models.DateTimeField(blank=True, null=True, verbose_name="反馈审核时间")),
        migrations.AddField(model_name="notice", name="approved_by", field=_user()),
        migrations.AddField(
            model_name="notice",
            name="updated_at",
            field=models.DateTimeField(auto_now=True, default=django.utils.timezone.now),
            preserve_default=False,
        ),
        migrations.AlterField(model_name="notice", name="created_at", field=models.DateTimeField(verbose_name="下发时间")),
        migrations.AlterField(
            model_name="notice",
            name="respond_by",
            field=models.DateTimeField(blank=True, db_index=True, null=True, verbose_name="反馈期限"),
        ),
        migrations.AddIndex(
            model_name="notice",
            index=models.Index(fields=["state", "respond_by"], name="notice_state_respond"),
        ),
        migrations.CreateModel(
            name="NoticeEvent",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("seq", models.PositiveIntegerField(verbose_name="序号")),
                ("note", models.TextField(blank=True, verbose_name="说明")),
                ("payload", models.JSONField(blank=True, default=dict)),
                ("created_at", models.DateTimeField(db_index=True, verbose_name="时间")),
                ("action", models.CharField(choices=ACTIONS, max_length=20, verbose_name="动作")),
                ("from_state", models.CharField(blank=True, choices=STATES, max_length=20)),
                ("to_state", models.CharField(choices=STATES, max_length=20)),
                ("actor", _user()),
                ("actor_unit", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="org.unit")),
                ("notice", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="events", to="supervision.notice")),
            ],
            options={"verbose_name": "督办单事件", "verbose_name_plural": "督办单事件", "ordering": ["notice", "seq"]},
        ),
        migrations.AddConstraint(
            model_name="noticeevent",
            constraint=models.UniqueConstraint(fields=("notice", "seq"), name="notice_event_seq_unique"),
        ),
        migrations.CreateModel(
            name="NoticeReminder",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("kind", models.CharField(choices=[("sign_near", "签收临期"), ("sign_overdue", "签收超期"), ("respond_near", "反馈临期"), ("respond_overdue", "反馈超期")], max_length=16)),
                ("deadline", models.DateTimeField()),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("notice", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="reminders", to="supervision.notice")),
            ],
        ),
        migrations.AddConstraint(
            model_name="noticereminder",
            constraint=models.UniqueConstraint(fields=("notice", "kind", "deadline"), name="notice_reminder_once"),
        ),
    ]
