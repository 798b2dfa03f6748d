"""Demo cases for 钟祥市, made only through cases.services with `now=` instants in the past.

Texts are requests written per matter of a county city (cases.demo_texts: 路灯, 下水道, 噪音,
占道经营, 物业, 拖欠工资, 医保社保, 学校, 农村道路, 饮水, 秸秆焚烧 …) or real citizen messages
(mochou/data/messages-labelled.csv, 2020 泰迪杯 public sample) whose anonymised places (A市, A3区,
西地省…) are replaced with 钟祥 and the case's own township; the address always lies in that
township, and only categories in use (active) are given. Each case
follows a scenario that ends in one state of the loop (registered … closed, merged, transferred),
with returns, co-handlers, extensions, supervision notices, late replies and reopenings along the
way. Every step happens on a working day in working hours, before the real (or frozen) now.

Deterministic for a given seed and now: the same database comes out each time.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import Role, User
from cases import services
from cases.demo_texts import matters_for, place_in, write_request
from cases.models import (
    POOR_RATINGS,
    Case,
    Category,
    Channel,
    ContactWay,
    Kind,
    Satisfaction,
    SuspensionReason,
    Urgency,
)
from cases.taxonomy import default_unit_for
from cases.workflow import State
from mochou.datasets import read_messages
from org.demo import CENTRE_CODE, DATA_DIR, short_township_name
from org.models import Unit, UnitKind
from worktime.calendar import add_working_hours, is_workday, work_periods, working_hours_between

MESSAGES_CSV = DATA_DIR / "messages-labelled.csv"
WINDOW_DAYS = 60  # cases are spread over the last ~60 calendar days
# The share of new cases whose text is a request written for the demo (cases.demo_texts); the
# others are the shipped real messages, their places made the case's own township.
WRITTEN_SHARE = 0.6

# ---------------------------------------------------------------- the shipped messages


@dataclass(frozen=True)
class Message:
    title: str
    content: str
    label: str  # 一级分类


def clean_text(raw: str) -> str:
    """Strip the export's artefacts (tabs, _x000D_, full-width indents) and blank lines."""
    text = raw.replace("_x000D_", "\n").replace("\u3000", "").replace("\xa0", " ")
    lines = (re.sub(r"[ \t]+", " ", line).strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def load_messages() -> list[Message]:
    """The shipped messages (mochou.datasets, the one reader), cleaned for the demo's cases."""
    messages = []
    for row in read_messages(MESSAGES_CSV):
        title, content = clean_text(row.title).replace("\n", " "), clean_text(row.body)
        if len(content) >= 10 and title:
            messages.append(Message(title=title[:120], content=content[:5000], label=row.label))
    return messages


PLACEHOLDER_RE = re.compile(r"[A-Z]\d*[市区县]")
# A placeholder as replaced in the text, with the 镇/乡 some messages append ("G1区镇").
_PLACEHOLDER_IN_TEXT = re.compile(r"([A-Z]\d*[市区县])(镇|乡)?")
OTHER_CITIES = (
    "荆门市",
    "武汉市",
    "襄阳市",
    "宜昌市",
    "荆州市",
    "随州市",
    "孝感市",
    "京山市",
    "天门市",
    "潜江市",
)


def localise(texts: list[str], rng: random.Random, home: str) -> list[str]:
    """Replace the publisher's placeholders consistently across texts: the message's main city
    (its most frequent "X市") becomes 钟祥市, other cities become real neighbours, districts and
    counties ("A3区", "K8县") become the case's own township."""
    found = [m.group(0) for text in texts for m in PLACEHOLDER_RE.finditer(text)]
    cities = Counter(p for p in found if p.endswith("市"))
    mapping: dict[str, str] = {}
    if cities:
        plain = [c for c, _ in cities.most_common() if len(c) == 2]
        mapping[(plain or [cities.most_common(1)[0][0]])[0]] = "钟祥市"
    others = iter(rng.sample(OTHER_CITIES, len(OTHER_CITIES)))
    for placeholder in dict.fromkeys(found):
        if placeholder in mapping:
            continue
        # Every district or county of the message is the case's own township: a case never
        # speaks of a place in another one (no "郢中街道…石牌镇…" in one request).
        mapping[placeholder] = next(others, "钟祥市") if placeholder.endswith("市") else home

    def place(match: re.Match[str]) -> str:
        placeholder, after = match.group(1), match.string[match.end() : match.end() + 6]
        if placeholder.endswith(("区", "县")):
            # "A7县城", "K1区政府", "A7县教育局": the county or district itself, i.e. the city.
            if after.startswith("城"):
                return "钟祥"
            if re.match(
                r"(人民)?政府|委|人大|政协|[^，。,、\s]{0,4}局|人民(医院|法院|检察院)|第?[一二三四五六七八九]中",
                after,
            ):
                return "钟祥市"
        # "G1区镇" → "胡集镇", not "胡集镇镇"; a city keeps what follows it.
        return mapping[placeholder] + ((match.group(2) or "") if placeholder.endswith("市") else "")

    out = []
    for text in texts:
        text = _PLACEHOLDER_IN_TEXT.sub(place, text).replace("钟祥市钟祥市", "钟祥市")
        out.append(re.sub(r"[东西南北中]地省", "湖北省", text))
    return out


def infer_kind(title: str) -> str:
    if "举报" in title:
        return Kind.REPORT
    if "投诉" in title:
        return Kind.COMPLAINT
    if re.search(r"感谢|表扬|点赞", title):
        return Kind.PRAISE
    if re.search(r"建议|希望|呼吁", title):
        return Kind.SUGGESTION
    if re.search(r"求助|救助|帮帮", title):
        return Kind.HELP
    if re.search(r"咨询|请问|能否|可否|是否|如何|怎么|怎样|什么|哪里|吗|？|\?", title):
        return Kind.CONSULT
    return Kind.COMPLAINT


def _bigrams(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)}


def pick_category(message: Message, leaves: list[Category]) -> Category | None:
    """The leaf under the message's label whose names share most character bigrams with the text."""
    candidates = [leaf for leaf in leaves if leaf.path.split("/")[0] == message.label]
    if not candidates:
        return None
    text = message.title + message.content[:300]
    best, best_score = None, 0
    for leaf in candidates:
        names = "".join(part for part in leaf.path.split("/")[1:] if part != "其他")
        score = sum(1 for gram in _bigrams(names) if gram in text)
        if score > best_score:
            best, best_score = leaf, score
    if best is not None:
        return best
    fallback = [leaf for leaf in candidates if leaf.path.endswith("/其他/其他")]
    return (fallback or candidates)[0]


# ---------------------------------------------------------------- texts of the demo's own making

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程魏吕丁沈任姚卢傅钟"
)
TRANSFER_TARGETS = (
    "荆门市12345政务服务便民热线",
    "京山市12345政务服务便民热线",
    "湖北省12345政务服务便民热线（省直单位）",
    "国家税务总局12366纳税缴费服务热线",
)
REPLY_ACTIONS: dict[str, tuple[str, ...]] = {
    "城乡建设": (
        "已联系物业服务企业和施工单位现场整改，问题已基本解决",
        "已将该问题纳入近期维修计划，并督促责任单位限期整改",
    ),
    "环境保护": (
        "执法人员已到现场检查，责令相关企业立即整改，并将持续跟踪监测",
        "经现场监测，已督促企业完善治污设施",
    ),
    "交通运输": (
        "已安排执法人员现场核查并依法处理，同时加强该路段巡查",
        "已协调相关运输企业调整班次，方便群众出行",
    ),
    "劳动和社会保障": (
        "已向您详细解释相关社保政策，并协调经办机构为您办理",
        "已约谈用人单位，督促其依法补缴并支付相关费用",
    ),
    "教育文体": ("已责成学校核查整改，并将加强日常监管", "已向您解释相关招生政策，具体可咨询就近学校"),
    "卫生计生": (
        "已组织卫生监督人员调查核实，对相关医疗机构提出整改要求",
        "已协调医院为您作出解释并妥善处理",
    ),
    "商贸旅游": ("已组织执法人员调查，督促商家依法退款", "已约谈经营者，责令其规范经营行为"),
}
DEFAULT_REPLY_ACTIONS = ("已按相关政策规定处理，并向您作了解释说明", "已会同相关单位研究解决，后续将持续跟进")


def reply_text(case: Case, unit: Unit, rng: random.Random) -> str:
    label = case.category.path.split("/")[0] if case.category is not None else ""
    action = rng.choice(REPLY_ACTIONS.get(label, DEFAULT_REPLY_ACTIONS))
    return (
        f"您好！您反映的“{case.title}”问题收悉。{unit.display_name}高度重视，经工作人员调查核实，"
        f"{action}。感谢您对我市工作的关注和支持！"
    )


# ---------------------------------------------------------------- the seeder


class DemoSeeder:
    """Creates `n` cases; see SCENARIOS for how many end in which state."""

    # (scenario, weight, calendar days back for its first step: min, max)
    SCENARIOS: tuple[tuple[str, int, int, int], ...] = (
        ("registered", 4, 0, 1),
        ("returned", 2, 0, 2),
        ("dispatched", 6, 0, 2),
        ("in_progress", 14, 1, 30),
        ("suspended", 2, 3, 30),
        ("resumed", 1, 5, 30),
        ("pending_approval", 5, 1, 20),
        ("replied", 7, 2, 20),
        ("called_back", 4, 2, 20),
        # 差评整改: the unit's report awaited (some past their limit), or the centre's 核实.
        ("rectifying", 2, 2, 15),
        ("rectified", 1, 3, 15),
        ("closed", 36, 8, WINDOW_DAYS),
        ("reopened_closed", 4, 15, WINDOW_DAYS),
        ("reopened_open", 3, 10, 40),
        ("answered_at_intake", 7, 0, WINDOW_DAYS),
        ("merged", 5, 0, 20),
        ("transferred", 3, 1, WINDOW_DAYS),
        # Issue 10's loop, each at least once: 派单异议 upheld (re-dispatched elsewhere) and
        # rejected (back to the unit), a 问题工单, a verified rectification back in the pool, a
        # claimed callback, and 督办单 old enough to be answered or escalated and one recent.
        ("dispute_upheld", 2, 1, 20),
        ("dispute_rejected", 2, 1, 20),
        ("escalated", 1, 10, 40),
        ("rectify_verified", 1, 4, 15),
        ("callback_claimed", 1, 1, 10),
        ("supervised", 2, 6, 30),
        ("supervised_recent", 1, 0, 1),
    )
    # Scenarios run at least this often (when n allows), so that the 督办单 demo (supervision.demo)
    # has notices to sign, answer and escalate.
    MINIMUM_RUNS: dict[str, int] = {"supervised": 3}

    def __init__(self, *, seed: int = 42, now: datetime | None = None) -> None:
        self.rng = random.Random(seed)  # noqa: S311 (demo data, not secrets)
        self.now = timezone.localtime(now or timezone.now())
        self.messages = load_messages()
        self.rng.shuffle(self.messages)
        # Active categories only: those a county city does not use are switched off (triage.demo).
        self.leaves = list(Category.objects.filter(level=3, is_active=True).select_related("parent__parent"))
        self.leaf_by_path = {leaf.path: leaf for leaf in self.leaves}
        self.centre = Unit.objects.get(code=CENTRE_CODE)
        self.townships = list(Unit.objects.filter(kind=UnitKind.TOWNSHIP, is_active=True).order_by("code"))
        users = list(User.objects.filter(is_active=True).select_related("unit"))
        self.by_role: dict[str, list[User]] = {}
        self.staff: dict[tuple[int, str], User] = {}
        for user in sorted(users, key=lambda u: u.username):
            self.by_role.setdefault(user.role, []).append(user)
            if user.unit_id and user.role in (Role.CLERK, Role.UNIT_LEADER):
                self.staff.setdefault((user.unit_id, user.role), user)
        self.created: list[Case] = []
        self._message_index = 0
        self._pool: list[Unit] | None = None
        self._extended = self._supervised = False

    # -- people and time

    def _one(self, role: str) -> User:
        return self.rng.choice(self.by_role[role])

    def _agent(self) -> User:
        return self._one(Role.AGENT)

    def _dispatcher(self) -> User:
        return self._one(Role.DISPATCHER)

    def _clerk(self, unit: Unit) -> User:
        return self.staff[(unit.pk, Role.CLERK)]

    def _unit_leader(self, unit: Unit) -> User:
        return self.staff[(unit.pk, Role.UNIT_LEADER)]

    def _handles(self, unit: Unit | None) -> bool:
        return (
            unit is not None
            and (unit.pk, Role.CLERK) in self.staff
            and (unit.pk, Role.UNIT_LEADER) in self.staff
        )

    def start_time(self, days_min: int, days_max: int) -> datetime:
        """A random instant in working hours on a working day days_min..days_max days ago, before now."""
        tz = timezone.get_current_timezone()
        for _ in range(200):
            day = self.now.date() - timedelta(days=self.rng.randint(days_min, days_max))
            if not is_workday(day):
                continue
            period = self.rng.choice(work_periods())
            start = datetime.combine(day, period.start, tzinfo=tz)
            minutes = (datetime.combine(day, period.end) - datetime.combine(day, period.start)).seconds // 60
            moment = start + timedelta(minutes=self.rng.randrange(minutes))
            if moment < self.now - timedelta(minutes=30):
                return moment
            days_max += 1  # the window fell on holidays or today's future: look further back
        raise RuntimeError("no working time found in the demo window")  # pragma: no cover

    def plan(self, start: datetime, spans: list[float]) -> list[datetime]:
        """Instants after start separated by spans working hours, scaled down to end before now."""
        available = working_hours_between(start, self.now) - 0.1
        total = sum(spans)
        if total > available > 0:
            spans = [s * available / total for s in spans]
        times, t = [], start
        for span in spans:
            t = add_working_hours(t, max(span, 0.02))
            times.append(min(t, self.now - timedelta(minutes=1)))
        return times

    def u(self, lo: float, hi: float) -> float:
        return self.rng.uniform(lo, hi)

    # -- intake

    def _next_message(self) -> Message:
        message = self.messages[self._message_index % len(self.messages)]
        self._message_index += 1
        return message

    def _township(self) -> Unit:
        roll = self.rng.random()
        if roll < 0.4:
            return self.townships[0]  # 郢中街道: the city centre
        if roll < 0.55 and len(self.townships) > 1:
            return self.townships[1]  # 皇庄街道
        return self.rng.choice(self.townships)

    def _phone(self) -> str:
        return self.rng.choice(
            ("138", "139", "137", "135", "150", "152", "158", "187", "189", "177")
        ) + "".join(self.rng.choice("0123456789") for _ in range(8))

    def _address(self, township: Unit | None) -> str:
        """A place inside the case's own township (cases.demo_texts.place_in)."""
        if township is None:
            return ""
        return place_in(short_township_name(township.name), township.code, self.rng)

    def _written(self, township: Unit, kind: str | None) -> tuple[str, str, str, Category, str] | None:
        """A request written for the demo about a matter of this township (cases.demo_texts):
        (title, content, address, category, kind), or None when no matter fits."""
        matters = matters_for(township.code, set(self.leaf_by_path))
        if kind is not None:
            matters = [m for m in matters if m.kind == kind]
        if not matters:
            return None
        matter = self.rng.choice(matters)
        place = place_in(short_township_name(township.name), township.code, self.rng, matter.spot)
        title, content = write_request(matter, place, self.rng)
        return title, content, place, self.leaf_by_path[matter.category], matter.kind

    def register(self, start: datetime, *, kind: str | None = None, like: Case | None = None) -> Case:
        if like is not None:  # a duplicate: another citizen about the same thing
            township, category, address = like.township, like.category, like.address
            title, content = like.title, like.content
        else:
            township = self._township()
            written = self._written(township, kind) if self.rng.random() < WRITTEN_SHARE else None
            if written is not None:
                title, content, address, category, kind = written
            else:
                message = self._next_message()
                if kind == Kind.CONSULT:
                    for _ in range(len(self.messages)):
                        if infer_kind(message.title) == Kind.CONSULT:
                            break
                        message = self._next_message()
                title, content = localise(
                    [message.title, message.content], self.rng, short_township_name(township.name)
                )
                category = pick_category(message, self.leaves)
                address = self._address(township)
        channel = self.rng.choices(
            [
                Channel.HOTLINE,
                Channel.WEB,
                Channel.MOBILE,
                Channel.MAILBOX,
                Channel.ENTERPRISE,
                Channel.WINDOW,
            ],
            weights=[60, 14, 16, 5, 3, 2],
        )[0]
        case = services.register_case(
            actor=self._agent(),
            channel=channel,
            kind=kind or infer_kind(title),
            title=title,
            content=content,
            citizen_name=self.rng.choice(SURNAMES) + self.rng.choice(("先生", "女士")),
            citizen_phone=self._phone(),
            address=address,
            township=township,
            category=category,
            urgency=Urgency.URGENT if self.rng.random() < 0.06 else Urgency.NORMAL,
            now=start,
        )
        self.created.append(case)
        return case

    # -- the unit's side

    def lead_unit_for(self, case: Case) -> Unit:
        path = case.category.path if case.category is not None else ""
        local = any(
            part in path
            for part in ("村镇建设", "村务管理", "土地承包经营", "基层选举和社区建设", "小区管理")
        )
        if case.township and (local or self.rng.random() < 0.08) and self._handles(case.township):
            return case.township
        unit = default_unit_for(case.category) if case.category is not None else None
        if not self._handles(unit):
            unit = next(u for u in self._unit_pool() if u.code == "D-ZJJ")
        return unit  # type: ignore[return-value]

    def _unit_pool(self) -> list[Unit]:
        if self._pool is None:
            departments = Unit.objects.filter(kind=UnitKind.DEPARTMENT, is_active=True).order_by("code")
            self._pool = [u for u in departments if self._handles(u)]
        return self._pool

    def dispatch(self, case: Case, at: datetime, *, lead: Unit | None = None, co: bool = True) -> Case:
        lead = lead or self.lead_unit_for(case)
        co_units = []
        township = case.township
        if (
            co
            and township
            and township.pk != lead.pk
            and self.rng.random() < 0.15
            and self._handles(township)
        ):
            co_units.append(township)
        return services.dispatch(
            case,
            actor=self._dispatcher(),
            lead_unit=lead,
            co_units=co_units,
            note="请按时限办理并答复群众。",
            now=at,
        )

    def handle_limit_hours(self, case: Case) -> float:
        category = case.category
        _, days = category.limits_for(case.urgency, case.limit_version) if category is not None else (2, 15)
        return days * 7.0

    def reply_span(self, case: Case) -> float:
        limit = self.handle_limit_hours(case)
        if self.rng.random() < 0.1:
            return limit * self.u(1.05, 1.4)  # replied late: 超期办结
        return limit * self.u(0.08, 0.75)

    def accept_span(self, case: Case) -> float:
        return self.u(2.2, 6.0) if self.rng.random() < 0.1 else self.u(0.1, 1.8)

    def maybe_contribute(self, case: Case, at: datetime) -> None:
        for assignment in case.assignments.filter(role="co").select_related("unit"):
            services.contribute(
                case,
                actor=self._clerk(assignment.unit),
                body=f"{assignment.unit.display_name}已配合主办单位到现场核查，情况属实，同意主办单位处理意见。",
                now=at,
            )

    def reply_and_approve(self, case: Case, unit: Unit, at_reply: datetime, at_approve: datetime) -> None:
        services.submit_reply(
            case,
            actor=self._clerk(unit),
            body=reply_text(case, unit, self.rng),
            result="已解决",
            now=at_reply,
        )
        services.approve_reply(case, actor=self._unit_leader(unit), note="同意", now=at_approve)

    def callback(self, case: Case, at: datetime, satisfaction: str) -> None:
        comments: dict[str, str] = {
            Satisfaction.VERY_SATISFIED: "问题解决得又快又好，非常满意。",
            Satisfaction.SATISFIED: "问题已解决，对处理结果满意。",
            Satisfaction.BASICALLY: "问题基本解决，希望后续继续关注。",
            Satisfaction.UNSATISFIED: "问题没有解决，对答复不满意。",
            Satisfaction.VERY_UNSATISFIED: "工作人员态度敷衍，问题一直没人管，非常不满意。",
        }
        services.callback(
            case,
            actor=self._agent(),
            reached=True,
            resolved=satisfaction not in POOR_RATINGS,
            satisfaction=satisfaction,
            comment=comments[satisfaction],
            now=at,
        )

    def satisfaction(self) -> str:
        return self.rng.choices(
            [
                Satisfaction.VERY_SATISFIED, Satisfaction.SATISFIED, Satisfaction.BASICALLY,
                Satisfaction.UNSATISFIED, Satisfaction.VERY_UNSATISFIED,
            ],
            weights=[30, 42, 20, 6, 2],
        )[0]  # fmt: skip

    def rectify(self, case: Case, lead: Unit, at_report: datetime, at_verify: datetime | None) -> None:
        """差评整改: the unit reports what it put right; the centre verifies (None: not yet)."""
        services.report_rectification(
            case,
            actor=self._clerk(lead),
            report=f"{lead.display_name}已约谈经办人员，重新到现场核查处理，并当面向诉求人作了解释说明。",
            now=at_report,
        )
        if at_verify is not None:
            services.verify_rectification(
                case, actor=self._dispatcher(), accepted=True, note="经电话核实，整改到位。", now=at_verify
            )

    # -- scenarios: each ends in the state of its name

    def s_registered(self, start: datetime) -> None:
        self.register(start)

    def s_returned(self, start: datetime) -> None:
        t = self.plan(start, [self.u(0.1, 1), self.u(0.2, 2)])
        case = self.register(start)
        right = self.lead_unit_for(case)
        wrong = self.rng.choice([u for u in self._unit_pool() if u.pk != right.pk])
        case = self.dispatch(case, t[0], lead=wrong, co=False)
        services.return_case(
            case,
            actor=self._clerk(wrong),
            reason=f"该事项不属于{wrong.display_name}职责范围，建议派{right.display_name}办理。",
            now=t[1],
        )

    def s_dispatched(self, start: datetime) -> None:
        t = self.plan(start, [self.u(0.1, 1.2), self.u(1, 4)])
        case = self.dispatch(self.register(start), t[0])
        if case.accept_due_at and case.accept_due_at < t[1] and self.rng.random() < 0.3:
            services.supervise(
                case,
                actor=self._one(Role.SUPERVISOR),
                body="该工单已超过签收时限，请立即签收并按时办理。",
                respond_days=1,
                now=t[1],
            )

    def _accepted(
        self, start: datetime, later: Callable[[Case], list[float]]
    ) -> tuple[Case, Unit, list[datetime]]:
        """Register, dispatch (sometimes after a return) and accept; `later(case)` gives the working
        hours between the following steps, whose instants are returned (all before now)."""
        returned_first = self.rng.random() < 0.1
        case = self.register(start)
        lead = self.lead_unit_for(case)
        spans = [self.u(0.1, 1.2)] + (
            [self.u(0.2, 2), self.u(0.1, 0.5), self.u(0.1, 1)] if returned_first else []
        )
        t = self.plan(start, [*spans, self.accept_span(case), *later(case)])
        step = iter(t)
        if returned_first:
            wrong = self.rng.choice([u for u in self._unit_pool() if u.pk != lead.pk])
            case = self.dispatch(case, next(step), lead=wrong, co=False)
            services.return_case(
                case,
                actor=self._clerk(wrong),
                reason=f"不属于{wrong.display_name}职责范围。",
                suggested_unit=lead,
                now=next(step),
            )
            # The centre upholds the return (派单异议审核) before it dispatches again.
            services.rule_dispute(
                case, actor=self._dispatcher(), upheld=True, decided_unit=lead, now=next(step)
            )
            case.refresh_from_db()
        case = self.dispatch(case, next(step), lead=lead)
        accepted_at = next(step)
        case = services.accept(case, actor=self._clerk(lead), now=accepted_at)
        rest = list(step)
        self.maybe_contact(case, lead, accepted_at, rest[0] if rest else self.now)
        return case, lead, rest

    CONTACT_NOTES = (
        "已电话联系诉求人，了解具体情况，约定近期到现场核查。",
        "已与诉求人沟通，告知办理流程和预计办结时间。",
        "已联系诉求人，核实诉求地点和问题细节。",
    )

    def maybe_contact(self, case: Case, lead: Unit, accepted_at: datetime, before: datetime) -> None:
        """Most units call the citizen soon after accepting (响应); some try once and fail first,
        some never record a call (their answer's SMS is then their first contact)."""
        roll = self.rng.random()
        if roll < 0.12:
            return
        at = add_working_hours(accepted_at, self.u(0.02, 0.3))
        if roll < 0.2:
            if at >= min(before, self.now):
                return
            services.contact(
                case, actor=self._clerk(lead), way=ContactWay.PHONE, reached=False,
                note="电话无人接听，稍后再联系。", now=at,
            )  # fmt: skip
            at = add_working_hours(at, self.u(0.1, 0.6))
        if at < min(before, self.now):
            way = self.rng.choice([ContactWay.PHONE, ContactWay.PHONE, ContactWay.VISIT])
            services.contact(
                case, actor=self._clerk(lead), way=way, reached=True,
                note=self.rng.choice(self.CONTACT_NOTES), now=at,
            )  # fmt: skip

    def s_in_progress(self, start: datetime) -> None:
        case, lead, t = self._accepted(start, lambda _: [self.u(2, 20), self.u(1, 8), self.u(1, 8)])
        roll = self.rng.random()
        if case.assignments.filter(role="co").exists():
            self.maybe_contribute(case, t[0])
        if roll < 0.25 or not self._extended:
            self._extended = True  # at least one extension in every demo
            services.request_extension(
                case,
                actor=self._clerk(lead),
                days=self.rng.randint(3, 10),
                reason="该问题涉及多个部门和历史遗留情况，需协调处理，申请延期。",
                now=t[1],
            )
            if self.rng.random() < 0.6:
                approve = self.rng.random() < 0.8
                services.decide_extension(
                    case,
                    actor=self._dispatcher(),
                    approve=approve,
                    note="" if approve else "理由不充分，请按期办结。",
                    now=t[2],
                )
        case.refresh_from_db()
        if case.due_at and case.due_at < self.now and (self.rng.random() < 0.6 or not self._supervised):
            at = add_working_hours(max(case.due_at, t[2]), self.u(0.2, 3))
            if at < self.now:
                self._supervised = True
                services.supervise(
                    case,
                    actor=self._one(Role.SUPERVISOR),
                    body="该工单已超过办理时限，请抓紧办理，并于2个工作日内反馈办理情况。",
                    now=at,
                )

    SUSPENSION_GROUNDS = (
        (
            SuspensionReason.SURVEY,
            "需委托房屋安全鉴定，鉴定结论出具前无法确定处理方案。",
            "房屋安全鉴定委托书 钟房鉴〔2026〕{n}号",
        ),
        (
            SuspensionReason.COURT,
            "诉求涉及的合同纠纷已由法院受理，需待判决后依法处理。",
            "法院受理案件通知书（2026）鄂0881民初{n}号",
        ),
        (
            SuspensionReason.CITIZEN_DOCUMENTS,
            "需诉求人补充提供购房合同及缴费凭证，材料齐全后继续办理。",
            "补充材料告知书 钟住建告〔2026〕{n}号",
        ),
    )

    def _suspend(self, start: datetime) -> tuple[Case, Unit, list[datetime]]:
        """Accepted, then suspended on grounds the unit does not control, approved by the centre."""
        case, lead, t = self._accepted(start, lambda _: [self.u(1, 6), self.u(0.5, 4), self.u(7, 35)])
        reason, explanation, document = self.rng.choice(self.SUSPENSION_GROUNDS)
        services.request_suspension(
            case, actor=self._clerk(lead), reason=reason, explanation=explanation,
            document=document.format(n=self.rng.randint(10, 300)), days=self.rng.randint(5, 20), now=t[0],
        )  # fmt: skip
        services.decide_suspension(case, actor=self._dispatcher(), approve=True, now=t[1])
        return case, lead, t[2:]

    def s_suspended(self, start: datetime) -> None:
        self._suspend(start)

    def s_resumed(self, start: datetime) -> None:
        case, lead, t = self._suspend(start)
        services.resume(case, actor=self._clerk(lead), note="鉴定结论已出具，恢复办理。", now=t[0])

    def s_pending_approval(self, start: datetime) -> None:
        rejected_first = self.rng.random() < 0.3
        extra = [self.u(2, 30), self.u(0.5, 3)] + ([self.u(1, 6)] if rejected_first else [])
        case, lead, t = self._accepted(start, lambda _: extra)
        step = iter(t)
        if rejected_first:
            services.submit_reply(
                case, actor=self._clerk(lead), body="已转相关部门处理，请耐心等待。", now=next(step)
            )
            services.reject_reply(
                case,
                actor=self._unit_leader(lead),
                note="答复过于简单，请写明核查情况和处理结果。",
                now=next(step),
            )
        services.submit_reply(
            case,
            actor=self._clerk(lead),
            body=reply_text(case, lead, self.rng),
            result="已解决",
            now=next(step),
        )

    def _replied(self, start: datetime, extra: list[float]) -> tuple[Case, Unit, list[datetime]]:
        """Accepted, replied (on time or late) and approved; then the extra steps' instants."""
        case, lead, t = self._accepted(start, lambda c: [self.reply_span(c), self.u(0.3, 4), *extra])
        if case.assignments.filter(role="co").exists():
            accepted_at = case.events.order_by("-seq").values_list("created_at", flat=True)[0]
            halfway = working_hours_between(accepted_at, t[0]) / 2
            self.maybe_contribute(case, add_working_hours(accepted_at, max(halfway, 0.02)))
        self.reply_and_approve(case, lead, t[0], t[1])
        return case, lead, t[2:]

    def s_replied(self, start: datetime) -> None:
        unreachable = self.rng.random() < 0.3
        case, _, t = self._replied(start, [self.u(2, 8)])
        if unreachable:
            services.callback(case, actor=self._agent(), reached=False, comment="电话无人接听。", now=t[0])

    def s_called_back(self, start: datetime) -> None:
        case, _, t = self._replied(start, [self.u(2, 12)])
        self.callback(case, t[0], self.rng.choice([Satisfaction.SATISFIED, Satisfaction.BASICALLY]))

    def s_closed(self, start: datetime) -> None:
        unreachable = self.rng.random() < 0.06
        attempts = 3 if unreachable else 1
        case, _, t = self._replied(start, [self.u(2, 12) for _ in range(attempts)] + [self.u(0.05, 1)])
        if unreachable:
            for i in range(3):
                services.callback(
                    case, actor=self._agent(), reached=False, comment=f"第{i + 1}次回访未接通。", now=t[i]
                )
            services.close(case, actor=self._agent(), note="三次回访均未接通，按规定结案。", now=t[3])
            return
        good = [Satisfaction.VERY_SATISFIED, Satisfaction.SATISFIED, Satisfaction.BASICALLY]
        satisfaction = self.rng.choices(good, weights=[35, 43, 22])[0]
        if self.rng.random() < 0.05:
            # A 差评: rectified, verified, called back again; that result stands and the case is
            # closed over it with a reason.
            satisfaction = Satisfaction.UNSATISFIED
            lead = case.lead_unit
            if lead is None:  # _replied dispatched it
                raise RuntimeError(f"demo case {case.number} has no lead unit")
            r = self.plan(t[0], [self.u(2, 20), self.u(0.5, 6), self.u(1, 6)])
            self.callback(case, t[0], satisfaction)
            self.rectify(case, lead, r[0], r[1])
            t = [r[2], *self.plan(r[2], [self.u(0.05, 1)])]
        self.callback(case, t[0], satisfaction)
        note = (
            "诉求已按政策规定答复，群众要求超出政策范围，予以结案。"
            if satisfaction == Satisfaction.UNSATISFIED
            else ""
        )
        services.close(case, actor=self._agent(), note=note, now=t[1])

    def _reopened(self, start: datetime, close_again: bool) -> None:
        case, lead, t = self._replied(start, [self.u(2, 10), self.u(0.1, 2)])
        self.callback(case, t[0], Satisfaction.UNSATISFIED)
        case = services.reopen(
            case, actor=self._agent(), reason="回访群众表示问题未解决，请重新办理。", now=t[1]
        )
        if not close_again:
            return
        t = self.plan(t[1], [self.reply_span(case) / 2, self.u(0.3, 4), self.u(2, 10), self.u(0.05, 1)])
        services.submit_reply(
            case,
            actor=self._clerk(lead),
            body=f"经再次核查，{lead.display_name}已督促责任单位重新整改到位，并当面向群众作了说明。",
            result="已解决",
            now=t[0],
        )
        services.approve_reply(case, actor=self._unit_leader(lead), note="同意", now=t[1])
        self.callback(case, t[2], self.rng.choice([Satisfaction.SATISFIED, Satisfaction.BASICALLY]))
        services.close(case, actor=self._agent(), now=t[3])

    def _poorly_rated(self, start: datetime) -> tuple[Case, Unit, list[datetime]]:
        case, lead, t = self._replied(start, [self.u(2, 10), self.u(2, 40), self.u(0.5, 6)])
        self.callback(case, t[0], self.rng.choice([Satisfaction.UNSATISFIED, Satisfaction.VERY_UNSATISFIED]))
        return case, lead, t

    def s_rectifying(self, start: datetime) -> None:
        self._poorly_rated(start)  # the unit's report is awaited; past its limit when old enough

    def s_rectified(self, start: datetime) -> None:
        case, lead, t = self._poorly_rated(start)
        self.rectify(case, lead, t[1], None)

    def s_reopened_closed(self, start: datetime) -> None:
        self._reopened(start, close_again=True)

    def s_reopened_open(self, start: datetime) -> None:
        self._reopened(start, close_again=False)

    def s_answered_at_intake(self, start: datetime) -> None:
        t = self.plan(start, [self.u(0.05, 0.3), self.u(2, 10), self.u(0.05, 1)])
        case = self.register(start, kind=Kind.CONSULT)
        agent = self._agent()
        services.answer_at_intake(
            case,
            actor=agent,
            answer="您好，您咨询的问题已根据莫愁指南当场答复：请携带身份证原件到市民之家相关窗口办理，"
            "也可在“鄂汇办”App上在线办理。",
            now=t[0],
        )
        if t[1] < self.now - timedelta(hours=1) and start < self.now - timedelta(days=2):
            self.callback(case, t[1], Satisfaction.SATISFIED)
            services.close(case, actor=self._agent(), now=t[2])

    def s_merged(self, start: datetime) -> None:
        open_ids = set(
            Case.objects.filter(pk__in=[c.pk for c in self.created[-60:]])
            .exclude(state__in=[State.MERGED, State.TRANSFERRED])
            .values_list("pk", flat=True)
        )
        parents = [c for c in self.created if c.pk in open_ids and c.created_at < start and c.category_id]
        if not parents:
            self.register(start)  # nothing earlier to merge into: stays registered
            return
        parent = self.rng.choice(parents[-30:])
        t = self.plan(start, [self.u(0.1, 1.5)])
        case = self.register(start, like=parent)
        services.merge(
            case,
            actor=self._dispatcher(),
            parent=parent,
            note=f"与工单{parent.number}反映同一问题。",
            now=t[0],
        )

    def _returned_once(self, start: datetime, spans: list[float]) -> tuple[Case, Unit, Unit, list[datetime]]:
        """Registered, dispatched to a unit that returns it naming the right one (派单异议 open);
        then the instants of `spans` after the return."""
        t = self.plan(start, [self.u(0.1, 1), self.u(0.2, 2), *spans])
        case = self.register(start)
        right = self.lead_unit_for(case)
        wrong = self.rng.choice([u for u in self._unit_pool() if u.pk != right.pk])
        case = self.dispatch(case, t[0], lead=wrong, co=False)
        services.return_case(
            case,
            actor=self._clerk(wrong),
            reason=f"该事项不属于{wrong.display_name}职责范围，建议派{right.display_name}办理。",
            suggested_unit=right,
            now=t[1],
        )
        case.refresh_from_db()
        return case, wrong, right, t[2:]

    def s_dispute_upheld(self, start: datetime) -> None:
        """异议成立: the centre names the right unit, dispatches there; it accepts and handles."""
        case, _, right, t = self._returned_once(start, [self.u(0.1, 1), self.u(0.1, 1), self.u(0.2, 2)])
        services.rule_dispute(
            case, actor=self._dispatcher(), upheld=True, decided_unit=right,
            note=f"经核实，该事项属{right.display_name}职责，异议成立。", now=t[0],
        )  # fmt: skip
        case.refresh_from_db()
        case = self.dispatch(case, t[1], lead=right)
        services.accept(case, actor=self._clerk(right), now=t[2])

    def s_dispute_rejected(self, start: datetime) -> None:
        """退单异议不成立: back to the unit that returned it, which then signs for it (or not yet)."""
        case, wrong, _, t = self._returned_once(start, [self.u(0.1, 1), self.u(0.2, 2)])
        services.rule_dispute(
            case, actor=self._dispatcher(), upheld=False,
            note=f"根据派单目录，该事项由{wrong.display_name}承办，请按时限办理。", now=t[0],
        )  # fmt: skip
        if self.rng.random() < 0.6:
            services.accept(Case.objects.get(pk=case.pk), actor=self._clerk(wrong), now=t[1])

    def s_escalated(self, start: datetime) -> None:
        """提级办理: returned twice, then a 差评 re-done (重办): the third move makes a 问题工单."""
        case = self.register(start)
        right = self.lead_unit_for(case)
        wrongs = self.rng.sample([u for u in self._unit_pool() if u.pk != right.pk], 2)
        t = self.plan(start, [self.u(0.1, 1) for _ in range(6)])
        step = iter(t)
        for wrong in wrongs:
            case = self.dispatch(case, next(step), lead=wrong, co=False)
            services.return_case(
                case, actor=self._clerk(wrong), reason=f"不属于{wrong.display_name}职责范围。",
                suggested_unit=right, now=next(step),
            )  # fmt: skip
            services.rule_dispute(
                case, actor=self._dispatcher(), upheld=True, decided_unit=right, now=next(step)
            )
            case.refresh_from_db()
        later = [self.accept_span(case), self.reply_span(case), self.u(0.3, 4), self.u(2, 10), self.u(1, 8)]
        r = self.plan(t[-1], [self.u(0.1, 1), *later, self.u(0.05, 0.5)])
        case = self.dispatch(case, r[0], lead=right)
        case = services.accept(case, actor=self._clerk(right), now=r[1])
        self.reply_and_approve(case, right, r[2], r[3])
        self.callback(case, r[4], Satisfaction.VERY_UNSATISFIED)  # opens a rectification
        services.reopen(
            Case.objects.get(pk=case.pk), actor=self._agent(),
            reason="群众反映问题反复未解决，答复不实，请重新办理。", now=r[5],
        )  # fmt: skip
        services.escalate_if_due(case.pk, now=r[6])  # the verb asks after commit; the demo at its instant

    def s_rectify_verified(self, start: datetime) -> None:
        """差评整改 verified (sometimes after one report found wanting): back in the callback pool."""
        case, lead, t = self._poorly_rated(start)
        if self.rng.random() < 0.5:
            r = self.plan(t[1], [self.u(0.5, 4), self.u(1, 8), self.u(0.5, 4)])
            self.rectify(case, lead, t[1], None)
            services.verify_rectification(
                case, actor=self._dispatcher(), accepted=False,
                note="经电话核实，诉求人反映问题仍未处理，请重新整改。", now=r[0],
            )  # fmt: skip
            self.rectify(case, lead, r[1], r[2])
        else:
            self.rectify(case, lead, t[1], t[2])

    def s_callback_claimed(self, start: datetime) -> None:
        """In the callback pool, claimed by an agent a few minutes ago (an earlier claim given back)."""
        case, _, t = self._replied(start, [self.u(0.2, 2)])
        first = self._agent()
        # The guards read a claim's expiry against the real clock: the given-back claim is made
        # within the last claim period, or releasing it would find it already expired.
        claimed = max(t[0], self.now - timedelta(minutes=30))
        services.claim_callback(case, actor=first, now=claimed)
        services.release_callback(case, actor=first, now=claimed + timedelta(minutes=5))
        at = max(claimed + timedelta(minutes=10), self.now - timedelta(minutes=15))
        services.claim_callback(case, actor=self._agent(), now=min(at, self.now - timedelta(minutes=1)))

    def _supervise_at(self, case: Case, at: datetime) -> None:
        services.supervise(
            case, actor=self._one(Role.SUPERVISOR),
            body="群众反映强烈，请加快办理进度，并于2个工作日内反馈办理情况。", now=at,
        )  # fmt: skip

    def s_supervised(self, start: datetime) -> None:
        """督办 while handled, old enough for its 反馈期限 to have passed (answered or escalated)."""
        case, _, t = self._accepted(start, lambda _: [self.u(1, 10)])
        self._supervise_at(case, t[0])

    def s_supervised_recent(self, start: datetime) -> None:
        """督办 in the last hours: its 反馈期限 still ahead (signed for, not yet answered)."""
        case, _, t = self._accepted(start, lambda _: [self.u(0.05, 0.3)])
        at = max(t[0], self.now - timedelta(hours=2))
        self._supervise_at(case, min(at, self.now - timedelta(minutes=2)))

    def s_transferred(self, start: datetime) -> None:
        t = self.plan(start, [self.u(0.1, 1.5)])
        case = self.register(start)
        services.transfer(
            case,
            actor=self._dispatcher(),
            target=self.rng.choice(TRANSFER_TARGETS),
            note="该诉求不属于本市办理范围，已转相关平台办理并跟踪结果。",
            now=t[0],
        )

    # -- the run

    def schedule(self, n: int) -> list[tuple[datetime, str]]:
        """n (start, scenario) pairs: every scenario at least once (when n allows), then by weight."""
        names = [name for name, *_ in self.SCENARIOS]
        weights = [weight for _, weight, *_ in self.SCENARIOS]
        musts = names + [name for name, k in self.MINIMUM_RUNS.items() for _ in range(k - 1)]
        chosen = musts[:n] + self.rng.choices(names, weights=weights, k=max(0, n - len(musts)))
        window = {name: (lo, hi) for name, _, lo, hi in self.SCENARIOS}
        plan = [(self.start_time(*window[name]), name) for name in chosen]
        plan.sort(key=lambda item: (item[0], item[1]))
        return plan

    def run(self, n: int) -> Counter[str]:
        with transaction.atomic():
            for start, name in self.schedule(n):
                scenario: Callable[[datetime], None] = getattr(self, f"s_{name}")
                scenario(start)
        ids = [c.pk for c in self.created]
        return Counter(Case.objects.filter(pk__in=ids).values_list("state", flat=True))


def seed_cases(n: int, *, seed: int = 42, now: datetime | None = None) -> Counter[str]:
    """Create n demo cases (org, taxonomy and users must exist); returns how many end in each state."""
    return DemoSeeder(seed=seed, now=now).run(n)
