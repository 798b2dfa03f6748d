"""What every verb of the case loop shares: the loop itself, text checks, limits, SMS texts."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils import timezone

from accounts.models import Role, User
from accounts.phones import is_mobile
from cases import hooks
from cases.guards import CHANNEL_USER_PREFIX, GUARDS
from cases.models import Case, CaseEvent, CaseNumberCounter, Category, Channel, Urgency
from cases.workflow import MACHINE, Action, State
from loop.verbs import Loop
from mochou.errors import InvalidInput
from notifications.services import queue_sms
from notifications.texts import sms_text
from org.models import Unit, UnitKind

CASES: Loop[Case, State, Action] = Loop(
    model=Case,
    event_model=CaseEvent,
    item_field="case",
    machine=MACHINE,
    guards=GUARDS,
    related=("category", "lead_unit", "limit_version"),
)

MAX_TEXT = 5000

# The input field (as the API and the forms name it) behind each Chinese label in errors.
FIELD_OF_LABEL = {
    "诉求内容": "content", "标题": "title", "诉求人姓名": "citizen_name", "地址": "address",
    "答复内容": "body", "派单意见": "note", "退单理由": "reason", "延期理由": "reason",
    "审批意见": "note", "协办意见": "body", "办理结果": "result", "审核意见": "note",
    "退回意见": "note", "回访意见": "comment", "结案说明": "note", "重办理由": "reason",
    "合并说明": "note", "转办去向": "target", "转办说明": "note", "督办要求": "body",
    "情况说明": "explanation", "依据文书": "document", "恢复说明": "note", "重算理由": "reason",
    "更正理由": "reason", "整改情况": "report", "核实意见": "note", "联系情况": "note",
}  # fmt: skip


def text(
    value: str | None, label: str, *, required: bool = True, min_len: int = 1, max_len: int = MAX_TEXT
) -> str:
    """Strip and check a text input; errors name the field (for clients) and its label (for people)."""
    stripped = (value or "").strip()
    details = {"field": FIELD_OF_LABEL.get(label, label), "label": label}
    if required and len(stripped) < min_len:
        if stripped:
            raise InvalidInput(
                f"{label}至少需要{min_len}个字。", code="invalid_input.too_short", details=details
            )
        raise InvalidInput(f"请填写{label}。", code="invalid_input.required", details=details)
    if len(stripped) > max_len:
        raise InvalidInput(
            f"{label}不能超过{max_len}个字（现为{len(stripped)}个字）。",
            code="invalid_input.too_long",
            details=details,
        )
    return stripped


def now_or(now: datetime | None) -> datetime:
    return now or timezone.now()


def limits(case: Case) -> tuple[int, int]:
    """(acceptance limit in working hours, handling limit in working days) of the case, from the
    limits version it is pinned to (the one in force when it came in)."""
    if case.category is not None:
        return case.category.limits_for(case.urgency, case.limit_version)
    defaults = Category.DEFAULT_LIMITS
    if case.urgency == Urgency.URGENT:
        return defaults["urgent_accept_hours"], defaults["urgent_handle_days"]
    return defaults["accept_hours"], defaults["handle_days"]


NUMBER_SEQUENCE = "cases_case_number_seq"  # PostgreSQL only (migration 0011)


def next_number(now: datetime) -> str:
    """The next 受理编号 of the day (YYYYMMDD + 5 digits). On PostgreSQL from a sequence, so that
    registrations do not queue on one row lock held until each commits (CaseNumberCounter)."""
    day = timezone.localdate(now)
    if connection.vendor == "postgresql":
        return f"{day:%Y%m%d}{_sequence_number(day):05d}"
    counter, _ = CaseNumberCounter.objects.select_for_update().get_or_create(day=day)
    CaseNumberCounter.objects.filter(day=day).update(last=counter.last + 1)
    return f"{day:%Y%m%d}{counter.last + 1:05d}"


def _nextval() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(%s)", [NUMBER_SEQUENCE])
        return int(cursor.fetchone()[0])


def _sequence_number(day: date) -> int:
    """The day's next number from the sequence: `last + (n − sequence_base)` for n > base."""
    n = _nextval()
    row = CaseNumberCounter.objects.filter(day=day, sequence_base__isnull=False).values_list(
        "sequence_base", "last"
    )
    found = row.first()
    base, offset = (found[0] or 0, found[1]) if found is not None else _start_sequence_day(day, n)
    # A value drawn before the day's base was written (two first registrations at once) would
    # repeat a number: draw again; the sequence only goes up, so once is enough. Gaps are allowed.
    while n <= base:
        n = _nextval()
    return offset + (n - base)


def _start_sequence_day(day: date, n: int) -> tuple[int, int]:
    """Once per day: the day's base, under the row's lock (the only time it is taken). A day that
    counted under the lock before (a database upgraded mid-day) carries on after its `last`."""
    counter, _ = CaseNumberCounter.objects.select_for_update().get_or_create(day=day)
    if counter.sequence_base is None:
        counter.sequence_base = n - 1
        counter.save(update_fields=["sequence_base"])
    return int(counter.sequence_base), counter.last


def _centre() -> Unit | None:
    return Unit.objects.filter(kind=UnitKind.CENTRE).order_by("pk").first()


def system_user() -> User:
    """The actor of the system's own actions (automatic dispatch), shown as 智能分拣 in the log."""
    user, _ = User.objects.get_or_create(
        username="system",
        defaults={
            "role": Role.DISPATCHER,
            "display_name": "智能分拣（系统）",
            "unit": _centre(),
            "password": "!",
        },
    )
    return user


def channel_user(channel: str) -> User:
    """The actor that registers requests arriving by a self-service door (mobile page, Open311, …)."""
    label = Channel(channel).label
    user, _ = User.objects.get_or_create(
        username=f"{CHANNEL_USER_PREFIX}{channel}",
        defaults={"role": Role.AGENT, "display_name": f"{label}（系统）", "unit": _centre(), "password": "!"},
    )
    return user


def tell_citizen(case: Case, template: str, **context: Any) -> None:
    """An SMS to the case's citizen (mobiles only), carrying the citizen's own link to the case."""
    if not case.citizen_phone or not is_mobile(case.citizen_phone):
        return
    body = sms_text(template, number=case.number, link=hooks.citizen_link(case), **context)
    queue_sms(case.citizen_phone, body, case=case)


def callback_attempts_allowed() -> int:
    return int(settings.MOCHOU_CALLBACK_ATTEMPTS)
