"""The applicant's personal data on staff pages: masked, except for whoever works the application
now (an action of theirs is open on it), and every unmasked view is audited."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest

from accounts.audit.services import record
from accounts.privacy import mask_id_number, mask_name, mask_phone
from affairs.formfields import shown_answers
from affairs.guards import available_actions
from affairs.models import Applicant, Application, Joint


@dataclass(frozen=True)
class ShownApplicant:
    name: str
    id_number: str
    phone: str
    address: str
    full: bool


def masked(person: Applicant) -> ShownApplicant:
    name = person.name if person.is_enterprise else mask_name(person.name)
    return ShownApplicant(name, mask_id_number(person.id_number), mask_phone(person.phone), "", False)


def may_see(user: Any, app: Application) -> bool:
    return bool(available_actions(user, app))


def applicant_for(
    user: Any, app: Application, *, purpose: str, request: HttpRequest | None = None
) -> ShownApplicant:
    person = app.applicant
    if not may_see(user, app):
        return masked(person)
    # The personal answers of the matter's form (a parent's ID number) are shown with it: audited too.
    personal = [f["key"] for f in app.matter_snapshot.get("fields") or [] if f.get("personal")]
    seen = [
        "name",
        "id_number",
        "phone",
        "address",
        *(f"answers.{k}" for k in personal if app.answers.get(k)),
    ]
    record(
        actor=user, action="affairs.applicant_view", target=app,
        new={"fields": seen, "purpose": purpose}, request=request,
    )  # fmt: skip
    return ShownApplicant(person.name, person.id_number, person.phone, person.address, True)


def answers_for(app: Application, shown: ShownApplicant) -> list[dict[str, Any]]:
    """The answers to the matter's form as this viewer reads them: personal ones in full exactly
    when the applicant is (`shown.full`, audited by applicant_for), masked otherwise."""
    return shown_answers(app.matter_snapshot.get("fields") or [], app.answers, full=shown.full)


def applicant_for_joint(
    user: Any, joint: Joint, parts: list[Application], *, purpose: str, request: HttpRequest | None = None
) -> ShownApplicant:
    """A package's applicant (one for all its parts): shown as on the page of the first part the
    user may act on now, audited on that part; masked if there is none."""
    for part in parts:
        if may_see(user, part):
            return applicant_for(user, part, purpose=purpose, request=request)
    return masked(joint.applicant)
