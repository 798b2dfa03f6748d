"""/api/v1/enterprises: the 店小二 app over JSON (today: 莫愁小分队's visits, enterprises/squad/api.py)."""

from __future__ import annotations

from ninja import Router

from enterprises.squad.api import router as squad_router

router = Router()
router.add_router("", squad_router)
