"""Materials once: what an applicant has had accepted, or been issued, is offered again.

With the applicant's consent (`Application.keep_consent`, asked on the form), 受理 keeps the
application's materials that the catalogue marks 可复用, and 准予 keeps the licence the matter
issues, each for `KEEP_FOR`. A new application of the same applicant (ID number and phone) finds
them: a reusable material of the same name, or one the catalogue says a licence of matter X
stands for (`licence_of`), counts as provided and says where it came from. The window still sees
the originals when it checks; what is reused is the asking, not the checking.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from affairs.models import Application, DocumentKind, KeptDocument

KEEP_FOR = timedelta(days=730)


def on_file(id_number: str, phone: str, now: datetime) -> list[KeptDocument]:
    return list(
        KeptDocument.objects.filter(id_number=id_number, phone=phone, kept_until__gt=now).select_related(
            "source"
        )
    )


def reuse(materials: list[dict[str, Any]], kept: list[KeptDocument]) -> list[dict[str, Any]]:
    """The application's materials list (from the catalogue's), with what is on file provided."""
    by_name = {d.name: d for d in kept if d.kind == DocumentKind.MATERIAL}
    by_licence = {d.licence_of: d for d in kept if d.kind == DocumentKind.LICENCE}
    rows = []
    for m in materials:
        row: dict[str, Any] = {"name": m["name"], "provided": bool(m.get("provided"))}
        if not row["provided"] and m.get("reusable"):
            found = by_licence.get(m.get("licence_of") or "") or by_name.get(m["name"])
            if found is not None:
                row["provided"], row["reused_from"] = True, found.source.number
        rows.append(row)
    return rows


def keep_materials(app: Application, now: datetime) -> None:
    """At 受理: the reusable materials provided, kept if the applicant agreed."""
    if not app.keep_consent:
        return
    reusable = {m["name"] for m in app.matter_snapshot.get("materials", []) if m.get("reusable")}
    for m in app.materials:
        if m.get("provided") and m["name"] in reusable and not m.get("reused_from"):
            _keep(app, DocumentKind.MATERIAL, m["name"], now)


def keep_licence(app: Application, now: datetime) -> None:
    """At 准予: the licence issued, kept if the applicant agreed."""
    if app.keep_consent:
        code = str(app.matter_snapshot.get("code", ""))
        _keep(app, DocumentKind.LICENCE, app.matter.name, now, licence_of=code, number=app.licence_number)


def _keep(
    app: Application, kind: str, name: str, now: datetime, *, licence_of: str = "", number: str = ""
) -> None:
    person = app.applicant
    # The material's uploaded file is kept with it (the last one uploaded for that material).
    file = app.files.filter(material=name).order_by("-pk").first() if kind == DocumentKind.MATERIAL else None
    KeptDocument.objects.get_or_create(
        source=app, kind=kind, name=name[:100],
        defaults={
            "id_number": person.id_number, "phone": person.phone, "licence_of": licence_of,
            "licence_number": number, "kept_until": now + KEEP_FOR, "created_at": now, "file": file,
        },
    )  # fmt: skip


def withdraw_consent(app: Application, *, now: datetime) -> int:
    """The applicant withdraws the consent to keep their materials: what is kept for them (ID
    number and phone, as it is found) is deleted and never offered again, and none of their
    applications keeps anything more. The files stay with the applications they were given for
    (the record of that 办件); only the keeping for reuse ends. Returns how many were deleted."""
    person = app.applicant
    mine = Application.objects.filter(
        applicant__id_number=person.id_number, applicant__phone=person.phone, keep_consent=True
    )
    # Not a loop state: the consent flag the verbs read at 受理 and 准予.
    mine.update(keep_consent=False)
    deleted, _ = KeptDocument.objects.filter(id_number=person.id_number, phone=person.phone).delete()
    return int(deleted)


def kept_for(app: Application, now: datetime) -> list[KeptDocument]:
    """What is kept for this application's applicant now (shown on their page)."""
    return on_file(app.applicant.id_number, app.applicant.phone, now)
