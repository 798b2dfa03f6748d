"""Call events from the telephone system, and the screen pop built from them.

`record_call_event` is idempotent: an event is a statement about a call ("it rang on 8001 at t"),
and stating it again changes nothing. Events may also arrive out of order (each one is a separate
curl from the dialplan), so a call's state only moves forward and each timestamp is set once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Case as Switch
from django.db.models import IntegerField, QuerySet, Value, When
from django.http import HttpRequest
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from accounts.models import PersonalDataView, Role, User
from accounts.phones import read_phone, stored_spellings
from accounts.privacy import audit
from cases.models import Case
from cases.workflow import OPEN_STATES
from console.models import STATE_RANK, AgentExtension, Call, CallState
from mochou.errors import DomainError

EVENTS = {"ringing": CallState.RINGING, "answered": CallState.ANSWERED, "hangup": CallState.ENDED}
CALL_ID_RE = re.compile(r"^[A-Za-z0-9._:@-]{1,64}$")
AGENT_RE = re.compile(r"^[A-Za-z0-9._@+-]{1,150}$")
# What switches put in the caller id when the number is withheld.
WITHHELD = {"", "anonymous", "unknown", "restricted", "private", "unavailable"}
CONSOLE_ROLES = (Role.AGENT, Role.DISPATCHER, Role.ADMIN)
# A call that never got its hangup (a lost event) stops popping after this long.
STALE_AFTER = timedelta(hours=12)
HISTORY_LIMIT = 20


class EventError(DomainError):
    """Bad input from the telephone system: always 400, with a code the script can log."""

    status = 400
    code = "invalid_input"


def _bad(field: str, code: str, message: str) -> EventError:
    return EventError(message, code=f"invalid_input.{code}", details={"field": field})


# ---------------------------------------------------------------- parsing


def normalize_caller(raw: Any) -> str:
    """The caller id as Mochou stores phone numbers: 11-digit mobiles, landlines with area code.

    Trunks deliver mobiles as +8613…, 008613…, 8613… or 013… (the trunk prefix of non-local
    mobiles); withheld numbers as "anonymous" and the like, which become "".
    """
    text = str(raw if raw is not None else "").strip()
    if text.lower() in WITHHELD:
        return ""
    digits = re.sub(r"[\s()\-]", "", text)
    if not re.fullmatch(r"\+?\d{3,20}", digits):
        raise _bad("caller", "caller", "来电号码只能包含数字（可带 +86 前缀）。")
    digits = digits.lstrip("+")
    for prefix in ("0086", "86"):
        if digits.startswith(prefix) and len(digits) == len(prefix) + 11 and digits[len(prefix)] == "1":
            digits = digits[len(prefix) :]
    if len(digits) == 12 and digits.startswith("01") and digits[2] in "3456789":
        digits = digits[1:]
    if len(digits) > 20:
        raise _bad("caller", "caller", "来电号码过长。")
    # A number the one phone parser knows is stored as every case stores it; what it does not
    # know (an internal extension, a short service number) stays as the switch sent it.
    return read_phone(digits) or digits


def phone_variants(caller: str) -> set[str]:
    """The forms a case may have stored this number in (accounts.phones.stored_spellings)."""
    if not caller:
        return set()
    return stored_spellings(caller) or {caller}


def parse_at(raw: Any) -> datetime:
    """ISO 8601 (a naive time is local, Asia/Shanghai) or Unix seconds (Asterisk ${EPOCH})."""
    if raw is None or str(raw).strip() == "":
        return timezone.now()
    text = str(raw).strip()
    at: datetime | None = None
    if re.fullmatch(r"\d{9,11}(\.\d+)?", text):
        at = datetime.fromtimestamp(float(text), tz=timezone.get_current_timezone())
    else:
        try:
            at = parse_datetime(text)
        except ValueError:
            at = None
        if at is not None and timezone.is_naive(at):
            at = timezone.make_aware(at)
    if at is None:
        raise _bad("at", "at", "时间格式不正确：请用 ISO 8601（如 2025-09-24T10:00:00+08:00）或 Unix 秒数。")
    if abs(at - timezone.now()) > timedelta(days=1):
        raise _bad("at", "at", "事件时间与服务器时间相差超过一天，请检查话务系统的时钟。")
    return at


def resolve_agent(raw: Any) -> User | None:
    """An agent by extension (分机号) first, then by username; must be active console staff."""
    ref = str(raw if raw is not None else "").strip()
    if not ref:
        return None
    if not AGENT_RE.fullmatch(ref):
        raise _bad("agent", "agent", "话务员应为分机号或用户名（字母、数字）。")
    ext = AgentExtension.objects.select_related("user").filter(extension=ref).first()
    user = ext.user if ext else User.objects.filter(username=ref).first()
    if user is None or not user.is_active:
        raise _bad("agent", "agent", f"找不到分机号或用户名为“{ref}”的话务员。")
    if user.role not in CONSOLE_ROLES:
        raise _bad("agent", "agent", f"用户“{ref}”不是话务员或派单员，不能接听来电。")
    return user


@dataclass(frozen=True)
class CallEvent:
    state: CallState
    call_id: str
    caller: str
    agent: User | None
    at: datetime


def parse_event(data: dict[str, Any]) -> CallEvent:
    """Check every field of a posted event; the first bad one is reported with its name."""
    event = str(data.get("event") or "").strip().lower()
    if event not in EVENTS:
        if not event:
            raise _bad("event", "required", "缺少 event（ringing、answered 或 hangup）。")
        raise _bad("event", "event", "event 只能是 ringing、answered 或 hangup。")
    call_id = str(data.get("call_id") or "").strip()
    if not call_id:
        raise _bad("call_id", "required", "缺少 call_id（话务系统的呼叫标识）。")
    if not CALL_ID_RE.fullmatch(call_id):
        raise _bad("call_id", "call_id", "call_id 只能包含字母、数字和 . _ : @ -，最长64个字符。")
    agent_ref = data.get("agent") if data.get("agent") not in (None, "") else data.get("callee")
    return CallEvent(
        state=EVENTS[event],
        call_id=call_id,
        caller=normalize_caller(data.get("caller")),
        agent=resolve_agent(agent_ref),
        at=parse_at(data.get("at")),
    )


# ---------------------------------------------------------------- writing


def record_call_event(event: CallEvent) -> tuple[Call, bool, bool]:
    """Apply one event; returns (call, created, changed). Repeating an event changes nothing."""
    try:
        with transaction.atomic():
            call = Call.objects.select_for_update().filter(call_id=event.call_id).first()
            if call is None:
                call = Call.objects.create(
                    call_id=event.call_id,
                    caller=event.caller,
                    agent=event.agent,
                    state=event.state,
                    started_at=event.at,
                    answered_at=event.at if event.state == CallState.ANSWERED else None,
                    ended_at=event.at if event.state == CallState.ENDED else None,
                )
                return call, True, True
            return call, False, _apply(call, event)
    except IntegrityError:
        # Two events of a new call raced to create it: the other one won, so apply ours to its row.
        with transaction.atomic():
            call = Call.objects.select_for_update().get(call_id=event.call_id)
            return call, False, _apply(call, event)


def _apply(call: Call, event: CallEvent) -> bool:
    fields: list[str] = []
    if event.caller and not call.caller:
        call.caller = event.caller
        fields.append("caller")
    # Ringing may walk through a queue's agents; the one who answers is the call's agent.
    if event.agent is not None and call.agent_id != event.agent.pk:
        may_reassign = call.agent_id is None or (
            call.answered_at is None and event.state in (CallState.RINGING, CallState.ANSWERED)
        )
        if may_reassign:
            call.agent = event.agent
            fields.append("agent")
    if event.at < call.started_at:
        call.started_at = event.at
        fields.append("started_at")
    if event.state == CallState.ANSWERED and call.answered_at is None:
        call.answered_at = event.at
        fields.append("answered_at")
    if event.state == CallState.ENDED and call.ended_at is None:
        call.ended_at = event.at
        fields.append("ended_at")
    if STATE_RANK[CallState(event.state)] > STATE_RANK[CallState(call.state)]:
        call.state = event.state
        fields.append("state")
    if fields:
        call.save(update_fields=[*fields, "updated_at"])
    return bool(fields)


def wrap_up(call: Call, *, case: Case | None = None, now: datetime | None = None) -> Call:
    """The agent is done with the call: link the case registered on it, take it off the screen pop."""
    fields = ["wrapped_up_at", "updated_at"]
    call.wrapped_up_at = now or timezone.now()
    if case is not None and call.case_id is None:
        call.case = case
        fields.append("case")
    call.save(update_fields=fields)
    return call


def call_as_json(call: Call, *, created: bool, changed: bool) -> dict[str, Any]:
    return {
        "call_id": call.call_id,
        "state": call.state,
        # A null foreign key reads as None without a query, as the _id test did.
        "agent": call.agent.username if call.agent is not None else None,
        "case": call.case.number if call.case is not None else None,
        "created": created,
        "changed": changed,
    }


# ---------------------------------------------------------------- the screen pop


def current_call(user: User, now: datetime | None = None) -> Call | None:
    """The agent's own call now on screen: the latest one routed to them that they haven't finished."""
    since = (now or timezone.now()) - STALE_AFTER
    return (
        Call.objects.filter(agent=user, wrapped_up_at__isnull=True, started_at__gte=since)
        .order_by("-started_at", "-pk")
        .first()
    )


def open_call_of(user: User, pk: int | None) -> Call | None:
    """A call the agent may register a case on: their own, not yet wrapped up."""
    if not pk:
        return None
    return Call.objects.filter(pk=pk, agent=user, wrapped_up_at__isnull=True).first()


def caller_history(call: Call) -> QuerySet[Case]:
    """Earlier cases from the caller's number: open ones first, then the newest."""
    phones = phone_variants(call.caller)
    if not phones:
        return Case.objects.none()
    cases = Case.objects.filter(citizen_phone__in=phones).exclude(pk=call.case_id or 0)
    closed_last = Switch(
        When(state__in=list(OPEN_STATES), then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    return cases.annotate(closed_rank=closed_last).order_by("closed_rank", "-created_at")


def audit_history(user: User, call: Call, cases: list[Case], *, request: HttpRequest | None = None) -> int:
    """One audit row per case shown, once per call: the 2-second polling must not flood the log.

    A case already audited for this user with purpose "console" since the call began counts as
    seen during this call. Returns the number of rows written.
    """
    if not cases:
        return 0
    seen = set(
        PersonalDataView.objects.filter(
            user=user, purpose="console", case__in=cases, viewed_at__gte=call.started_at
        ).values_list("case_id", flat=True)
    )
    fresh = [case for case in cases if case.pk not in seen]
    for case in fresh:
        audit(user, case, fields="citizen_phone", purpose="console", request=request)
    return len(fresh)
