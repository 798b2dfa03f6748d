"""The demo's 领导批示: a city leader's instructions on two 12345 cases (one 急件, signed for and
reported on; one 非急件 just given) and on the hottest hotspot when there is one. Through the
verbs; idempotent (nothing is added once a 批示 on a case exists)."""

from __future__ import annotations

from datetime import datetime, timedelta

from accounts.models import Role, User
from cases.models import Case
from cases.workflow import State as CaseState
from hotspots.models import Hotspot
from supervision.services import tasks as svc
from supervision.services.instructions import instruct
from supervision.task_models import Task


def _first(role: str, unit_id: int | None) -> User | None:
    if unit_id is None:
        return None
    return User.objects.filter(role=role, unit_id=unit_id, is_active=True).order_by("pk").first()


def seed_instructions(*, leader: User, now: datetime) -> int:
    if (
        Task.objects.filter(case__isnull=False).exists()
        or Task.objects.filter(hotspot__isnull=False).exists()
    ):
        return 0
    open_states = [CaseState.IN_PROGRESS, CaseState.DISPATCHED]
    cases = list(
        Case.objects.filter(state__in=open_states, lead_unit__isnull=False)
        .select_related("lead_unit")
        .order_by("created_at", "pk")[:2]  # pk: cases registered in one moment keep their order
    )
    made = 0
    if cases:
        urgent = instruct(
            actor=leader,
            body="群众反映多次，请承办单位三个工作日内现场处置，并举一反三排查同类问题。",
            urgent=True,
            days=3,
            case=cases[0],
            now=now - timedelta(days=2),
        )
        made += 1
        clerk = _first(Role.CLERK, urgent.lead_unit_id) or _first(Role.UNIT_LEADER, urgent.lead_unit_id)
        if clerk is not None:
            svc.sign_task(urgent, actor=clerk, now=now - timedelta(days=2) + timedelta(hours=2))
            svc.report_progress(
                urgent,
                actor=clerk,
                body="已安排专人现场核查，制定处置方案，正在组织施工。",
                progress=40,
                now=now - timedelta(days=1),
            )
    if len(cases) > 1:
        instruct(
            actor=leader,
            body="请认真研究群众诉求，拿出长效解决办法，办理结果报我。",
            case=cases[1],
            now=now - timedelta(hours=5),
        )
        made += 1
    spot = Hotspot.objects.filter(is_active=True).order_by("-heat", "pk").first()
    unit = cases[0].lead_unit if cases else None
    if spot is not None and unit is not None:
        instruct(
            actor=leader,
            body="此类问题反复出现，请牵头单位系统梳理原因，一个月内拿出根治方案。",
            hotspot=spot,
            lead_unit=unit,
            now=now - timedelta(hours=3),
        )
        made += 1
    return made
