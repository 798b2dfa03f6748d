"""bench.stats' HTTP rows: the pages, chart endpoints and API calls a leader's (or a unit
leader's) browser or client makes, each through django.test.Client as the whole request (URL
resolution, middleware, the view, its SQL, the template or JSON), logged in with force_login as
a real user of the database of the right role, the API with a bearer token (ApiToken.issue, the
token deleted afterwards). Every response is checked (200 and what the view should carry: the
page's heading, the chart's key and rows, a workbook's zip header …) on every run, so a broken
view is not timed as fast: one that answers wrongly at its warm-up is not timed but shown as
BROKEN in the table and the verdict, the run carrying on and exiting 1; one that answers wrongly
later stops the run.

Groups (bench.stats prints and writes them in this order, after the stats.queries rows):
the leader's home and the dashboard for the month (the existing rows; the /dashboard/charts/
page, each chart's fragment, the unit leader's home); the dashboard's charts for the quarter and
the year; the home and the charts filtered by category, township and unit; the statistics pages
and API (the rates page, the printable monthly report, GET /api/v1/stats/rates); 高频事 (the
list, the hottest one's page, GET /api/v1/hotspots); and, with the exports, GET
/api/v1/stats/ledger.xlsx.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db.models import Count, Max
from django.test import Client, override_settings
from django.urls import reverse
from django.utils.html import escape

from accounts.models import ApiToken, Role, User
from cases.models import Case, Category
from hotspots.models import Hotspot
from org.models import Unit
from stats.periods import Period

# The groups, in the order of the table; VIEWS are what the target ("the slowest dashboard view
# answers in under 1 s") is judged on: every HTTP row but the exports.
QUERIES = "stats.queries (functions, no HTTP)"
EXPORTS = "Exports (.xlsx)"
HOME = "The leader's home and the dashboard, month"
LONGER = "The dashboard's charts, quarter and year"
FILTERED = "Filtered: the home and the charts by category, township, unit (month)"
STATS = "The statistics pages and API"
HOTSPOTS = "高频事 (hotspots)"
GROUPS = (QUERIES, EXPORTS, HOME, LONGER, FILTERED, STATS, HOTSPOTS)
VIEWS = frozenset({HOME, LONGER, FILTERED, STATS, HOTSPOTS})

# The most cases one hotspot grouping reads (its window and the window before) when the database
# holds no hotspot yet: triage's pair scores grow with the square of it (2,000: seconds).
HOTSPOT_CASES = 2000


@dataclass(frozen=True)
class Row:
    group: str
    name: str
    fn: Callable[[], Any]


class BrokenView(Exception):
    """A response that is not what the view should answer (its status, or its content)."""


Response = Any  # django.test.Client's response (an HttpResponse with .json() …)
Check = Callable[[Response], str | None]  # what is wrong with the response, or None


def html(*must: str, size: int = 1000) -> Check:
    """A page (or fragment) of at least `size` bytes holding each of `must`."""

    def check(response: Response) -> str | None:
        body = response.content.decode("utf-8", "replace")
        if len(response.content) < size:
            return f"{len(response.content)} bytes (expected at least {size})"
        missing = [m for m in must if m not in body]
        return f"no {missing!r} in the page" if missing else None

    return check


# The charts that have rows whenever the period has cases; 超期 and 督办 may have none (a small
# database's month, one category's cases).
ALWAYS_ROWS = frozenset({"volume", "categories"})


def chart(key: str, *, rows: bool | None = None) -> Check:
    """A chart's JSON: its key, its summary sentence, a list of rows (not empty for the charts
    of ALWAYS_ROWS, unless `rows=False`)."""
    need_rows = key in ALWAYS_ROWS if rows is None else rows

    def check(response: Response) -> str | None:
        data = json.loads(response.content)
        if data.get("key") != key or not data.get("summary") or not isinstance(data.get("rows"), list):
            return f"not chart {key!r}'s JSON: {str(data)[:200]}"
        return "no rows" if need_rows and not data["rows"] else None

    return check


def json_with(predicate: Callable[[Any], bool], what: str) -> Check:
    def check(response: Response) -> str | None:
        data = json.loads(response.content)
        return None if predicate(data) else f"expected {what}: {str(data)[:200]}"

    return check


def workbook(response: Response) -> str | None:
    ok = response.content[:2] == b"PK" and len(response.content) > 2000
    return None if ok else f"not an .xlsx workbook ({len(response.content)} bytes)"


class Browser:
    """One logged-in user's client; `get` gives the timed callable of one URL."""

    def __init__(self, user: User, *, token: str | None = None) -> None:
        # A view that raises answers 500 here, as to a browser (not an exception in the bench).
        self.client = Client(raise_request_exception=False)
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}
        if token is None:
            self.client.force_login(user)

    def get(self, url: str, check: Check) -> Callable[[], Response]:
        def fetch() -> Response:
            response = self.client.get(url, headers=self.headers)
            if response.status_code != 200:
                raise BrokenView(f"GET {url} answered {response.status_code}")
            wrong = check(response)
            if wrong:
                raise BrokenView(f"GET {url}: {wrong}")
            return response

        return fetch


@dataclass(frozen=True)
class Picks:
    """What the filtered rows filter by: the month's busiest first-level category, township and
    unit (the unit whose leader's home is timed); their names go into the doc."""

    category: Category | None
    township: Unit | None
    unit: Unit | None
    unit_leader: User | None

    def describe(self) -> str:
        parts = [
            f"category {self.category.path} (id {self.category.pk})" if self.category else "no category",
            f"township {self.township.display_name} (id {self.township.pk})"
            if self.township
            else "no township",
            f"unit {self.unit.display_name} (id {self.unit.pk}, its leader {self.unit_leader.username})"
            if self.unit and self.unit_leader
            else "no unit",
        ]
        return ", ".join(parts)


def picks(m: Period, unit_id: int | None) -> Picks:
    in_month = Case.objects.filter(created_at__gte=m.since, created_at__lt=m.until)
    roots: Counter[str] = Counter()
    for path, n in in_month.values_list("category__path").annotate(n=Count("pk")):
        if path:
            roots[path.split("/")[0]] += n
    category = Category.objects.filter(level=1, path=roots.most_common(1)[0][0]).first() if roots else None
    busiest = (
        in_month.filter(township__isnull=False).values("township_id")
        .annotate(n=Count("pk")).order_by("-n", "township_id").first()
    )  # fmt: skip
    township = Unit.objects.filter(pk=busiest["township_id"]).first() if busiest else None
    unit = Unit.objects.filter(pk=unit_id).first() if unit_id is not None else None
    leader = (
        User.objects.filter(role=Role.UNIT_LEADER, unit=unit, is_active=True).order_by("pk").first()
        if unit
        else None
    )
    return Picks(category, township, unit, leader)


def ensure_hotspots() -> dict[str, Any]:
    """The hotspots the 高频事 rows show: the stored active ones, or (none stored, as on a
    generated database) those hotspots.services.recompute finds, as the scheduled task does, in a
    window ending just after the newest case and short enough that the two windows it reads hold
    at most HOTSPOT_CASES cases (at most the setting's 30 days). Writes Hotspot rows and their
    members (and tells the supervisors of new ones, as the task does)."""
    from hotspots.services import recompute, window_days

    held = Hotspot.objects.filter(is_active=True).count()
    if held:
        return {"held": held, "computed_s": 0.0}
    newest = Case.objects.aggregate(m=Max("created_at"))["m"]
    if newest is None:
        raise SystemExit("bench.stats: no cases, so no hotspots to show")
    newest_first = Case.objects.order_by("-created_at").values_list("created_at", flat=True)
    nth = next(iter(newest_first[HOTSPOT_CASES - 1 : HOTSPOT_CASES]), None)
    days = window_days()
    if nth is not None:  # two windows of half the span of the newest HOTSPOT_CASES cases
        days = min(days, max((newest - nth) / timedelta(days=2), 1 / 1440))
    start = time.perf_counter()
    with override_settings(MOCHOU_HOTSPOT_WINDOW_DAYS=days):
        found = recompute(now=newest + timedelta(seconds=1))
    computed_s = time.perf_counter() - start
    print(
        f"hotspots: none stored; recomputed over {days:.3g}-day windows ({found['cases']:,} cases): "
        f"{found['hotspots']:,} hotspots in {computed_s:.1f} s"
    )
    if not found["hotspots"]:
        raise SystemExit("bench.stats: the hotspot grouping found no hotspot to show")
    return {"held": 0, "computed_s": computed_s, "window_days": days} | found


@contextmanager
def api_token(user: User) -> Iterator[str]:
    """A bearer token of `user` for the run, deleted afterwards."""
    token = ApiToken.issue(user, name="bench.stats")
    try:
        yield token
    finally:
        ApiToken.objects.filter(digest=ApiToken.digest_of(token)).delete()


def http_rows(
    leader: User, token: str, m: Period, q: Period, y: Period, chosen: Picks, *, exports: bool
) -> list[Row]:
    """Every HTTP row, grouped (GROUPS); the existing rows' names kept as the docs compare them."""
    from dashboard.views import CHART_ORDER

    web, api = Browser(leader), Browser(leader, token=token)
    dash = reverse("dashboard:home")

    def chart_url(key: str, query: str) -> str:
        return f"{reverse('dashboard:chart_json', args=[key])}?{query}"

    def page(name: str, query: str) -> str:
        return f"{reverse(name)}?{query}"

    month_q, year_q = f"period={m.start:%Y-%m}", f"period={y.start:%Y}"
    quarter_q = f"period={q.start.year}Q{(q.start.month + 2) // 3}"
    city = html("全市 12345 概览")
    rows = [Row(HOME, "页面：领导首页 /dashboard/", web.get(dash, city))]
    for key in CHART_ORDER:
        rows.append(
            Row(HOME, f"页面：数据大屏图表 {key}（月）", web.get(chart_url(key, month_q), chart(key)))
        )
    shell = web.get(page("dashboard:charts", month_q), html("数据大屏", *CHART_ORDER))
    rows.append(Row(HOME, "页面：数据大屏 /dashboard/charts/（月）", shell))
    for key in CHART_ORDER:
        url = f"{reverse('dashboard:chart_fragment', args=[key])}?{month_q}"
        fragment = html("chart-summary", f"tablewrap-{key}", size=300)
        rows.append(Row(HOME, f"页面：数据大屏图表片段 {key}/（月）", web.get(url, fragment)))
    if chosen.unit_leader is not None:
        own = Browser(chosen.unit_leader).get(dash, html("本单位概览", "本单位与全市"))
        rows.append(Row(HOME, "页面：单位负责人首页 /dashboard/（最忙单位，对全市）", own))

    for label, query in (("季度", quarter_q), ("年", year_q)):
        for key in CHART_ORDER:
            fetch = web.get(chart_url(key, query), chart(key))
            rows.append(Row(LONGER, f"页面：数据大屏图表 {key}（{label}）", fetch))

    filters = (("分类", "category", chosen.category), ("乡镇", "township", chosen.township),
               ("单位", "unit", chosen.unit))  # fmt: skip
    for label, name, obj in filters:
        if obj is None:
            continue
        where = f"{name}={obj.pk}"
        # A unit filter turns a leader's home into that unit's overview (against the city).
        heading = html("本单位与全市") if name == "unit" else city
        rows.append(Row(FILTERED, f"页面：领导首页·按{label}筛选", web.get(f"{dash}?{where}", heading)))
        for key in CHART_ORDER:
            # A filtered chart may have nothing to count (a category in one township); volume has.
            fetch = web.get(chart_url(key, f"{month_q}&{where}"), chart(key, rows=key == "volume"))
            rows.append(Row(FILTERED, f"页面：数据大屏图表 {key}·按{label}（月）", fetch))

    span, year_span = f"start={m.start}&end={m.end}", f"start={y.start}&end={y.end}"
    units = json_with(lambda d: bool(d.get("units")), "units")
    rates = html("统计考核")
    report = web.get(page("stats:report", month_q), html("考核月报"))
    month_api = api.get(f"/api/v1/stats/rates?{span}&level=township", units)
    year_api = api.get(f"/api/v1/stats/rates?{year_span}&level=township", units)
    rows += [
        Row(STATS, "页面：各单位比率 /stats/（月）", web.get(page("stats:rates", month_q), rates)),
        Row(STATS, "页面：各单位比率 /stats/（年）", web.get(page("stats:rates", year_q), rates)),
        Row(STATS, "页面：月度报告（打印版）/stats/report/（月）", report),
        Row(STATS, "API：GET /api/v1/stats/rates（月，乡镇）", month_api),
        Row(STATS, "API：GET /api/v1/stats/rates（年，乡镇）", year_api),
    ]

    hottest = Hotspot.objects.filter(is_active=True).order_by("-heat", "pk").first()
    if hottest is None:
        raise SystemExit("bench.stats: no active hotspot to show")
    title = html(escape(hottest.title))
    listed = json_with(lambda d: isinstance(d, list) and bool(d), "a list of hotspots")
    detail = web.get(reverse("hotspots:detail", args=[hottest.pk]), title)
    rows += [
        Row(HOTSPOTS, "页面：高频事列表 /hotspots/", web.get(reverse("hotspots:list"), title)),
        Row(HOTSPOTS, "页面：高频事详情 /hotspots/<最热>/", detail),
        Row(HOTSPOTS, "API：GET /api/v1/hotspots", api.get("/api/v1/hotspots", listed)),
    ]

    if exports and chosen.unit is not None:
        url = f"/api/v1/stats/ledger.xlsx?{span}&unit={chosen.unit.pk}"
        rows.append(
            Row(EXPORTS, "API：GET /api/v1/stats/ledger.xlsx（最忙单位，月）", api.get(url, workbook))
        )
    return rows
