"""Which templates the reply form offers for a case, best first (the cases.hooks.reply_templates
provider), and how each one has done — computed from the cases, never stored.

- Offered: published reply templates whose category is the case's category or one of its
  ancestors (or none = any) and whose case kind is the case's (or none = any), only to a user
  who may draft this case's reply now (the loop's own guard decides).
- Order: the nearest category first (the case's own, then its parent …, then "any"); at the same
  distance a template for this kind before one for any kind; then the best rated, then the most
  used. "Rated" is the share of 满意/基本满意 among the *closed* cases whose last approved reply
  was drafted from the template (a reopened case is judged by the reply that closed it; a citizen
  never reached gives no rating). The share is smoothed, (good + 1) / (rated + 2), so one happy
  citizen does not beat nine of ten, and an unrated template sits in the middle.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from cases.guards import refusal
from cases.models import GOOD_RATINGS, Category, Reply
from cases.workflow import Action, State
from replytemplates import placeholders
from replytemplates.models import ReplyTemplate, TemplateKind, TemplateUse

if TYPE_CHECKING:
    from accounts.models import User
    from cases.models import Case

GOOD = sorted(GOOD_RATINGS)  # 好评 (not 差评): the case loop's one definition


@dataclass(frozen=True)
class Record:
    uses: int = 0
    rated: int = 0  # closed cases with a satisfaction whose final answer came from the template
    good: int = 0  # of those, 满意 or 基本满意

    @property
    def share(self) -> float | None:
        return self.good / self.rated if self.rated else None

    @property
    def score(self) -> float:
        return (self.good + 1) / (self.rated + 2)


@dataclass(frozen=True)
class Offer:
    """One template as the reply form shows it (the provider's item: id, title, body)."""

    id: int
    title: str
    body: str  # filled from the case
    scope: str
    uses: int
    share: float | None


def records(template_ids: list[int]) -> dict[int, Record]:
    """Uses and ratings of these templates, in one grouped query."""
    if not template_ids:
        return {}
    superseded = Reply.objects.filter(
        case_id=OuterRef("case_id"),
        status=Reply.Status.APPROVED,
        approved_at__gt=OuterRef("reply__approved_at"),
    )
    final = Q(reply__status=Reply.Status.APPROVED, case__state=State.CLOSED, superseded=False) & ~Q(
        case__satisfaction=""
    )
    rows = (
        TemplateUse.objects.filter(template_id__in=template_ids)
        .annotate(superseded=Exists(superseded))
        .values("template_id")
        .order_by("template_id")
        .annotate(
            uses=Count("pk"),
            rated=Count("pk", filter=final),
            good=Count("pk", filter=final & Q(case__satisfaction__in=GOOD)),
        )
    )
    return {row["template_id"]: Record(row["uses"], row["rated"], row["good"]) for row in rows}


def category_chain(category: Category | None) -> list[int]:
    """The category's id and its ancestors', nearest first (one query, by the stored path)."""
    if category is None:
        return []
    parts = category.path.split("/")
    paths = ["/".join(parts[:depth]) for depth in range(len(parts), 0, -1)]
    ids = dict(Category.objects.filter(path__in=paths).values_list("path", "pk"))
    return [ids[path] for path in paths if path in ids]


def matching(case: Case) -> list[ReplyTemplate]:
    """Published reply templates for this case's category (or an ancestor) and kind, nearest first."""
    chain = category_chain(case.category)
    templates = list(
        ReplyTemplate.objects.published()
        .filter(kind=TemplateKind.REPLY)
        .filter(Q(category__isnull=True) | Q(category_id__in=chain))
        .filter(Q(case_kind="") | Q(case_kind=case.kind))
        .select_related("category")
    )
    known = records([t.pk for t in templates])

    def key(template: ReplyTemplate) -> tuple[int, int, float, int, str, int]:
        distance = chain.index(template.category_id) if template.category_id in chain else len(chain)
        record = known.get(template.pk, Record())
        return (
            distance,
            0 if template.case_kind else 1,
            -record.score,
            -record.uses,
            template.title,
            template.pk,
        )

    templates.sort(key=key)
    for template in templates:
        template.record = known.get(template.pk, Record())  # type: ignore[attr-defined]
    return templates


def offered_templates(case: Case, user: User) -> list[Offer]:
    """The provider of cases.hooks.reply_templates."""
    if refusal(user, case, Action.REPLY) is not None:
        return []
    values = placeholders.case_values(case, today=timezone.localdate())
    return [
        Offer(
            id=t.pk,
            title=t.title,
            body=placeholders.fill(t.body, values),
            scope=t.scope,
            uses=t.record.uses,  # type: ignore[attr-defined]
            share=t.record.share,  # type: ignore[attr-defined]
        )
        for t in matching(case)
    ]
