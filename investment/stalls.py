"""Stalled projects and the lights against plan, computed from approved stages and `today`.

- 签约未注册, 注册未开工, 开工未投产: the stage's first approved date is more than
  `config().stall_months[...]` months ago and the next stage has not come.
- Against plan: a project with a planned start month that has not started — past that month →
  yellow, `config().red_after_months` months after it → red.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .config import config
from .models import Project
from .reports import first_dates
from .workflow import ORDER, Action, State

LIGHTS = {"yellow": "黄灯", "red": "红灯"}


@dataclass(frozen=True)
class Warning_:
    kind: str  # "stall" or "plan"
    light: str  # "yellow" or "red"
    text: str


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    days = [
        31,
        29 if year % 4 == 0 and (year % 100 or year % 400 == 0) else 28,
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ]
    return date(year, month, min(day.day, days[month - 1]))


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
