"""The 一网通办 demo: the 事项清单 and applications in every state of the loop."""

from __future__ import annotations

from datetime import datetime


def seed_affairs(*, seed: int, now: datetime) -> None:
    """Seed the demo through the app's services; idempotent."""
