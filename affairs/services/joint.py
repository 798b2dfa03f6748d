"""一事联办: one form for a package of matters; its parts fan out to their departments.

The form asks the union of the parts' materials once; what the applicant provides counts for
every part that needs it. Parts of the same stage are received in parallel; a later stage is
accepted only after the earlier ones are granted (guards). The package's state rolls up from
its parts (`joint_state`), never stored.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from affairs.models import Applicant, Application, Bundle, Joint
from affairs.services.applications import ApplicantData, numbered, submit
from affairs.workflow import Channel, State
from mochou.errors import InvalidInput

ROLLUP_LABELS = {
    "correcting": "待补正",
    "receiving": "预审中",
    "approving": "办理中",
    "ready": "待出件",
    "done": "已办结",
    "partly": "部分不予办理",
    "withdrawn": "已撤回",
}


def union_materials(bundle: Bundle) -> list[dict[str, Any]]:
    """Each material once, with the matters that need it."""
    seen: dict[str, dict[str, Any]] = {}
    for part in bundle.parts.select_related("matter"):
        for m in part.matter.materials:
            row = seen.setdefault(m["name"], {**m, "matters": []})
            row["matters"].append(part.matter.name)
    return list(seen.values())


def _number(now: datetime) -> str:
    prefix = f"LB{timezone.localtime(now):%Y%m%d}"
    last = (
        Joint.objects.filter(number__startswith=prefix)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    return f"{prefix}{(int(last[len(prefix) :]) + 1 if last else 1):04d}"


def submit_joint(
    bundle: Bundle,
    applicant: ApplicantData,
    *,
    provided: Iterable[str],
    channel: Channel,
    actor: Any = None,
    keep: bool = False,
    now: datetime | None = None,
) -> Joint:
    """One 一件事 application: a Joint and one application per part, in one transaction."""
    if not bundle.is_active:
        raise InvalidInput("该“一件事”已停用。", code="affairs.bundle_inactive")
    now = now or timezone.now()
    given = list(provided)
    data = applicant.cleaned()
    with transaction.atomic():
        person = Applicant.objects.create(
            name=data.name, id_number=data.id_number, phone=data.phone, address=data.address,
            is_enterprise=data.is_enterprise,
        )  # fmt: skip
        joint = numbered(
            lambda number: Joint.objects.create(
                number=number, bundle=bundle, applicant=person, channel=channel, created_at=now
            ),
            lambda: _number(now),
        )
        for part in bundle.parts.select_related("matter"):
            submit(
                part.matter, person, provided=given, channel=channel, actor=actor, joint=joint,
                stage=part.stage, keep=keep, now=now,
            )  # fmt: skip
    return joint


def joint_state(parts: Iterable[Application]) -> str:
    """The package's state from its parts: the slowest part decides, a 补正 shows first."""
    states = {p.state for p in parts}
    if not states:
        return "receiving"
    if states == {State.WITHDRAWN}:
        return "withdrawn"
    if State.CORRECTING in states:
        return "correcting"
    if State.SUBMITTED in states:
        return "receiving"
    if State.APPROVING in states:
        return "approving"
    if states & {State.REFUSED, State.DENIED}:
        return "partly"
    if State.GRANTED in states:
        return "ready"
    return "done"
