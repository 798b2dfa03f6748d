"""The two pickers of the dispatch and registration forms (issue 10, item 5).

- `CategoryTreeWidget`: the ~520 categories as 一级 › 二级 › 三级, a search box and the branches
  loaded when opened (cases.views.pickers), never a flat list sent with every page. The choice is
  a radio named after the field, so the form posts it as any other input; the current choice
  stays on top, outside the parts that the search and the tree replace.
- `UnitChipsWidget`: co-units as chips with a remove button each, and one plain drop-down to add
  another (no Ctrl-click multi-select; every control reachable by keyboard).

Both post what Django's own widgets post (`name=<pk>`, repeated for the chips), so the forms'
fields and their validation are unchanged; mochou/static/js/pickers.js only moves values around.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Exists, OuterRef, QuerySet

from cases.models import Category

SEPARATOR = " › "


def category_label(category: Category) -> str:
    """A category by its whole path, the levels separated as people read them: 一级 › 二级 › 三级."""
    return category.path.replace("/", SEPARATOR)


def with_children_flag(categories: QuerySet[Category]) -> QuerySet[Category]:
    """Annotated with `has_children` (active ones): a branch opens, a leaf is chosen."""
    children = Category.objects.filter(parent=OuterRef("pk"), is_active=True)
    return categories.annotate(has_children=Exists(children))


def top_categories() -> QuerySet[Category]:
    return with_children_flag(Category.objects.filter(is_active=True, level=1).order_by("path"))


def labelled(category: Category) -> Category:
    """The category with its `label` (whole path) for the tree's radios, which the picker shows."""
    category.label = category_label(category)  # type: ignore[attr-defined]
    return category


class CategoryTreeWidget(forms.Widget):
    template_name = "cases/_category_tree.html"

    def __init__(self, empty_label: str = "（暂不分类）", attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.empty_label = empty_label
        # Set by a form that pre-selects the triage's suggestion: the choice is marked as such.
        self.suggested_id: int | None = None

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        chosen = Category.objects.filter(pk=int(value)).first() if str(value or "").isdigit() else None
        context["widget"].update(
            chosen=chosen,
            chosen_label=category_label(chosen) if chosen is not None else self.empty_label,
            empty_label=self.empty_label,
            suggested=chosen is not None and chosen.pk == self.suggested_id,
            top=[labelled(c) for c in top_categories()],
        )
        return context

    def format_value(self, value: Any) -> str:
        return "" if value is None else str(value)


class UnitChipsWidget(forms.SelectMultiple):
    template_name = "cases/_unit_chips.html"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.suggested: set[str] = set()  # pks (as text) pre-filled from the triage's advice

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = forms.Widget.get_context(self, name, value, attrs)
        picked = {str(v) for v in (value or []) if v not in (None, "")}
        options = [
            {
                "value": str(v),
                "label": label,
                "picked": str(v) in picked,
                "suggested": str(v) in self.suggested,
            }
            for v, label in self.choices
            if str(v)
        ]
        # The adder lists every unit; those already chips are disabled there (the script re-enables
        # one when its chip is removed).
        context["widget"].update(selected=[o for o in options if o["picked"]], options=options)
        return context
