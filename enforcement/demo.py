"""The 城乡控违 demo: violations across the 31 townships in every state of the loop, with photos,
documents, 复议/诉讼, 存量 plans and 问责 — all through the services, as users would have acted.

Idempotent: nothing is added once any violation exists. The office's users are kwb_clerk and
kwb_leader; each township acts through its own <slug>_clerk / <slug>_leader (accounts.demo).
"""

from __future__ import annotations

import io
import random
from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone
from PIL import Image

from accounts.models import Role, User
from enforcement import config, services
from enforcement.deadlines import remedy_periods
from enforcement.models import Channel, LandType, PatrolLog, Structure, Violation
from enforcement.services.patches import import_patches
from enforcement.services.patrols import log_patrol
from enforcement.workflow import State
from org.models import Unit, UnitKind

# The road through the loop each demo violation takes, to the state it stops in.
ROADS: tuple[State, ...] = (
    State.REPORTED,
    State.CONFIRMED,
    State.STOPPED,
    State.ORDERED,
    State.DEMOLISHED,
    State.VERIFIED,
    State.CLOSED,
    State.CLOSED,
    State.DISMISSED,
    State.APPEALED,
    State.PLANNED,
    State.ORDERED,
)
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程"
GIVEN = ("建国", "红梅", "志强", "桂英", "德华", "春生", "秀兰", "永福", "小军", "金山")
WHAT = (
    ("耕地上新建砖混结构房屋一层，正在砌墙", Structure.BRICK, LandType.FARMLAND),
    ("宅基地上超面积加建二层", Structure.FRAME, LandType.HOMESTEAD),
    ("集体土地上搭建钢结构厂棚", Structure.STEEL, LandType.COLLECTIVE),
    ("屋顶加建彩钢棚", Structure.SHED, LandType.STATE),
    ("临街违规搭建简易门面", Structure.SHED, LandType.STATE),
    ("河道管理范围内新建养殖棚", Structure.SHED, LandType.COLLECTIVE),
)
# No coordinates of the townships ship with the product (docs/enforcement.md, the map), so each
# township's demo points cluster around an illustrative anchor of its own, laid out in township
# order over the county's box: the map then shows townships apart, not one cloud, and says that
# the demo's points are illustrative (MOCHOU_DEMO).
GRID = (30.85, 31.55, 112.25, 113.0)  # lat min, lat max, lng min, lng max: inside geo.BOUNDS
COLUMNS = 6


def _anchor(index: int, count: int) -> tuple[float, float]:
    lat_min, lat_max, lng_min, lng_max = GRID
    rows = max(1, -(-count // COLUMNS))
    row, col = divmod(index, COLUMNS)
    lat = lat_max - (row + 0.5) * (lat_max - lat_min) / rows
    lng = lng_min + (col + 0.5) * (lng_max - lng_min) / COLUMNS
    return lat, lng


def _photo(rng: random.Random) -> bytes:
    out = io.BytesIO()
    colour = (rng.randrange(80, 200), rng.randrange(80, 200), rng.randrange(60, 160))
    Image.new("RGB", (64, 48), colour).save(out, format="JPEG")
    return out.getvalue()


def _staff(slug: str) -> tuple[User | None, User | None]:
    users = {u.username: u for u in User.objects.filter(username__in=[f"{slug}_clerk", f"{slug}_leader"])}
    return users.get(f"{slug}_clerk"), users.get(f"{slug}_leader")


def _advance(
    v: Violation,
    goal: State,
    *,
    town: User,
    town_leader: User,
    office: User,
    office_leader: User,
    at: datetime,
    rng: random.Random,
    forced: str = "",
) -> None:
    """Take a registered violation to `goal` through the verbs, each step a little later; a
    demolition is `forced` after the owner's appeal periods ran out ("waited") or after an upheld
    复议 ("appealed"), else the owner's own within the deadline."""
    if goal == State.REPORTED:
        return
    at += timedelta(hours=rng.randint(2, 20))
    if goal == State.DISMISSED:
        services.dismiss(
            v,
            actor=office,
            reason=rng.choice(["unfounded", "legal"]),
            note="现场核查为临时堆放物料，无建设行为",
            now=at,
        )
        return
    services.confirm(v, actor=office, note="现场核查属实", now=at)
    if goal == State.CONFIRMED:
        return
    if goal == State.PLANNED:
        services.plan(
            v,
            actor=town,
            due=at.date() + timedelta(days=120),
            note="列入年度存量违建处置计划第二批",
            now=at + timedelta(days=1),
        )
        return
    at += timedelta(hours=rng.randint(1, 6))
    services.stop(v, actor=town, note="当场制止，下达责令停止建设通知书", now=at)
    if goal == State.STOPPED:
        return
    at += timedelta(days=1)
    services.order(v, actor=town, days=7, note="限七日内自行拆除", now=at)
    if goal == State.ORDERED:
        return
    if goal == State.APPEALED:
        services.appeal(
            v,
            actor=town,
            kind="review",
            document="钟政复申〔2026〕行政复议申请书",
            files=[("行政复议申请书.jpg", _photo(rng))],
            now=at + timedelta(days=2),
        )
        return
    photos = [_photo(rng)]
    if forced == "appealed":
        # The owner's 复议 is upheld: 强拆 need not wait out the rest of the 诉讼 period, only the
        # 15 days the 复议决定 leaves to sue (行政诉讼法 §45), from its service.
        services.appeal(
            v,
            actor=town,
            kind="review",
            document="钟政复申〔2026〕行政复议申请书",
            files=[("行政复议申请书.jpg", _photo(rng))],
            now=at + timedelta(days=2),
        )
        at += timedelta(days=rng.randint(30, 40))
        services.resolve_appeal(
            v,
            actor=town,
            upheld=True,
            document="钟政复决〔2026〕行政复议决定书（维持）",
            files=[("行政复议决定书.jpg", _photo(rng))],
            served_on=timezone.localdate(at),
            now=at,
        )
    if forced:
        # 行政强制法 §44: the 公告 once the 自拆 deadline has passed, 强拆 once its period has run
        # out and the owner can no longer bring a 复议 or 诉讼 (nor sue after the upheld 复议).
        v = Violation.objects.get(pk=v.pk)
        if v.demolish_by is None or v.ordered_at is None:  # pragma: no cover - set by 限期自拆
            raise RuntimeError(f"{v.number} has no decision to enforce")
        announced = v.demolish_by + timedelta(hours=2)
        services.announce(v, actor=town_leader, note="逾期未拆，发布强制拆除公告", now=announced)
        at = announced + timedelta(days=config.notice_days(), hours=2)
        periods = remedy_periods(v)
        if periods is not None:
            at = max(at, periods.enforceable_from + timedelta(hours=9))
        services.force_demolish(
            v, actor=town_leader, photo_data=photos, note="公告期满仍未拆除，依法组织强拆", now=at
        )
    else:
        at += timedelta(days=rng.randint(3, 6))
        services.self_demolish(v, actor=town_leader, photo_data=photos, note="当事人已自行拆除", now=at)
    if goal == State.DEMOLISHED:
        return
    at += timedelta(days=1)
    services.reinspect(
        v, actor=office, passed=True, photo_data=[_photo(rng)], note="现场复核已拆除到位", now=at
    )
    if goal == State.VERIFIED:
        return
    services.sign_off(v, actor=office_leader, note="同意销号", now=at + timedelta(hours=4))


@transaction.atomic
def seed_enforcement(*, seed: int, now: datetime) -> None:
    """Seed the demo through the app's services; idempotent."""
    if Violation.objects.exists():
        return
    office_unit = Unit.objects.filter(code=config.office_code()).first()
    office = User.objects.filter(unit=office_unit, role=Role.CLERK, is_active=True).order_by("pk").first()
    office_leader = User.objects.filter(unit=office_unit, role=Role.UNIT_LEADER, is_active=True).first()
    if office is None or office_leader is None:
        return
    from org.demo import unit_slug

    rng = random.Random(seed)  # noqa: S311 - demo data, not secrets
    cutoff = config.new_since()
    townships = list(Unit.objects.townships().order_by("sort_order", "code"))
    n = 0
    for t_index, township in enumerate(townships):
        slug = unit_slug(township)
        town, town_leader = _staff(slug) if slug else (None, None)
        if town is None or town_leader is None:
            continue
        villages = list(Unit.objects.active().filter(kind=UnitKind.VILLAGE, parent=township))
        anchor = _anchor(t_index, len(townships))
        # Every other township shows a clean sheet (零增长) this month; some show more work.
        count = 1 + (t_index % 3)
        for k in range(count):
            goal = ROADS[n % len(ROADS)]
            n += 1
            what, structure, land = WHAT[rng.randrange(len(WHAT))]
            forced = ""
            if goal in (State.DEMOLISHED, State.VERIFIED, State.CLOSED):
                forced = rng.choice(["", "", "waited", "appealed"])
            # A forced demolition waits out the owner's 复议/诉讼 periods (six months) or an appeal.
            if forced == "waited":
                days_ago = rng.randint(215, 240)
            elif forced == "appealed":
                days_ago = rng.randint(70, 90)
            elif goal in (State.REPORTED, State.CONFIRMED):
                days_ago = rng.randint(0, 3)
            else:
                days_ago = rng.randint(25, 60)
            at = now - timedelta(days=days_ago, hours=rng.randint(0, 8))
            # Begun before it was found: a 新增 one between the cut-off and its discovery.
            latest = (at - timedelta(days=1)).date()
            existing = goal == State.PLANNED or rng.random() < 0.2 or latest <= cutoff
            built_on = (
                date(rng.randint(2012, cutoff.year - 1), rng.randint(1, 12), rng.randint(1, 28))
                if existing
                else cutoff + timedelta(days=rng.randint(0, (latest - cutoff).days))
            )
            village = rng.choice(villages) if villages else None
            # 郢中街道连家沟社区…; a 场库's 虚拟社区 is a statistical unit, not a place to write.
            real = village is not None and "虚拟" not in village.name
            place = f"{township.display_name}{village.display_name if village and real else ''}"
            patrol = _patrol(town, township, at, found=True) if k == 0 and t_index < 2 else None
            report = services.Report(
                township=township,
                village=village,
                address=f"{place}{rng.randint(1, 12)}组{rng.randint(1, 60)}号",
                area=f"{rng.randint(12, 480)}.{rng.randint(0, 9)}",
                structure=structure,
                land_type=land,
                built_on=built_on,
                description=what,
                channel=Channel.PATROL
                if patrol
                else rng.choice(
                    [Channel.PATROL, Channel.PATROL, Channel.SATELLITE, Channel.REPORT, Channel.ASSIGNED]
                ),
                lat=round(anchor[0] + rng.uniform(-0.03, 0.03), 4),
                lng=round(anchor[1] + rng.uniform(-0.03, 0.03), 4),
                patrol=patrol,
                owner_name=SURNAMES[rng.randrange(len(SURNAMES))] + GIVEN[rng.randrange(len(GIVEN))],
                owner_phone=f"139{rng.randint(10000000, 99999999)}",
                photos=[_photo(rng)],
            )
            if goal == State.PLANNED:
                report.built_on = date(2015, 6, 1)
            v = services.report_violation(report, actor=town, now=at)
            _advance(
                v,
                goal,
                town=town,
                town_leader=town_leader,
                office=office,
                office_leader=office_leader,
                at=at,
                rng=rng,
                forced=forced,
            )
            if k == 0 and goal == State.ORDERED and t_index % 4 == 0:
                services.record_accountability(
                    v,
                    actor=office_leader,
                    person=f"{township.display_name}网格员{SURNAMES[t_index]}某",
                    unit=township,
                    form="talk",
                    decided_on=now.date() - timedelta(days=1),
                    note="巡查不到位，新增违建未第一时间发现制止",
                    now=now - timedelta(days=1),
                )
        if t_index < 3:  # a patrol that found nothing, in one tap
            _patrol(town, township, now - timedelta(hours=5 + t_index), found=False)
    _import_patches(office, townships, now=now)
    _link_a_hotline_case(now=now)


def _patrol(patroller: User, township: Unit, at: datetime, *, found: bool) -> PatrolLog:
    return log_patrol(
        actor=patroller,
        area=f"{township.display_name}辖区重点村组、道路沿线",
        nothing_found=not found,
        note="发现疑似新建房屋一处，已拍照登记" if found else "",
        township=township,
        now=at - timedelta(minutes=40),
    )


def _import_patches(office: User, townships: list[Unit], *, now: datetime) -> None:
    """One 卫片 batch of the quarter's monitoring: two patches, each a violation to be checked."""
    if len(townships) < 2:
        return
    seen = (now - timedelta(days=20)).date().isoformat()
    lines = ["图斑编号,乡镇编码,纬度,经度,面积,土地性质,监测日期,描述"]
    for n, township in enumerate(townships[:2], start=1):
        lat, lng = _anchor(n - 1, len(townships))
        lines.append(
            f"WP{now:%Y}Q-{n:03d},{township.code},{lat + 0.01:.4f},{lng - 0.01:.4f},{150 + 60 * n},"
            f"耕地,{seen},耕地上新增建(构)筑物"
        )
    import_patches("\n".join(lines).encode(), "demo-patches.csv", actor=office, now=now - timedelta(days=2))


def _link_a_hotline_case(*, now: datetime) -> None:
    """One 12345 违建 case held by a township, turned into a violation (if the case demo made one)."""
    from accounts.privacy import case_text_for
    from cases.models import Case
    from enforcement.services.hotline import violation_from_case
    from org.demo import unit_slug

    paths = config.case_categories()
    case = (
        Case.objects.filter(state="in_progress", category__path__in=paths, lead_unit__kind=UnitKind.TOWNSHIP)
        .select_related("lead_unit")
        .order_by("pk")
        .first()
    )
    if case is None or case.lead_unit is None:
        return
    slug = unit_slug(case.lead_unit)
    clerk, _ = _staff(slug) if slug else (None, None)
    if clerk is None:
        return
    report = services.Report(
        township=case.lead_unit,
        address=case.address or f"{case.lead_unit.display_name}（12345工单所述地点）",
        area="60",
        structure=Structure.BRICK,
        land_type=LandType.HOMESTEAD,
        built_on=now.date() - timedelta(days=10),
        channel=Channel.HOTLINE,
        # As the 转为违建 page does: the citizen's text with phones, IDs and flats masked (in full,
        # audited, only for whoever may see them), never copied unmasked into the violation.
        description=case_text_for(clerk, case, purpose="转为违建")[:2000] or case.title,
    )
    violation_from_case(case, report, actor=clerk, now=now)
