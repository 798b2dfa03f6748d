"""The 督办单's two clocks, on the loop core's deadline arithmetic (loop.deadlines).

签收期限 (`sign_by`) runs while the notice waits to be signed for; 反馈期限 (`respond_by`, working
days on the shared calendar) runs until the leader approves the answer. Being late is computed
from these and `now`, never stored; the sweep (supervision.sweeps) only tells people and
escalates.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings

from loop.deadlines import Clock, Clocks, DeadlineStatus
from supervision.workflow import OPEN_STATES, State

NEAR_SIGN_HOURS = 1.0
NEAR_RESPOND_HOURS = 4.0

SIGN = Clock("sign", "签收", "sign_by", frozenset({State.ISSUED}), NEAR_SIGN_HOURS)
RESPOND = Clock("respond", "反馈", "respond_by", frozenset(OPEN_STATES), NEAR_RESPOND_HOURS)
# Overdue before near, 签收 before 反馈: the ladder the sweep walks.
CLOCKS = Clocks([SIGN, RESPOND])
_SIGN, _RESPOND = Clocks([SIGN]), Clocks([RESPOND])


def sign_status(notice: object, now: datetime) -> DeadlineStatus | None:
    return _SIGN.shown(notice, now)


def respond_status(notice: object, now: datetime) -> DeadlineStatus | None:
    return _RESPOND.shown(notice, now)


def sign_hours() -> float:
    """Working hours a unit has to sign for a notice (MOCHOU_SUPERVISION_SIGN_HOURS, default 4)."""
    return float(getattr(settings, "MOCHOU_SUPERVISION_SIGN_HOURS", 4))


def respond_days(colour: str) -> int:
    """Default 反馈期限 in working days per colour (MOCHOU_SUPERVISION_RESPOND_DAYS): the higher
    the colour, the shorter, since it follows a deadline already missed."""
    defaults = {"blue": 2, "yellow": 2, "red": 1}
    configured = getattr(settings, "MOCHOU_SUPERVISION_RESPOND_DAYS", {})
    return int({**defaults, **configured}[colour])
