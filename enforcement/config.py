"""The settings of 城乡控违, read in one place (each with the demo's value as its default).

- MOCHOU_ENFORCEMENT_OFFICE: the unit code of the control office (市控违办); its clerks and
  leader confirm violations, sign them off and see every township's.
- MOCHOU_ENFORCEMENT_CHECK_HOURS: hours (wall clock: building goes on at weekends) within which a
  reported violation is checked on site.
- MOCHOU_ENFORCEMENT_NEW_SINCE: the cut-off date (ISO); a building begun on or after it is 新增,
  before it 存量.
- MOCHOU_ENFORCEMENT_CASE_CATEGORIES: the 12345 categories (paths, or their prefixes) that are
  illegal construction, whose cases a township may turn into a violation.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from org.models import Unit

DEFAULT_OFFICE = "D-KWB"
DEFAULT_CHECK_HOURS = 24
DEFAULT_NEW_SINCE = "2025-01-01"
DEFAULT_CASE_CATEGORIES = ("城乡建设/城乡规划/违章建筑",)


def office_code() -> str:
    return str(getattr(settings, "MOCHOU_ENFORCEMENT_OFFICE", DEFAULT_OFFICE))


def office_unit_id() -> int | None:
    """The office's unit id (None when the unit does not exist: nobody is the office then)."""
    return Unit.objects.filter(code=office_code()).values_list("pk", flat=True).first()


def check_hours() -> int:
    hours = int(getattr(settings, "MOCHOU_ENFORCEMENT_CHECK_HOURS", DEFAULT_CHECK_HOURS))
    if not 1 <= hours <= 240:
        raise ImproperlyConfigured("MOCHOU_ENFORCEMENT_CHECK_HOURS must be between 1 and 240")
    return hours


def new_since() -> date:
    raw = getattr(settings, "MOCHOU_ENFORCEMENT_NEW_SINCE", DEFAULT_NEW_SINCE)
    if isinstance(raw, date):
        return raw
    try:
        return date.fromisoformat(str(raw))
    except ValueError:
        raise ImproperlyConfigured("MOCHOU_ENFORCEMENT_NEW_SINCE must be an ISO date") from None


def case_categories() -> tuple[str, ...]:
    return tuple(getattr(settings, "MOCHOU_ENFORCEMENT_CASE_CATEGORIES", DEFAULT_CASE_CATEGORIES))


def is_construction_path(path: str) -> bool:
    return any(path == p or path.startswith(p + "/") for p in case_categories())
