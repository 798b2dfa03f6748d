"""The dashboard's charts as data: each a title, a one-sentence summary computed from the same
figures, a table (the accessible equivalent of the chart, and the link to the cases behind each
number) and a compact chart spec that static/js/dashboard.js turns into an ECharts option.

Every figure is a count over `Filters.cases(user)` — the queue filter's own query — so the link
beside a number opens exactly the cases counted (the 超期 list is the 临期/超期 queue, which also
holds cases near their deadline; the count is of those past it)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Count
from django.db.models.functions import TruncDay, TruncMonth, TruncWeek
from django.utils import timezone

from accounts.models import User
from cases import hooks
from cases.deadlines import overdue_q
from cases.models import Category, Channel, first_level_names
from dashboard.filters import Filters
from org.models import Unit


@dataclass
class Chart:
    key: str
    title: str
    summary: str
    columns: list[str]
    rows: list[list[Any]]  # cells: numbers or text
    links: list[dict[int, str]] = field(default_factory=list)  # per row: column index → URL
    spec: dict[str, Any] = field(default_factory=dict)
    total: int = 0

    def as_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "title": self.title,
            "summary": self.summary,
            "total": self.total,
            "columns": self.columns,
            "rows": self.rows,
            "links": [{str(k): v for k, v in row.items()} for row in self.links],
            "chart": self.spec,
        }

    def table(self) -> list[list[tuple[Any, str]]]:
        """Rows of (cell, link or "") for the template."""
        out = []
        for i, row in enumerate(self.rows):
            links = self.links[i] if i < len(self.links) else {}
            out.append([(cell, links.get(j, "")) for j, cell in enumerate(row)])
        return out


def n(value: int) -> str:
    return f"{value:,}"


def share(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)}%" if whole else "—"


def change(now: int, before: int) -> str:
    """The trend in words: 比上期增加 12% / 减少 5% / 持平 / 上期无件."""
    if before == 0:
        return "上期无件" if now == 0 else f"上期无件（本期 {n(now)} 件）"
    pct = round(100 * (now - before) / before)
    if pct == 0:
        return "持平"
    return f"增加 {pct}%" if pct > 0 else f"减少 {-pct}%"


def _trunc(bucket: str) -> Any:
    kind = {"day": TruncDay, "week": TruncWeek, "month": TruncMonth}[bucket]
    return kind("created_at", tzinfo=timezone.get_current_timezone())


def _local_day(value: Any) -> date:
    return timezone.localtime(value).date() if isinstance(value, datetime) else value


def _bucket_end(start: date, bucket: str) -> date:
    if bucket == "day":
        return start
    if bucket == "week":
        return start + timedelta(days=6)
    nxt = date(start.year + start.month // 12, start.month % 12 + 1, 1)
    return nxt - timedelta(days=1)


def _top_categories(filters: Filters, user: User) -> Counter[str]:
    top: Counter[str] = Counter()
    rows = filters.cases(user).values("category_id").annotate(c=Count("*")).order_by()
    first = first_level_names()
    for r in rows:
        top[first.get(r["category_id"], "未分类")] += r["c"]
    return top


# ---------------------------------------------------------------- the charts


def volume(filters: Filters, user: User, bucket: str = "day") -> Chart:
    """受理量 per day/week/month and channel, with the period before for the trend."""
    cases = filters.cases(user)
    rows = (
        cases.annotate(b=_trunc(bucket))
        .values("b", "channel")
        .annotate(c=Count("*"))  # COUNT(*), not COUNT(id): id is not in the covering index
        .order_by("b", "channel")
    )
    per: dict[date, Counter[str]] = {}
    for r in rows:
        per.setdefault(_local_day(r["b"]), Counter())[r["channel"]] += r["c"]
    labels = dict(Channel.choices)
    channels = [c for c in labels if any(c in counts for counts in per.values())]
    total = sum(sum(c.values()) for c in per.values())
    before = filters.previous().cases(user).count()
    by_channel: Counter[str] = Counter()
    for counts in per.values():
        by_channel.update(counts)
    word = {"day": "日", "week": "周", "month": "月"}[bucket]
    table: list[list[Any]] = []
    links: list[dict[int, str]] = []
    starts: list[str] = []
    for start in sorted(per):
        end = min(_bucket_end(start, bucket), filters.period.end)
        first = max(start, filters.period.start)
        label = start.isoformat() if bucket == "day" else f"{first.isoformat()}—{end.isoformat()}"
        total_here = sum(per[start].values())
        starts.append(start.isoformat())
        table.append([label, *[per[start].get(c, 0) for c in channels], total_here])
        links.append(
            {len(channels) + 1: filters.list_url(date_from=first.isoformat(), date_to=end.isoformat())}
        )
    summary = f"{filters.period.label}受理 {n(total)} 件，比上期{change(total, before)}"
    top = _top_categories(filters, user).most_common(1)
    if top:
        summary += f"，最多的是{top[0][0]}（{share(top[0][1], total)}）"
    if by_channel:
        ch, count = by_channel.most_common(1)[0]
        summary += f"；{labels[ch]}受理最多（{share(count, total)}）"
    spec = {
        "type": "bar",
        "stack": True,
        "categories": starts,
        "series": [
            {"name": labels[c], "data": [row[1 + i] for row in table]} for i, c in enumerate(channels)
        ],
    }
    return Chart(
        "volume",
        f"受理量（按{word}、按渠道）",
        summary + "。",
        [word, *[labels[c] for c in channels], "合计"],
        table,
        links,
        spec,
        total,
    )


def categories(filters: Filters, user: User) -> Chart:
    top = _top_categories(filters, user)
    total = sum(top.values())
    ids = dict(Category.objects.filter(level=1, path__in=list(top)).values_list("path", "pk"))
    table, links = [], []
    for name, count in top.most_common():
        table.append([name, count, share(count, total)])
        links.append({1: filters.list_url(category=ids[name])} if name in ids else {})
    if total:
        parts = [f"{name}（{share(c, total)}）" for name, c in top.most_common(3)]
        summary = (
            f"{filters.period.label}共 {n(total)} 件，分属 {len(top)} 个一级分类，最多的是"
            + "、".join(parts)
            + "。"
        )
    else:
        summary = f"{filters.period.label}没有工单。"
    spec = {
        "type": "bar",
        "horizontal": True,
        "categories": [r[0] for r in table],
        "series": [{"name": "件数", "data": [r[1] for r in table]}],
    }
    return Chart(
        "categories", "事项分类（一级）", summary, ["分类", "件数", "占比"], table, links, spec, total
    )


def townships(filters: Filters, user: User) -> Chart:
    """Every township of the city, one tile each (钟祥市: 31), coloured by its count."""
    counts = dict(
        filters.cases(user).values_list("township_id").annotate(c=Count("*")).values_list("township_id", "c")
    )
    units = list(Unit.objects.townships().order_by("sort_order", "code"))
    total = sum(counts.values())
    table, links = [], []
    for u in units:
        table.append([u.name, counts.get(u.pk, 0)])
        links.append({1: filters.list_url(township=u.pk)})
    ranked = sorted(table, key=lambda r: -r[1])
    empty = sum(1 for r in table if r[1] == 0)
    if ranked and ranked[0][1]:
        summary = (
            f"{len(units)} 个乡镇（街道）共 {n(sum(r[1] for r in table))} 件，最多的是{ranked[0][0]}"
            f"（{n(ranked[0][1])} 件）"
        )
        if len(ranked) > 1 and ranked[1][1]:
            summary += f"、{ranked[1][0]}（{n(ranked[1][1])} 件）"
        summary += f"；{empty} 个本期无件。" if empty else "。"
    else:
        summary = f"{len(units)} 个乡镇（街道）本期都没有工单。"
    highest = max((r[1] for r in table), default=0)
    spec = {
        "type": "grid",
        "max": highest,
        "tiles": [
            {"name": r[0], "count": r[1], "level": _level(r[1], highest), "url": links[i][1]}
            for i, r in enumerate(table)
        ],
    }
    return Chart(
        "townships", "各乡镇（街道）件数", summary, ["乡镇（街道）", "件数"], table, links, spec, total
    )


def _level(count: int, highest: int) -> int:
    """The tile's shade, 0 (none) to 5 (the most)."""
    if count == 0 or highest == 0:
        return 0
    return max(1, min(5, -(-5 * count // highest)))


def _by_unit(cases: Any) -> list[tuple[int | None, str, int]]:
    rows = cases.values("lead_unit_id").annotate(c=Count("*")).order_by("-c", "lead_unit_id")
    names = {u.pk: u.display_name for u in Unit.objects.filter(pk__in=[r["lead_unit_id"] for r in rows])}
    return [(r["lead_unit_id"], names.get(r["lead_unit_id"], "（未派单）"), r["c"]) for r in rows]


def overdue(filters: Filters, user: User) -> Chart:
    """Open cases past their running deadline now (签收、办理、挂起、整改), per lead unit. Not limited
    to the period: what is late today is late whenever it came in."""
    rows = _by_unit(filters.cases(user, dated=False).filter(overdue_q(timezone.now())))
    total = sum(r[2] for r in rows)
    table = [[name, c] for _, name, c in rows]
    links = [{1: filters.list_url("late", dated=False, unit=pk)} if pk else {} for pk, _, _ in rows]
    summary = (
        f"当前超期 {n(total)} 件，涉及 {len(rows)} 个单位，最多的是{rows[0][1]}（{n(rows[0][2])} 件）。"
        if total
        else "当前没有超期工单。"
    )
    spec = {
        "type": "bar",
        "horizontal": True,
        "categories": [r[0] for r in table],
        "series": [{"name": "超期件数", "data": [r[1] for r in table]}],
    }
    return Chart(
        "overdue",
        "超期工单（按主办单位，当前）",
        summary,
        ["主办单位", "超期件数"],
        table,
        links,
        spec,
        total,
    )


def supervised(filters: Filters, user: User) -> Chart:
    """Cases registered in the period with a 督办单, per lead unit."""
    cases = filters.cases(user).filter(pk__in=hooks.supervised_cases(user))
    rows = _by_unit(cases)
    total = sum(r[2] for r in rows)
    table = [[name, c] for _, name, c in rows]
    links = [{1: filters.list_url("supervised", unit=pk)} if pk else {} for pk, _, _ in rows]
    summary = (
        f"{filters.period.label}受理的工单中督办 {n(total)} 件，涉及 {len(rows)} 个单位，最多的是"
        f"{rows[0][1]}（{n(rows[0][2])} 件）。"
        if total
        else f"{filters.period.label}受理的工单没有督办件。"
    )
    spec = {
        "type": "bar",
        "horizontal": True,
        "categories": [r[0] for r in table],
        "series": [{"name": "督办件数", "data": [r[1] for r in table]}],
    }
    return Chart(
        "supervised", "督办工单（按主办单位）", summary, ["主办单位", "督办件数"], table, links, spec, total
    )


CHARTS: dict[str, Callable[..., Chart]] = {
    "volume": volume,
    "categories": categories,
    "townships": townships,
    "overdue": overdue,
    "supervised": supervised,
}
