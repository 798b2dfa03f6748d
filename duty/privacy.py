"""A key person's personal data (name, ID number, phone, address): plain only to the responsible
chain — the responsible unit's staff and the duty office — masked for everyone else (the city's
leaders and the administrator included: they see the record, not the person); every plain view
on a page or the API is written to the audit log (`duty.keyperson_viewed`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest

from accounts.audit.services import record
from accounts.privacy import mask_address, mask_id_number, mask_name, mask_phone
from duty.access import is_office_staff, is_unit_staff
from duty.models import KeyPerson

AUDIT_ACTION = "duty.keyperson_viewed"


def ids_field(pks: Sequence[int], limit: int = 64) -> str:
    """As many ids as the audit's target_id holds (64 characters); the full list goes in `new`."""
    out = ""
    for pk in pks:
        nxt = f"{out},{pk}" if out else str(pk)
        if len(nxt) > limit:
            break
        out = nxt
    return out


@dataclass(frozen=True)
class ShownPerson:
    name: str
    id_number: str
    phone: str
    address: str
    plain: bool


def may_see_person(user: Any, person: KeyPerson) -> bool:
    return is_unit_staff(user, person.unit_id) or is_office_staff(user)


def masked(person: KeyPerson) -> ShownPerson:
    return ShownPerson(
        mask_name(person.name),
        mask_id_number(person.id_number),
        mask_phone(person.phone),
        mask_address(person.address),
        False,
    )


def people_for(
    user: Any, persons: Sequence[KeyPerson], *, purpose: str, request: HttpRequest | None = None
) -> dict[int, ShownPerson]:
    """Each person as this user may see them; the plain ones are audited in one record (a list
    page shows many; the record names every one of them)."""
    shown: dict[int, ShownPerson] = {}
    plain: list[KeyPerson] = []
    for person in persons:
        if may_see_person(user, person):
            shown[person.pk] = ShownPerson(person.name, person.id_number, person.phone, person.address, True)
            plain.append(person)
        else:
            shown[person.pk] = masked(person)
    if plain:
        record(
            actor=user,
            action=AUDIT_ACTION,
            target_type="duty.keyperson",
            target_id=ids_field([p.pk for p in plain]),
            target_repr=f"重点人员个人信息（{len(plain)} 人）",
            reason=purpose,
            request=request,
            new={"fields": ["name", "id_number", "phone", "address"], "ids": [p.pk for p in plain]},
        )
    return shown


def person_for(
    user: Any, person: KeyPerson, *, purpose: str, request: HttpRequest | None = None
) -> ShownPerson:
    return people_for(user, [person], purpose=purpose, request=request)[person.pk]
