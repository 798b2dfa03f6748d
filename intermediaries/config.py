"""莫愁超市's settings, read in one place: which unit runs the market.

The market is run by the 政务服务 office — 市政务服务和大数据管理局 (`D-ZSJ`) in the demo — which
registers and checks the agencies. `settings.INTERMEDIARIES` (a dict) overrides any key.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings

from org.models import Unit

DEFAULT_OFFICE_CODE = "D-ZSJ"  # 市政数局 (org/demo.py)


@dataclass(frozen=True)
class Config:
    office_code: str = DEFAULT_OFFICE_CODE
    # The longest a need may take responses, and the longest service it may ask for (working days).
    max_response_days: int = 60
    max_service_days: int = 250


def config() -> Config:
    overrides: dict[str, Any] = dict(getattr(settings, "INTERMEDIARIES", {}) or {})
    return Config(**overrides)


def office_id() -> int | None:
    return Unit.objects.filter(code=config().office_code).values_list("pk", flat=True).first()
