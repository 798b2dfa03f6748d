"""The investment app's settings, read in one place: which unit is the 招商局, the stall limits,
the plan lights, what a 重大项目 is and the 倍增 base year.

`settings.INVESTMENT` (a dict) overrides any key; the defaults are the demo city's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings

from org.models import Unit

DEFAULT_OFFICE_CODE = "D-ZSZX"  # 市招商中心 (org/demo.py)


@dataclass(frozen=True)
class Config:
    office_code: str = DEFAULT_OFFICE_CODE
    # 签约未注册、注册未开工、开工未投产: months after the stage's date before a project is stalled.
    stall_months: dict[str, int] = field(
        default_factory=lambda: {"signed": 3, "registered": 6, "started": 18}
    )
    # Against the planned start month: not started in it → yellow, this many months after → red.
    red_after_months: int = 3
    # 10亿元 in 万元: a 重大项目 (the first plan's "投资10亿元以上").
    major_threshold: Decimal = Decimal("100000")
    # The 倍增 ratio compares a year's signed amount with this year's.
    base_year: int = 2024
    # 要素保障: the unit a problem of each kind (workflow.StallReason) is routed to by default
    # (org.Unit codes of the demo city); a kind not here waits for the 12345 centre's dispatcher.
    problem_units: dict[str, str] = field(
        default_factory=lambda: {
            "land": "D-ZRZY",  # 自然资源和规划局
            "approval": "D-ZSJ",  # 政务服务和大数据管理局
            "design": "D-ZJJ",  # 住房和城乡建设局
            "funds": "D-CZJ",  # 财政局
            "utilities": "D-GD",  # 供电公司 (水: 自来水公司, 气: 燃气公司 — chosen on the form)
            "labour": "D-RSJ",  # 人力资源和社会保障局
            "demolition": "D-ZRZY",
            "market": "D-SWJ",  # 商务局
        }
    )


def config() -> Config:
    overrides: dict[str, Any] = dict(getattr(settings, "INVESTMENT", {}) or {})
    if "major_threshold" in overrides:
        overrides["major_threshold"] = Decimal(str(overrides["major_threshold"]))
    return Config(**overrides)


def office() -> Unit | None:
    """The 招商局 (the unit whose staff review stages), or None when it is not set up."""
    return Unit.objects.filter(code=config().office_code).first()


def office_id() -> int | None:
    unit = office()
    return unit.pk if unit is not None else None
