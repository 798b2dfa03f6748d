"""What 招商引资 answers of the plans' indicators (supervision.indicators), connected in ready().

An indicator whose `provider` is "investment.<figure>" reads its value from `indicators.FIGURES`:
counts and amounts cumulate from the indicator's baseline date to the day asked (inclusive); a
share (园区工业总产值占比) is the year to that day; the reserve is as it stood that day. The 督查 app's own
key for its first plan, "investment.projects_10yi", is the ≥10亿元 signings of the "4+1" leading
industries; its fifth plan's 园区工业总产值占比 ("investment.park_output_share") is
reports.park_share over the year to the day asked, and no figure while no month of it is entered.
An amount (签约额, 技改签约额, 到位资金 …) is given only when made of none or of at least
access.MIN_PROJECTS_PER_AMOUNT projects: a plan's page is read by many who may not see one
project's amount, and a provider knows no reader — else no figure (the indicator says 尚无数据).
Plans 2 and 3 (supervision/plan_data.py) read the 龙头 and 小巨人 signings and the 技改 amounts.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from .access import amount_shown
from .indicators import FIGURES, measure, park_share_of

YEAR_TO_DATE = frozenset({"park_output_share"})
ALIASES = {"projects_10yi": "major_leading_signed_count"}


def provider_for(key: str) -> Callable[[Any, date], Decimal | None]:
    def value(indicator: Any, on: date) -> Decimal | None:
        end = on + timedelta(days=1)
        if key in YEAR_TO_DATE:
            start = date(on.year, 1, 1)
        else:
            start = getattr(indicator, "baseline_date", None) or date(on.year, 1, 1)
        if start >= end:
            return None
        if key == "park_output_share" and park_share_of(start, end) is None:
            return None  # nothing entered yet: the indicator says 尚无数据 (or its own entries)
        projects = FIGURES[key].projects
        if projects is not None and not amount_shown(None, projects(start, end)):
            return None  # one or two projects' amount: the plans' readers may not see it
        return measure(key, start=start, end=end)

    return value


def connect() -> None:
    try:
        from supervision.indicators import register_indicator_provider
    except ImportError:  # the plans' indicators are not installed: nothing to feed
        return
    for key in FIGURES:
        register_indicator_provider(f"investment.{key}", provider_for(key))
    for alias, key in ALIASES.items():
        register_indicator_provider(f"investment.{alias}", provider_for(key))
