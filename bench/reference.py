"""Reference data the generated cases point at: units, categories, staff, the working calendar, the
sample messages; read once into a `Ref` so that the per-case code only touches plain values."""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone

from accounts.models import Role, User
from bench.texts import REPLY_TEMPLATES
from cases.models import LIMIT_FIELDS, Case, Category, CategoryLimit, LimitVersion
from cases.taxonomy import seed_first_limits
from loop.versions import VersionStatus
from org.models import Unit, UnitKind
from worktime.models import CalendarDay

DATA_DIR = settings.BASE_DIR / "data"


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
    # A database whose categories came without limits (or the minimal set): version 1 of the
    # limits, as the taxonomy loader publishes it; every case pins the version in force.
    seed_first_limits({})
    needed: set[str] = {Role.AGENT, Role.DISPATCHER, Role.CLERK, Role.UNIT_LEADER, Role.SUPERVISOR}
    have: set[str] = set(User.objects.filter(is_active=True).values_list("role", flat=True))
    if needed - have:
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
    tops: dict[Category, dict[str, int | None]] = {}
    with (DATA_DIR / "category-taxonomy.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            names = [row["一级分类"].strip(), row["二级分类"].strip(), row["三级分类"].strip()]
            for level in (1, 2, 3):
                path = "/".join(names[:level])
                if path not in nodes:
                    nodes[path], _ = Category.objects.get_or_create(
                        path=path,
                        defaults={
                            "name": names[level - 1],
                            "level": level,
                            "parent": nodes.get("/".join(names[: level - 1])),
                        },
                    )
                    if level == 1:
                        tops[nodes[path]] = {"accept_hours": 2, "handle_days": 10}
    seed_first_limits(tops)


# The second limits version of a revised bench database (Mix.limits_revised): in force since this
# many days ago, so that cases running then can be re-pinned (按现行时限重算).
REVISED_DAYS_AGO = 10


def revise_limits(now: datetime, log: Callable[[str], None] = print) -> LimitVersion | None:
    """Version 2 of the limits, every handling limit cut by a fifth, in force since REVISED_DAYS_AGO.

    The rows loop.versions.publish leaves (version 1 closed at the start of version 2), written
    directly because publish refuses a start in the past. Only on a database with version 1 alone
    and no case registered since that start: those cases pinned version 1, and a version in force
    before them would contradict their pins. No audit records are written (none are generated).
    """
    published = list(LimitVersion.objects.filter(status=VersionStatus.PUBLISHED))
    local = now.astimezone(timezone.get_default_timezone())
    start = (local - timedelta(days=REVISED_DAYS_AGO)).replace(hour=0, minute=0, second=0, microsecond=0)
    if len(published) != 1 or published[0].valid_to is not None or published[0].valid_from >= start:
        return None
    if Case.objects.filter(created_at__gte=start).exists():
        log("bench.generate: cases registered after the revision's start: limits left as they are.")
        return None
    first = published[0]
    revised = LimitVersion.objects.create(
        number=first.number + 1, valid_from=start, note="压缩办理时限（bench）"
    )
    LimitVersion.objects.filter(pk=first.pk).update(valid_to=start)
    entries = []
    for entry in first.entries.all():
        values = {f: getattr(entry, f) for f in LIMIT_FIELDS}
        for f in ("handle_days", "urgent_handle_days"):
            if values[f] is not None:
                values[f] = max(1, round(values[f] * 0.8))
        entries.append(CategoryLimit(version=revised, category_id=entry.category_id, **values))
    CategoryLimit.objects.bulk_create(entries)
    # Marked published in place, as publish() would leave it (which refuses a start in the past).
    LimitVersion.objects.filter(pk=revised.pk).update(status=VersionStatus.PUBLISHED, published_at=start)
    revised.refresh_from_db()
    return revised


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
    for unit in Unit.objects.handlers():
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


Limits = tuple[int, int, int, int]  # accept_h, handle_d, urgent_accept_h, urgent_handle_d


@dataclass(frozen=True)
class LimitRef:
    """One published limits version: its period and the limits of every leaf category in it."""

    id: int
    number: int
    valid_from: datetime
    valid_to: datetime | None
    limits: dict[int, Limits]


def load_limit_versions(cats: dict[int, Category], leaves: list[Category]) -> list[LimitRef]:
    """Each published version's limits per leaf, as Category.limit reads them: the nearest
    ancestor that sets a field in that version, else Category.DEFAULT_LIMITS."""
    out = []
    for version in LimitVersion.objects.filter(status=VersionStatus.PUBLISHED).order_by("valid_from"):
        table = version.table()

        def limit(c: Category, f: str, table: dict[int, dict[str, int | None]] = table) -> int:
            node: Category | None = c
            while node is not None:
                value = table.get(node.pk, {}).get(f)
                if value is not None:
                    return int(value)
                node = cats.get(node.parent_id) if node.parent_id else None
            return Category.DEFAULT_LIMITS[f]

        limits: dict[int, Limits] = {
            c.pk: (
                limit(c, "accept_hours"),
                limit(c, "handle_days"),
                limit(c, "urgent_accept_hours"),
                limit(c, "urgent_handle_days"),
            )
            for c in leaves
        }
        out.append(LimitRef(version.pk, version.number, version.valid_from, version.valid_to, limits))
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
    versions: list[LimitRef]  # published limits versions, by valid_from
    cat_default_unit: dict[int, int | None]
    messages: list[Message]
    reply_bodies: dict[int, list[str]] = field(default_factory=dict)

    def version_at(self, at: datetime) -> LimitRef | None:
        """The version in force at `at`, as LimitVersion.in_force finds it."""
        for v in reversed(self.versions):
            if v.valid_from <= at and (v.valid_to is None or v.valid_to > at):
                return v
        return None

    def changes(self) -> list[datetime]:
        """The moments a version comes into force, in order."""
        return sorted({v.valid_from for v in self.versions})

    def limits(self, version: LimitRef | None, category: int, urgent: bool) -> tuple[int, int]:
        """(accept hours, handle days) as Category.limits_for(urgency, version) gives them."""
        if version is None:
            d = Category.DEFAULT_LIMITS
            return (
                (d["urgent_accept_hours"], d["urgent_handle_days"])
                if urgent
                else (d["accept_hours"], d["handle_days"])
            )
        a, h, ua, uh = version.limits[category]
        return (ua, uh) if urgent else (a, h)


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
        versions=load_limit_versions(cats, leaves),
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
