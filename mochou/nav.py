"""The links of the top bar that the apps built on the loop core contribute.

base.html lists the hotline's own links; an app above it (duty, enforcement, affairs, investment)
registers its link here in its AppConfig.ready, with who sees it, so no two apps edit one template
and no core app learns of the apps built on it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import reverse


@dataclass(frozen=True)
class NavLink:
    label: str
    url_name: str
    element_id: str
    visible: Callable[[Any], bool]
    order: int = 100


_LINKS: dict[str, NavLink] = {}


def register_link(
    label: str, url_name: str, *, element_id: str, visible: Callable[[Any], bool], order: int = 100
) -> None:
    """Add (or replace, by element id) one top-bar link, shown to the users `visible` accepts."""
    _LINKS[element_id] = NavLink(label, url_name, element_id, visible, order)


def links_for(user: Any) -> list[dict[str, str]]:
    """The registered links this user sees, in order: label, url and the element's id."""
    shown = sorted((link for link in _LINKS.values() if link.visible(user)), key=lambda x: x.order)
    return [{"label": link.label, "url": reverse(link.url_name), "id": link.element_id} for link in shown]


def extra_nav(request: HttpRequest) -> dict[str, Any]:
    """Context processor: `extra_nav` for base.html."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"extra_nav": links_for(user)}
