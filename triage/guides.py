"""The knowledge base's 派单口径 guides, as the catalogue sees them.

A guide that tells dispatchers where a kind of request goes (title "派单口径：…", internal) is
not a second source of routing: its content is written into entries of the catalogue, whose
`basis` names the guide, and only the catalogue routes. This lists each published 派单口径 guide
with the entries of a catalogue version that cite it, so the centre sees a guide not yet written
into the catalogue (it then has no effect on dispatch, and says so).
"""

from __future__ import annotations

from dataclasses import dataclass

from knowledge.models import Audience, Guide
from triage.models import DispatchCatalogue

GUIDE_PREFIX = "派单口径"


@dataclass(frozen=True)
class GuideCoverage:
    title: str
    pk: int
    entries: int  # entries of the version whose basis names the guide


def dispatch_guides(catalogue: DispatchCatalogue | None) -> list[GuideCoverage]:
    guides = Guide.objects.published().filter(audience=Audience.INTERNAL, title__startswith=GUIDE_PREFIX)
    out = []
    for guide in guides.order_by("title"):
        cited = catalogue.rules.filter(basis__contains=guide.title).count() if catalogue is not None else 0
        out.append(GuideCoverage(guide.title, guide.pk, cited))
    return out
