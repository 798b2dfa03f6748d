# Written from `makemigrations hotspots --dry-run -v 3` (the app's first migration).

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('cases', '0010_reply_attachments'),
        ('org', '0001_unit_tree'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Hotspot',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('title', models.CharField(max_length=120, verbose_name='代表性标题')),
                ('place', models.CharField(blank=True, max_length=60, verbose_name='地点')),
                ('heat', models.FloatField(db_index=True, default=0.0, verbose_name='热度')),
                ('count', models.PositiveIntegerField(default=0, verbose_name='窗口内件数')),
                ('previous', models.PositiveIntegerField(default=0, verbose_name='上一窗口件数')),
                ('growth', models.FloatField(default=0.0, verbose_name='增长')),
                ('reopened_share', models.FloatField(default=0.0, verbose_name='重办占比')),
                ('unsatisfied_share', models.FloatField(default=0.0, verbose_name='不满意占比')),
                ('window_start', models.DateTimeField(verbose_name='窗口开始')),
                ('window_end', models.DateTimeField(verbose_name='窗口结束')),
                ('first_at', models.DateTimeField(verbose_name='首件时间')),
                ('last_at', models.DateTimeField(verbose_name='末件时间')),
                ('is_active', models.BooleanField(db_index=True, default=True, verbose_name='当前高频')),
                ('first_seen_at', models.DateTimeField(verbose_name='首次发现')),
                ('computed_at', models.DateTimeField(verbose_name='计算时间')),
                ('notified_at', models.DateTimeField(blank=True, null=True, verbose_name='已通知督办员')),
                ('category', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='cases.category', verbose_name='事项分类')),
                ('township', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='org.unit', verbose_name='乡镇')),
            ],
            options={
                'verbose_name': '高频事',
                'verbose_name_plural': '高频事',
                'ordering': ['-heat', 'pk'],
            },
        ),
        migrations.CreateModel(
            name='ProactiveTask',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('state', models.CharField(choices=[('assigned', '待办理'), ('reported', '已办结')], default='assigned', max_length=20, verbose_name='状态')),
                ('instruction', models.TextField(max_length=2000, verbose_name='办理要求')),
                ('created_at', models.DateTimeField(verbose_name='交办时间')),
                ('due_at', models.DateTimeField(verbose_name='办理期限')),
                ('result', models.TextField(blank=True, max_length=5000, verbose_name='办理结果')),
                ('reported_at', models.DateTimeField(blank=True, null=True, verbose_name='报告时间')),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('assigned_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('hotspot', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='tasks', to='hotspots.hotspot')),
                ('reported_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('unit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='承办单位')),
            ],
            options={
                'verbose_name': '未诉先办任务',
                'verbose_name_plural': '未诉先办任务',
                'ordering': ['-created_at', '-pk'],
            },
        ),
        migrations.CreateModel(
            name='HotspotMember',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('case', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='cases.case')),
                ('in_window', models.BooleanField(default=True, verbose_name='在当前窗口')),
                ('hotspot', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='members', to='hotspots.hotspot')),
            ],
            options={
                'verbose_name': '高频事工单',
                'verbose_name_plural': '高频事工单',
                'constraints': [models.UniqueConstraint(fields=('hotspot', 'case'), name='hotspot_member_once')],
            },
        ),
        migrations.CreateModel(
            name='ProactiveTaskEvent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('seq', models.PositiveIntegerField(verbose_name='序号')),
                ('action', models.CharField(max_length=20, verbose_name='动作')),
                ('from_state', models.CharField(blank=True, max_length=20)),
                ('to_state', models.CharField(max_length=20)),
                ('note', models.TextField(blank=True, verbose_name='说明')),
                ('payload', models.JSONField(blank=True, default=dict)),
                ('created_at', models.DateTimeField(db_index=True, verbose_name='时间')),
                ('actor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('actor_unit', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit')),
                ('task', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='events', to='hotspots.proactivetask')),
            ],
            options={
                'verbose_name': '未诉先办任务事件',
                'verbose_name_plural': '未诉先办任务事件',
                'ordering': ['task', 'seq'],
                'constraints': [models.UniqueConstraint(fields=('task', 'seq'), name='proactive_event_seq_unique')],
            },
        ),
    ]
