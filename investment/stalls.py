"""Stalled projects and the lights against plan, computed from approved stages and `today`.

- 签约未注册, 注册未开工, 开工未投产: the stage's first approved date is more than
  `config().stall_months[...]` months ago and the next stage has not come.
- Against plan: a project with a planned start month that has not started — past that month →
  yellow, `config().red_after_months` months after it → red.
- Why: the responsible unit or the 招商局 names the reason from the 要素 list (StallReason) —
  `explain_stall`; a paused project's reason is its 暂停's until someone says otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from accounts.audit.services import record
from mochou.errors import InvalidInput, NotPermitted
from stats.periods import add_months

from . import access
from .config import config
from .models import Project, ReportStatus, StageReport, StallExplanation
from .reports import first_dates
from .workflow import ORDER, Action, StallReason, State

if TYPE_CHECKING:
    from accounts.models import User

LIGHTS = {"yellow": "黄灯", "red": "红灯"}


@dataclass(frozen=True)
class Warning_:
    kind: str  # "stall" or "plan"
    light: str  # "yellow" or "red"
    text: str


# (the stage whose date starts the clock, its config key, the stage that stops it, the words)
STALLS = (
    (Action.SIGN, "signed", State.REGISTERED, "签约未注册"),
    (Action.INCORPORATE, "registered", State.STARTED, "注册未开工"),
    (Action.START, "started", State.PRODUCING, "开工未投产"),
)


def warnings_for(projects: list[Project], today: date) -> dict[int, list[Warning_]]:
    """The warnings of each project (by pk); projects without any are absent."""
    live = [p for p in projects if p.state not in (State.TERMINATED, State.NEW)]
    ids = [p.pk for p in live]
    dates = {action: first_dates(action, ids) for action, *_ in STALLS}
    limits = config().stall_months
    out: dict[int, list[Warning_]] = {}
    for p in live:
        reached = ORDER.get(p.paused_from or p.state, -1)
        found: list[Warning_] = []
        for action, key, stops, words in STALLS:
            since = dates[action].get(p.pk)
            months = limits.get(key)
            if since is None or months is None or reached >= ORDER[stops]:
                continue
            if add_months(since, months) <= today:
                found.append(Warning_("stall", "yellow", f"{words}超过{months}个月（{since:%Y-%m-%d}起）"))
        if p.planned_start is not None and reached < ORDER[State.STARTED]:
            due = add_months(p.planned_start, 1)
            red = add_months(p.planned_start, config().red_after_months)
            if today >= red:
                found.append(
                    Warning_(
                        "plan",
                        "red",
                        f"计划{p.planned_start:%Y年%m月}开工，已逾期{config().red_after_months}个月以上",
                    )
                )
            elif today >= due:
                found.append(Warning_("plan", "yellow", f"计划{p.planned_start:%Y年%m月}开工，尚未开工"))
        if found:
            out[p.pk] = found
    return out


# ---------------------------------------------------------------- why a project stalls


def explain_stall(
    project: Project,
    *,
    actor: User,
    reason: str,
    note: str = "",
    now: datetime | None = None,
    request: HttpRequest | None = None,
) -> StallExplanation:
    """停滞原因: the responsible unit or the 招商局 says what holds a warned project (a reason from
    the 要素 list). A new entry replaces the reason in force; the earlier ones stay; audited."""
    if not access.may_explain_stall(actor, project):
        raise NotPermitted("只有项目责任单位或招商局可以填报停滞原因。", code="investment.not_your_unit")
    if reason not in StallReason.values:
        raise InvalidInput("请选择停滞原因。", code="investment.required", details={"field": "reason"})
    text = " ".join(str(note or "").split())
    if len(text) > 300:
        raise InvalidInput("说明最多300个字。", code="investment.invalid", details={"field": "note"})
    with transaction.atomic():
        entry = StallExplanation.objects.create(
            project=project, reason=reason, note=text, entered_by=actor, entered_at=now or timezone.now()
        )
        record(
            actor=actor, action="investment.stall_reason", target=project,
            new={"reason": reason, "note": text}, request=request,
        )  # fmt: skip
    return entry


def reasons_of(projects: list[Project]) -> dict[int, tuple[str, str]]:
    """Each project's stall reason in force (value, label): the latest explanation, else — for a
    paused project — the reason its approved 暂停 gave."""
    out: dict[int, tuple[str, str]] = {}
    ids = [p.pk for p in projects]
    for e in StallExplanation.objects.filter(project_id__in=ids).order_by("project_id", "entered_at", "pk"):
        out[e.project_id] = (e.reason, e.get_reason_display())
    paused = [p.pk for p in projects if p.state == State.PAUSED and p.pk not in out]
    pauses = (
        StageReport.objects.filter(
            project_id__in=paused, stage=Action.PAUSE, status=ReportStatus.PUBLISHED, draft_of__isnull=True
        )
        .order_by("project_id", "date", "pk")
        .values_list("project_id", "reason")
    )
    for pk, reason in pauses:
        if reason in StallReason.values:
            out[pk] = (reason, str(StallReason(reason).label))
    return out


@dataclass
class Stalled:
    project: Project
    warnings: list[Warning_]
    reason: str  # StallReason value, "" when nobody said
    reason_label: str

    @property
    def light(self) -> str:
        return "red" if any(w.light == "red" for w in self.warnings) else "yellow"


def stalled(projects: list[Project], today: date) -> list[Stalled]:
    """The warned projects, red first, each with its warnings and its reason in force."""
    warned = warnings_for(projects, today)
    rows = [p for p in projects if p.pk in warned]
    reasons = reasons_of(rows)
    out = [Stalled(p, warned[p.pk], *reasons.get(p.pk, ("", ""))) for p in rows]
    return sorted(out, key=lambda r: (r.light != "red", r.project.number))


def by_reason(rows: list[Stalled]) -> list[tuple[str, str, int]]:
    """停滞原因分布: (value, label, projects) for every reason of the list, then 未填报."""
    counts: dict[str, int] = {}
    for r in rows:
        counts[r.reason] = counts.get(r.reason, 0) + 1
    out = [(value, str(label), counts.get(value, 0)) for value, label in StallReason.choices]
    return [*out, ("", "未填报原因", counts.get("", 0))]
