# 退单 opens a 派单异议 (Dispute) the centre rules on; 提级办理 flags a case (Case.escalated_at);
# the event log's actions gain RULE_DISPUTE, REJECT_DISPUTE and ESCALATE.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0006_case_override'),
        ('org', '0001_unit_tree'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='case',
            name='escalated_at',
            field=models.DateTimeField(blank=True, db_index=True, null=True, verbose_name='提级时间'),
        ),
        migrations.AlterField(
            model_name='caseevent',
            name='action',
            field=models.CharField(choices=[('register', '登记'), ('triage', '智能分拣'), ('answer_at_intake', '直接办结'), ('dispatch', '派单'), ('accept', '签收'), ('return', '退单'), ('extend', '申请延期'), ('decide_extension', '审批延期'), ('request_suspension', '申请挂起'), ('decide_suspension', '审批挂起'), ('suspend', '挂起（中止计时）'), ('resume', '恢复计时'), ('contribute', '协办意见'), ('reply', '提交答复'), ('approve', '审核通过'), ('reject_reply', '退回修改'), ('callback', '回访'), ('callback_missed', '回访未接通'), ('close', '结案'), ('reopen', '重办'), ('merge', '合并'), ('transfer', '转办'), ('supervise', '督办'), ('repin', '按现行时限重算'), ('override', '更正已办结工单'), ('rule_dispute', '派单异议审核'), ('reject_dispute', '退单异议不成立'), ('escalate', '提级办理')], max_length=20, verbose_name='动作'),
        ),
        migrations.CreateModel(
            name='Dispute',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('co_units', models.JSONField(blank=True, default=list, verbose_name='协办单位')),
                ('reason', models.CharField(choices=[('not_our_duty', '不属于本单位职责范围'), ('not_our_area', '不在本单位管辖区域'), ('other_level', '属上级或其他层级事权'), ('statutory_route', '应通过诉讼、仲裁、复议等法定途径解决'), ('incomplete', '工单信息不全，无法办理')], max_length=20, verbose_name='退单理由')),
                ('explanation', models.CharField(max_length=500, verbose_name='退单说明')),
                ('returned_at', models.DateTimeField(db_index=True, verbose_name='退单时间')),
                ('dispatched_at', models.DateTimeField(blank=True, null=True, verbose_name='原派单时间')),
                ('status', models.CharField(choices=[('pending', '待审核'), ('upheld', '异议成立'), ('rejected', '异议不成立')], default='pending', max_length=12, verbose_name='审核结果')),
                ('ruled_at', models.DateTimeField(blank=True, null=True, verbose_name='审核时间')),
                ('ruling', models.CharField(blank=True, max_length=500, verbose_name='审核意见')),
                ('amend_catalogue', models.BooleanField(default=False, verbose_name='据此修订派单目录')),
                ('case', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='disputes', to='cases.case')),
                ('decided_unit', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='认定承办单位')),
                ('returned_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('ruled_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('suggested_unit', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='建议承办单位')),
                ('unit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='returned_disputes', to='org.unit', verbose_name='退单单位')),
            ],
            options={
                'verbose_name': '派单异议',
                'verbose_name_plural': '派单异议',
                'ordering': ['returned_at'],
                'indexes': [models.Index(fields=['unit', 'returned_at'], name='dispute_unit_returned')],
                'constraints': [models.UniqueConstraint(condition=models.Q(('status', 'pending')), fields=('case',), name='one_pending_dispute_per_case')],
            },
        ),
    ]
