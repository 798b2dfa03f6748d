"""The writes of 莫愁超市: agencies (by the market office) and the need's verbs (loop core).

Every need's action is one verb on `NEEDS` (loop/verbs.py), one event each. 响应 comes from an
agency's person through their link (`actor=None`, checked by `access.agency_refusal`), as an
enterprise's contact acts in 店小二. Delivery is timed on the working calendar: the promised
working days run from the day the service started; delivered on or before the day those days
end is on time.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from accounts.audit.services import record as audit
from accounts.phones import normalize_mobile
from enterprises import creditcode
from enterprises.services import clean_text
from investment.models import Project
from loop.verbs import Loop
from mochou.errors import Conflict, DomainError, InvalidInput, NotFound, NotPermitted
from notifications.services import queue_sms
from worktime.calendar import add_working_days, working_days_between

from . import access
from .config import config
from .models import Agency, AgencyContact, AgencyService, Need, NeedEvent, Qualification, Response
from .workflow import MACHINE, RATINGS, Action, ServiceType, State

if TYPE_CHECKING:
    from accounts.models import User

NEEDS: Loop[Need, State, Action] = Loop(
    model=Need,
    event_model=NeedEvent,
    item_field="need",
    machine=MACHINE,
    guards=access.GUARDS,
    related=("project",),
)
LINK_DAYS = 365  # an agency's link lasts a year; the office sends a new one at any time
MAX_WAN = Decimal("99999999.99")


def _invalid(field: str, message: str, code: str = "intermediaries.invalid") -> InvalidInput:
    return InvalidInput(message, code=code, details={"field": field})


def _text(value: Any, field: str, label: str, *, max_len: int, min_len: int = 0) -> str:
    text = clean_text(
        value if isinstance(value, str) else None, field, label, max_len=max_len, required=min_len > 0
    )
    if len(text) < min_len:
        raise _invalid(field, f"{label}至少需要{min_len}个字。", "invalid_input.too_short")
    return text


def _wan(value: Any, field: str, label: str) -> Decimal:
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise _invalid(field, f"{label}应为金额（万元）。") from None
    if not amount.is_finite() or amount < 0 or amount > MAX_WAN:
        raise _invalid(field, f"{label}应为 0 至 {MAX_WAN} 万元。")
    return amount


def _days(value: Any, field: str, label: str, *, most: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= most:
        raise _invalid(field, f"{label}应为 1 至 {most} 个工作日。")
    return int(value)


def _day(value: Any, field: str, label: str) -> date:
    if not isinstance(value, date) or isinstance(value, datetime):
        raise _invalid(field, f"请填写{label}（年-月-日）。", "invalid_input.date")
    return value


def _service_type(value: Any, field: str = "service_type") -> str:
    if value not in ServiceType.values:
        raise _invalid(field, "请从列表中选择服务类型。", "intermediaries.service_type")
    return str(value)


def _require_office(actor: User, what: str) -> None:
    if not access.may_manage_agencies(actor):
        raise NotPermitted(f"只有中介超市的管理单位可以{what}。", code="intermediaries.not_office")


# ---------------------------------------------------------------- agencies (the office)


@transaction.atomic
def register_agency(
    *,
    actor: User,
    name: str,
    credit_code: str,
    contact_name: str,
    contact_mobile: str,
    address: str = "",
    now: datetime | None = None,
) -> Agency:
    """入驻登记: the office enters the agency; it responds only after another person checks it."""
    _require_office(actor, "登记中介机构")
    try:
        code = creditcode.validate(credit_code)
    except creditcode.CreditCodeError as error:
        raise _invalid("credit_code", error.message, f"invalid_input.{error.code}") from error
    if Agency.objects.filter(credit_code=code).exists():
        raise Conflict(
            f"统一社会信用代码 {code} 已入驻。",
            code="intermediaries.duplicate",
            details={"field": "credit_code"},
        )
    agency = Agency.objects.create(
        name=_text(name, "name", "机构名称", max_len=100, min_len=2),
        credit_code=code,
        address=_text(address, "address", "地址", max_len=200),
        contact_name=_text(contact_name, "contact_name", "联系人", max_len=40, min_len=2),
        contact_mobile=normalize_mobile(contact_mobile, field="contact_mobile"),
        registered_by=actor,
        registered_at=now or timezone.now(),
    )
    AgencyContact.objects.create(agency=agency, name=agency.contact_name, mobile=agency.contact_mobile)
    audit(actor=actor, action="intermediaries.agency_registered", target=agency, reason=agency.name)
    return agency


@transaction.atomic
def set_service(
    agency: Agency, *, actor: User, service_type: str, price_min: Any, price_max: Any
) -> AgencyService:
    """An agency's service type and its price range (万元); again replaces the range."""
    _require_office(actor, "登记服务事项")
    kind = _service_type(service_type)
    low, high = _wan(price_min, "price_min", "最低报价"), _wan(price_max, "price_max", "最高报价")
    if low > high:
        raise _invalid("price_max", "最高报价不能低于最低报价。")
    row, _ = AgencyService.objects.update_or_create(
        agency=agency, service_type=kind, defaults={"price_min": low, "price_max": high}
    )
    return row


@transaction.atomic
def add_qualification(
    agency: Agency, *, actor: User, service_type: str, name: str, number: str, expires_on: date
) -> Qualification:
    _require_office(actor, "登记资质")
    return Qualification.objects.create(
        agency=agency,
        service_type=_service_type(service_type),
        name=_text(name, "name", "资质名称", max_len=100, min_len=2),
        number=_text(number, "number", "证书编号", max_len=60, min_len=2),
        expires_on=_day(expires_on, "expires_on", "有效期"),
    )


@transaction.atomic
def check_agency(agency: Agency, *, actor: User, now: datetime | None = None) -> Agency:
    """入驻审核: another person of the office than the one who registered it (four eyes)."""
    _require_office(actor, "审核中介机构")
    locked = Agency.objects.select_for_update().get(pk=agency.pk)
    if locked.is_checked:
        raise Conflict("该机构已通过审核。", code="intermediaries.checked")
    if locked.registered_by_id == actor.pk and not actor.is_superuser:
        raise NotPermitted(
            "登记人不能审核自己登记的机构，请由另一位同事审核。", code="intermediaries.four_eyes"
        )
    if not locked.services.exists() or not locked.qualifications.exists():
        raise Conflict("请先登记服务事项和资质，再审核入驻。", code="intermediaries.incomplete")
    locked.checked_by, locked.checked_at = actor, now or timezone.now()
    locked.save(update_fields=["checked_by", "checked_at"])
    audit(actor=actor, action="intermediaries.agency_checked", target=locked, reason=locked.name)
    return locked


@transaction.atomic
def remove_agency(agency: Agency, *, actor: User, reason: str) -> Agency:
    """移出超市 (its responses stay; it responds no more)."""
    _require_office(actor, "移出中介机构")
    text = _text(reason, "reason", "原因", max_len=200, min_len=2)
    agency.is_active = False
    agency.save(update_fields=["is_active"])
    audit(actor=actor, action="intermediaries.agency_removed", target=agency, reason=text)
    return agency


def issue_link(contact: AgencyContact, *, actor: User, now: datetime | None = None) -> str:
    """Send the agency's person a new personal link by SMS (the old one stops working)."""
    from django.urls import reverse

    from mochou.http import public_url

    _require_office(actor, "发送响应链接")
    if not contact.is_active or not contact.agency.is_active:
        raise Conflict("该联系人或机构已停用。", code="intermediaries.inactive")
    token = secrets.token_urlsafe(18)
    contact.token_digest = AgencyContact.digest_of(token)
    contact.token_expires_at = (now or timezone.now()) + timedelta(days=LINK_DAYS)
    contact.save(update_fields=["token_digest", "token_expires_at"])
    link = public_url(reverse("intermediaries:agency_access", args=[token]))
    queue_sms(
        contact.mobile,
        f"【钟祥市莫愁超市】{contact.agency.name}：项目中介服务需求请在此查看并响应 {link} 请勿转发。",
    )
    return token


def contact_for_token(token: str, *, now: datetime | None = None) -> AgencyContact:
    if not token or len(token) > 64:
        raise NotFound("链接无效。", code="not_found.link")
    contact = (
        AgencyContact.objects.select_related("agency")
        .filter(token_digest=AgencyContact.digest_of(token))
        .first()
    )
    if contact is None or not contact.is_active or not contact.agency.is_active:
        raise NotFound("链接无效或已被更换，请联系中介超市管理单位。", code="not_found.link")
    if contact.token_expires_at is None or contact.token_expires_at <= (now or timezone.now()):
        raise NotFound("链接已过期，请联系中介超市管理单位重新发送。", code="not_found.link_expired")
    return contact


# ---------------------------------------------------------------- the need's verbs


def publish(project: Project, *, actor: User, data: Mapping[str, Any], now: datetime | None = None) -> Need:
    """发布: the project's side posts a need for one service."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    access.GUARDS.check(actor, Need(project=project), Action.PUBLISH)
    settings = config()
    kind = _service_type(data.get("service_type"))
    scope = _text(data.get("scope"), "scope", "服务内容", max_len=2000, min_len=5)
    low = _wan(data.get("budget_min"), "budget_min", "预算下限")
    high = _wan(data.get("budget_max"), "budget_max", "预算上限")
    if low > high:
        raise _invalid("budget_max", "预算上限不能低于下限。")
    limit = _days(data.get("time_limit_days"), "time_limit_days", "服务时限", most=settings.max_service_days)
    respond_by = _day(data.get("respond_by"), "respond_by", "响应截止日期")
    if respond_by < today or respond_by > today + timedelta(days=settings.max_response_days):
        raise _invalid(
            "respond_by", f"响应截止日期应在今天至{settings.max_response_days}天之内。", "invalid_input.date"
        )
    with NEEDS.start(Action.PUBLISH, actor, now=now) as step:
        need = NEEDS.create(
            step,
            project=project,
            service_type=kind,
            scope=scope,
            budget_min=low,
            budget_max=high,
            time_limit_days=limit,
            respond_by=respond_by,
            created_by=actor,
            created_at=now,
        )
        step.record(payload={"service_type": kind, "respond_by": respond_by.isoformat()})
    return need


def respond(
    need: Need,
    *,
    contact: AgencyContact,
    price: Any,
    days: Any,
    note: str = "",
    now: datetime | None = None,
) -> Response:
    """响应: an agency (its person's link) offers a price and the working days it needs."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    agency = contact.agency
    refusal = access.agency_refusal(agency, need, today=today)
    if refusal is not None:
        raise refusal
    amount = _wan(price, "price", "报价")
    promised = _days(days, "days", "承诺工期", most=need.time_limit_days)
    if amount > need.budget_max:
        raise _invalid(
            "price", f"报价超过需求的预算上限 {need.budget_max} 万元。", "intermediaries.over_budget"
        )
    text = _text(note, "note", "说明", max_len=1000)
    with NEEDS.verb(need, Action.RESPOND, None, now=now, guard=False) as step:
        refusal = access.agency_refusal(agency, step.item, today=today)  # again, under the lock
        if refusal is not None:
            raise refusal
        response = Response.objects.create(
            need=step.item,
            agency=agency,
            contact=contact,
            price=amount,
            days=promised,
            note=text,
            created_at=now,
        )
        step.record(
            payload={"response": response.pk, "agency": agency.pk, "price": str(amount), "days": promised}
        )
    return response


def cheapest(need: Need) -> Decimal | None:
    return min((r.price for r in need.responses.all()), default=None)


def select(
    need: Need, *, actor: User, response: Response, reason: str = "", now: datetime | None = None
) -> Need:
    """选定: after the deadline, one response; a reason when it is not the cheapest."""
    now = now or timezone.now()
    with NEEDS.verb(need, Action.SELECT, actor, now=now) as step:
        item = step.item
        if timezone.localdate(now) <= item.respond_by:
            raise Conflict(
                f"响应截止日期（{item.respond_by}）之后才能选定。", code="intermediaries.too_early"
            )
        if response.need_id != item.pk:
            raise _invalid("response", "所选响应不属于该需求。")
        text = _text(reason, "reason", "选定理由", max_len=500)
        lowest = cheapest(item)
        if lowest is not None and response.price > lowest and len(text) < 2:
            raise _invalid(
                "reason",
                f"所选机构不是报价最低的（最低 {lowest} 万元），请写明选定理由。",
                "intermediaries.reason_required",
            )
        item.selected, item.select_reason = response, text
        step.record(
            payload={
                "response": response.pk,
                "agency": response.agency_id,
                "price": str(response.price),
                "cheapest": lowest is not None and response.price == lowest,
            },
            note=text,
            fields=["selected", "select_reason"],
        )
    return step.item


def start(need: Need, *, actor: User, started_on: date, now: datetime | None = None) -> Need:
    """开始服务: the promised working days run from this day (the agency's response)."""
    now = now or timezone.now()
    day = _day(started_on, "started_on", "服务开始日期")
    if day > timezone.localdate(now):
        raise _invalid("started_on", "开始日期不能晚于今天。", "invalid_input.date")
    with NEEDS.verb(need, Action.START, actor, now=now) as step:
        item = step.item
        if item.selected is None or day < item.respond_by:
            raise _invalid("started_on", "开始日期不能早于响应截止日期。", "invalid_input.date")
        item.started_on = day
        item.due_on = due_date(day, item.selected.days)
        step.record(
            payload={"started_on": day.isoformat(), "due_on": item.due_on.isoformat()},
            fields=["started_on", "due_on"],
        )
    return step.item


def due_date(started_on: date, days: int) -> date:
    """The day the promised working days end (worktime: the start day does not count)."""
    start_at = timezone.make_aware(datetime.combine(started_on, datetime.min.time()))
    return timezone.localdate(add_working_days(start_at, days))


def is_on_time(started_on: date, delivered_on: date, days: int) -> bool:
    return working_days_between(started_on, delivered_on) <= days


def deliver(need: Need, *, actor: User, delivered_on: date, now: datetime | None = None) -> Need:
    """交付: the result handed over; on time or late, on the working calendar."""
    now = now or timezone.now()
    day = _day(delivered_on, "delivered_on", "交付日期")
    if day > timezone.localdate(now):
        raise _invalid("delivered_on", "交付日期不能晚于今天。", "invalid_input.date")
    with NEEDS.verb(need, Action.DELIVER, actor, now=now) as step:
        item = step.item
        if item.started_on is None or item.selected is None or day < item.started_on:
            raise _invalid("delivered_on", "交付日期不能早于服务开始日期。", "invalid_input.date")
        item.delivered_on = day
        item.on_time = is_on_time(item.started_on, day, item.selected.days)
        step.record(
            payload={"delivered_on": day.isoformat(), "on_time": item.on_time},
            fields=["delivered_on", "on_time"],
        )
    return step.item


def rate(need: Need, *, actor: User, rating: int, note: str = "", now: datetime | None = None) -> Need:
    """验收评价: five levels; a 差评 says why."""
    if rating not in RATINGS:
        raise _invalid(
            "rating", "请选择非常满意、满意、基本满意、不满意或非常不满意。", "intermediaries.rating"
        )
    text = _text(note, "rating_note", "评价意见", max_len=500, min_len=2 if rating <= 2 else 0)
    with NEEDS.verb(need, Action.RATE, actor, now=now) as step:
        step.item.rating, step.item.rating_note = rating, text
        step.record(payload={"rating": rating}, note=text, fields=["rating", "rating_note"])
    return step.item


def _close(need: Need, action: Action, *, actor: User, reason: str, now: datetime | None) -> Need:
    text = _text(reason, "reason", "原因", max_len=500, min_len=2)
    with NEEDS.verb(need, action, actor, now=now) as step:
        step.item.reason = text
        step.record(note=text, fields=["reason"])
    return step.item


def withdraw(need: Need, *, actor: User, reason: str, now: datetime | None = None) -> Need:
    """撤回 before a selection (the project no longer needs it), with the reason."""
    return _close(need, Action.WITHDRAW, actor=actor, reason=reason, now=now)


def fail(need: Need, *, actor: User, reason: str, now: datetime | None = None) -> Need:
    """流标: nobody responded, or no response is acceptable, with the reason."""
    return _close(need, Action.FAIL, actor=actor, reason=reason, now=now)


# ---------------------------------------------------------------- reading


def open_needs_for(agency: Agency, *, today: date) -> list[tuple[Need, DomainError | None]]:
    """Open needs of the agency's service types, each with why it may not respond (or None)."""
    kinds = list(agency.services.values_list("service_type", flat=True))
    needs = Need.objects.filter(state__in=[State.PUBLISHED, State.RESPONDING], service_type__in=kinds)
    return [(n, access.agency_refusal(agency, n, today=today)) for n in needs.select_related("project")]


def visible_needs(user: User) -> Any:
    return Need.objects.filter(access.need_filter(user)).select_related("project", "selected__agency")
