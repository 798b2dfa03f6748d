from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _portal_isolation(settings: object, tmp_path: Path) -> None:
    """Photos go to a temporary MEDIA_ROOT; rate-limit counters start at zero in every test."""
    from django.core.cache import cache

    settings.MEDIA_ROOT = tmp_path / "media"  # type: ignore[attr-defined]
    cache.clear()
