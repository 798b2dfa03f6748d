"""The 24小时应急值班 demo: rosters, 平安报, incident reports, reserves and drills."""

from __future__ import annotations

from datetime import datetime


def seed_duty(*, seed: int, now: datetime) -> None:
    """Seed the demo through the app's services; idempotent."""
