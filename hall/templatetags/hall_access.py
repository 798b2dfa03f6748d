"""The hall's access rules, asked by its templates (the nav offers only what a user may open)."""

from __future__ import annotations

from typing import Any

from django import template

from hall import access

register = template.Library()


@register.filter
def is_hall_manager(user: Any) -> bool:
    return access.is_hall_manager(user)
