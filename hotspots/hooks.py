"""The questions the hotspot page asks of the apps built on it (answered in their AppConfig.ready).

`hotspots` imports none of them: the supervision app answers `instruction_panel` (the leaders'
批示 on a hotspot and the button to give one), reading this app's models — so the dependency
points one way only (supervision → hotspots).
"""

from __future__ import annotations

from typing import Any

from loop.hooks import Provider


def _no_panel(hotspot: Any, user: Any, request: Any = None) -> str:
    return ""


# The hotspot page's 领导批示 section as HTML, `instruction_panel(hotspot, user, request)`; "" without
# the supervision app.
instruction_panel: Provider[str] = Provider("hotspot.instruction_panel", _no_panel)
