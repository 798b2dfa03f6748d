"""The 城乡控违 demo: violations in every state of the loop, patrols and 卫片 patches."""

from __future__ import annotations

from datetime import datetime


def seed_enforcement(*, seed: int, now: datetime) -> None:
    """Seed the demo through the app's services; idempotent."""
