"""The citizen pages' shared parts: 长辈版 (elder mode) and the bar every citizen page starts with.

The mode is remembered in a cookie (no login): `citizen.js` sets it when the switch is pressed and
turns the page over at once; the server reads it here so the next page is drawn in the same mode.
Without JavaScript the switch is a plain link with `?mode=elder` / `?mode=standard`, honoured for
that one page. The cookie holds a preference only, nothing personal.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import template
from django.http import HttpRequest

register = template.Library()

ELDER_COOKIE = "mochou_elder"
MODE_PARAMETER = "mode"


def is_elder(request: HttpRequest | None) -> bool:
    if request is None:
        return False
    mode = request.GET.get(MODE_PARAMETER)
    if mode in ("elder", "standard"):
        return mode == "elder"
    return request.COOKIES.get(ELDER_COOKIE) == "1"


@register.simple_tag(takes_context=True)
def elder_mode(context: template.Context) -> bool:
    """{% elder_mode as elder %}: whether this page is drawn in 长辈版."""
    return is_elder(context.get("request"))


@register.inclusion_tag("_citizen_bar.html", takes_context=True)
def citizen_bar(context: template.Context) -> dict[str, Any]:
    """Skip link, the 12345 number to call, and the switch between 长辈版 and 标准版."""
    request: HttpRequest | None = context.get("request")
    elder = is_elder(request)
    query = request.GET.copy() if request is not None else None
    if query is not None:
        query[MODE_PARAMETER] = "standard" if elder else "elder"
    # The session's idle timeout: citizen.js keeps the session alive while someone is typing.
    session = getattr(request, "session", None)
    return {
        "elder": elder,
        "switch_url": "?" + urlencode(list(query.lists()), doseq=True)
        if query is not None
        else "?mode=elder",
        "session_seconds": session.get_expiry_age() if session is not None else 0,
        "cookie": ELDER_COOKIE,
    }
