"""The writes of 店小二: enterprises and contacts, access links, appeals and visits.

Appeals enter the one case loop through cases.services.register_case (channel 企业诉求); the only
messages an enterprise ever receives are about its own appeals (register_case's receipt, the
reply notice) and the access link its liaison sends on purpose. Errors are DomainError subclasses
with a Chinese message and, for input, the field they are about.
"""

from __future__ import annotations

import re
import secrets
from datetime import date as Day
from datetime import datetime, timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, User
from accounts.phones import normalize_mobile
from cases import services as case_services
from cases.models import Channel, Kind
from enterprises import creditcode
from enterprises.models import Appeal, Enterprise, EnterpriseContact, Visit
from mochou.errors import Conflict, InvalidInput, NotFound, NotPermitted
from mochou.http import public_url
from notifications.services import notify_users, queue_sms
from notifications.texts import sms_text

MANAGER_ROLES = (Role.DISPATCHER, Role.ADMIN)
LINK_DAYS = 180  # an access link lasts half a year; the liaison can send a new one at any time
MAX_APPEALS_PER_DAY = 10  # per contact: a leaked link cannot flood the centre
MAX_CONTENT = 4000  # leaves room in Case.content (5000) for the enterprise heading
# Web markup in what an enterprise types is refused, not stored: pages escape it anyway, but a
# 12345 case also goes to exports, SMS and other platforms that might not.
MARKUP_RE = re.compile(r"<\s*/?\s*[a-zA-Z!][^>]*>|javascript:", re.IGNORECASE)
NAME_RE = re.compile(r"^[\u4e00-\u9fa5A-Za-z·．. ]{2,20}$")


# ---------------------------------------------------------------- checks


def _field_error(field: str, message: str, code: str) -> InvalidInput:
    return InvalidInput(message, code=code, details={"field": field})


def clean_text(value: str | None, field: str, label: str, *, max_len: int, required: bool = True) -> str:
    text = (value or "").strip()
    if required and not text:
        raise _field_error(field, f"请填写{label}。", "invalid_input.required")
    if len(text) > max_len:
        raise _field_error(
            field, f"{label}不能超过{max_len}个字（现为{len(text)}个字）。", "invalid_input.too_long"
        )
    if MARKUP_RE.search(text):
        raise _field_error(
            field, f"{label}不能包含网页代码（如 <script>），请只填写文字。", "invalid_input.markup"
        )
    return text


def clean_mobile(raw: str | None, field: str = "mobile") -> str:
    return normalize_mobile(raw, field=field)


def clean_person_name(raw: str | None, field: str = "name", label: str = "姓名") -> str:
    name = clean_text(raw, field, label, max_len=20)
    if not NAME_RE.match(name):
        raise _field_error(field, f"{label}应为2至20个汉字或字母。", "invalid_input.name")
    return name


def clean_credit_code(raw: str | None) -> str:
    try:
        return creditcode.validate(raw)
    except creditcode.CreditCodeError as error:
        raise _field_error("credit_code", error.message, f"invalid_input.{error.code}") from error


def _require_manager(actor: User, what: str) -> None:
    if not actor.is_active or (actor.role not in MANAGER_ROLES and not actor.is_superuser):
        raise NotPermitted(f"只有派单员和管理员可以{what}。", code="permission_denied.role")


def _require_liaison_or_manager(actor: User, enterprise: Enterprise, what: str) -> None:
    if actor.is_active and (actor.pk == enterprise.liaison_id or actor.role in MANAGER_ROLES):
        return
    raise NotPermitted(f"只有该企业的店小二或管理员可以{what}。", code="permission_denied.liaison")


# ---------------------------------------------------------------- enterprises and contacts


@transaction.atomic
def save_enterprise(enterprise: Enterprise, *, actor: User) -> Enterprise:
    """Create or update an enterprise (fields already set on the instance by a form or the admin).

    A new liaison is told in the app; the main contact becomes an EnterpriseContact, so that the
    liaison can send them an access link.
    """
    _require_manager(actor, "登记企业和指派店小二")
    enterprise.credit_code = clean_credit_code(enterprise.credit_code)
    enterprise.name = clean_text(enterprise.name, "name", "企业名称", max_len=100)
    if enterprise.township_id is None or enterprise.township.kind != "township":
        raise _field_error("township", "请选择企业所属的乡镇（街道、开发区）。", "invalid_input.township")
    taken = Enterprise.objects.filter(credit_code=enterprise.credit_code).exclude(pk=enterprise.pk)
    if taken.exists():
        raise Conflict(
            f"统一社会信用代码 {enterprise.credit_code} 已登记为“{taken.first()}”。",
            code="conflict.credit_code",
            details={"field": "credit_code"},
        )
    if enterprise.liaison is not None and not enterprise.liaison.is_active:
        raise _field_error("liaison", "所选店小二的账号已停用。", "invalid_input.liaison")
    if enterprise.contact_mobile:
        enterprise.contact_mobile = clean_mobile(enterprise.contact_mobile, "contact_mobile")
    previous = Enterprise.objects.filter(pk=enterprise.pk).values_list("liaison_id", flat=True).first()
    enterprise.save()
    if enterprise.contact_name and enterprise.contact_mobile:
        EnterpriseContact.objects.get_or_create(
            enterprise=enterprise,
            mobile=enterprise.contact_mobile,
            defaults={"name": clean_person_name(enterprise.contact_name, "contact_name", "联系人")},
        )
    if enterprise.liaison_id != previous and enterprise.liaison is not None:
        notify_users(
            [enterprise.liaison],
            kind="enterprise_assigned",
            message=f"您已被指派为“{enterprise.name}”的店小二。",
        )
    return enterprise


@transaction.atomic
def add_contact(enterprise: Enterprise, *, actor: User, name: str, mobile: str) -> EnterpriseContact:
    _require_liaison_or_manager(actor, enterprise, "添加企业联系人")
    person = clean_person_name(name)
    phone = clean_mobile(mobile)
    if enterprise.contacts.filter(mobile=phone).exists():
        raise Conflict("该手机号已是本企业的联系人。", code="conflict.contact", details={"field": "mobile"})
    return EnterpriseContact.objects.create(enterprise=enterprise, name=person, mobile=phone)


def access_path(token: str) -> str:
    return reverse("enterprises:access", args=[token])


def access_url(token: str) -> str:
    """The absolute link for the SMS, always on the public address (mochou.http.public_url).

    Never the host of the liaison's request: they may use an intranet name or plain http behind
    the TLS proxy, which the contact's phone cannot reach or should not use.
    """
    return public_url(access_path(token))


@transaction.atomic
def issue_access_link(contact: EnterpriseContact, *, actor: User, now: datetime | None = None) -> str:
    """Send the contact a new personal link by SMS (the old one stops working); returns the token."""
    enterprise = contact.enterprise
    _require_liaison_or_manager(actor, enterprise, "发送诉求链接")
    if not contact.is_active or not enterprise.is_active:
        raise Conflict("该联系人或企业已停用，不能发送链接。", code="conflict.inactive")
    now = now or timezone.now()
    token = secrets.token_urlsafe(18)  # 144 bits, 24 characters: short enough for an SMS
    contact.token_digest = EnterpriseContact.digest_of(token)
    contact.token_issued_at = now
    contact.token_expires_at = now + timedelta(days=LINK_DAYS)
    contact.save(update_fields=["token_digest", "token_issued_at", "token_expires_at"])
    body = sms_text("enterprise_link", enterprise=enterprise.name, link=access_url(token), liaison=actor.name)
    queue_sms(contact.mobile, body)
    return token


def contact_for_token(token: str, *, now: datetime | None = None) -> EnterpriseContact:
    """The contact a link belongs to; NotFound for an unknown, replaced, expired or disabled link."""
    now = now or timezone.now()
    if not token or len(token) > 64:
        raise NotFound("链接无效。", code="not_found.link")
    contact = (
        EnterpriseContact.objects.select_related("enterprise", "enterprise__township")
        .filter(token_digest=EnterpriseContact.digest_of(token))
        .first()
    )
    if contact is None or not contact.is_active or not contact.enterprise.is_active:
        raise NotFound("链接无效或已被更换，请联系您的店小二重新发送。", code="not_found.link")
    if contact.token_expires_at is None or contact.token_expires_at <= now:
        raise NotFound("链接已过期，请联系您的店小二重新发送。", code="not_found.link_expired")
    return contact


# ---------------------------------------------------------------- appeals


def submit_appeal(
    enterprise: Enterprise,
    contact: EnterpriseContact,
    *,
    kind: str,
    title: str,
    content: str,
    now: datetime | None = None,
) -> Appeal:
    """Register the appeal as a case of the enterprise channel, attach it, and tell the liaison."""
    if contact.enterprise_id != enterprise.pk:
        raise NotPermitted("联系人不属于该企业。", code="permission_denied.enterprise")
    if not contact.is_active or not enterprise.is_active:
        raise NotPermitted("该企业或联系人已停用。", code="permission_denied.inactive")
    if kind not in Kind.values:
        raise _field_error("kind", "请选择诉求类型。", "invalid_input.kind")
    heading = clean_text(title, "title", "标题", max_len=60)
    body = clean_text(content, "content", "诉求内容", max_len=MAX_CONTENT)
    if len(body) < 10:
        raise _field_error(
            "content", "诉求内容至少需要10个字，请说清楚事情和诉求。", "invalid_input.too_short"
        )
    now = now or timezone.now()
    day_start = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    with transaction.atomic():
        # The contact row is locked around count + create: otherwise a parallel burst from one
        # link all counts the same number and passes the daily limit together (PostgreSQL;
        # SQLite's IMMEDIATE transactions already serialise writers).
        EnterpriseContact.objects.select_for_update().only("pk").get(pk=contact.pk)
        if contact.appeals.filter(created_at__gte=day_start).count() >= MAX_APPEALS_PER_DAY:
            raise Conflict(
                f"今天已提交{MAX_APPEALS_PER_DAY}件诉求，请明天再提交，急事请拨打12345。",
                code="conflict.too_many_appeals",
            )
        case = case_services.register_case(
            actor=case_services.channel_user(Channel.ENTERPRISE),
            channel=Channel.ENTERPRISE,
            kind=kind,
            title=heading,
            content=f"{enterprise.heading}\n{body}",
            citizen_name=contact.name,
            citizen_phone=contact.mobile,
            township=enterprise.township,
            address=enterprise.address,
            now=now,
        )
        appeal = Appeal.objects.create(case=case, enterprise=enterprise, contact=contact, created_at=now)
        if enterprise.liaison is not None and enterprise.liaison.is_active:
            notify_users(
                [enterprise.liaison],
                kind="enterprise_appeal",
                message=f"您联系的企业“{enterprise.name}”提交了诉求：{heading}（{case.number}）",
                case=case,
            )
    return appeal


MERGED_NOTICE = "该诉求已与同类诉求合并办理，答复请咨询您的店小二"


def appeals_of(enterprise: Enterprise) -> list[Appeal]:
    """The enterprise's appeals, newest first, with each case and its answer — for the
    enterprise's own page and the liaison's.

    A merged case is answered by its parent. That answer is shown only when the parent is an
    appeal of this same enterprise: otherwise it was written to another enterprise or a citizen
    (their name, phone, circumstances), so the appeal gets `merged_notice` instead.
    """
    appeals = list(
        enterprise.appeals.select_related("case", "case__lead_unit", "case__parent", "contact").order_by(
            "-created_at"
        )
    )
    parents = {a.case.parent_id for a in appeals if a.case.parent_id}
    own_parents = set(
        Appeal.objects.filter(case_id__in=parents, enterprise=enterprise).values_list("case_id", flat=True)
    )
    for appeal in appeals:
        case = appeal.case
        # merged_notice, answer and body are set on the instance for the template only.
        appeal.merged_notice = ""  # type: ignore[attr-defined]  # display-only attribute
        if case.parent is None:  # select_related: no query
            appeal.answer = case.approved_reply  # type: ignore[attr-defined]  # display-only attribute
        elif case.parent_id in own_parents:
            appeal.answer = case.parent.approved_reply  # type: ignore[attr-defined]  # display-only attribute
        else:
            appeal.answer = None  # type: ignore[attr-defined]  # display-only attribute
            appeal.merged_notice = MERGED_NOTICE  # type: ignore[attr-defined]  # display-only attribute
        appeal.body = case.content.removeprefix(enterprise.heading + "\n")  # type: ignore[attr-defined]  # display-only attribute
    return appeals


# ---------------------------------------------------------------- visits


@transaction.atomic
def log_visit(
    enterprise: Enterprise,
    *,
    actor: User,
    date: Day,
    purpose: str,
    notes: str = "",
    follow_up: str = "",
    today: Day | None = None,
) -> Visit:
    """记录走访. Only the enterprise's own liaison logs a visit, and only one that has happened."""
    if not actor.is_active or actor.pk != enterprise.liaison_id:
        raise NotPermitted("只有该企业的店小二可以记录走访。", code="permission_denied.liaison")
    today = today or timezone.localdate()
    if date > today:
        raise _field_error("date", "走访日期不能晚于今天：请在走访之后再记录。", "invalid_input.date")
    if date < today - timedelta(days=366):
        raise _field_error("date", "走访日期不能早于一年前。", "invalid_input.date")
    return Visit.objects.create(
        enterprise=enterprise,
        liaison=actor,
        date=date,
        purpose=clean_text(purpose, "purpose", "走访事由", max_len=100),
        notes=clean_text(notes, "notes", "走访情况", max_len=2000, required=False),
        follow_up=clean_text(follow_up, "follow_up", "后续跟进", max_len=500, required=False),
    )
