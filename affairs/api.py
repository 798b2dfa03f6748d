"""/api/v1/affairs: 一网通办."""

from __future__ import annotations

from ninja import Router

router = Router()
