"""Generate realistic cases in bulk: `python -m bench.generate --cases 1000000`.

Data shape (what one run adds, on top of whatever the database already holds)
-----------------------------------------------------------------------------
Reference data, created only if missing (the demo seeders org.demo / cases.taxonomy /
accounts.demo when present, else a minimal set of our own): the working calendar
(worktime.seeding.seed_available_years), the 12345 centre, the city departments, the 31 townships
of mochou/data/streets-zhongxiang.csv, the category tree of mochou/data/category-taxonomy.csv,
centre staff (agents, a dispatcher, a supervisor, a leader) and a clerk plus a leader per unit.

Cases, over the last `--days` (730) days, on working days and within working hours
(settings.MOCHOU_WORK_HOURS), ids and 受理编号 in time order:

    state              share  how old (working days)
    closed (已办结)      80 %  uniform over the window, minus the last 20 working days
    in_progress          7 %  exponential, mean 8    → about a third past due_at (overdue)
    replied              3 %  exponential, mean 10
    pending_approval   1.5 %  exponential, mean 10
    dispatched         1.5 %  exponential, mean 0.3  → some past accept_due_at
    registered           1 %  exponential, mean 0.5
    called_back          1 %  exponential, mean 10
    merged             2.5 %  uniform
    transferred        2.5 %  uniform

A case's plan is the path the services would take to its target state; events later than the
start of the run are cut, so a few recent cases end earlier in the loop than planned. Along the
way: 5 % of dispatches are returned once (退单) and re-dispatched to another unit; 8 % have a
co-handling unit that contributes (协办意见); 3 % of handled cases ask for an extension (85 %
granted; open ones may leave it pending); 4 % are supervised (督办单 by a supervisor); 6 % of
replies are rejected once and resubmitted; 12 % of callbacks need one or two unreachable attempts
first, 2 % stay unreachable three times; 30 % of consultations are answered at intake (直接办结,
no unit). Satisfaction: 85 % satisfied, 10 % basically, 5 % unsatisfied (the close then carries a
reason). About 8 % of replies come after due_at (is_overdue_closed).

Per case, rows are consistent with what cases.services would have written: one CaseEvent per
action (seq 1.., from_state/to_state chained, Case.state == the last event's to_state, payloads
as the services write them), Assignments (pending/accepted/returned/done), Replies
(submitted/approved/rejected), Callbacks, Extensions and SupervisionNotices; accept_due_at and
due_at come from worktime.calendar, so they honour holidays and 调休. A closed case has on average
about 7 events. Titles and bodies are sampled from mochou/data/messages-labelled.csv (body cut at
300 characters), with the message's first-level subject choosing the category; phones are random
valid mobiles (5 % landlines); lead units follow the category's default unit, the township, or a
skewed draw over departments. No notifications or SMS rows are generated.

Speed: on PostgreSQL rows go in with COPY (psycopg 3 `cursor.copy`) in chunks of `--chunk`
cases, one transaction per chunk, with foreign-key triggers off for the chunk
(`session_replication_role = replica`, when the role may set it: the generator writes only
references it has just read or written). Elsewhere (SQLite) it uses bulk_create. Afterwards the id
sequences and CaseNumberCounter are brought forward, so later register_case calls neither collide
on ids nor on 受理编号; on PostgreSQL the tables are then VACUUM ANALYZEd.

Also on SQLite:  MOCHOU_VAR_DIR=/tmp/benchsqlite python -m bench.generate --cases 200
(run `python -m django migrate` against that database first, or pass --migrate).
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import re
import sys
import time
from bisect import bisect_right
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as dtime
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

import bench  # noqa: F401  (sets Django up)
from accounts.models import Role, User
from cases.models import (
    Assignment,
    Callback,
    Case,
    CaseEvent,
    CaseNumberCounter,
    Category,
    Channel,
    Extension,
    Kind,
    Reply,
    Satisfaction,
    SupervisionNotice,
    Urgency,
)
from cases.workflow import State
from org.models import Unit, UnitKind
from worktime.calendar import add_working_days, add_working_hours, work_periods
from worktime.models import CalendarDay

DATA_DIR = settings.BASE_DIR / "data"

# ---------------------------------------------------------------- the target distribution

TARGETS: tuple[tuple[str, float, str, float], ...] = (
    # state, share, age kind ("uniform" / "closed" / "exp"), mean age in working days for "exp"
    (State.CLOSED, 0.80, "closed", 0),
    (State.IN_PROGRESS, 0.07, "exp", 8),
    (State.REPLIED, 0.03, "exp", 10),
    (State.PENDING_APPROVAL, 0.015, "exp", 10),
    (State.DISPATCHED, 0.015, "exp", 0.3),
    (State.REGISTERED, 0.01, "exp", 0.5),
    (State.CALLED_BACK, 0.01, "exp", 10),
    (State.MERGED, 0.025, "uniform", 0),
    (State.TRANSFERRED, 0.025, "uniform", 0),
)
CLOSED_RECENT_GAP = 20  # closed cases are registered at least this many working days ago

CHANNELS = [
    (Channel.HOTLINE, 70),
    (Channel.WEB, 9),
    (Channel.MOBILE, 10),
    (Channel.OPEN311, 2),
    (Channel.ENTERPRISE, 3),
    (Channel.MAILBOX, 4),
    (Channel.WINDOW, 2),
]
KINDS = [
    (Kind.COMPLAINT, 35),
    (Kind.HELP, 25),
    (Kind.CONSULT, 25),
    (Kind.REPORT, 5),
    (Kind.SUGGESTION, 8),
    (Kind.PRAISE, 2),
]
SATISFACTION = [(Satisfaction.SATISFIED, 85), (Satisfaction.BASICALLY, 10), (Satisfaction.UNSATISFIED, 5)]
TRANSFER_TARGETS = [
    "荆门市12345热线",
    "湖北省12345热线",
    "京山市12345热线",
    "沙洋县12345热线",
    "天门市12345热线",
]

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程魏苏吕丁任沈姚卢"
)
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂英华玉兰萍红建国志文斌浩鹏婷琳"
ROADS = [
    "莫愁湖路",
    "承天大道",
    "王府大道",
    "阳春大街",
    "兰台路",
    "石城大道",
    "皇城路",
    "郢中大道",
    "文昌路",
    "新堤路",
    "北湖路",
    "健康路",
    "民族大街",
    "沿江大道",
    "花山路",
    "团结路",
    "建设路",
    "人民路",
]
REPLY_TEMPLATES = [
    "经{unit}核实，您反映的问题属实。我单位已安排工作人员到现场处理，目前问题已整改到位，感谢您对我们工作的监督。",
    "您好，关于您反映的问题，{unit}高度重视，已会同相关单位进行调查处理，并与您电话沟通了处理结果，您表示认可。",
    "经{unit}调查，您反映的情况部分属实。我们已责成责任单位限期整改，并将持续跟踪督促，确保问题得到解决。",
    "您咨询的问题，{unit}答复如下：相关政策按现行规定执行，具体办理流程已电话告知，如有疑问可到窗口咨询。",
    "{unit}收到工单后第一时间联系了您，并派员现场核查。经协调，相关方已承诺整改，我们将加强日常巡查。",
    "经{unit}核查，您反映的问题不属实或已于此前处理完毕，工作人员已向您当面解释说明，感谢您的理解与支持。",
]
RETURN_REASONS = [
    "该事项不属于我单位职责范围，请重新派单",
    "诉求地址位于其他乡镇辖区，建议转属地处理",
    "该问题由供水公司负责，请改派",
    "事项涉及多部门，建议由属地牵头办理",
]
EXTENSION_REASONS = [
    "需协调多个部门现场会商，办理时间较长，申请延期",
    "涉及资金审批流程，需延期办理",
    "天气原因无法施工，申请延期",
]
CONTRIBUTIONS = ["我单位已配合现场核查，情况已反馈主办单位", "已按职责提供相关资料，请主办单位统一答复"]
REJECT_NOTES = ["答复内容过于简单，请补充处理过程", "请补充与诉求人沟通的情况", "办理结果不明确，请重新核实"]
SUPERVISE_NOTES = [
    "该工单已超期，请加快办理并于期限内反馈",
    "群众多次来电催办，请主要负责人亲自过问",
    "请于两个工作日内反馈办理进展",
]
CALLBACK_NOTES = ["", "", "诉求人表示问题已解决", "诉求人对处理结果认可", "诉求人希望加强后续管理"]
UNSATISFIED_CLOSE = ["诉求人要求超出政策规定，已做好解释工作", "问题已按规定处理，诉求人仍不认可，作结案处理"]


# ---------------------------------------------------------------- columns, checked against the models


@dataclass(frozen=True)
class Table:
    model: type
    columns: tuple[str, ...]  # attnames, in the order of the generated tuples

    def check(self) -> None:
        actual = {f.attname for f in self.model._meta.concrete_fields}  # type: ignore[attr-defined]
        if actual != set(self.columns):
            missing, extra = sorted(actual - set(self.columns)), sorted(set(self.columns) - actual)
            raise SystemExit(
                f"bench.generate: {self.model.__name__} changed: the model has {missing} the generator "
                f"does not write, and the generator writes {extra} the model lacks."
            )

    @property
    def db_table(self) -> str:
        return self.model._meta.db_table  # type: ignore[attr-defined]

    def db_columns(self) -> list[str]:
        by_attname = {f.attname: f.column for f in self.model._meta.concrete_fields}  # type: ignore[attr-defined]
        return [by_attname[c] for c in self.columns]


CASE = Table(
    Case,
    (
        "id",
        "number",
        "channel",
        "kind",
        "title",
        "content",
        "citizen_name",
        "citizen_phone",
        "address",
        "township_id",
        "category_id",
        "urgency",
        "state",
        "lead_unit_id",
        "parent_id",
        "transferred_to",
        "registered_by_id",
        "created_at",
        "dispatched_at",
        "accept_due_at",
        "due_at",
        "replied_at",
        "closed_at",
        "reopen_count",
        "callback_attempts",
        "satisfaction",
        "resolved",
        "is_overdue_closed",
        "updated_at",
    ),
)
EVENT = Table(
    CaseEvent,
    (
        "id",
        "case_id",
        "seq",
        "action",
        "from_state",
        "to_state",
        "actor_id",
        "actor_unit_id",
        "note",
        "payload",
        "created_at",
    ),
)
ASSIGNMENT = Table(
    Assignment,
    (
        "id",
        "case_id",
        "unit_id",
        "role",
        "status",
        "dispatched_by_id",
        "dispatched_at",
        "accepted_at",
        "return_reason",
    ),
)
REPLY = Table(
    Reply,
    (
        "id",
        "case_id",
        "unit_id",
        "author_id",
        "body",
        "result",
        "status",
        "submitted_at",
        "reviewer_id",
        "review_note",
        "approved_at",
    ),
)
CALLBACK = Table(Callback, ("id", "case_id", "by_id", "at", "outcome", "resolved", "satisfaction", "comment"))
NOTICE = Table(
    SupervisionNotice, ("id", "case_id", "unit_id", "supervisor_id", "body", "respond_by", "created_at")
)
EXTENSION = Table(
    Extension,
    (
        "id",
        "case_id",
        "unit_id",
        "requested_by_id",
        "requested_at",
        "days",
        "reason",
        "status",
        "decided_by_id",
        "decided_at",
        "decision_note",
    ),
)
TABLES = (CASE, EVENT, ASSIGNMENT, REPLY, CALLBACK, NOTICE, EXTENSION)
PAYLOAD_INDEX = EVENT.columns.index("payload")


# ---------------------------------------------------------------- reference data


def ensure_calendar(first: date, last: date) -> None:
    """Working-day calendar for every year the generated deadlines can touch."""
    from worktime.seeding import add_weekend_year, known_years, seed_available_years

    years = set(range(first.year, last.year + 1))
    have = {d.year for d in CalendarDay.objects.dates("date", "year")}
    if years - have:
        seed_available_years()
        have |= set(known_years())
    for year in sorted(years - have):
        add_weekend_year(year)  # a year chinese_calendar does not know yet: weekends only


def ensure_reference_data() -> None:
    """Units, categories and users: the demo seeders if they exist, else a minimal set."""
    if (
        not Unit.objects.filter(kind=UnitKind.TOWNSHIP).exists()
        or not Unit.objects.filter(kind=UnitKind.DEPARTMENT).exists()
    ):
        try:
            from org.demo import seed_org
        except ImportError:
            _minimal_units()
        else:
            seed_org()
    if not Category.objects.filter(level=3).exists():
        try:
            from cases.taxonomy import load_taxonomy
        except ImportError:
            _minimal_categories()
        else:
            load_taxonomy()
    needed = {Role.AGENT, Role.DISPATCHER, Role.CLERK, Role.UNIT_LEADER, Role.SUPERVISOR}
    if needed - set(User.objects.filter(is_active=True).values_list("role", flat=True)):
        try:
            from accounts.demo import seed_users
        except ImportError:
            pass
        else:
            seed_users()
    _minimal_users()  # fills whatever is still missing, e.g. units without a clerk


def _minimal_units() -> None:
    Unit.objects.get_or_create(
        code="C12345", defaults={"name": "钟祥市12345热线中心", "kind": UnitKind.CENTRE}
    )
    names = [
        "住房和城乡建设局",
        "城市管理执法局",
        "自然资源和规划局",
        "交通运输局",
        "水利和湖泊局",
        "农业农村局",
        "教育局",
        "卫生健康局",
        "人力资源和社会保障局",
        "医疗保障局",
        "民政局",
        "市场监督管理局",
        "公安局",
        "司法局",
        "应急管理局",
        "文化和旅游局",
        "商务局",
        "发展和改革局",
        "财政局",
        "退役军人事务局",
    ]
    for n, name in enumerate(names, start=1):
        Unit.objects.get_or_create(
            code=f"BD-{n:02d}",
            defaults={"name": f"钟祥市{name}", "short_name": f"市{name}", "kind": UnitKind.DEPARTMENT},
        )
    with (DATA_DIR / "streets-zhongxiang.csv").open(encoding="utf-8", newline="") as fh:
        for n, row in enumerate(csv.DictReader(fh), start=1):
            Unit.objects.get_or_create(
                code=row["code"],
                defaults={
                    "name": row["name"],
                    "kind": UnitKind.TOWNSHIP,
                    "division_code": row["code"] + "000",
                    "sort_order": n,
                },
            )


def _minimal_categories() -> None:
    nodes: dict[str, Category] = {}
    with (DATA_DIR / "category-taxonomy.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            names = [row["一级分类"].strip(), row["二级分类"].strip(), row["三级分类"].strip()]
            for level in (1, 2, 3):
                path = "/".join(names[:level])
                if path not in nodes:
                    limits = {"accept_hours": 2, "handle_days": 10} if level == 1 else {}
                    nodes[path], _ = Category.objects.get_or_create(
                        path=path,
                        defaults={
                            "name": names[level - 1],
                            "level": level,
                            "parent": nodes.get("/".join(names[: level - 1])),
                            **limits,
                        },
                    )


def _minimal_users() -> None:
    centre = Unit.objects.filter(kind=UnitKind.CENTRE).first()
    if centre is None:
        centre = Unit.objects.create(code="C12345", name="钟祥市12345热线中心", kind=UnitKind.CENTRE)
    new: list[User] = []

    def add(username: str, role: str, unit: Unit | None, name: str) -> None:
        if not User.objects.filter(username=username).exists():
            user = User(username=username, role=role, unit=unit, display_name=name)
            user.set_unusable_password()
            new.append(user)

    for role, count in ((Role.AGENT, 4), (Role.DISPATCHER, 2), (Role.SUPERVISOR, 1)):
        if not User.objects.filter(role=role, is_active=True).exists():
            for n in range(1, count + 1):
                add(f"bench_{role}{n}", role, centre, f"{Role(role).label}{n}")
    if not User.objects.filter(role=Role.LEADER).exists():
        add("bench_leader", Role.LEADER, None, "领导")
    staffed = set(
        User.objects.filter(is_active=True, role__in=[Role.CLERK, Role.UNIT_LEADER]).values_list(
            "unit_id", "role"
        )
    )
    for unit in Unit.objects.handlers().exclude(kind=UnitKind.VILLAGE):
        for role in (Role.CLERK, Role.UNIT_LEADER):
            if (unit.pk, role) not in staffed:
                add(f"bench_{role}_{unit.code}", role, unit, f"{unit.display_name}{Role(role).label}")
    User.objects.bulk_create(new)


@dataclass
class Message:
    title: str
    content: str
    subject: str  # 一级分类


def load_messages() -> list[Message]:
    out = []
    with (DATA_DIR / "messages-labelled.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            content = re.sub(r"\s+", " ", row["留言详情"]).strip()[:300]
            title = re.sub(r"\s+", " ", row["留言主题"]).strip()[:120] or content[:30]
            if len(content) >= 5:
                out.append(Message(title, content, row["一级分类"].strip()))
    return out


@dataclass
class Ref:
    """Everything the per-case code needs, read once: ids, codes, names, limits."""

    centre_id: int
    agents: list[tuple[int, int | None]]  # (user id, unit id)
    dispatchers: list[tuple[int, int | None]]
    supervisors: list[tuple[int, int | None]]
    clerks: dict[int, list[int]]  # unit id → user ids
    leaders: dict[int, list[int]]
    departments: list[int]
    dept_weights: list[float]
    townships: list[int]
    unit_code: dict[int, str]
    unit_name: dict[int, str]
    leaves: list[int]
    leaves_by_subject: dict[str, list[int]]
    cat_path: dict[int, str]
    cat_limits: dict[int, tuple[int, int, int, int]]  # accept_h, handle_d, urgent_accept_h, urgent_handle_d
    cat_default_unit: dict[int, int | None]
    messages: list[Message]
    reply_bodies: dict[int, list[str]] = field(default_factory=dict)


def load_ref() -> Ref:
    units = list(Unit.objects.all())
    staffed_users = list(User.objects.filter(is_active=True).values_list("pk", "role", "unit_id"))

    def role(r: str) -> list[tuple[int, int | None]]:
        return [(pk, unit) for pk, rl, unit in staffed_users if rl == r]

    clerks: dict[int, list[int]] = {}
    leaders: dict[int, list[int]] = {}
    for pk, rl, unit_id in staffed_users:
        if rl == Role.CLERK and unit_id:
            clerks.setdefault(unit_id, []).append(pk)
        elif rl == Role.UNIT_LEADER and unit_id:
            leaders.setdefault(unit_id, []).append(pk)
    handling = {u for u in clerks if u in leaders}  # a unit needs both to go round the loop
    departments = [u.pk for u in units if u.kind == UnitKind.DEPARTMENT and u.is_active and u.pk in handling]
    townships = [u.pk for u in units if u.kind == UnitKind.TOWNSHIP and u.is_active and u.pk in handling]
    centre = next((u for u in units if u.kind == UnitKind.CENTRE), None)
    if not departments or not townships or centre is None:
        raise SystemExit(
            "bench.generate: need a centre, departments and townships with a clerk and a leader each."
        )
    cats = {c.pk: c for c in Category.objects.all()}

    def inherited(c: Category, attr: str) -> Any:
        node: Category | None = c
        while node is not None:
            if getattr(node, attr) is not None:
                return getattr(node, attr)
            node = cats.get(node.parent_id) if node.parent_id else None
        return None

    leaves = [c for c in cats.values() if c.level == 3 and c.is_active]
    by_subject: dict[str, list[int]] = {}
    for c in leaves:
        by_subject.setdefault(c.path.split("/")[0], []).append(c.pk)
    defaults = Category.DEFAULT_LIMITS
    ref = Ref(
        centre_id=centre.pk,
        agents=role(Role.AGENT),
        dispatchers=role(Role.DISPATCHER),
        supervisors=role(Role.SUPERVISOR),
        clerks=clerks,
        leaders=leaders,
        departments=departments,
        # A skewed load: the first departments (住建, 城管, …) get most of the work.
        dept_weights=[1 / (i + 1) ** 0.9 for i in range(len(departments))],
        townships=townships,
        unit_code={u.pk: u.code for u in units},
        unit_name={u.pk: u.display_name for u in units},
        leaves=[c.pk for c in leaves],
        leaves_by_subject=by_subject,
        cat_path={c.pk: c.path for c in leaves},
        cat_limits={
            c.pk: tuple(
                inherited(c, f) or defaults[f]
                for f in ("accept_hours", "handle_days", "urgent_accept_hours", "urgent_handle_days")  # type: ignore[misc]
            )
            for c in leaves
        },
        cat_default_unit={
            c.pk: (u if (u := inherited(c, "default_unit_id")) in handling else None) for c in leaves
        },
        messages=load_messages(),
    )
    if not (ref.agents and ref.dispatchers and ref.supervisors and ref.leaves):
        raise SystemExit("bench.generate: need agents, dispatchers, supervisors and categories.")
    for unit_id in handling | {centre.pk}:
        name = ref.unit_name[unit_id]
        ref.reply_bodies[unit_id] = [t.format(unit=name) for t in REPLY_TEMPLATES]
    return ref


# ---------------------------------------------------------------- working time, fast


class Clock:
    """Working days and hours as plain lists, for sampling times and snapping them into office hours."""

    def __init__(self, now: datetime, days: int) -> None:
        self.tz = timezone.get_default_timezone()
        self.now = now
        local_now = now.astimezone(self.tz)
        first = local_now.date() - timedelta(days=days)
        horizon = local_now.date() + timedelta(days=120)
        ensure_calendar(first, horizon)
        self.workdays = list(
            CalendarDay.objects.filter(
                date__gte=first - timedelta(days=30), date__lte=horizon, is_workday=True
            )
            .order_by("date")
            .values_list("date", flat=True)
        )
        self.workset = set(self.workdays)
        self.periods = [(p.start, p.end) for p in work_periods()]
        self.minutes = [(p[0].hour * 60 + p[0].minute, p[1].hour * 60 + p[1].minute) for p in self.periods]
        self.day_minutes = sum(b - a for a, b in self.minutes)
        # The window: working days from `first` up to today (today only up to now).
        self.first_idx = bisect_right(self.workdays, first - timedelta(days=1))
        self.today_idx = bisect_right(self.workdays, local_now.date()) - 1
        self.now_minute = self._work_minute_of(local_now)

    def _work_minute_of(self, local: datetime) -> int:
        """Working minutes of local's day that have passed at local."""
        m = local.hour * 60 + local.minute
        return sum(max(0, min(m, b) - a) for a, b in self.minutes)

    def at(self, idx: int, work_minute: float) -> datetime:
        """The moment `work_minute` working minutes into the idx-th working day."""
        day = self.workdays[idx]
        for a, b in self.minutes:
            if work_minute < b - a:
                m = a + work_minute
                break
            work_minute -= b - a
        else:
            m = self.minutes[-1][1] - 1
        return datetime.combine(day, dtime.min, tzinfo=self.tz) + timedelta(seconds=int(m * 60))

    def latest_idx(self) -> int:
        """The last working day with working time before now."""
        if self.workdays[self.today_idx] == self.now.astimezone(self.tz).date() and self.now_minute < 5:
            return self.today_idx - 1
        return self.today_idx

    def sample(self, rng: random.Random, idx: int) -> datetime:
        """A random moment of working day idx (before now if idx is today)."""
        limit = self.day_minutes
        if self.workdays[idx] == self.now.astimezone(self.tz).date():
            limit = max(1, self.now_minute - 1)
        return self.at(idx, rng.random() * limit)

    def snap(self, rng: random.Random, t: datetime) -> datetime:
        """t if it is in working time, else a little after the start of the next working period."""
        local = t.astimezone(self.tz)
        day = local.date()
        if day in self.workset:
            clock = local.time()
            for start, end in self.periods:
                if clock < start:
                    return datetime.combine(day, start, tzinfo=self.tz) + timedelta(
                        seconds=rng.randint(30, 2400)
                    )
                if clock < end:
                    return t
        idx = bisect_right(self.workdays, day)
        return datetime.combine(self.workdays[idx], self.periods[0][0], tzinfo=self.tz) + timedelta(
            seconds=rng.randint(30, 2400)
        )

    def after(self, rng: random.Random, t: datetime, lo: float, hi: float) -> datetime:
        """A moment lo..hi seconds after t, moved into working time."""
        return self.snap(rng, t + timedelta(seconds=rng.uniform(lo, hi)))

    def after_workdays(self, rng: random.Random, t: datetime, days: float) -> datetime:
        """Roughly `days` working days after t, at a random working moment."""
        whole = int(days)
        if whole == 0:
            return self.after(rng, t, 600, max(900, days * self.day_minutes * 60))
        idx = bisect_right(self.workdays, t.astimezone(self.tz).date()) - 1 + whole
        return self.at(min(idx, len(self.workdays) - 1), rng.random() * self.day_minutes)


# ---------------------------------------------------------------- one case: plan, then materialize


def pick(rng: random.Random, weighted: list[tuple[Any, int]]) -> Any:
    return rng.choices([v for v, _ in weighted], weights=[w for _, w in weighted])[0]


class Generator:
    def __init__(self, ref: Ref, clock: Clock, seed: int) -> None:
        self.ref, self.clock = ref, clock
        self.rng = random.Random(seed)
        self.ids = {t.db_table: self._max_id(t) for t in TABLES}
        self.counters: dict[date, int] = dict(CaseNumberCounter.objects.values_list("day", "last"))
        self.recent: list[tuple[int, str]] = []  # (id, number) of recent mergeable cases
        self.rows: dict[str, list[tuple[Any, ...]]] = {t.db_table: [] for t in TABLES}
        self._has_co = False  # whether the case being built has a co-handling unit

    @staticmethod
    def _max_id(table: Table) -> int:
        return table.model.objects.aggregate(m=Max("id"))["m"] or 0  # type: ignore[attr-defined]

    def next_id(self, table: Table) -> int:
        self.ids[table.db_table] += 1
        return self.ids[table.db_table]

    # -- sampling the start of every case, in time order

    def starts(self, count: int) -> list[tuple[datetime, str]]:
        rng, clock = self.rng, self.clock
        last = clock.latest_idx()
        first = clock.first_idx
        closed_last = max(first, last - CLOSED_RECENT_GAP)
        shares = [s for _, s, _, _ in TARGETS]
        out = []
        for target, _, kind, mean in rng.choices(TARGETS, weights=shares, k=count):
            if kind == "closed":
                idx = rng.randint(first, closed_last)
            elif kind == "uniform":
                idx = rng.randint(first, last)
            else:
                idx = max(first, last - int(rng.expovariate(1 / mean)))
            out.append((clock.sample(rng, idx), target))
        out.sort(key=lambda s: s[0])
        return out

    # -- the plan: (action, time, details) up to the target state

    def plan(
        self, t0: datetime, target: str, kind: str, urgent: bool, limits: tuple[int, ...]
    ) -> list[tuple]:
        rng, clk = self.rng, self.clock
        steps: list[tuple] = [("register", t0, None)]
        t = t0
        if target == State.REGISTERED:
            return steps
        if target == State.TRANSFERRED:
            return [*steps, ("transfer", clk.after(rng, t, 600, 4 * 3600), rng.choice(TRANSFER_TARGETS))]
        if target == State.MERGED:
            return [*steps, ("merge", clk.after(rng, t, 300, 3 * 3600), None)]
        intake = kind == Kind.CONSULT and target != State.DISPATCHED and rng.random() < 0.3
        if target in (State.IN_PROGRESS, State.PENDING_APPROVAL):
            intake = False
        handle_days = limits[3] if urgent else limits[1]
        if intake:
            t = clk.after(rng, t, 120, 1200)
            steps.append(("intake", t, None))
        else:
            t = clk.after(rng, t, 60, 900) if urgent else clk.after(rng, t, 180, 5400)
            steps.append(("dispatch", t, None))
            if rng.random() < 0.05:
                t = clk.after(rng, t, 600, 7200)
                steps.append(("return", t, None))
                t = clk.after(rng, t, 300, 3600)
                steps.append(("dispatch", t, None))
            if target == State.DISPATCHED:
                return steps
            t = clk.after(rng, t, 120, 1800) if urgent else clk.after(rng, t, 300, 9000)
            steps.append(("accept", t, None))
            accepted = t
            extras: list[tuple] = []
            if self._has_co:
                extras.append(("contribute", clk.after_workdays(rng, t, rng.uniform(0.2, 2)), None))
            if rng.random() < 0.04:
                extras.append(
                    ("supervise", clk.after_workdays(rng, t, rng.uniform(0.5, handle_days + 1)), None)
                )
            if rng.random() < 0.03:
                ask = clk.after_workdays(rng, t, rng.uniform(1, max(1.5, handle_days * 0.8)))
                extras.append(("extend", ask, rng.choice([3, 5, 5, 10])))
                extras.append(("decide", clk.after(rng, ask, 1800, 86400), rng.random() < 0.85))
            r = rng.random()
            fraction = rng.uniform(0.05, 0.95) if r < 0.92 else rng.uniform(1.0, 1.6)
            reply_at = clk.after_workdays(rng, accepted, handle_days * fraction)
            if target == State.IN_PROGRESS:
                steps.extend(sorted(extras, key=lambda s: s[1]))
                return steps
            # Extras happen before the reply; the ones that would come later are dropped, and so is
            # a request for an extension whose decision would come after the reply.
            before = [s for s in sorted(extras, key=lambda s: s[1]) if s[1] < reply_at]
            if not any(s[0] == "decide" for s in before):
                before = [s for s in before if s[0] != "extend"]
            steps.extend(before)
            t = max(reply_at, steps[-1][1] + timedelta(minutes=5))
            steps.append(("reply", t, None))
            if target == State.PENDING_APPROVAL:
                return steps
            if rng.random() < 0.06:
                t = clk.after(rng, t, 1800, 86400)
                steps.append(("reject", t, None))
                t = clk.after_workdays(rng, t, rng.uniform(0.1, 2))
                steps.append(("reply", t, None))
            t = clk.after(rng, t, 600, 3 * 3600) if rng.random() < 0.6 else clk.after_workdays(rng, t, 1)
            steps.append(("approve", t, None))
        if target == State.REPLIED:
            return steps
        r = rng.random()
        misses = 3 if r < 0.02 else (rng.randint(1, 2) if r < 0.14 else 0)
        for _ in range(misses):
            t = clk.after(rng, t, 3600, 86400)
            steps.append(("callback", t, False))
        if misses < 3:
            t = clk.after(rng, t, 1800, 2 * 86400)
            steps.append(("callback", t, True))
        if target == State.CALLED_BACK:
            return steps
        steps.append(("close", clk.after(rng, t, 300, 86400), None))
        return steps

    # -- materialize: apply the steps the way cases.services would, and emit rows

    def build(self, t0: datetime, target: str) -> None:
        ref, rng, clk = self.ref, self.rng, self.clock
        msg = rng.choice(ref.messages)
        leaves = ref.leaves_by_subject.get(msg.subject) or ref.leaves
        category = rng.choice(leaves)
        limits = ref.cat_limits[category]
        kind = pick(rng, KINDS)
        urgent = rng.random() < 0.03
        township = rng.choice(ref.townships) if rng.random() < 0.85 else None
        self._has_co = rng.random() < 0.08
        steps = self.plan(t0, target, kind, urgent, limits)
        now = clk.now
        steps = [s for s in steps if s[1] < now]
        accept_h, handle_d = (limits[2], limits[3]) if urgent else (limits[0], limits[1])

        case_id = self.next_id(CASE)
        day = t0.astimezone(clk.tz).date()
        seq = self.counters.get(day, 0) + 1
        if seq > 99999:
            raise SystemExit(f"bench.generate: more than 99999 cases on {day}: 受理编号 has 5 digits.")
        self.counters[day] = seq
        number = f"{day:%Y%m%d}{seq:05d}"
        agent, agent_unit = rng.choice(ref.agents)
        dispatcher, dispatcher_unit = rng.choice(ref.dispatchers)
        channel = pick(rng, CHANNELS)
        if rng.random() < 0.05:
            phone = f"0724-{rng.randint(2000000, 8999999)}"
        else:
            phone = f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}"
        name = rng.choice(SURNAMES) + (
            rng.choice(("先生", "女士")) if rng.random() < 0.7 else rng.choice(GIVEN)
        )
        road = rng.choice(ROADS)
        address = f"{ref.unit_name[township] if township else '钟祥市'}{road}{rng.randint(1, 300)}号"

        c: dict[str, Any] = {
            "state": "",
            "lead_unit_id": None,
            "parent_id": None,
            "transferred_to": "",
            "dispatched_at": None,
            "accept_due_at": None,
            "due_at": None,
            "replied_at": None,
            "closed_at": None,
            "callback_attempts": 0,
            "satisfaction": "",
            "resolved": None,
            "is_overdue_closed": False,
        }
        events = self.rows[EVENT.db_table]
        assignments: list[list[Any]] = []
        replies: list[list[Any]] = []
        extension: list[Any] | None = None
        used_units: set[int] = set()
        seq_no = 0

        def event(
            action: str,
            to_state: str,
            actor: int | None,
            unit: int | None,
            at: datetime,
            note: str = "",
            payload: dict[str, Any] | None = None,
        ) -> None:
            nonlocal seq_no
            seq_no += 1
            events.append(
                (
                    self.next_id(EVENT),
                    case_id,
                    seq_no,
                    action,
                    c["state"],
                    to_state,
                    actor,
                    unit,
                    note,
                    json.dumps(payload or {}, ensure_ascii=False),
                    at,
                )
            )
            c["state"] = to_state

        def lead_staff(which: dict[int, list[int]]) -> int:
            return rng.choice(which[c["lead_unit_id"]])

        for action, at, detail in steps:
            if action == "register":
                event("register", State.REGISTERED, agent, agent_unit, at, payload={"channel": channel})
            elif action == "transfer":
                c["transferred_to"] = detail
                event(
                    "transfer", State.TRANSFERRED, dispatcher, dispatcher_unit, at, payload={"target": detail}
                )
            elif action == "merge":
                if not self.recent:
                    c["transferred_to"] = TRANSFER_TARGETS[0]
                    event(
                        "transfer",
                        State.TRANSFERRED,
                        dispatcher,
                        dispatcher_unit,
                        at,
                        payload={"target": TRANSFER_TARGETS[0]},
                    )
                else:
                    parent_id, parent_number = rng.choice(self.recent[-500:])
                    c["parent_id"] = parent_id
                    event(
                        "merge",
                        State.MERGED,
                        dispatcher,
                        dispatcher_unit,
                        at,
                        payload={"parent": parent_number},
                    )
            elif action == "intake":
                body = rng.choice(ref.reply_bodies[ref.centre_id])
                replies.append(
                    [
                        self.next_id(REPLY),
                        case_id,
                        agent_unit,
                        agent,
                        body,
                        "",
                        Reply.Status.APPROVED,
                        at,
                        agent,
                        "",
                        at,
                    ]
                )
                c["replied_at"] = at
                event("answer_at_intake", State.REPLIED, agent, agent_unit, at, note=body)
            elif action == "dispatch":
                lead = ref.cat_default_unit.get(category) if rng.random() < 0.55 else None
                if lead is None or lead in used_units:
                    if township and township not in used_units and rng.random() < 0.4:
                        lead = township
                    else:
                        lead = rng.choices(ref.departments, weights=ref.dept_weights)[0]
                        if lead in used_units:
                            lead = rng.choice([d for d in ref.departments if d not in used_units])
                used_units.add(lead)
                co = []
                if self._has_co:
                    co = [rng.choice([d for d in ref.departments if d != lead])]
                c["lead_unit_id"] = lead
                c["dispatched_at"] = at
                c["accept_due_at"] = add_working_hours(at, accept_h)
                c["due_at"] = add_working_days(at, handle_d)
                for unit, role in [(lead, Assignment.Role.LEAD)] + [(u, Assignment.Role.CO) for u in co]:
                    assignments.append(
                        [
                            self.next_id(ASSIGNMENT),
                            case_id,
                            unit,
                            role,
                            Assignment.Status.PENDING,
                            dispatcher,
                            at,
                            None,
                            "",
                        ]
                    )
                event(
                    "dispatch",
                    State.DISPATCHED,
                    dispatcher,
                    dispatcher_unit,
                    at,
                    payload={
                        "lead_unit": ref.unit_code[lead],
                        "co_units": [ref.unit_code[u] for u in co],
                        "category": ref.cat_path[category],
                        "accept_due_at": c["accept_due_at"].isoformat(),
                        "due_at": c["due_at"].isoformat(),
                    },
                )
            elif action == "return":
                clerk = lead_staff(ref.clerks)
                why = rng.choice(RETURN_REASONS)
                for a in assignments:
                    if a[4] == Assignment.Status.PENDING:
                        a[4], a[8] = Assignment.Status.RETURNED, why
                unit = c["lead_unit_id"]
                c["lead_unit_id"] = c["accept_due_at"] = c["due_at"] = None
                event(
                    "return",
                    State.REGISTERED,
                    clerk,
                    unit,
                    at,
                    note=why,
                    payload={"unit": ref.unit_code[unit]},
                )
            elif action == "accept":
                for a in assignments:
                    if a[2] == c["lead_unit_id"] and a[4] == Assignment.Status.PENDING:
                        a[4], a[7] = Assignment.Status.ACCEPTED, at
                event(
                    "accept",
                    State.IN_PROGRESS,
                    lead_staff(ref.clerks),
                    c["lead_unit_id"],
                    at,
                    payload={"late": at > c["accept_due_at"]},
                )
            elif action == "contribute":
                co = next((a for a in assignments if a[3] == Assignment.Role.CO and a[4] == "pending"), None)
                if co is not None:
                    co[4], co[7] = Assignment.Status.DONE, at
                    event(
                        "contribute",
                        c["state"],
                        rng.choice(ref.clerks[co[2]]),
                        co[2],
                        at,
                        note=rng.choice(CONTRIBUTIONS),
                    )
            elif action == "supervise":
                supervisor, supervisor_unit = rng.choice(ref.supervisors)
                body = rng.choice(SUPERVISE_NOTES)
                respond_by = add_working_days(at, 2)
                notice_id = self.next_id(NOTICE)
                self.rows[NOTICE.db_table].append(
                    (notice_id, case_id, c["lead_unit_id"], supervisor, body, respond_by, at)
                )
                event(
                    "supervise",
                    c["state"],
                    supervisor,
                    supervisor_unit,
                    at,
                    note=body,
                    payload={
                        "notice": notice_id,
                        "unit": ref.unit_code[c["lead_unit_id"]],
                        "respond_by": respond_by.isoformat(),
                    },
                )
            elif action == "extend":
                why = rng.choice(EXTENSION_REASONS)
                extension = [
                    self.next_id(EXTENSION),
                    case_id,
                    c["lead_unit_id"],
                    lead_staff(ref.clerks),
                    at,
                    detail,
                    why,
                    Extension.Status.PENDING,
                    None,
                    None,
                    "",
                ]
                event(
                    "extend",
                    c["state"],
                    extension[3],
                    c["lead_unit_id"],
                    at,
                    note=why,
                    payload={"days": detail, "extension": extension[0]},
                )
            elif action == "decide" and extension is not None:
                payload: dict[str, Any] = {"approved": detail, "days": extension[5]}
                extension[7] = Extension.Status.APPROVED if detail else Extension.Status.REFUSED
                extension[8], extension[9] = dispatcher, at
                extension[10] = "" if detail else "延期理由不充分，请按期办结"
                if detail:
                    c["due_at"] = add_working_days(c["due_at"] or at, extension[5])
                    payload["due_at"] = c["due_at"].isoformat()
                event(
                    "decide_extension",
                    c["state"],
                    dispatcher,
                    dispatcher_unit,
                    at,
                    note=extension[10],
                    payload=payload,
                )
            elif action == "reply":
                body = rng.choice(ref.reply_bodies[c["lead_unit_id"]])
                reply_id = self.next_id(REPLY)
                replies.append(
                    [
                        reply_id,
                        case_id,
                        c["lead_unit_id"],
                        lead_staff(ref.clerks),
                        body,
                        "",
                        Reply.Status.SUBMITTED,
                        at,
                        None,
                        "",
                        None,
                    ]
                )
                event(
                    "reply",
                    State.PENDING_APPROVAL,
                    replies[-1][3],
                    c["lead_unit_id"],
                    at,
                    note=body,
                    payload={"reply": reply_id},
                )
            elif action == "reject":
                leader = lead_staff(ref.leaders)
                why = rng.choice(REJECT_NOTES)
                replies[-1][6], replies[-1][8], replies[-1][9] = Reply.Status.REJECTED, leader, why
                event(
                    "reject_reply",
                    State.IN_PROGRESS,
                    leader,
                    c["lead_unit_id"],
                    at,
                    note=why,
                    payload={"reply": replies[-1][0]},
                )
            elif action == "approve":
                leader = lead_staff(ref.leaders)
                replies[-1][6], replies[-1][8], replies[-1][10] = Reply.Status.APPROVED, leader, at
                for a in assignments:
                    if a[2] == c["lead_unit_id"] and a[4] == Assignment.Status.ACCEPTED:
                        a[4] = Assignment.Status.DONE
                c["replied_at"] = at
                c["is_overdue_closed"] = bool(c["due_at"] and at > c["due_at"])
                event(
                    "approve",
                    State.REPLIED,
                    leader,
                    c["lead_unit_id"],
                    at,
                    payload={"reply": replies[-1][0], "late": c["is_overdue_closed"]},
                )
            elif action == "callback":
                reached = detail
                c["callback_attempts"] += 1
                note = rng.choice(CALLBACK_NOTES) if reached else "电话无人接听"
                if reached:
                    satisfaction = pick(rng, SATISFACTION)
                    resolved = rng.random() < (0.95 if satisfaction != Satisfaction.UNSATISFIED else 0.3)
                    c["satisfaction"], c["resolved"] = satisfaction, resolved
                    to_state = State.CALLED_BACK
                    self.rows[CALLBACK.db_table].append(
                        (
                            self.next_id(CALLBACK),
                            case_id,
                            agent,
                            at,
                            Callback.Outcome.REACHED,
                            resolved,
                            satisfaction,
                            note,
                        )
                    )
                else:
                    satisfaction, resolved = "", None
                    to_state = State.CALLED_BACK if c["callback_attempts"] >= 3 else State.REPLIED
                    self.rows[CALLBACK.db_table].append(
                        (
                            self.next_id(CALLBACK),
                            case_id,
                            agent,
                            at,
                            Callback.Outcome.UNREACHABLE,
                            None,
                            "",
                            note,
                        )
                    )
                event(
                    "callback",
                    to_state,
                    agent,
                    agent_unit,
                    at,
                    note=note,
                    payload={
                        "reached": reached,
                        "resolved": resolved,
                        "satisfaction": satisfaction,
                        "attempt": c["callback_attempts"],
                    },
                )
            elif action == "close":
                note = rng.choice(UNSATISFIED_CLOSE) if c["satisfaction"] == Satisfaction.UNSATISFIED else ""
                c["closed_at"] = at
                event("close", State.CLOSED, agent, agent_unit, at, note=note)

        last_at = steps[-1][1]
        self.rows[CASE.db_table].append(
            (
                case_id,
                number,
                channel,
                kind,
                msg.title,
                msg.content,
                name,
                phone,
                address,
                township,
                category,
                Urgency.URGENT if urgent else Urgency.NORMAL,
                c["state"],
                c["lead_unit_id"],
                c["parent_id"],
                c["transferred_to"],
                agent,
                t0,
                c["dispatched_at"],
                c["accept_due_at"],
                c["due_at"],
                c["replied_at"],
                c["closed_at"],
                0,
                c["callback_attempts"],
                c["satisfaction"],
                c["resolved"],
                c["is_overdue_closed"],
                last_at,
            )
        )
        self.rows[ASSIGNMENT.db_table].extend(tuple(a) for a in assignments)
        self.rows[REPLY.db_table].extend(tuple(r) for r in replies)
        if extension is not None:
            self.rows[EXTENSION.db_table].append(tuple(extension))
        if c["state"] not in (State.MERGED, State.TRANSFERRED):
            self.recent.append((case_id, number))
            if len(self.recent) > 2000:
                del self.recent[:1000]

    def take_rows(self) -> dict[str, list[tuple[Any, ...]]]:
        rows, self.rows = self.rows, {t.db_table: [] for t in TABLES}
        return rows


# ---------------------------------------------------------------- writing


def _postgres() -> bool:
    return connection.vendor == "postgresql"


def write_chunk(rows: dict[str, list[tuple[Any, ...]]]) -> None:
    with transaction.atomic():
        if _postgres():
            with connection.cursor() as cursor:
                cursor.execute("SELECT current_setting('is_superuser')")
                if cursor.fetchone()[0] == "on":  # else keep the foreign-key checks
                    cursor.execute("SET LOCAL session_replication_role = replica")
                raw = cursor.cursor
                for table in TABLES:
                    data = rows[table.db_table]
                    if not data:
                        continue
                    cols = ", ".join(f'"{c}"' for c in table.db_columns())
                    with raw.copy(f'COPY "{table.db_table}" ({cols}) FROM STDIN') as copy:
                        for row in data:
                            copy.write_row(row)
        else:
            for table in TABLES:
                data = rows[table.db_table]
                objs = []
                for row in data:
                    values = dict(zip(table.columns, row, strict=True))
                    if table is EVENT:
                        values["payload"] = json.loads(values["payload"])
                    objs.append(table.model(**values))
                table.model.objects.bulk_create(objs, batch_size=2000)  # type: ignore[attr-defined]


def finish(gen: Generator) -> None:
    """Bring id sequences and the 受理编号 counters past what was written."""
    rows = [CaseNumberCounter(day=d, last=n) for d, n in gen.counters.items()]
    CaseNumberCounter.objects.bulk_create(
        rows, batch_size=2000, update_conflicts=True, unique_fields=["day"], update_fields=["last"]
    )
    if _postgres():
        with connection.cursor() as cursor:
            for table in TABLES:
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('\"{table.db_table}\"', 'id'), "
                    f'GREATEST((SELECT max(id) FROM "{table.db_table}"), 1))'
                )


def vacuum_analyze() -> None:
    if _postgres():
        with connection.cursor() as cursor:
            for table in TABLES:
                cursor.execute(f'VACUUM ANALYZE "{table.db_table}"')


def generate(
    count: int, *, days: int = 730, chunk: int = 10_000, seed: int = 12345, log: Callable[[str], None] = print
) -> dict[str, Any]:
    """Add `count` cases; returns timings and row counts."""
    for table in TABLES:
        table.check()
    started = time.perf_counter()
    now = timezone.now()
    clock = Clock(now, days)
    ensure_reference_data()
    ref = load_ref()
    gen = Generator(ref, clock, seed + Case.objects.count())
    starts = gen.starts(count)
    prepared = time.perf_counter()
    totals = {t.db_table: 0 for t in TABLES}
    done = 0
    for batch in _batches(starts, chunk):
        for t0, target in batch:
            gen.build(t0, target)
        rows = gen.take_rows()
        write_chunk(rows)
        for name, data in rows.items():
            totals[name] += len(data)
        done += len(batch)
        elapsed = time.perf_counter() - started
        rows_so_far = sum(totals.values())
        log(f"  {done:>9,} cases  {rows_so_far:>11,} rows  {elapsed:7.1f}s  {done / elapsed:8,.0f} cases/s")
    finish(gen)
    written = time.perf_counter()
    vacuum_analyze()
    ended = time.perf_counter()
    return {
        "cases": count,
        "rows": totals,
        "seconds_setup": prepared - started,
        "seconds_write": written - prepared,
        "seconds_vacuum": ended - written,
        "seconds_total": ended - started,
    }


def _batches(items: list[Any], size: int) -> Iterator[list[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.generate", description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=10_000, help="how many cases to add (default 10000)")
    parser.add_argument("--days", type=int, default=730, help="spread them over this many past days (730)")
    parser.add_argument("--chunk", type=int, default=10_000, help="cases per transaction (10000)")
    parser.add_argument(
        "--seed", type=int, default=12345, help="random seed (offset by the existing case count)"
    )
    parser.add_argument("--migrate", action="store_true", help="run migrations first")
    args = parser.parse_args(argv)
    if args.migrate:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
    db = connection.settings_dict
    print(f"bench.generate: {args.cases:,} cases into {connection.vendor} {db['NAME']}")
    result = generate(args.cases, days=args.days, chunk=args.chunk, seed=args.seed)
    rows = sum(result["rows"].values())
    write = max(result["seconds_write"], 1e-9)
    print(
        f"done: {result['cases']:,} cases, {rows:,} rows in {result['seconds_total']:.1f}s "
        f"(write {write:.1f}s = {result['cases'] / write:,.0f} cases/s, {rows / write:,.0f} rows/s; "
        f"vacuum {result['seconds_vacuum']:.1f}s)"
    )
    for name, n in result["rows"].items():
        print(f"  {name:<28} {n:>11,}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
