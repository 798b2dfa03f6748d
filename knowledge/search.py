"""Search the published guides: the stable API for the console, the portal and the pages.

    from knowledge.search import search_guides, Hit
    hits = search_guides("身份证丢了怎么补", user=request.user, limit=5)
    for hit in hits: hit.guide, hit.score, hit.snippet, hit.snippet_html

- ``user=None`` or ``public_only=True``: only published *public* guides in force (citizens).
- a signed-in user: every published guide, internal ones and those out of their dates included
  (staff need to know an answer has lapsed; ``hit.guide.is_current`` says so).
- a query of any length is accepted; only its first ``MAX_QUERY_CHARS`` characters count, and an
  empty or punctuation-only query returns ``[]``.

The BM25F index (knowledge/bm25.py) is built in-process from the published guides and kept
until the guides change. Whether they changed is a version stamp read from the database on every
search (count, max id, max updated_at of published rows: one small aggregate), so a guide
published through another process is found by the next search here; a save or delete in this
process also drops the index at once (signals in apps.py).
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from django.db.models import Count, Max
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from knowledge import bm25, text
from knowledge.models import Audience, Guide

if TYPE_CHECKING:
    from accounts.models import User

MAX_QUERY_CHARS = 200
SNIPPET_CHARS = 80

__all__ = ["MAX_QUERY_CHARS", "Hit", "clear_index", "search_guides"]


@dataclass(frozen=True)
class Hit:
    guide: Guide
    score: float
    snippet: str  # plain text: escape it when rendering (templates do)
    marks: tuple[str, ...] = ()  # the strings worth highlighting

    @property
    def snippet_html(self) -> SafeString:
        """The snippet, escaped, with the matched words in <mark>."""
        return mark_safe(_mark(self.snippet, self.marks))  # built from escaped parts only


def search_guides(
    query: str, *, user: User | None = None, public_only: bool = False, limit: int = 10
) -> list[Hit]:
    query = (query or "")[:MAX_QUERY_CHARS]
    limit = max(1, min(int(limit), 50))
    if not query.strip():
        return []
    index, meta = _current_index()
    staff = not public_only and user is not None and user.is_authenticated
    allowed = None if staff else {key for key, m in meta.items() if m.public and m.current()}
    ranked = index.search(query, allowed)
    if not ranked and len(query.strip()) == 1:
        ranked = _one_character(query.strip(), meta, allowed)
    ranked = ranked[:limit]
    guides = Guide.objects.select_related("unit").in_bulk([key for key, _ in ranked])
    marks = tuple(text.highlight_terms(query))
    return [
        Hit(guide=guides[key], score=score, snippet=make_snippet(guides[key], marks), marks=marks)
        for key, score in ranked
        if key in guides
    ]


# ---------------------------------------------------------------- the cached index


@dataclass(frozen=True)
class _Meta:
    public: bool
    valid_from: date | None
    valid_until: date | None

    def current(self) -> bool:
        from django.utils import timezone

        today = timezone.localdate()
        return (self.valid_from is None or self.valid_from <= today) and (
            self.valid_until is None or self.valid_until >= today
        )


_lock = threading.Lock()
_cache: dict[str, object] = {}


def clear_index() -> None:
    """Forget the index; the next search rebuilds it."""
    with _lock:
        _cache.clear()


def _stamp() -> tuple:
    agg = Guide.objects.published().aggregate(n=Count("id"), last=Max("updated_at"), top=Max("id"))
    return (agg["n"], agg["top"], agg["last"])


def _current_index() -> tuple[bm25.Index, dict[int, _Meta]]:
    stamp = _stamp()
    with _lock:
        if _cache.get("stamp") == stamp:
            return _cache["index"], _cache["meta"]  # type: ignore[return-value]
    guides = list(Guide.objects.published().select_related("unit"))
    index = bm25.Index.build(document_of(g) for g in guides)
    meta = {g.pk: _Meta(g.audience == Audience.PUBLIC, g.valid_from, g.valid_until) for g in guides}
    with _lock:
        _cache.update(stamp=stamp, index=index, meta=meta)
    return index, meta


def document_of(guide: Guide) -> bm25.Document:
    return bm25.Document(key=guide.pk, fields=guide_fields(guide.content(), guide.unit.name))


def guide_fields(content: dict, unit_name: str) -> dict[str, str]:
    """The indexed fields of a guide's content (shared with the offline evaluation)."""
    details = [content.get(name) or "" for name in ("documents", "location", "hours", "fee")]
    return {
        "title": content["title"],
        "aliases": content.get("aliases") or "",
        "body": content["body"],
        "details": "\n".join([*details, unit_name]),
    }


def _one_character(char: str, meta: dict[int, _Meta], allowed: set[int] | None) -> list[tuple[int, float]]:
    """A single typed character has no bigram: fall back to titles that contain it."""
    keys = [k for k in meta if allowed is None or k in allowed]
    titles = dict(Guide.objects.filter(pk__in=keys, title__contains=char).values_list("pk", "title"))
    return sorted(((k, 1.0 / (1 + t.index(char))) for k, t in titles.items()), key=lambda kv: -kv[1])


# ---------------------------------------------------------------- snippets

_SENTENCE = re.compile(r"[^。！？；\n]+[。！？；]?")


def make_snippet(guide: Guide, marks: tuple[str, ...]) -> str:
    """The sentence of the answer that holds most of the query's words, cut to SNIPPET_CHARS."""
    sentences = [s.strip() for s in _SENTENCE.findall(guide.body) if s.strip()]
    if not sentences:
        return ""
    best = max(sentences, key=lambda s: (sum(1 for m in marks if m in s), -sentences.index(s)))
    if len(best) <= SNIPPET_CHARS:
        return best
    first = min((best.find(m) for m in marks if m in best), default=0)
    start = max(0, min(first - 10, len(best) - SNIPPET_CHARS))
    cut = best[start : start + SNIPPET_CHARS]
    return ("…" if start else "") + cut + "…"


def _mark(snippet: str, marks: tuple[str, ...]) -> str:
    if not marks:
        return str(escape(snippet))
    pattern = re.compile("|".join(re.escape(m) for m in marks))
    out, last = [], 0
    for match in pattern.finditer(snippet):
        out.append(str(escape(snippet[last : match.start()])))
        out.append(f"<mark>{escape(match.group())}</mark>")
        last = match.end()
    out.append(str(escape(snippet[last:])))
    return "".join(out)
