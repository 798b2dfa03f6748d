"""A case as a GeoReport v2 `request`: public fields only.

GET responses need no key, so everything here is public, and only public_cases() are shown. The
citizen's name, phone and email are never written out; free text typed at intake can still hold
them, so accounts.masking (for the PUBLIC audience) masks phone, ID, bank-card and house numbers,
e-mail addresses and the citizen's name in the description. Addresses of cases registered by other
channels often are the caller's home: they get the same masking (the street stays, which is what
a map of requests needs). An Open311 client's own address_string was given for publication and is
shown as sent.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, QuerySet, Subquery

from accounts.masking import Audience, mask_address, mask_personal_text
from cases.models import Case, CaseEvent
from cases.workflow import OPEN_STATES, State
from open311.catalog import public_cases, service_name, service_of
from open311.render import w3c

CLOSED_STATES = frozenset({State.CLOSED, State.MERGED, State.TRANSFERRED})


def open_or_closed(state: str) -> str:
    return "closed" if state in CLOSED_STATES else "open"


def request_queryset() -> QuerySet[Case]:
    last_event = CaseEvent.objects.filter(case=OuterRef("pk")).order_by("-seq").values("created_at")[:1]
    return (
        public_cases()
        .select_related("category__parent__parent", "lead_unit", "parent", "open311")
        # Prefetched, not joined: every case of a version shares one object, whose limits table is
        # then read once for the whole page.
        .prefetch_related("limit_version")
        .annotate(
            last_event_at=Subquery(last_event),
            # A merged case may name its parent only if the parent is published itself.
            parent_public=Exists(public_cases().filter(pk=OuterRef("parent_id"))),
        )
        .order_by("-created_at", "-pk")
    )


def _status_notes(case: Case) -> str:
    notes = case.state_label
    if case.state == State.MERGED and case.parent is not None and getattr(case, "parent_public", False):
        notes += f"：与受理编号 {case.parent.number} 的诉求合并办理"
    elif case.state == State.TRANSFERRED and case.transferred_to:
        notes += f"：已转至{case.transferred_to}"
    return notes


def _service_notice(case: Case) -> str | None:
    # case.category is None without a query when category_id is None.
    if case.state not in OPEN_STATES or case.category is None:
        return None
    accept_hours, handle_days = case.category.limits_for(case.urgency, case.limit_version)
    return f"派单后{accept_hours}个工作小时内签收，{handle_days}个工作日内办结答复。"


def request_entry(case: Case, duplicates: set[str]) -> dict[str, Any]:
    service = service_of(case.category)
    extra = getattr(case, "open311", None)
    shown = extra.address_string if extra is not None else mask_address(case.address)
    updated = getattr(case, "last_event_at", None) or case.updated_at
    return {
        "service_request_id": case.number,
        "status": open_or_closed(case.state),
        "status_notes": _status_notes(case),
        "service_name": service_name(service, duplicates) if service else None,
        "service_code": str(service.pk) if service else None,
        "description": mask_personal_text(case.content, names=[case.citizen_name], audience=Audience.PUBLIC),
        "agency_responsible": case.lead_unit.name if case.lead_unit else None,
        "service_notice": _service_notice(case),
        "requested_datetime": w3c(case.created_at),
        "updated_datetime": w3c(max(updated, case.created_at)),
        "expected_datetime": w3c(case.due_at),
        "address": shown or None,
        "address_id": (extra.address_id or None) if extra else None,
        "zipcode": None,
        "lat": extra.lat if extra else None,
        "long": extra.long if extra else None,
        "media_url": (extra.media_url or None) if extra else None,
    }
