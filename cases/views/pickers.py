"""The category tree's branches and its search (htmx fragments of cases/_category_tree.html)."""

from __future__ import annotations

import re
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from cases.forms import leaf_categories
from cases.models import Category
from cases.widgets import labelled, with_children_flag
from mochou.http import AuthenticatedHttpRequest

# A search lists at most this many categories: past that the words are too vague to pick from.
MATCHES_SHOWN = 40
# The radios' name and the picker's id are echoed into the fragment: only a form field's shape.
_NAME = re.compile(r"^[a-z_]{1,40}$")


def matching_categories(term: str) -> list[Category]:
    """The leaf categories whose whole path contains every word of `term` (the tree's one search)."""
    condition = Q()
    for word in term.split():
        condition &= Q(path__icontains=word)
    return list(leaf_categories().filter(condition)[: MATCHES_SHOWN + 1])


@login_required
@require_GET
def category_tree(request: AuthenticatedHttpRequest) -> HttpResponse:
    """GET /cases/category-tree/?parent=<id> — a branch's children; ?term=… — the search."""
    name = request.GET.get("name", "category")
    picker_id = request.GET.get("id", "id_category")
    if not _NAME.match(name) or not _NAME.match(picker_id):
        name, picker_id = "category", "id_category"
    context: dict[str, Any] = {"name": name, "id": picker_id}
    parent = request.GET.get("parent", "")
    term = " ".join((request.GET.get("term") or "").split())[:40]
    if parent.isdigit():
        nodes = with_children_flag(Category.objects.filter(parent_id=int(parent), is_active=True))
        context["nodes"] = [labelled(n) for n in nodes.order_by("path")]
        return render(request, "cases/_category_nodes.html", context)
    if term:
        matches = [labelled(c) for c in matching_categories(term)]
        context.update(term=term, matches=matches[:MATCHES_SHOWN], more=len(matches) > MATCHES_SHOWN)
        return render(request, "cases/_category_matches.html", context)
    nodes = with_children_flag(Category.objects.filter(is_active=True, level=1))
    context["nodes"] = [labelled(n) for n in nodes.order_by("path")]
    return render(request, "cases/_category_nodes.html", context)
