"""The demo's 督查督办: the seed meeting's record (钟祥市委六届七十一次常委会议) read by the
extraction, its drafts reviewed by the demo's 督查员 and confirmed as tasks, the 八大计划 with
their indicators and monthly figures, and tasks moved through every state of the loop — all
through the services, with `now=` instants in the past. Idempotent: a second run changes nothing.

The record is of 2021; the demo places its work in the demo's own time (assigned a few weeks
before `now`), and shifts the indicators' baseline and due dates into that time too (each
indicator's 口径 says so).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from accounts.models import Role, User
from org.models import Unit
from supervision import indicators as ind
from supervision.extract_eval import DATA
from supervision.instruction_demo import seed_instructions
from supervision.plan_data import PLANS
from supervision.services import drafts as ds
from supervision.services import task_notices as tn
from supervision.services import tasks as svc
from supervision.task_models import DraftStatus, Indicator, MeetingRecord, Plan, Task
from supervision.task_sweeps import sweep_tasks
from supervision.task_workflow import Source, TaskState
from supervision.workflow import State

RECORD_FILE = "zhongxiang-standing-committee-2021-08-01.txt"
RECORD_TITLE = "市委六届七十一次常委会议（2021年8月1日）"
FALLBACK_UNIT = "D-ZFB"  # 市政府办: a commitment with no unit named (驻村第一书记 …)
REPORTS = (
    "已成立工作专班，制定实施方案，明确责任分工和时间节点，正按计划推进。",
    "本月召开推进会两次，完成阶段任务的主要部分，剩余工作正在抓紧落实。",
    "已完成摸底调查并建立工作台账，正在逐项销号推进。",
)


@dataclass
class TaskDemoReport:
    by_state: dict[str, int] = field(default_factory=dict)
    drafts_pending: int = 0
    notices: int = 0


def _user(role: str, unit: Unit | None = None) -> User | None:
    users = User.objects.filter(role=role, is_active=True)
    if unit is not None:
        users = users.filter(unit=unit)
    return users.order_by("pk").first()


def seed_plans(*, now: datetime, leader: User | None) -> list[Plan]:
    plans = []
    year = now.year
    for spec in PLANS:
        lead = Unit.objects.filter(code=spec.lead_unit).first()
        plan, _ = Plan.objects.update_or_create(
            number=spec.number,
            defaults={"name": spec.name, "keywords": spec.keywords, "lead_unit": lead, "leader": leader},
        )
        for i in spec.indicators:
            Indicator.objects.get_or_create(
                code=i.code,
                defaults={
                    "plan": plan,
                    "name": i.name,
                    "measure_unit": i.measure_unit,
                    "kind": i.kind,
                    "baseline": Decimal(i.baseline),
                    "baseline_date": date(year - 1, 1, 1),
                    "target": Decimal(i.target),
                    "due": date(year + 1, 12, 31),
                    "source": i.source,
                    "provider": i.provider,
                    "owner_unit": lead,
                    "basis": f"{i.basis}（演示：基期与期限按演示时间平移，原定 {i.due}）",
                },
            )
        plans.append(plan)
    return plans


def _month_ends(start: date, end: date) -> list[date]:
    out: list[date] = []
    y, m = start.year, start.month
    while True:
        nxt = date(y + m // 12, m % 12 + 1, 1)
        last = nxt - timedelta(days=1)
        if last > end:
            return out
        out.append(last)
        y, m = nxt.year, nxt.month


def seed_measurements(*, now: datetime, rng: random.Random, reporter: User) -> None:
    """Monthly figures from the baseline to last month: 一网通办 ahead, 高新技术企业 on track,
    园区产值占比 behind (its light is red or yellow), the 10亿元 projects left to their provider.
    A figure another app provides (园区产值占比 from the 招商 app's park output) is never typed:
    only when that app has nothing to give (its demo not seeded) are illustrative values entered."""
    pace = {"online-service-rate": 1.15, "hightech-firms": 0.95, "park-output-share": 0.45}
    provided = ind.providers()
    for indicator in Indicator.objects.filter(code__in=pace):
        if indicator.measurements.exists():
            continue
        source = provided.get(indicator.provider) if indicator.provider else None
        if source is not None and source(indicator, now.date()) is not None:
            continue  # read from its provider: a typed value would be a second, made-up figure
        span = (indicator.due - indicator.baseline_date).days
        for period in _month_ends(indicator.baseline_date, now.date() - timedelta(days=1)):
            share = min(1.0, pace[indicator.code] * (period - indicator.baseline_date).days / span)
            value = float(indicator.baseline) + float(indicator.target - indicator.baseline) * share
            value *= rng.uniform(0.99, 1.01)
            at = datetime.combine(period + timedelta(days=5), datetime.min.time()).replace(tzinfo=now.tzinfo)
            if indicator.kind == "ratio":
                total = Decimal(rng.randint(9000, 11000))
                ind.record_measurement(
                    indicator,
                    actor=reporter,
                    period=period,
                    numerator=(total * Decimal(value) / 100).quantize(Decimal(1)),
                    denominator=total,
                    source_document=f"市统计局{period:%Y年%m月}工业月报",
                    now=at,
                )
            else:
                rounded = round(value) if indicator.measure_unit == "家" else round(value, 1)
                ind.record_measurement(
                    indicator,
                    actor=reporter,
                    period=period,
                    value=rounded,
                    source_document=f"{period:%Y年%m月}报表",
                    now=at,
                )


def _confirm_record(*, supervisor: User, leader: User | None, now: datetime) -> list[Task]:
    text = (DATA / "records" / RECORD_FILE).read_text(encoding="utf-8")
    record = ds.ingest_record(
        actor=supervisor,
        title=RECORD_TITLE,
        text=text,
        held_on=date(2021, 8, 1),
        filename=RECORD_FILE,
        now=now - timedelta(days=60),
    )
    drafts = list(record.drafts.order_by("order", "pk"))
    fallback = Unit.objects.filter(code=FALLBACK_UNIT).first()
    tasks = []
    for i, draft in enumerate(drafts):
        if "换届" in draft.sentence and "干部的现实表现" not in draft.sentence:
            ds.discard_draft(draft, actor=supervisor)  # exhortation, not a task: the review drops it
            continue
        if i >= len(drafts) - 3:
            continue  # left for the 督查员's review: the page shows drafts waiting
        if draft.lead_unit is None and fallback is not None:
            ds.update_draft(
                draft,
                actor=supervisor,
                title=draft.title,
                plan=draft.plan,
                lead_unit=fallback,
                co_units=list(draft.co_units.all()),
                deadline=draft.deadline,
                target=draft.target,
            )
        major = "24小时" in draft.sentence or "一把手" in draft.sentence
        tasks.append(
            ds.confirm_draft(
                draft, actor=supervisor, leader=leader, major=major, now=now - timedelta(days=58)
            )
        )
    return tasks


def _staff(task: Task) -> tuple[User | None, User | None]:
    unit = task.lead_unit
    clerk = _user(Role.CLERK, unit) or _user(Role.UNIT_LEADER, unit)
    return clerk, _user(Role.UNIT_LEADER, unit)


def _drive(
    task: Task, plan: str, *, supervisor: User, leader: User, now: datetime, rng: random.Random
) -> None:
    """Move one task to where `plan` says, through the verbs, at instants before `now`."""
    if plan == "approved":
        return
    clerk, _ = _staff(task)
    if clerk is None:
        return
    start = now - timedelta(days=rng.randint(30, 45))
    deadline = (now + timedelta(days=rng.randint(20, 80))).date()
    if plan == "overdue":
        deadline = (now - timedelta(days=3)).date()
    elif plan == "near":
        deadline = (now + timedelta(days=2)).date()
    svc.assign_task(task, actor=supervisor, deadline=deadline, report_every=10, now=start)
    if plan == "assigned":
        return
    if plan == "adjusting":
        svc.request_adjust(
            task,
            actor=clerk,
            reason="该事项主要职责不在本单位，建议调整牵头单位。",
            now=start + timedelta(days=1),
        )
        return
    svc.sign_task(task, actor=clerk, now=start + timedelta(hours=5))
    at = start + timedelta(days=10)
    progress = 0
    while at < now - timedelta(days=2) and plan != "behind":
        progress = min(90, progress + rng.randint(15, 30))
        svc.report_progress(
            task, actor=clerk, body=rng.choice(REPORTS), progress=progress, evidence="工作台账", now=at
        )
        at += timedelta(days=10)
    if plan == "extension":
        until = deadline + timedelta(days=30)
        svc.request_extension(
            task,
            actor=clerk,
            until=until,
            reason="涉及上级审批，需延后一个月完成。",
            now=now - timedelta(days=2),
        )
        svc.rule_extension(task, actor=supervisor, grant=True, note="理由属实", now=now - timedelta(days=1))
        return  # waiting for the leader's 审批
    if plan in ("progress", "behind", "overdue", "near"):
        return
    close_at = now - timedelta(days=3)
    svc.request_close(
        task,
        actor=clerk,
        body="各项工作已按要求完成，形成长效机制，申请办结。",
        evidence="实施方案、工作台账、验收记录",
        now=close_at,
    )
    if plan == "returned":
        svc.return_task(
            task,
            actor=supervisor,
            note="佐证材料不足，请补充验收记录后重新申请。",
            now=close_at + timedelta(hours=3),
        )
        return
    if plan == "close_requested":
        return
    svc.first_review(task, actor=supervisor, note="经核实已办结", now=close_at + timedelta(hours=4))
    if plan == "leader_review":
        return
    svc.final_review(task, actor=leader, note="同意销号", now=close_at + timedelta(days=1))


# What becomes of the confirmed tasks, in order (the rest stay 办理中): every state and light.
PLANS_FOR_TASKS = (
    "closed",
    "closed",
    "leader_review",
    "close_requested",
    "returned",
    "extension",
    "overdue",
    "near",
    "behind",
    "adjusting",
    "assigned",
    "approved",
    "closed",
    "progress",
)


def seed_tasks(*, seed: int = 42, now: datetime) -> TaskDemoReport:
    supervisor, leader = _user(Role.SUPERVISOR), _user(Role.LEADER)
    if supervisor is None or leader is None:
        return TaskDemoReport()
    rng = random.Random(seed)  # noqa: S311  (a demo, not a secret)
    seed_plans(now=now, leader=leader)
    seed_measurements(now=now, rng=rng, reporter=supervisor)
    if not MeetingRecord.objects.filter(title=RECORD_TITLE).exists():
        tasks = _confirm_record(supervisor=supervisor, leader=leader, now=now)
        for i, task in enumerate(tasks):
            plan = PLANS_FOR_TASKS[i] if i < len(PLANS_FOR_TASKS) else "progress"
            _drive(task, plan, supervisor=supervisor, leader=leader, now=now, rng=rng)
        _instruction_and_split(supervisor=supervisor, leader=leader, now=now, rng=rng)
        seed_instructions(leader=leader, now=now)  # 领导批示 on cases and a hotspot
        sweep_tasks(now)
        _answer_one_red(now=now)
    report = TaskDemoReport(
        drafts_pending=MeetingRecord.objects.filter(title=RECORD_TITLE)
        .first()
        .drafts.filter(  # type: ignore[union-attr]
            status=DraftStatus.PENDING
        )
        .count(),
    )
    for state in TaskState:
        report.by_state[state.label] = Task.objects.filter(state=state).count()
    return report


def _instruction_and_split(*, supervisor: User, leader: User, now: datetime, rng: random.Random) -> None:
    """A leader's 批示 still 草拟, and the 24-hour duty task split to three townships (分解)."""
    svc.create_task(
        actor=supervisor,
        title="关于某小区雨污管网改造进度的批示：请市住建局一周内报送整改方案",
        approve=False,
        source_kind=Source.INSTRUCTION_URGENT,
        source_text="请住建局抓紧研究，一周内报整改方案。",
        now=now - timedelta(hours=3),
    )
    duty = Task.objects.filter(source_text__contains="24小时应急值班", parent=None).first()
    townships = list(Unit.objects.townships().order_by("code")[:3])
    if duty is None or duty.state != TaskState.IN_PROGRESS or len(townships) < 3:
        return
    children = svc.split_task(
        duty,
        actor=supervisor,
        parts=[(f"{u.display_name}落实24小时应急值班和领导带班", u) for u in townships],
        now=now - timedelta(days=20),
    )
    for child in children:
        _drive(
            child, rng.choice(("progress", "closed")), supervisor=supervisor, leader=leader, now=now, rng=rng
        )


def _answer_one_red(*, now: datetime) -> None:
    """A 红色督办单 issued on a 重大 task and answered by its unit (the ladder's top, closed)."""
    major = Task.objects.filter(major=True, state=TaskState.IN_PROGRESS).order_by("number").first()
    supervisor = _user(Role.SUPERVISOR)
    if major is None or supervisor is None:
        return
    open_one = major.notices.filter(state__in=[State.ISSUED, State.SIGNED, State.PENDING_APPROVAL]).exists()
    if open_one:
        return
    clerk, unit_leader = _staff(major)
    notice = tn.issue_task_notice(
        major,
        actor=supervisor,
        colour="red",
        body="该事项为一把手工程，请主要负责人亲自部署，三日内反馈落实情况。",
        now=now - timedelta(days=2),
    )
    if clerk is None or unit_leader is None:
        return
    tn.sign_task_notice(notice, actor=clerk, now=now - timedelta(days=2) + timedelta(hours=2))
    tn.answer_task_notice(
        notice,
        actor=clerk,
        body="主要负责人已召开专题会部署，明确专人负责，已全面落实。",
        now=now - timedelta(days=1),
    )
    tn.approve_task_notice(notice, actor=unit_leader, now=now - timedelta(hours=20))
