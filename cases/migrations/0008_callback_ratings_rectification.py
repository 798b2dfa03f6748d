# 好差评 (国办发〔2019〕51号), 差评整改 and the callback pool (issue 10).
#
# - The rating widens from three levels to five. The three stored values keep their meaning
#   (满意 stays 满意, 基本满意 and 不满意 unchanged; none is promoted to 非常满意 or demoted), so no row
#   is rewritten: only the choices and the width (very_unsatisfied is 16 characters) change.
# - A 差评 opens a Rectification with its own deadline (Case.rectify_due_at, a clock of
#   cases.deadlines, indexed like the others); the states 整改中/整改待核实 and the actions of the
#   rectification and of the callback pool join the table's choices.
# - The callback pool: an agent's claim (Case.callback_claimed_by / callback_claimed_until).
# Cases already in 待结案 with a 不满意 stay there: no rectification is invented for them (it would
# carry a deadline nobody set); the case page offers them 重办 first, and 结案 with a reason.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

SATISFACTION = [
    ("very_satisfied", "非常满意"),
    ("satisfied", "满意"),
    ("basically", "基本满意"),
    ("unsatisfied", "不满意"),
    ("very_unsatisfied", "非常不满意"),
]
STATES = [
    ("registered", "待派单"),
    ("dispatched", "待签收"),
    ("in_progress", "办理中"),
    ("pending_approval", "待审核"),
    ("suspended", "已挂起"),
    ("replied", "待回访"),
    ("called_back", "待结案"),
    ("rectifying", "整改中"),
    ("rectified", "整改待核实"),
    ("closed", "已办结"),
    ("merged", "已合并"),
    ("transferred", "已转办"),
]
# The whole list, 0007's actions (退单异议, 提级) included: an AlterField states the field entire.
ACTIONS = [
    ("register", "登记"),
    ("triage", "智能分拣"),
    ("answer_at_intake", "直接办结"),
    ("dispatch", "派单"),
    ("accept", "签收"),
    ("return", "退单"),
    ("extend", "申请延期"),
    ("decide_extension", "审批延期"),
    ("request_suspension", "申请挂起"),
    ("decide_suspension", "审批挂起"),
    ("suspend", "挂起（中止计时）"),
    ("resume", "恢复计时"),
    ("contribute", "协办意见"),
    ("reply", "提交答复"),
    ("approve", "审核通过"),
    ("reject_reply", "退回修改"),
    ("callback", "回访"),
    ("callback_missed", "回访未接通"),
    ("claim_callback", "认领回访"),
    ("release_callback", "放弃认领"),
    ("rectify", "转整改"),
    ("report_rectify", "报告整改情况"),
    ("verify_rectify", "核实整改"),
    ("return_rectify", "整改核实未通过"),
    ("close", "结案"),
    ("reopen", "重办"),
    ("merge", "合并"),
    ("transfer", "转办"),
    ("supervise", "督办"),
    ("repin", "按现行时限重算"),
    ("override", "更正已办结工单"),
    ("rule_dispute", "派单异议审核"),
    ("reject_dispute", "退单异议不成立"),
    ("escalate", "提级办理"),
]
NOTICE_KINDS = [
    ("accept_near", "签收临期"),
    ("accept_overdue", "签收超期"),
    ("handle_near", "办理临期"),
    ("handle_overdue", "办理超期"),
    ("suspend_near", "挂起临期"),
    ("suspend_overdue", "挂起超期"),
    ("rectify_near", "整改临期"),
    ("rectify_overdue", "整改超期"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0007_returns_disputes_escalation"),
        ("org", "0001_unit_tree"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="case",
            name="satisfaction",
            field=models.CharField(blank=True, choices=SATISFACTION, max_length=16, verbose_name="满意度"),
        ),
        migrations.AlterField(
            model_name="callback",
            name="satisfaction",
            field=models.CharField(blank=True, choices=SATISFACTION, max_length=16),
        ),
        migrations.AlterField(
            model_name="case",
            name="state",
            field=models.CharField(choices=STATES, default="registered", max_length=20, verbose_name="状态"),
        ),
        migrations.AlterField(
            model_name="caseevent",
            name="action",
            field=models.CharField(choices=ACTIONS, max_length=20, verbose_name="动作"),
        ),
        migrations.AlterField(
            model_name="caseevent",
            name="from_state",
            field=models.CharField(blank=True, choices=STATES, max_length=20),
        ),
        migrations.AlterField(
            model_name="caseevent",
            name="to_state",
            field=models.CharField(choices=STATES, max_length=20),
        ),
        migrations.AlterField(
            model_name="deadlinenotice",
            name="kind",
            field=models.CharField(choices=NOTICE_KINDS, max_length=16),
        ),
        migrations.AddField(
            model_name="case",
            name="rectify_due_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="整改期限"),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(fields=["state", "rectify_due_at"], name="case_state_rectify_due"),
        ),
        migrations.AddField(
            model_name="case",
            name="callback_claimed_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="回访认领人",
            ),
        ),
        migrations.AddField(
            model_name="case",
            name="callback_claimed_until",
            field=models.DateTimeField(blank=True, null=True, verbose_name="认领有效期至"),
        ),
        migrations.CreateModel(
            name="Rectification",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "satisfaction",
                    models.CharField(choices=SATISFACTION, max_length=16, verbose_name="差评等级"),
                ),
                ("opened_at", models.DateTimeField(verbose_name="开始整改")),
                ("due_at", models.DateTimeField(verbose_name="整改期限")),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("open", "整改中"),
                            ("reported", "待核实"),
                            ("accepted", "核实通过"),
                            ("withdrawn", "已撤销（重办）"),
                        ],
                        default="open",
                        max_length=12,
                    ),
                ),
                ("report", models.TextField(blank=True, max_length=2000, verbose_name="整改情况")),
                ("reported_at", models.DateTimeField(blank=True, null=True, verbose_name="报告时间")),
                ("late", models.BooleanField(default=False, verbose_name="超期报告")),
                ("returns", models.PositiveSmallIntegerField(default=0, verbose_name="核实未通过次数")),
                ("verified_at", models.DateTimeField(blank=True, null=True, verbose_name="核实时间")),
                ("verify_note", models.CharField(blank=True, max_length=500, verbose_name="核实意见")),
                (
                    "callback",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="cases.callback",
                    ),
                ),
                (
                    "case",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="rectifications",
                        to="cases.case",
                    ),
                ),
                (
                    "opened_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "reply",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="cases.reply",
                    ),
                ),
                (
                    "reported_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "unit",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="org.unit",
                        verbose_name="整改单位",
                    ),
                ),
                (
                    "verified_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "差评整改",
                "verbose_name_plural": "差评整改",
                "ordering": ["opened_at"],
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("status__in", ["open", "reported"])),
                        fields=("case",),
                        name="one_live_rectification_per_case",
                    )
                ],
            },
        ),
    ]
