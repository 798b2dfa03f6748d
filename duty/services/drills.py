"""演练 on the loop core: planned (scenario, participating units, date) → held (when, how many
took part, what happened) → assessed (评估: problems found, improvements); or cancelled with a
reason while still planned."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from accounts.models import User
from duty.access import is_unit_staff
from duty.guards import DRILL_GUARDS, is_office
from duty.models import Drill, DrillEvent, IncidentKind
from duty.services.common import count, local_day, require, text
from duty.workflow import DRILL_MACHINE, DrillAction, DrillState
from loop.verbs import Loop
from mochou.errors import InvalidInput
from notifications.services import notify_unit
from org.models import Unit

DRILLS: Loop[Drill, DrillState, DrillAction] = Loop(
    model=Drill,
    event_model=DrillEvent,
    item_field="drill",
    machine=DRILL_MACHINE,
    guards=DRILL_GUARDS,
    related=("unit",),
)


def plan_drill(
    unit: Unit,
    *,
    actor: User,
    title: str,
    kind: str,
    scenario: str,
    planned_on: date,
    participants: Sequence[Unit] = (),
    now: datetime,
) -> Drill:
    """A unit plans its own drill, the office any unit's; each participating unit is told."""
    require(is_unit_staff(actor, unit.pk) or is_office(actor), "只有本单位或应急值班室可以制定演练计划。")
    if kind not in IncidentKind.values:
        raise InvalidInput("请选择演练类型。", code="invalid_input.kind", details={"field": "kind"})
    if planned_on < local_day(now):
        raise InvalidInput(
            "计划日期不能早于今天。", code="invalid_input.date", details={"field": "planned_on"}
        )
    with DRILLS.start(DrillAction.PLAN, actor, now=now) as step:
        drill = DRILLS.create(
            step,
            unit=unit,
            title=text(title, "演练名称", "title", min_len=2, max_len=100),
            kind=kind,
            scenario=text(scenario, "演练情景", "scenario", min_len=4, max_len=4000),
            planned_on=planned_on,
            created_by=actor,
            created_at=now,
        )
        others = [u for u in participants if u.pk != unit.pk]
        drill.participants.set(others)
        step.record(payload={"planned_on": planned_on.isoformat(), "participants": [u.code for u in others]})
        for other in others:
            step.after_commit(
                notify_unit,
                other,
                kind="duty_drill",
                message=(
                    f"{unit.display_name}计划于 {planned_on:%m-%d} 组织演练“{drill.title}”，请做好参演准备"
                ),
            )
    return drill


def hold_drill(
    drill: Drill, *, actor: User, held_on: date, attendance: int | str, summary: str, now: datetime
) -> Drill:
    if held_on > local_day(now):
        raise InvalidInput("实施日期不能晚于今天。", code="invalid_input.date", details={"field": "held_on"})
    body = text(summary, "实施情况", "summary", min_len=4, max_len=4000)
    people = count(attendance, "参演人数", "attendance")
    with DRILLS.verb(drill, DrillAction.HOLD, actor, now=now) as step:
        item = step.item
        item.held_on, item.attendance, item.summary = held_on, people, body
        step.record(
            note=body,
            payload={"held_on": held_on.isoformat(), "attendance": people},
            fields=["held_on", "attendance", "summary"],
        )
    return step.item


def assess_drill(drill: Drill, *, actor: User, problems: str, improvements: str, now: datetime) -> Drill:
    """评估: the after-action report — what went wrong and what will change."""
    found = text(problems, "发现问题", "problems", min_len=2, max_len=4000)
    fixes = text(improvements, "改进措施", "improvements", min_len=2, max_len=4000)
    with DRILLS.verb(drill, DrillAction.ASSESS, actor, now=now) as step:
        step.item.problems, step.item.improvements = found, fixes
        step.record(note=found, fields=["problems", "improvements"])
    return step.item


def cancel_drill(drill: Drill, *, actor: User, reason: str, now: datetime) -> Drill:
    why = text(reason, "取消原因", "reason", min_len=2, max_len=300)
    with DRILLS.verb(drill, DrillAction.CANCEL, actor, now=now) as step:
        step.item.cancel_reason = why
        step.record(note=why, fields=["cancel_reason"])
        for other in step.item.participants.all():
            step.after_commit(
                notify_unit, other, kind="duty_drill", message=f"演练“{step.item.title}”已取消：{why}"
            )
    return step.item


def upcoming(today: date, unit_ids: list[int] | None = None, *, limit: int = 8) -> list[Drill]:
    rows = Drill.objects.filter(state=DrillState.PLANNED, planned_on__gte=today)
    if unit_ids is not None:
        rows = rows.filter(unit_id__in=unit_ids)
    return list(rows.select_related("unit").prefetch_related("participants")[:limit])
