"""The 24小时应急值班 demo: rosters, 平安报, incident reports and their tasks — every state shown.

Made through the app's services with the demo's own clock (`now`), idempotent: shifts already
planned, reports already filed and incidents already seeded are kept.
- rosters: every reporting unit from a week ago to ten days ahead, except one township planned
  on working days only (its holidays and weekends show as uncovered and are warned); a pending
  and an approved swap; an open item handed over at this morning's change;
- 平安报: the last week mostly on time, some late, a few missing; today's according to the hour,
  and the chase run (notice, then SMS to the 带班领导) for those still missing;
- incidents: one registered from a 12345 case awaiting its 初报, one 处置中 with 续报 and a task in
  every state, one 较大 told to the city's leaders, one finished with its tasks 销号, one whose
  初报 came late.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from django.db.models import Q
from django.utils import timezone

from accounts.models import Role, User
from cases.models import Case
from duty import config
from duty.models import DailyReport, Handover, Incident, OpenItem, ReserveSite, Shift, Swap
from duty.services import daily, incidents, reserves, rosters, tasks
from duty.services.common import at_local
from duty.services.incidents import Figures
from duty.sweeps import chase_daily, sweep_incidents, warn_coverage
from org.models import Unit, UnitKind

# The township planned on working days only (its weekend and holiday shifts are missing).
GAP_TOWNSHIP = "420881103"


def _staff(unit: Unit, role: str) -> User | None:
    return User.objects.filter(unit=unit, role=role, is_active=True).order_by("pk").first()


def seed_duty(*, seed: int, now: datetime) -> None:
    """Seed the demo through the app's services; idempotent."""
    units = list(config.reporting_units())
    office = config.office()
    if office is None or not units:
        return
    today = timezone.localtime(now).date()
    _rosters(units, today, now)
    _daily(units, today, now, seed)
    if not Incident.objects.exists():
        _incidents(office, now)
    if not ReserveSite.objects.exists():
        _reserves(now)
    warn_coverage(now)
    sweep_incidents(now)


def _rosters(units: list[Unit], today: date, now: datetime) -> None:
    start = today - timedelta(days=7)
    for unit in units:
        leader, clerk = _staff(unit, Role.UNIT_LEADER), _staff(unit, Role.CLERK)
        if leader is None or clerk is None:
            continue
        gap = unit.code == GAP_TOWNSHIP
        rosters.plan_rota(
            unit,
            actor=leader,
            start=start,
            days=17,
            leaders=[leader],
            officers=[clerk],
            workdays_only=gap,
        )
    town = Unit.objects.filter(code="420881001").first()
    if town is None:
        return
    leader, clerk = _staff(town, Role.UNIT_LEADER), _staff(town, Role.CLERK)
    if leader is None or clerk is None:
        return
    future = Shift.objects.filter(unit=town, starts_at__gt=now).order_by("starts_at")
    if not Swap.objects.filter(shift__unit=town).exists() and future.count() >= 3:
        pending, approved = future[1], future[2]
        rosters.request_swap(
            pending, actor=clerk, slot="officer", replacement=leader, reason="家中有事，申请换班", now=now
        )
        swap = rosters.request_swap(
            approved, actor=clerk, slot="officer", replacement=leader, reason="参加培训", now=now
        )
        rosters.decide_swap(swap, actor=leader, approve=True, now=now)
    earlier = Shift.objects.filter(unit=town, ends_at__lte=now).order_by("-ends_at").first()
    if earlier is not None and not Handover.objects.filter(shift=earlier).exists():
        if not OpenItem.objects.filter(unit=town).exists():
            rosters.open_item(
                town, actor=clerk, item_text="某某村河堤渗水点需每2小时巡查一次", now=earlier.starts_at
            )
            done = rosters.open_item(town, actor=clerk, item_text="转运物资车辆已返回", now=earlier.starts_at)
            rosters.close_item(
                done, actor=clerk, note="车辆已入库", now=earlier.starts_at + timedelta(hours=3)
            )
        rosters.hand_over(
            earlier, actor=clerk, notes="夜间无重大情况，河堤渗水点持续巡查中。", now=earlier.ends_at
        )


def _daily(units: list[Unit], today: date, now: datetime, seed: int) -> None:
    for back in range(7, -1, -1):
        day = today - timedelta(days=back)
        for unit in units:
            # One generator per unit and day: a rerun that skips filed reports draws the same.
            rng = random.Random(f"{seed}-{unit.code}-{day}")  # noqa: S311  # demo data, nothing secret
            roll = rng.random()
            clerk = _staff(unit, Role.CLERK)
            if clerk is None or DailyReport.objects.filter(unit=unit, day=day).exists():
                continue
            if back == 0:
                at = at_local(day, time(8, rng.randrange(0, 50)))
                if roll > 0.7 or at > now:
                    continue  # today's not yet filed: chased below
            elif roll < 0.05:
                continue  # missed that day
            elif roll < 0.15:
                at = at_local(day, time(9, rng.randrange(5, 59)))  # late
            else:
                at = at_local(day, time(rng.choice([7, 8]), rng.randrange(0, 59)))
            situation = roll > 0.9
            daily.file_daily(
                unit,
                actor=clerk,
                kind="situation" if situation else "safe",
                report_text="辖区部分低洼路段积水，已安排人员值守" if situation else "",
                now=at,
            )
    chase_daily(now)


def _incidents(office: Unit, now: datetime) -> None:
    clerk = _staff(office, Role.CLERK)
    town = Unit.objects.filter(code="420881001").first()
    if clerk is None or town is None:
        return
    town_clerk = _staff(town, Role.CLERK)
    if town_clerk is None:
        return
    towns = list(Unit.objects.filter(kind=UnitKind.TOWNSHIP).order_by("code")[:4])
    departments = {u.code: u for u in Unit.objects.filter(code__in=["D-ZJJ", "D-SLJ", "D-JTJ", "D-GAJ"])}
    helper = next(iter(departments.values()), office)

    # 1. Registered by the office from a hotline case, the township's 初报 still owed.
    case = Case.objects.filter(Q(title__contains="积水") | Q(title__contains="淹")).order_by("pk").first()
    case = case or Case.objects.order_by("pk").first()
    incidents.register_incident(
        actor=clerk,
        unit=town,
        title="某某小区地下车库进水",
        level="4",
        kind="flood",
        place="某某小区地下车库",
        township=town,
        occurred_at=now - timedelta(minutes=25),
        learned_at=now - timedelta(minutes=20),
        case=case,
        now=now - timedelta(minutes=20),
    )

    # 2. 处置中: 初报 on time, two 续报, and a task in each state.
    start = now - timedelta(hours=5)
    flood = incidents.file_first_report(
        None,
        actor=town_clerk,
        report_text="S311线某某路下穿通道积水约50厘米，已封闭交通。",
        figures=Figures(actions_taken="封闭下穿通道，设置警示"),
        title="某某路下穿通道积水",
        level="4",
        kind="flood",
        place="某某路下穿通道",
        township=town,
        learned_at=start - timedelta(minutes=20),
        now=start,
    )
    incidents.file_follow_up(
        flood,
        actor=town_clerk,
        report_text="调两台泵车抽排，水位下降至30厘米。",
        figures=Figures(actions_taken="泵车抽排"),
        now=start + timedelta(hours=2),
    )
    incidents.file_follow_up(
        flood,
        actor=town_clerk,
        report_text="水位降至10厘米，预计2小时内恢复通行。",
        figures=Figures(actions_taken="泵车抽排，交警疏导"),
        now=start + timedelta(hours=4),
    )
    for title, steps in (("疏导绕行车辆", 0), ("抽排积水并清淤", 1), ("排查周边排水管网", 2)):
        unit = departments.get("D-JTJ" if steps == 0 else "D-ZJJ", helper)
        task = tasks.assign_task(
            flood,
            actor=clerk,
            unit=unit,
            title=title,
            due_at=now + timedelta(hours=3),
            now=start + timedelta(minutes=30),
        )
        worker = _staff(unit, Role.CLERK)
        if worker is None:
            continue
        if steps >= 1:
            tasks.accept_task(task, actor=worker, now=start + timedelta(minutes=45))
        if steps >= 2:
            tasks.report_task(
                task, actor=worker, result="已排查管网3处堵点，清掏完毕。", now=start + timedelta(hours=3)
            )

    # 3. 较大: the city's leaders told on the 初报.
    other = towns[1] if len(towns) > 1 else town
    fire_clerk = _staff(other, Role.CLERK) or town_clerk
    incidents.file_first_report(
        None,
        actor=fire_clerk,
        report_text="某某村一仓库起火，消防已到场扑救，1人受伤送医。",
        figures=Figures(injuries=1, losses="初估50万元", actions_taken="消防扑救，疏散周边群众"),
        title="某某村仓库火灾",
        level="3",
        kind="fire",
        place="某某村仓库",
        township=other if other.kind == UnitKind.TOWNSHIP else None,
        learned_at=now - timedelta(minutes=50),
        now=now - timedelta(minutes=40),
    )

    # 4. 已终报: the task 销号 first (清零销号), then the final report.
    past = now - timedelta(days=2)
    slide = incidents.file_first_report(
        None,
        actor=town_clerk,
        report_text="某某村山体小面积滑坡，阻断村道，无人员伤亡。",
        figures=Figures(),
        title="某某村山体滑坡",
        level="4",
        kind="geological",
        place="某某村村道",
        township=town,
        learned_at=past - timedelta(minutes=30),
        now=past,
    )
    task = tasks.assign_task(
        slide,
        actor=clerk,
        unit=town,
        title="清理村道塌方",
        due_at=past + timedelta(hours=6),
        now=past + timedelta(minutes=20),
    )
    tasks.accept_task(task, actor=town_clerk, now=past + timedelta(minutes=30))
    tasks.report_task(
        task, actor=town_clerk, result="塌方已清理，村道恢复通行。", now=past + timedelta(hours=4)
    )
    tasks.verify_task(task, actor=clerk, now=past + timedelta(hours=5))
    incidents.file_final(
        slide,
        actor=town_clerk,
        report_text="村道恢复通行，隐患点设警示牌并纳入巡查。",
        figures=Figures(losses="约1万元", actions_taken="清理塌方，设警示"),
        now=past + timedelta(hours=6),
    )

    # 5. A 初报 filed after its 60 minutes (the office sees it late).
    late = incidents.register_incident(
        actor=clerk,
        unit=town,
        title="某某路口两车相撞",
        level="4",
        kind="traffic",
        place="某某路口",
        township=town,
        occurred_at=now - timedelta(hours=3),
        learned_at=now - timedelta(hours=3),
        now=now - timedelta(hours=3),
    )
    incidents.file_first_report(
        late,
        actor=town_clerk,
        report_text="两车追尾，2人轻伤，已送医，现场已清理。",
        figures=Figures(injuries=2),
        now=now - timedelta(hours=1, minutes=50),
    )


def _reserves(now: datetime) -> None:
    """A ready shelter, an isolation site whose last check failed, one never checked; stocks
    above minimum, one short and one about to expire."""
    town = Unit.objects.filter(code="420881001").first()
    clerk = _staff(town, Role.CLERK) if town else None
    if town is None or clerk is None:
        return
    ready = reserves.add_site(
        town, actor=clerk, kind="shelter", name="郢中街道第一小学避难安置点", address="某某路", capacity=400
    )
    reserves.check_site(
        ready, actor=clerk, passed=True, ready=True, note="床铺、照明、饮水齐备", now=now - timedelta(days=5)
    )
    failed = reserves.add_site(
        town, actor=clerk, kind="isolation", name="某某宾馆隔离点", address="某某路", capacity=60
    )
    reserves.check_site(
        failed,
        actor=clerk,
        passed=False,
        ready=False,
        note="消防通道堵塞，需整改",
        now=now - timedelta(days=2),
    )
    reserves.add_site(
        town, actor=clerk, kind="shelter", name="某某村文化广场安置点", address="某某村", capacity=200
    )
    today = timezone.localtime(now).date()
    for kind, name, quantity, minimum, measure, expires in (
        ("flood", "编织袋", 3000, 2000, "条", None),
        ("flood", "救生衣", 80, 150, "件", None),
        ("medical", "医用口罩", 6000, 3000, "只", today + timedelta(days=20)),
        ("living", "帐篷", 40, 30, "顶", None),
    ):
        reserves.set_stock(
            town,
            actor=clerk,
            kind=kind,
            name=name,
            quantity=quantity,
            minimum=minimum,
            measure=measure,
            expires_on=expires,
            now=now,
        )
