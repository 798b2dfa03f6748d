"""/api/v1/enforcement: 城乡控违."""

from __future__ import annotations

from ninja import Router

router = Router()
