"""The statistics app's tables: the fact tables folded from the case event log, and the scoring schemes."""

import django.db.models.deletion
import django.utils.timezone
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
            name='BuildMark',
            fields=[
                ('name', models.CharField(max_length=20, primary_key=True, serialize=False)),
                ('last_event_id', models.BigIntegerField(default=0)),
                ('built_at', models.DateTimeField(null=True)),
            ],
        ),
        migrations.CreateModel(
            name='SchemeVersion',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('number', models.PositiveIntegerField(verbose_name='版本号')),
                ('status', models.CharField(choices=[('draft', '草稿'), ('published', '已发布')], default='draft', max_length=12, verbose_name='状态')),
                ('valid_from', models.DateTimeField(verbose_name='生效时间')),
                ('valid_to', models.DateTimeField(blank=True, help_text='留空表示长期有效', null=True, verbose_name='失效时间')),
                ('note', models.CharField(blank=True, max_length=200, verbose_name='修订说明')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='创建时间')),
                ('published_at', models.DateTimeField(blank=True, null=True, verbose_name='发布时间')),
                ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('published_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': '考核方案版本',
                'verbose_name_plural': '考核方案版本',
                'ordering': ['-number'],
                'abstract': False,
            },
        ),
        migrations.CreateModel(
            name='Scheme',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('code', models.SlugField(max_length=40, verbose_name='代码')),
                ('name', models.CharField(max_length=60, verbose_name='名称')),
                ('is_default', models.BooleanField(default=False, verbose_name='默认方案')),
                ('definition', models.JSONField(verbose_name='方案定义')),
                ('provenance', models.TextField(blank=True, verbose_name='出处')),
                ('sort_order', models.PositiveSmallIntegerField(default=0, verbose_name='排序')),
                ('version', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='entries', to='stats.schemeversion')),
            ],
            options={
                'verbose_name': '考核方案',
                'verbose_name_plural': '考核方案',
                'ordering': ['sort_order', 'code'],
            },
        ),
        migrations.CreateModel(
            name='StintFact',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('seq', models.PositiveSmallIntegerField(verbose_name='段序号')),
                ('level', models.CharField(choices=[('township', '乡镇（街道、场库）'), ('department', '市直部门'), ('centre', '12345热线中心')], max_length=12)),
                ('start', models.CharField(choices=[('dispatch', '派单'), ('redispatch', '退单异议不成立，退回'), ('reopen', '重办')], max_length=12)),
                ('first_dispatch', models.BooleanField(default=False)),
                ('started_at', models.DateTimeField()),
                ('accept_due_at', models.DateTimeField(null=True)),
                ('accepted_at', models.DateTimeField(null=True)),
                ('returned_at', models.DateTimeField(null=True)),
                ('ruling', models.CharField(blank=True, max_length=12)),
                ('handle_due_at', models.DateTimeField(null=True)),
                ('contacted_at', models.DateTimeField(null=True)),
                ('answered_at', models.DateTimeField(null=True)),
                ('accept_anchor', models.DateTimeField(null=True)),
                ('accept_on_time', models.BooleanField(null=True)),
                ('handle_anchor', models.DateTimeField(null=True)),
                ('handle_on_time', models.BooleanField(null=True)),
                ('responded', models.BooleanField(null=True)),
                ('assessed_unit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit')),
                ('case', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='cases.case')),
                ('unit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit')),
            ],
            options={
                'verbose_name': '承办段（统计）',
                'verbose_name_plural': '承办段（统计）',
            },
        ),
        migrations.CreateModel(
            name='AnswerFact',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('seq', models.PositiveSmallIntegerField(verbose_name='答复序号')),
                ('level', models.CharField(choices=[('township', '乡镇（街道、场库）'), ('department', '市直部门'), ('centre', '12345热线中心')], max_length=12)),
                ('intake', models.BooleanField(default=False)),
                ('at', models.DateTimeField()),
                ('called_back_at', models.DateTimeField(null=True)),
                ('reopened_at', models.DateTimeField(null=True)),
                ('assessed_unit', models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit')),
                ('case', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='cases.case')),
                ('unit', models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit')),
            ],
            options={
                'verbose_name': '答复（统计）',
                'verbose_name_plural': '答复（统计）',
                'indexes': [models.Index(fields=['at'], name='answer_fact_at')],
                'constraints': [models.UniqueConstraint(fields=('case', 'seq'), name='answer_fact_once')],
            },
        ),
        migrations.CreateModel(
            name='CallbackFact',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('seq', models.PositiveSmallIntegerField(verbose_name='回访序号')),
                ('level', models.CharField(choices=[('township', '乡镇（街道、场库）'), ('department', '市直部门'), ('centre', '12345热线中心')], max_length=12)),
                ('at', models.DateTimeField()),
                ('next_at', models.DateTimeField(null=True)),
                ('reached', models.BooleanField()),
                ('resolved', models.BooleanField(null=True)),
                ('satisfaction', models.CharField(blank=True, max_length=16)),
                ('assessed_unit', models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit')),
                ('case', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='cases.case')),
                ('unit', models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit')),
            ],
            options={
                'verbose_name': '回访（统计）',
                'verbose_name_plural': '回访（统计）',
                'indexes': [models.Index(fields=['at'], name='callback_fact_at')],
                'constraints': [models.UniqueConstraint(fields=('case', 'seq'), name='callback_fact_once')],
            },
        ),
        migrations.AddConstraint(
            model_name='schemeversion',
            constraint=models.UniqueConstraint(fields=('number',), name='scheme_version_number_unique'),
        ),
        migrations.AddConstraint(
            model_name='scheme',
            constraint=models.UniqueConstraint(fields=('version', 'code'), name='scheme_code_once'),
        ),
        migrations.AddIndex(
            model_name='stintfact',
            index=models.Index(fields=['accept_anchor'], name='stint_accept_anchor'),
        ),
        migrations.AddIndex(
            model_name='stintfact',
            index=models.Index(fields=['handle_anchor'], name='stint_handle_anchor'),
        ),
        migrations.AddIndex(
            model_name='stintfact',
            index=models.Index(fields=['started_at'], name='stint_started'),
        ),
        migrations.AddConstraint(
            model_name='stintfact',
            constraint=models.UniqueConstraint(fields=('case', 'seq'), name='stint_fact_once'),
        ),
    ]
