"""Masking of citizens' personal data, and the audit of every unmasked view by staff.

Phone numbers are shown in full only to agents working the case: the agent who registered
it, and any agent while the case waits for its callback. Every such view writes a
PersonalDataView row; every other viewer sees the masked form.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from accounts.models import PersonalDataView, Role
from accounts.phones import is_mobile, read_phone, searched_digits

if TYPE_CHECKING:
    from django.http import HttpRequest

    from accounts.models import User
    from cases.models import Case


def mask_phone(phone: str) -> str:
    """138****5678 for mobiles, 0724-****345 style for landlines."""
    if not phone:
        return ""
    phone = read_phone(phone) or phone
    if is_mobile(phone):
        return f"{phone[:3]}****{phone[-4:]}"
    return f"{phone[:-7]}****{phone[-3:]}" if len(phone) > 7 else "****"


def mask_name(name: str) -> str:
    if not name:
        return ""
    return name[0] + "*" * max(1, len(name) - 1) if len(name) <= 3 else name[:2] + "**"


def mask_id_number(number: str) -> str:
    """420881********123X: the region and the last four stay, the birth date goes."""
    if not number:
        return ""
    if len(number) < 8:
        return "*" * len(number)
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def mask_address(address: str) -> str:
    """The first six characters (city, township or street) stay; the house number goes."""
    if not address:
        return ""
    return address[:6] + "****" if len(address) > 6 else address[:2] + "****"


def may_see_phone(user: User, case: Case) -> bool:
    from cases.workflow import State

    if user.role != Role.AGENT:
        return False
    return case.registered_by_id == user.pk or case.state == State.REPLIED


def citizen_phone_for(
    user: User, case: Case, *, purpose: str, request: HttpRequest | None = None
) -> tuple[str, bool]:
    """The phone number as this user may see it, and whether it is unmasked (and so audited)."""
    if not case.citizen_phone:
        return "", False
    if may_see_phone(user, case):
        audit(user, case, fields="citizen_phone", purpose=purpose, request=request)
        return case.citizen_phone, True
    return mask_phone(case.citizen_phone), False


def case_text_for(user: User, case: Case, *, purpose: str, request: HttpRequest | None = None) -> str:
    """The request's text as this user may read it: in full (audited) for whoever may see the
    phone, else with every phone, ID, bank-card number, e-mail and flat masked (the street and
    its house number stay: the units act on the place). Citizens type their numbers into it."""
    from accounts.masking import Audience, mask_personal_text  # masking imports this module

    masked = mask_personal_text(case.content, audience=Audience.CITIZEN)
    if masked == case.content or not may_see_phone(user, case):
        return masked
    # Audited only when the full text shows what the masked one hides: a view of nothing personal
    # is no personal-data view.
    audit(user, case, fields="content", purpose=purpose, request=request)
    return case.content


def audit(user: User, case: Case, *, fields: str, purpose: str, request: HttpRequest | None = None) -> None:
    ip = request.META.get("REMOTE_ADDR") if request is not None else None
    PersonalDataView.objects.create(user=user, case=case, fields=fields, purpose=purpose, ip=ip or None)


# Searching by a full phone number finds a caller's cases (the hotline's daily need), and it also
# confirms a guess of a masked number: only the roles that work with callers may do it, and every
# case it finds is audited.
PHONE_SEARCH_ROLES = frozenset({Role.AGENT, Role.DISPATCHER, Role.ADMIN})


def may_export_citizens(user: User) -> bool:
    """Whether a bulk export (the 台账) may carry citizens' names and phones in full: no role. An
    export is for recomputing and checking figures, which needs no person's number; a citizen is
    called back from the callback pool, where the one agent on the call sees the one number
    (may_see_phone) and the view is audited per case. Thousands of numbers in a file are not."""
    return False


def searched_phone(text: str) -> str:
    """The full phone number a search text is (digits only, +86 dropped), or "" when it is not one.

    The queue pages and the API search with it, so both accept the same spellings; the reading is
    accounts.phones' (any separator, +86/0086, full-width digits, only numbers that can be dialled).
    """
    return searched_digits(text or "")


def may_search_by_phone(user: User) -> bool:
    return user.is_authenticated and user.role in PHONE_SEARCH_ROLES


def phone_search_refusal(user: User) -> str:
    """Why a full phone number typed into a search found no caller's cases for this user, or ""
    when the user may search by phone. Said on the page and in the API instead of an empty list
    that looks like "nobody called from this number" (issue 10, item 9)."""
    if may_search_by_phone(user):
        return ""
    role = Role(user.role).label if user.role in Role.values else "当前角色"
    order = [Role.AGENT, Role.DISPATCHER, Role.ADMIN, *sorted(PHONE_SEARCH_ROLES)]
    names = [str(r.label) for r in dict.fromkeys(order) if r in PHONE_SEARCH_ROLES]
    allowed = "、".join(names[:-1]) + "和" + names[-1] if len(names) > 1 else "".join(names)
    return (
        f"按手机号查找来电人的工单需要{allowed}的权限，您的角色（{role}）不能按号码查找；"
        "可按受理编号、标题或地址关键词查找。"
    )


def audit_phone_search(user: User, cases: Iterable[Case], request: HttpRequest | None = None) -> None:
    for case in cases:
        audit(user, case, fields="citizen_phone", purpose="phone_search", request=request)


# ---------------------------------------------------------------- links and secrets in texts

LINK_HIDDEN = "【链接已隐藏】"
# An SMS may carry a citizen's signed link (/r/<token>, formerly /m/r/<token>/) or an enterprise
# contact's personal link (/e/<token>/): whoever opens one acts as that person (rates the case,
# files appeals), so no member of staff may read one, administrators included. Every absolute URL goes (the
# characters of RFC 3986, so a Chinese word after it stays), and so do the bare paths of those
# links, should a text or a gateway's error carry one without its host.
_LINK = re.compile(r"(?:https?://|(?<![\w/])/(?:m/r|r|e)/)[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+", re.ASCII)


def hide_links(text: str) -> str:
    """`text` as staff may read it: every link replaced by 【链接已隐藏】 (the stored text is unchanged)."""
    if not text:
        return text
    return _LINK.sub(LINK_HIDDEN, text)
