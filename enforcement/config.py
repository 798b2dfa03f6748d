"""The settings of 城乡控违, read in one place (each with the demo's value as its default).

- MOCHOU_ENFORCEMENT_OFFICE: the unit code of the control office (市控违办); its clerks and
  leader confirm violations, sign them off and see every township's.
- MOCHOU_ENFORCEMENT_CHECK_HOURS: hours (wall clock: building goes on at weekends) within which a
  reported violation is checked on site.
- MOCHOU_ENFORCEMENT_NEW_SINCE: the cut-off date (ISO); a building begun on or after it is 新增,
  before it 存量.
- MOCHOU_ENFORCEMENT_CHECK_NEAR_HOURS / MOCHOU_ENFORCEMENT_DEMOLISH_NEAR_HOURS: how long before the
  核查 and the 自拆 deadline the sweep warns (临期); wall clock, like the deadlines.
- MOCHOU_ENFORCEMENT_STOP_HOURS: hours (wall clock) after 认定 within which the building is stopped
  (当场制止 / 责令停止建设; a 存量 one put into its disposal plan instead). Default 24: a building
  going up gains a storey in days, and 认定 follows an on-site check, so the stop is a day's work.
- MOCHOU_ENFORCEMENT_ORDER_WORKING_DAYS: working days after 制止 within which the 限期拆除决定 is
  made. Default 10: the decision is a 行政处罚 — 告知 first, then 5 days for 陈述申辩 or a hearing
  request (行政处罚法 §§44–45, §64) and the decision itself; working days, as offices count them.
- MOCHOU_ENFORCEMENT_NOTICE_DAYS: the period (days, wall clock) a 强制拆除公告 gives the owner to
  demolish before 强拆 may be recorded (行政强制法 §44: "予以公告，限期当事人自行拆除"). The law
  sets no length; default 10: time to take down an ordinary building and to state a defence
  (§36 陈述申辩), and the 公告 is only issued once the 自拆 deadline has already passed.
- MOCHOU_ENFORCEMENT_REVIEW_DAYS / MOCHOU_ENFORCEMENT_LAWSUIT_MONTHS: the periods within which
  the owner may still challenge the 限期拆除决定, counted from its service (送达), before which
  强拆 is refused (行政强制法 §44: "当事人在法定期限内不申请行政复议或者提起行政诉讼，又不拆除的，
  行政机关可以依法强制拆除"). Defaults are the statutory ones: 60 days for 行政复议 (行政复议法
  §20: "自知道或者应当知道该行政行为之日起六十日内提出行政复议申请") and 6 months for a direct
  行政诉讼 (行政诉讼法 §46: "自知道或者应当知道作出行政行为之日起六个月内提出"). Counted as the
  courts count (行政复议法 §88, 行政诉讼法 §101 → 民事诉讼法 §85; 民法典 §§201–203): the day of
  service does not count, a month ends on the same-numbered day (the month's last day if it has
  none), and a last day that is a rest day moves to the next working day. Change them only if a
  law sets a longer period for the matter (both sections allow "法律另有规定的除外").
- MOCHOU_ENFORCEMENT_STOP_NEAR_HOURS / MOCHOU_ENFORCEMENT_ORDER_NEAR_WORKING_DAYS /
  MOCHOU_ENFORCEMENT_PLAN_NEAR_DAYS: how long before the 制止 deadline (hours, wall clock, like
  the deadline), the 限期拆除决定 deadline (working days, like the deadline) and a 存量 plan's date
  (days) the sweep sends its 临期 notice. Defaults 6 hours, 2 working days, 7 days: a quarter of
  the 24 hours, a fifth of the 10 working days, a week of a plan measured in months.
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


def _bounded(name: str, default: int, upper: int, *, lower: int = 1) -> int:
    """An integer setting (hours, days or months) refused outside [lower, upper]."""
    value = int(getattr(settings, name, default))
    if not lower <= value <= upper:
        raise ImproperlyConfigured(f"{name} must be between {lower} and {upper}")
    return value


def office_code() -> str:
    return str(getattr(settings, "MOCHOU_ENFORCEMENT_OFFICE", DEFAULT_OFFICE))


def office_unit_id() -> int | None:
    """The office's unit id (None when the unit does not exist: nobody is the office then)."""
    return Unit.objects.filter(code=office_code()).values_list("pk", flat=True).first()


def check_hours() -> int:
    return _bounded("MOCHOU_ENFORCEMENT_CHECK_HOURS", DEFAULT_CHECK_HOURS, 240)


DEFAULT_STOP_HOURS = 24
DEFAULT_ORDER_WORKING_DAYS = 10
DEFAULT_CHECK_NEAR_HOURS = 4
DEFAULT_DEMOLISH_NEAR_HOURS = 24


def check_near_hours() -> int:
    return _bounded("MOCHOU_ENFORCEMENT_CHECK_NEAR_HOURS", DEFAULT_CHECK_NEAR_HOURS, 240)


def demolish_near_hours() -> int:
    return _bounded("MOCHOU_ENFORCEMENT_DEMOLISH_NEAR_HOURS", DEFAULT_DEMOLISH_NEAR_HOURS, 24 * 30)


def stop_hours() -> int:
    return _bounded("MOCHOU_ENFORCEMENT_STOP_HOURS", DEFAULT_STOP_HOURS, 24 * 30)


def order_working_days() -> int:
    return _bounded("MOCHOU_ENFORCEMENT_ORDER_WORKING_DAYS", DEFAULT_ORDER_WORKING_DAYS, 60)


DEFAULT_NOTICE_DAYS = 10


def notice_days() -> int:
    return _bounded("MOCHOU_ENFORCEMENT_NOTICE_DAYS", DEFAULT_NOTICE_DAYS, 90)


DEFAULT_REVIEW_DAYS = 60  # 行政复议法 §20
DEFAULT_LAWSUIT_MONTHS = 6  # 行政诉讼法 §46


def review_days() -> int:
    # A shorter period than the law's would let 强拆 run while the owner may still appeal.
    return _bounded("MOCHOU_ENFORCEMENT_REVIEW_DAYS", DEFAULT_REVIEW_DAYS, 366, lower=DEFAULT_REVIEW_DAYS)


def lawsuit_months() -> int:
    return _bounded(
        "MOCHOU_ENFORCEMENT_LAWSUIT_MONTHS", DEFAULT_LAWSUIT_MONTHS, 24, lower=DEFAULT_LAWSUIT_MONTHS
    )


DEFAULT_STOP_NEAR_HOURS = 6
DEFAULT_ORDER_NEAR_WORKING_DAYS = 2
DEFAULT_PLAN_NEAR_DAYS = 7


def stop_near_hours() -> int:
    return _bounded("MOCHOU_ENFORCEMENT_STOP_NEAR_HOURS", DEFAULT_STOP_NEAR_HOURS, 24 * 30)


def order_near_working_days() -> int:
    return _bounded("MOCHOU_ENFORCEMENT_ORDER_NEAR_WORKING_DAYS", DEFAULT_ORDER_NEAR_WORKING_DAYS, 60)


def plan_near_days() -> int:
    return _bounded("MOCHOU_ENFORCEMENT_PLAN_NEAR_DAYS", DEFAULT_PLAN_NEAR_DAYS, 365)


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
