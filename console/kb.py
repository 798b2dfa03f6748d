"""The knowledge base (莫愁指南) as the console uses it, behind one thin adapter.

knowledge/ is built separately; its API is `knowledge.search.search_guides(query, *, user=None,
public_only=False, limit=10) -> list[Hit(guide, score, snippet)]`. When it is missing or fails,
the console says "知识库暂不可用" and intake goes on: a search is help, never a reason to stop a call.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.utils.html import strip_tags

from accounts.models import User

logger = logging.getLogger(__name__)

MIN_QUERY = 2
MAX_QUERY = 200  # the request text can run to 5000 characters; its start says what it is about
LIMIT = 5


@dataclass(frozen=True)
class GuideHit:
    id: int
    title: str
    snippet: str
    answer: str  # the text an agent starts the answer from (plain text)
    url: str
    current: bool  # False: the guide is out of its validity dates (staff still see it, marked)


class KnowledgeUnavailable(Exception):
    pass


# Practical details a caller needs, appended to the guide's answer when the guide has them.
DETAILS = (("documents", "所需材料"), ("location", "办理地点"), ("hours", "办理时间"), ("fee", "收费标准"),
           ("phone", "咨询电话"))  # fmt: skip


def _text_of(guide: Any) -> str:
    """The answer an agent starts from: the guide's answer, then its practical details, as plain text."""
    body = ""
    for attr in ("body", "answer", "content", "text"):
        value = getattr(guide, attr, None)
        if isinstance(value, str) and value.strip():
            body = strip_tags(value).strip()
            break
    lines = [body] if body else []
    for attr, label in DETAILS:
        value = getattr(guide, attr, None)
        if isinstance(value, str) and value.strip():
            items = [line.strip() for line in strip_tags(value).splitlines() if line.strip()]
            lines.append(f"{label}：{'、'.join(items)}")
    return "\n".join(lines)


def _url_of(guide: Any) -> str:
    try:
        return str(guide.get_absolute_url())
    except Exception:  # no URL, or a URL that does not resolve: the hit is still useful without it
        return ""


def backend() -> Callable[..., list[Any]]:
    """knowledge.search.search_guides, imported when first needed (knowledge/ may not exist yet)."""
    from knowledge.search import search_guides

    return search_guides


def search(query: str, user: User, *, limit: int = LIMIT) -> list[GuideHit]:
    """Guides matching the request text; raises KnowledgeUnavailable when there is no knowledge base."""
    query = " ".join(query.split())[:MAX_QUERY]
    try:
        search_guides = backend()
    except ImportError as exc:
        raise KnowledgeUnavailable from exc
    if len(query) < MIN_QUERY:
        return []
    try:
        hits = search_guides(query, user=user, public_only=False, limit=limit)
    except Exception as exc:
        logger.exception("knowledge search failed for the console")
        raise KnowledgeUnavailable from exc
    results = []
    for hit in hits:
        guide = hit.guide
        results.append(
            GuideHit(
                id=int(guide.pk),
                title=str(getattr(guide, "title", "") or guide),
                snippet=strip_tags(str(getattr(hit, "snippet", "") or "")),
                answer=_text_of(guide),
                url=_url_of(guide),
                current=bool(getattr(guide, "is_current", True)),
            )
        )
    return results


def guide_title(guide_id: int) -> str | None:
    """The published guide's title; "" when there is no guide model to ask; None when no such guide."""
    try:
        model = apps.get_model("knowledge", "Guide")
    except LookupError:
        return ""
    guides = model.objects.published() if hasattr(model.objects, "published") else model.objects.all()
    guide = guides.filter(pk=guide_id).first()
    if guide is None:
        return None
    return str(getattr(guide, "title", "") or guide)[:200]
