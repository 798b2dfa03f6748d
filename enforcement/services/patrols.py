"""巡查日志: a 网格员 logs a patrol ("无异常" in one tap, or with the violations found on it)."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from accounts.models import User
from enforcement.guards import is_office, may_report
from enforcement.models import PatrolLog
from enforcement.services.common import text
from mochou.errors import NotPermitted
from org.models import Unit, UnitKind


def _of(own: Unit | None, township: Unit) -> bool:
    """The township itself, or one of its villages/communities."""
    return own is not None and township.pk in (
        own.pk,
        own.parent_id if own.kind == UnitKind.VILLAGE else None,
    )


def last_area(actor: User) -> str:
    """What this patroller patrolled last: their round is usually the same (the form's default)."""
    return (
        PatrolLog.objects.filter(patroller=actor)
        .order_by("-patrolled_at", "-pk")
        .values_list("area", flat=True)
    ).first() or ""


def log_patrol(
    *,
    actor: User,
    area: str,
    nothing_found: bool,
    note: str = "",
    township: Unit | None = None,
    now: datetime | None = None,
) -> PatrolLog:
    """A township's staff patrol their own township, a village's (网格员 of a 村/社区) its
    township's ground, the office any township; the log names the township."""
    if not may_report(actor):
        raise NotPermitted("只有乡镇（街道）和市控违办的工作人员记录巡查。", code="permission_denied.role")
    own = actor.unit
    unit = township or (own.parent if own is not None and own.kind == UnitKind.VILLAGE else own)
    if unit is None or unit.kind != UnitKind.TOWNSHIP or not (is_office(actor) or _of(own, unit)):
        raise NotPermitted("只能记录本乡镇（街道）的巡查。", code="permission_denied.unit")
    return PatrolLog.objects.create(
        patroller=actor,
        township=unit,
        area=text(area, "巡查区域", "area", min_len=2, max_len=200),
        patrolled_at=now or timezone.now(),
        nothing_found=nothing_found,
        note=text(note, "备注", "note", min_len=0, max_len=500),
    )
