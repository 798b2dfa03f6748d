"""The 招商引资 demo: the chains, the five parks, ~60 projects at every stage, the parks' output.

Everything goes through the services (declare → documents → submit → 招商局审核), so the counts,
the events and the audit trail are the real ones. Names of projects and investors are invented
(any likeness to a real company is chance); credit codes read 91420881MA5xxxxxx + check character,
valid by GB 32100-2015 and belonging to no one. Two or three projects are the 店小二 app's demo
enterprises (their own credit codes): each gets one 要素保障 problem raised by the 招商局 (an appeal
dispatched to the unit of its kind), and their other appeals show on the project. The year's
targets (the city's and each park's, one corrected) and most stalled projects' reasons are set.

The "4+1" and "3+6" chains and the five parks are plausible for 钟祥 (the meeting report names
the "4+1" leading industries, the "3+6" agricultural system, five industrial parks, and the
钟祥经济开发区, 大柴湖经济开发区 and 南湖新区), not an official list: they are configuration rows.

Idempotent: chains and parks are matched on their code; projects are added only when the demo
has none yet; a month's output is written once.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import transaction

from accounts.models import User
from enterprises import creditcode
from enterprises.models import Enterprise
from org.demo import TOWNSHIP_SLUGS
from org.models import Unit

from . import services
from .config import office
from .models import Chain, ChainSystem, Park, ParkOutput, Project, Source
from .workflow import MILESTONES, Action, StallReason, State, TerminationReason

CHAINS: tuple[tuple[str, str, str, int], ...] = (
    ("phosphorus", "精细磷化工", ChainSystem.INDUSTRY, 1),
    ("new-materials", "新能源新材料", ChainSystem.INDUSTRY, 2),
    ("equipment", "装备制造", ChainSystem.INDUSTRY, 3),
    ("food", "农产品精深加工", ChainSystem.INDUSTRY, 4),
    ("culture-tourism", "文化旅游（+1）", ChainSystem.INDUSTRY, 5),
    ("rice", "优质稻米", ChainSystem.AGRICULTURE, 1),
    ("pig", "生猪", ChainSystem.AGRICULTURE, 2),
    ("mushroom", "香菇", ChainSystem.AGRICULTURE, 3),
    ("kudzu", "葛根", ChainSystem.AGRICULTURE, 4),
    ("citrus", "柑橘", ChainSystem.AGRICULTURE, 5),
    ("tea", "茶叶", ChainSystem.AGRICULTURE, 6),
    ("aquatic", "水产", ChainSystem.AGRICULTURE, 7),
    ("herbs", "中药材", ChainSystem.AGRICULTURE, 8),
    ("vegetables", "蔬菜", ChainSystem.AGRICULTURE, 9),
)
# (code, name, short name, township NBS code). The first two are township-level units and the
# enterprises app's parks (same names, so its enterprises count in their park).
PARKS: tuple[tuple[str, str, str, str], ...] = (
    ("zxkfq", "湖北钟祥经济开发区", "钟祥经开区", "420881400"),
    ("hjkfq", "湖北钟祥胡集经济技术开发区", "胡集经开区", "420881461"),
    ("dchkfq", "大柴湖经济开发区", "大柴湖经开区", "420881110"),
    ("nhxq", "南湖新区工业园", "南湖新区", "420881451"),
    ("shxh", "双河循环经济产业园", "双河产业园", "420881104"),
)
WORDS = ("瑞丰", "恒信", "华楚", "汉江", "楚天", "荆沙", "鼎盛", "兴邦", "金源", "宏图", "嘉禾", "天润",
         "博远", "泰和", "昌达", "中拓", "远洋", "新锐", "明辉", "卓越")  # fmt: skip
PRODUCTS = {
    "phosphorus": ("磷酸铁", "万吨"), "new-materials": ("锂电池正极材料", "万吨"),
    "equipment": ("智能农机", "台"), "food": ("休闲食品", "万吨"), "culture-tourism": ("文旅综合体", "个"),
    "rice": ("优质稻米", "万吨"), "pig": ("生猪", "万头"), "mushroom": ("香菇", "万吨"),
    "kudzu": ("葛粉", "万吨"),
    "citrus": ("柑橘深加工", "万吨"), "tea": ("茶叶", "吨"), "aquatic": ("小龙虾加工", "万吨"),
    "herbs": ("中药饮片", "吨"), "vegetables": ("净菜", "万吨"),
}  # fmt: skip
# How many projects end at each state (60 in all); the list is walked in order.
TARGETS: tuple[tuple[State, int], ...] = (
    (State.NEW, 4), (State.NEGOTIATING, 12), (State.SIGNED, 8), (State.REGISTERED, 6), (State.LAND, 4),
    (State.STARTED, 8), (State.COMPLETED, 4), (State.PRODUCING, 5), (State.FULL, 3), (State.PAUSED, 4),
    (State.TERMINATED, 2),
)  # fmt: skip
DOCUMENTS = {
    Action.SIGN: "投资协议", Action.INCORPORATE: "营业执照", Action.GRANT_LAND: "土地成交确认书",
    Action.START: "施工许可证", Action.COMPLETE: "竣工验收备案表", Action.PRODUCE: "投产证明",
    Action.REACH_FULL: "规上企业入库通知", Action.UPGRADE: "增资补充协议",
    Action.CHANGE_INVESTOR: "投资主体变更协议",
}  # fmt: skip
EVENTS = (
    "钟祥市招商引资推介会",
    "荆门市重点项目集中签约",
    "湖北（武汉）招商周",
    "长三角招商恳谈会",
    "粤港澳大湾区招商推介会",
)


@dataclass
class Cast:
    clerk: User
    leader: User
    township_clerks: dict[int, User]
    patrons: list[User]


def _demo_pdf(title: str) -> ContentFile[bytes]:
    return ContentFile(f"%PDF-1.4\n% 莫愁演示材料：{title}\n".encode(), name=f"{title}.pdf")


def seed_chains_and_parks() -> None:
    for code, name, system, order in CHAINS:
        Chain.objects.update_or_create(
            code=code, defaults={"name": name, "system": system, "sort_order": order}
        )
    for order, (code, name, short, township) in enumerate(PARKS, start=1):
        Park.objects.update_or_create(
            code=code,
            defaults={"name": name, "short_name": short, "sort_order": order,
                      "township": Unit.objects.filter(code=township).first()},
        )  # fmt: skip


def seed_investment(*, seed: int, now: datetime) -> None:
    """Seed the demo through the app's services; idempotent."""
    seed_chains_and_parks()
    unit = office()
    cast = _cast(unit)
    if cast is None or unit is None:
        return  # no 招商局 or its demo users: nothing to seed as
    rng = random.Random(seed)  # noqa: S311 (demo data, not secrets)
    if not Project.objects.exists():
        _seed_projects(rng, cast, unit, now)
    _seed_outputs(rng, cast, now)
    _seed_targets(cast, now)
    _seed_stall_reasons(cast, now)
    _seed_problems(cast, now)


# The year's targets: the city's and each park's (plausible, not the city's real 考核 figures).
CITY_TARGETS = {"signed": 40, "amount": 2000000, "major": 8, "started": 25, "producing": 15, "funds": 600000}


def _seed_targets(cast: Cast, now: datetime) -> None:
    from .models import Target
    from .targets import set_target

    year = now.year
    if Target.objects.filter(year=year).exists():
        return
    for figure, value in CITY_TARGETS.items():
        set_target(actor=cast.clerk, year=year, figure=figure, value=value, now=now)
    for i, park in enumerate(Park.objects.filter(is_active=True)):
        set_target(actor=cast.clerk, year=year, figure="signed", value=4 + i % 3, park=park, now=now)
        set_target(
            actor=cast.clerk, year=year, figure="amount", value=150000 + 50000 * (i % 3), park=park, now=now
        )
    # One correction, so that the history shows one.
    set_target(actor=cast.clerk, year=year, figure="signed", value=CITY_TARGETS["signed"] + 5, now=now)


def _seed_stall_reasons(cast: Cast, now: datetime) -> None:
    """The reason of most stalled projects, said by the 招商局 (a few are left 未填报)."""
    from .models import StallExplanation
    from .stalls import explain_stall, stalled

    if StallExplanation.objects.exists():
        return
    reasons = [
        StallReason.LAND,
        StallReason.APPROVAL,
        StallReason.FUNDS,
        StallReason.UTILITIES,
        StallReason.DESIGN,
    ]
    for i, row in enumerate(stalled(list(Project.objects.order_by("number")), now.date())):
        if i % 4 != 3 and not row.reason:
            explain_stall(row.project, actor=cast.clerk, reason=reasons[i % len(reasons)], now=now)


def _seed_problems(cast: Cast, now: datetime) -> None:
    """要素保障: one problem on each project whose investor is a 店小二 enterprise with a contact."""
    from mochou.errors import DomainError

    from .models import ProjectProblem
    from .problems import raise_problem

    if ProjectProblem.objects.exists():
        return
    kinds = [
        (
            StallReason.LAND,
            "用地指标未落实",
            "项目二期用地指标尚未落实，影响厂房扩建开工，请协调自然资源部门。",
        ),
        (
            StallReason.UTILITIES,
            "专线供电接入",
            "新建生产线需10千伏专线供电，申请已提交一个月，请协调供电公司。",
        ),
        (StallReason.APPROVAL, "施工许可办理", "施工许可材料已齐全，请政务服务中心加快办理并明确时限。"),
    ]
    projects = Project.objects.filter(investor__isnull=False).order_by("number")
    for (kind, title, content), project in zip(kinds, projects, strict=False):
        try:
            raise_problem(project, actor=cast.clerk, kind=kind, title=title, content=content, now=now)
        except DomainError:  # an enterprise without a contact, or a unit missing in a trimmed demo
            continue


def _cast(unit: Unit | None) -> Cast | None:
    if unit is None:
        return None
    clerk = User.objects.filter(unit=unit, role="clerk", is_active=True).order_by("username").first()
    leader = User.objects.filter(unit=unit, role="unit_leader", is_active=True).order_by("username").first()
    if clerk is None or leader is None:
        return None
    township_clerks = {}
    for code, slug in TOWNSHIP_SLUGS.items():
        user = User.objects.filter(username=f"{slug}_clerk").select_related("unit").first()
        if user is not None and user.unit is not None and user.unit.code == code:
            township_clerks[user.unit_id] = user
    patrons = list(User.objects.filter(role="leader", is_active=True).order_by("username")[:4])
    return Cast(clerk, leader, township_clerks, patrons)  # type: ignore[arg-type]  # unit_id is set on these users


def _path(target: State, i: int) -> list[Action]:
    """The approved stages that bring a project to `target` (a few with upgrades, changes, losses)."""
    milestone_actions = [a for _, a in MILESTONES]
    if target == State.NEW:
        return []
    if target == State.PAUSED:
        stop = [State.SIGNED, State.LAND, State.STARTED, State.COMPLETED][i % 4]
        return [*_path(stop, i), Action.PAUSE]
    if target == State.TERMINATED:
        return (
            [Action.NEGOTIATE, Action.TERMINATE]
            if i % 2
            else [Action.NEGOTIATE, Action.SIGN, Action.TERMINATE]
        )
    upto = [s for s, _ in MILESTONES].index(target)
    steps = milestone_actions[: upto + 1]
    if target == State.LAND and i % 2:
        steps.remove(Action.INCORPORATE)  # some get the land before the company is registered
    if len(steps) > 3 and i % 5 == 0:
        steps.insert(3, Action.UPGRADE)
    if len(steps) > 4 and i % 7 == 3:
        steps.insert(2, Action.CHANGE_INVESTOR)
    return steps


def _dates(rng: random.Random, count: int, today: date, late_by: int = 0) -> list[date]:
    """`count` stage dates, oldest first, the last a few weeks (and `late_by` days) before today."""
    days: list[date] = []
    day = today - timedelta(days=rng.randint(5, 45) + late_by)
    for _ in range(count):
        days.append(day)
        day -= timedelta(days=rng.randint(25, 80))
    return sorted(days)


@transaction.atomic
def _seed_projects(rng: random.Random, cast: Cast, unit: Unit, now: datetime) -> None:
    today = now.date()
    chains = list(Chain.objects.filter(is_active=True))
    parks = list(Park.objects.filter(is_active=True))
    townships = list(Unit.objects.townships())
    known = list(Enterprise.objects.filter(is_active=True).exclude(park="").order_by("credit_code")[:3])
    n = 0
    for target, count in TARGETS:
        for k in range(count):
            n += 1
            chain = chains[(n * 7) % len(chains)]
            in_park = (n % 4 != 0 and chain.system == ChainSystem.INDUSTRY) or n % 3 == 0
            park = parks[n % len(parks)] if in_park else None
            township = (
                park.township
                if park is not None and park.township is not None
                else townships[n % len(townships)]
            )
            total = Decimal(
                rng.choice([3000, 5000, 8000, 12000, 20000, 30000, 50000, 80000, 120000, 150000, 200000])
            )
            if chain.system == ChainSystem.AGRICULTURE:
                total = (total / 4).quantize(Decimal("1"))
            product, measure = PRODUCTS[chain.code]
            word = WORDS[n % len(WORDS)] + ("", "恒达", "众鑫")[n // len(WORDS) % 3]  # unique per project
            enterprise = (
                known.pop(0)
                if known and park is not None and target in (State.STARTED, State.PRODUCING)
                else None
            )
            code = enterprise.credit_code if enterprise else creditcode.make(f"91420881MA5{n:06d}")
            responsible = township if township.pk in cast.township_clerks and n % 2 else unit
            declarer = cast.township_clerks.get(responsible.pk, cast.clerk)
            data = {
                "code_name": f"{chain.name.split('（')[0]}项目{n:02d}号",
                "name": f"年产{rng.randint(1, 30)}{measure}{product}项目（{word}）",
                "investor_name": enterprise.name if enterprise else f"湖北{word}{product}有限公司",
                "investor_credit_code": code,
                "source": [Source.EVENT, Source.CHANNEL, Source.BUSINESS, Source.EVENT][n % 4],
                "source_detail": EVENTS[n % len(EVENTS)],
                "chain": chain,
                "park": park,
                "township": township,
                "total_investment": total,
                "first_phase_investment": (total * Decimal("0.4")).quantize(Decimal("0.01")),
                "registered_capital": (total * Decimal("0.1")).quantize(Decimal("0.01")),
                "expected_output": (total * Decimal("1.5")).quantize(Decimal("0.01")),
                "expected_tax": (total * Decimal("0.06")).quantize(Decimal("0.01")),
                "expected_jobs": int(total / 200) + 20,
                "is_leading": total >= 100000 or n % 9 == 0,
                "is_little_giant": n % 11 == 0,
                "is_tech_upgrade": chain.code in ("phosphorus", "equipment") and n % 3 == 1,
                "patron_leader": cast.patrons[n % len(cast.patrons)] if cast.patrons else None,
                "task_force": f"{chain.name.split('（')[0]}招商专班",
                "liaison": declarer if declarer is not cast.clerk else None,
            }
            path = _path(target, k)
            # A third of the signed and registered projects have stood still past their stall
            # clock (签约未注册 3 months, 注册未开工 6: investment.config), so the 停滞 list has rows.
            late = k % 3 == 1 and target in (State.SIGNED, State.REGISTERED)
            late_by = (120 if target == State.SIGNED else 200) if late else 0
            days = _dates(rng, max(len(path), 1), today, late_by)
            registered_at = now - timedelta(days=(today - days[0]).days + 3)
            if target in (State.SIGNED, State.REGISTERED) and k % 3 == 0:
                data["planned_start"] = (days[-1] + timedelta(days=40 + 31 * (k % 5))).replace(day=1)
            project = services.register_project(
                actor=declarer, data=data, responsible_unit=responsible, now=registered_at
            )
            for action, day in zip(path, days, strict=False):
                _approve(project, action, day, declarer, cast, rng, now)
            _leave_open(project, target, k, declarer, cast, today, now)
            _funds(project, declarer, rng, today)


def _stage_data(project: Project, action: Action, day: date, rng: random.Random, n: int) -> dict[str, object]:
    data: dict[str, object] = {"stage": action.value, "date": day, "note": ""}
    if action == Action.NEGOTIATE:
        data["note"] = "客商来钟考察，已就选址、用地和配套条件深入洽谈。"
    if action == Action.SIGN:
        data["event_name"] = EVENTS[n % len(EVENTS)]
    if action == Action.PAUSE:
        data["reason"] = list(StallReason)[n % 6].value
        data["note"] = "要素未落实，项目暂缓推进，专班正在协调。"
    if action == Action.TERMINATE:
        data["reason"] = [TerminationReason.MOVED_ELSEWHERE, TerminationReason.FUNDS][n % 2].value
        data["note"] = "经多轮对接，投资方决定不在我市落地。"
    if action == Action.UPGRADE:
        project.refresh_from_db(fields=["total_investment"])
        data["new_total_investment"] = project.total_investment + Decimal(rng.choice([5000, 10000, 30000]))
    if action == Action.CHANGE_INVESTOR:
        data["new_investor_name"] = f"{project.investor_name.removesuffix('有限公司')}（钟祥）有限公司"
        data["new_investor_credit_code"] = creditcode.make(f"91420881MA6{project.pk:06d}")
    return data


def _approve(
    project: Project, action: Action, day: date, declarer: User, cast: Cast, rng: random.Random, now: datetime
) -> None:
    report = services.declare_stage(
        project, actor=declarer, data=_stage_data(project, action, day, rng, project.pk), today=now.date()
    )
    if action in services.NEEDS_DOCUMENTS:
        services.add_document(
            report, actor=declarer, title=DOCUMENTS[action], file=_demo_pdf(DOCUMENTS[action]), now=now
        )
    services.submit_report(report, actor=declarer)
    services.approve_report(report, actor=cast.leader, note="材料齐全，同意。", now=now)


def _leave_open(
    project: Project, target: State, k: int, declarer: User, cast: Cast, today: date, now: datetime
) -> None:
    """Some projects have a report under way: a draft, one waiting for review, one sent back."""
    project.refresh_from_db()
    if target == State.NEW:
        report = services.declare_stage(
            project,
            actor=declarer,
            data={"stage": "negotiate", "date": today - timedelta(days=3 + k), "note": "客商首次来访洽谈。"},
            today=today,
        )
        if k >= 1:
            services.submit_report(report, actor=declarer)
        if k == 2:
            services.return_report(report, actor=cast.leader, note="请写明客商考察的时间、地点和洽谈内容。")
        return
    nxt = {
        State.NEGOTIATING: Action.SIGN,
        State.SIGNED: Action.INCORPORATE,
        State.STARTED: Action.COMPLETE,
    }.get(State(project.state))
    if nxt is None or k % 3 != 1:
        return
    last = project.reports.filter(status="published").order_by("-date").values_list("date", flat=True).first()
    day = min(today, (last or today) + timedelta(days=20))
    report = services.declare_stage(
        project, actor=declarer, data={"stage": nxt.value, "date": day, "event_name": EVENTS[0]}, today=today
    )
    services.add_document(
        report, actor=declarer, title=DOCUMENTS[nxt], file=_demo_pdf(DOCUMENTS[nxt]), now=now
    )
    services.submit_report(report, actor=declarer)


def _funds(project: Project, declarer: User, rng: random.Random, today: date) -> None:
    """到位资金 for the months since a started project's 开工 (a share of its first phase)."""
    started = project.reports.filter(status="published", stage=Action.START).order_by("date").first()
    if started is None or project.first_phase_investment is None:
        return
    month = started.date.replace(day=1)
    while month <= today.replace(day=1):
        part = project.first_phase_investment * Decimal(rng.randint(3, 12)) / 100
        services.record_funds(
            project, actor=declarer, month=month, amount=part.quantize(Decimal("0.01")), today=today
        )
        month = date(month.year + (month.month == 12), month.month % 12 + 1, 1)


def _seed_outputs(rng: random.Random, cast: Cast, now: datetime) -> None:
    """Monthly industrial output: the city's and each park's, last year and this year to last month."""
    parks = list(Park.objects.filter(is_active=True))
    weights = [Decimal("0.34"), Decimal("0.22"), Decimal("0.10"), Decimal("0.07"), Decimal("0.05")]
    today = now.date()
    month = date(today.year - 1, 1, 1)
    while month < today.replace(day=1):
        if not ParkOutput.objects.filter(park__isnull=True, month=month).exists():
            city = Decimal(rng.randint(560000, 700000))
            services.record_output(actor=cast.clerk, park=None, month=month, output=city)
            for park, weight in zip(parks, weights, strict=False):
                share = weight * Decimal(rng.randint(90, 112)) / 100
                services.record_output(
                    actor=cast.clerk, park=park, month=month, output=(city * share).quantize(Decimal("0.01"))
                )
        month = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
