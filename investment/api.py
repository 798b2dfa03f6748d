"""/api/v1/investment: 招商引资."""

from __future__ import annotations

from ninja import Router

router = Router()
