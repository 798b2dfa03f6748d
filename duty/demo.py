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
from duty.models import DailyReport, Drill, Handover, Incident, KeyPerson, OpenItem, ReserveSite, Shift, Swap
from duty.services import daily, drills, incidents, keypersons, reserves, rosters, tasks
from duty.services.common import at_local
from duty.services.incidents import Figures
from duty.sweeps import chase_daily, sweep_incidents, warn_coverage, warn_key_checks, warn_reserves
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
    if not KeyPerson.objects.exists():
        _key_persons(office, now)
    if not Drill.objects.exists():
        _drills(office, units, now)
    warn_coverage(now)
    sweep_incidents(now)
    warn_key_checks(now)
    warn_reserves(now)


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


# Invented people (no real person's data): names from the demo's stock, ID numbers with an
# impossible birth date (00) so no real number is ever shown.
_PEOPLE = (
    (
        "flood",
        "低洼地带独居老人，汛期需优先转移",
        "张某英",
        "420881193500000021",
        "13800000101",
        "郢中街道某某社区3组12号",
        1,
    ),
    (
        "flood",
        "危房户，强降雨时转移至避难安置点",
        "李某华",
        "420881195800000032",
        "13800000102",
        "郢中街道某某村5组",
        1,
    ),
    ("health", "出院后健康随访（慢性病）", "王某", "420881197000000043", "", "郢中街道某某小区2栋", 7),
    (
        "geological",
        "滑坡隐患点下方住户",
        "赵某强",
        "420881196600000054",
        "13800000104",
        "郢中街道某某村8组",
        3,
    ),
)


def _key_persons(office: Unit, now: datetime) -> None:
    """Four key persons at 郢中街道 (two to be moved in a flood, one under health follow-up, one
    below a landslide point): one checked on time, one overdue (warned), one due today, one
    closed with its reason; one registered by the office for the township."""
    town = Unit.objects.filter(code="420881001").first()
    clerk = _staff(town, Role.CLERK) if town else None
    leader = _staff(town, Role.UNIT_LEADER) if town else None
    office_clerk = _staff(office, Role.CLERK)
    if town is None or clerk is None or office_clerk is None:
        return
    made = []
    for n, (category, reason, name, id_number, phone, address, every) in enumerate(_PEOPLE):
        made.append(
            keypersons.register_person(
                town,
                actor=office_clerk if n == 3 else clerk,
                category=category,
                reason=reason,
                responsible=leader if (leader and n % 2) else clerk,
                name=name,
                id_number=id_number,
                phone=phone,
                address=address,
                check_every_days=every,
                now=now - timedelta(days=every * 2, hours=2),
            )
        )
    on_time, overdue, health, closed = made
    # Checked on time, then again this morning: the next check is tomorrow.
    keypersons.record_check(
        on_time,
        actor=clerk,
        result="normal",
        note="已告知转移路线和安置点",
        now=now - timedelta(days=1, hours=3),
    )
    keypersons.record_check(
        on_time, actor=clerk, result="normal", note="身体状况良好", now=now - timedelta(hours=2)
    )
    # Checked once, late; the next one is overdue (the sweep warns it).
    keypersons.record_check(
        overdue,
        actor=clerk,
        result="absent",
        note="本人外出，已电话联系家属",
        now=now - timedelta(days=1, hours=1),
    )
    keypersons.record_check(
        health,
        actor=clerk,
        result="attention",
        note="血压偏高，已联系村医",
        now=now - timedelta(days=7, hours=1),
    )
    keypersons.close_person(
        closed, actor=clerk, reason="隐患点已完成治理，解除管控", now=now - timedelta(hours=5)
    )


def _drills(office: Unit, units: list[Unit], now: datetime) -> None:
    """A flood drill next week with three units, one held awaiting its 评估, one assessed, one
    cancelled."""
    clerk = _staff(office, Role.CLERK)
    if clerk is None:
        return
    today = timezone.localtime(now).date()
    towns = [u for u in units if u.kind == UnitKind.TOWNSHIP][:3]
    past = now - timedelta(days=30)
    drills.plan_drill(
        office,
        actor=clerk,
        title="汉江汛期防汛抢险综合演练",
        kind="flood",
        scenario="汉江钟祥段水位超警戒 1.5 米，某某堤段出现管涌，需转移沿江低洼地带群众 300 人。",
        planned_on=today + timedelta(days=7),
        participants=towns,
        now=now,
    )
    held = drills.plan_drill(
        office,
        actor=clerk,
        title="地质灾害避险转移演练",
        kind="geological",
        scenario="连续强降雨引发某某村后山滑坡前兆，组织隐患点下方群众避险转移。",
        planned_on=(past + timedelta(days=20)).date(),
        participants=towns[:1],
        now=past,
    )
    drills.hold_drill(
        held,
        actor=clerk,
        held_on=(past + timedelta(days=20)).date(),
        attendance=86,
        summary="预警发布、人员转移、安置点启用全流程演练，用时 42 分钟。",
        now=past + timedelta(days=20),
    )
    assessed = drills.plan_drill(
        office,
        actor=clerk,
        title="城区人员密集场所消防疏散演练",
        kind="fire",
        scenario="某某商场二楼起火，组织顾客和员工疏散并开展初期火灾扑救。",
        planned_on=(past + timedelta(days=10)).date(),
        now=past,
    )
    drills.hold_drill(
        assessed,
        actor=clerk,
        held_on=(past + timedelta(days=10)).date(),
        attendance=240,
        summary="疏散用时 6 分钟，微型消防站 3 分钟到场。",
        now=past + timedelta(days=10),
    )
    drills.assess_drill(
        assessed,
        actor=clerk,
        problems="部分安全出口指示灯不亮；广播系统覆盖不到地下一层。",
        improvements="商场限期更换指示灯；增设地下一层广播，下季度复演。",
        now=past + timedelta(days=12),
    )
    cancelled = drills.plan_drill(
        office,
        actor=clerk,
        title="危化品道路运输事故处置演练",
        kind="traffic",
        scenario="危化品运输车辆在某某高速出口侧翻泄漏。",
        planned_on=today + timedelta(days=3),
        now=now,
    )
    drills.cancel_drill(cancelled, actor=clerk, reason="与防汛综合演练时间冲突，顺延至下月", now=now)
