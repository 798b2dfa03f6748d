"""The 招商引资 demo: projects at every stage, the parks and their figures."""

from __future__ import annotations

from datetime import datetime


def seed_investment(*, seed: int, now: datetime) -> None:
    """Seed the demo through the app's services; idempotent."""
