"""/api/v1/duty: 24小时应急值班."""

from __future__ import annotations

from ninja import Router

router = Router()
