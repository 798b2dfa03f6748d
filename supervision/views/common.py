"""What every page of the 督办单 shows of a notice: its deadlines, lateness and answer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from accounts.models import User
from loop.deadlines import DeadlineStatus
from supervision.deadlines import respond_status, sign_status
from supervision.models import Notice
from supervision.workflow import State


@dataclass
class NoticeRow:
    notice: Notice
    sign: DeadlineStatus | None
    respond: DeadlineStatus | None
    overdue: bool
    late_labels: list[str]
    answer_shown: bool  # the 反馈 as this user may read it (a draft stays in the unit)


def sees_draft(user: User, notice: Notice) -> bool:
    return user.is_superuser or (user.unit_id is not None and user.unit_id == notice.unit_id)


def late_labels(notice: Notice, now: datetime) -> list[str]:
    labels = []
    if notice.state == State.ISSUED and notice.sign_by and notice.sign_by <= now:
        labels.append("逾期未签收")
    if notice.signed_late:
        labels.append("逾期签收")
    if notice.overdue(now):
        labels.append("逾期未反馈")
    if notice.answered_late:
        labels.append("逾期反馈")
    if notice.state == State.ESCALATED:
        labels.append("已升级")
    return labels


def notice_row(notice: Notice, user: User, now: datetime) -> NoticeRow:
    answered = notice.state == State.ANSWERED
    return NoticeRow(
        notice=notice,
        sign=sign_status(notice, now),
        respond=respond_status(notice, now),
        overdue=notice.overdue(now),
        late_labels=late_labels(notice, now),
        answer_shown=bool(notice.answer) and (answered or sees_draft(user, notice)),
    )


def notice_rows(notices: list[Notice], user: User, now: datetime) -> list[NoticeRow]:
    return [notice_row(n, user, now) for n in notices]
