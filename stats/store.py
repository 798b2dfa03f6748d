"""The schemes in force (versioned through loop.versions) and the shipped examples."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from django.utils import timezone

from loop.versions import first_version
from mochou.errors import NotFound
from stats.models import Scheme, SchemeVersion
from stats.schemes import Definition, parse

SHIPPED = Path(__file__).resolve().parent / "schemes"


def shipped() -> list[dict[str, Any]]:
    """The example schemes shipped with Mochou (stats/schemes/*.json, each with its provenance)."""
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(SHIPPED.glob("*.json"))]


def ensure_schemes() -> SchemeVersion | None:
    """Version 1 of the schemes from the shipped examples, if there is no version yet."""
    with first_version(SchemeVersion, note="随包示例考核方案（默认：三率综合 10/45/45）") as draft:
        if draft is not None:
            for raw in shipped():
                Scheme.objects.create(
                    version=draft, code=raw["code"], name=raw["name"], is_default=raw["is_default"],
                    definition=raw["definition"], provenance=raw["provenance"], sort_order=raw["sort_order"],
                )  # fmt: skip
    return SchemeVersion.in_force(timezone.now())


def schemes_in_force(at: datetime | None = None) -> list[Scheme]:
    version = SchemeVersion.in_force(at or timezone.now())
    if version is None:
        version = ensure_schemes()
    return list(version.entries.all()) if version is not None else []


def scheme(code: str | None = None, at: datetime | None = None) -> tuple[Scheme, Definition]:
    """The scheme `code` in force (the default one without a code), and its parsed definition."""
    rows = schemes_in_force(at)
    chosen = next((s for s in rows if s.code == code), None) if code else None
    if chosen is None and not code:
        chosen = next((s for s in rows if s.is_default), rows[0] if rows else None)
    if chosen is None:
        raise NotFound(f"没有代码为“{code}”的现行考核方案。", code="not_found.scheme")
    return chosen, parse(chosen.definition)
