"""Possible duplicates of a request while it is being registered (issue 10, item 15).

Two kinds, shown together before the agent registers: open cases about the same problem (the
duplicate search of an app above, through cases.hooks.possible_duplicates) and the same caller's
open cases (by a full phone number, for the roles that may search by phone; audited as a phone
search). Only cases the user may see are listed; nothing of the caller is shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from accounts.privacy import audit_phone_search, may_search_by_phone, searched_phone
from cases import hooks
from cases.models import Case, phone_q
from cases.workflow import OPEN_STATES

if TYPE_CHECKING:
    from django.http import HttpRequest

    from accounts.models import User

# Shorter texts say too little to compare (a caller's first words, "你好我要反映").
MIN_TEXT = 8
SHOWN = 5


@dataclass(frozen=True)
class PossibleDuplicate:
    case: Case
    score: float | None  # the duplicate search's; None for a same-caller case it did not find
    same_phone: bool
    reason: str


def possible_duplicates(
    user: User,
    *,
    content: str,
    title: str = "",
    phone: str = "",
    township: str = "",
    address: str = "",
    request: HttpRequest | None = None,
) -> list[PossibleDuplicate]:
    """The open cases this request may repeat, best first: same problem, then the caller's own."""
    visible = Case.objects.visible_to(user).filter(state__in=OPEN_STATES)
    digits = searched_phone(phone) if may_search_by_phone(user) else ""
    text = f"{title} {content}".strip()
    found: dict[int, PossibleDuplicate] = {}
    order: list[int] = []
    if len(text) >= MIN_TEXT:
        hits = hooks.possible_duplicates(content, digits, township, title=title, address=address)
        ids = [int(h["case_id"]) for h in hits]
        cases = visible.select_related("lead_unit").in_bulk(ids)
        for hit in hits:
            case = cases.get(int(hit["case_id"]))
            if case is not None and case.pk not in found:
                found[case.pk] = PossibleDuplicate(
                    case, float(hit["score"]), bool(hit["same_phone"]), str(hit["reason"])
                )
                order.append(case.pk)
    if digits:
        own = visible.filter(phone_q(digits)).select_related("lead_unit").order_by("-created_at")[:SHOWN]
        by_phone = [c for c in own if c.pk not in found]
        for case in by_phone:
            found[case.pk] = PossibleDuplicate(case, None, True, "同一来电号码的未办结工单")
            order.append(case.pk)
        # Finding a caller's cases by the number is a phone search: audited like the queues'.
        audit_phone_search(user, [found[pk].case for pk in order if found[pk].same_phone], request)
    return [found[pk] for pk in order][: SHOWN * 2]


MERGE_NOTE = "登记时发现与该工单反映同一事项，登记后即合并"


def merge_after_registering(case: Case, *, actor: User, parent_number: str) -> tuple[Case, str]:
    """「登记并合并到此工单」: the case just registered joins the chosen open case (the merge
    verb, with its own guard). The registration stands whatever happens: a refused merge comes
    back as its message, and the case stays to be dispatched (or merged by a dispatcher)."""
    from cases import services  # the verbs import much; only this helper needs them
    from mochou.errors import DomainError

    parent = Case.objects.visible_to(actor).filter(number=parent_number.strip()[:20]).first()
    if parent is None:
        return case, f"找不到受理编号为 {parent_number} 的工单，未合并。"
    try:
        return services.merge(case, actor=actor, parent=parent, note=MERGE_NOTE), ""
    except DomainError as error:
        return case, f"未能合并：{error.message}"
