"""高频事 on the cases: recompute the stored hotspots, tell the supervisors of a new one, and the
proactive task's two verbs (交办, 报告办理结果).

`recompute` is idempotent: it reads only the cases, so running it twice on the same data leaves
the same rows, and a supervisor is told of a hotspot once (its `notified_at`), never per run.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import Role, User
from cases.models import POOR_RATINGS, Case, Category
from hotspots import method
from hotspots.guards import GUARDS
from hotspots.models import Hotspot, HotspotMember, ProactiveTask, ProactiveTaskEvent
from hotspots.places import places
from hotspots.workflow import Action, State
from loop.verbs import Loop
from mochou.errors import InvalidInput
from notifications.services import notify_role, notify_unit
from org.models import Unit

TASKS: Loop[ProactiveTask, State, Action] = Loop(
    model=ProactiveTask,
    event_model=ProactiveTaskEvent,
    item_field="task",
    machine=GUARDS.machine,
    guards=GUARDS,
    related=("hotspot", "unit"),
)

PLACE_CHARS = 300  # as offline: the place is named early in a request


def window_days() -> float:
    return float(getattr(settings, "MOCHOU_HOTSPOT_WINDOW_DAYS", 30))


def notify_min_count() -> int:
    """A new hotspot is told to the supervisors from this many cases in the window."""
    return int(getattr(settings, "MOCHOU_HOTSPOT_NOTIFY_COUNT", 3))


def notify_min_growth() -> float:
    """… and growing at least this fast (g of the heat formula; log2 of the ratio, +1 smoothed)."""
    return float(getattr(settings, "MOCHOU_HOTSPOT_NOTIFY_GROWTH", 1.5))


def params() -> method.Params:
    return replace(method.Params(), window_days=window_days())


def item_of(case: Case) -> method.Item:
    names = places(case.title, case.content[:PLACE_CHARS])
    if case.address:
        names = (*places(case.address), *names) or (case.address[:40],)
    return method.Item(
        id=case.pk,
        title=case.title,
        body=case.content,
        time=case.created_at,
        places=names,
        township=str(case.township_id or ""),
        category=str(case.category_id or ""),
        reopened=case.reopen_count > 0,
        unsatisfied=case.satisfaction in POOR_RATINGS,
    )


def _cases(start: datetime, end: datetime) -> list[Case]:
    fields = (
        "id",
        "title",
        "content",
        "address",
        "created_at",
        "township_id",
        "category_id",
        "reopen_count",
        "satisfaction",
    )
    return list(
        Case.objects.filter(created_at__gte=start, created_at__lt=end)
        .only(*fields)
        .order_by("created_at", "pk")
    )


@transaction.atomic
def recompute(now: datetime | None = None) -> dict[str, int]:
    """Recompute the hotspots of the window ending at ``now`` and store them; tell of new ones.

    A computed group takes over the stored active hotspot with which it shares most cases
    (current or previous window), else it is a new hotspot; stored hotspots no group took over
    are no longer active (their rows, cases and tasks stay)."""
    now = now or timezone.now()
    p = params()
    start = now - timedelta(days=p.window_days or 30)
    cases = _cases(start - timedelta(days=p.window_days or 30), now)
    found = method.find_hotspots([item_of(c) for c in cases], p, end=now)
    active = list(Hotspot.objects.filter(is_active=True).order_by("pk"))
    members: dict[int, set[int]] = {}
    for hotspot_id, case_id in HotspotMember.objects.filter(hotspot__in=active).values_list(
        "hotspot_id", "case_id"
    ):
        members.setdefault(hotspot_id, set()).add(case_id)
    taken: set[int] = set()
    kept: list[Hotspot] = []
    created = 0
    for group in found:
        ids = {int(i) for i in (*group.ids, *group.previous_ids)}  # type: ignore[call-overload]
        overlap = [(len(ids & members.get(h.pk, set())), -h.pk, h) for h in active if h.pk not in taken]
        best = max(overlap, key=lambda o: (o[0], o[1]), default=None)
        if best is not None and best[0] > 0:
            hotspot = best[2]
        else:
            hotspot = Hotspot(first_seen_at=now)
            created += 1
        _fill(hotspot, group, start, now)
        hotspot.save()
        taken.add(hotspot.pk)
        _set_members(hotspot, {int(i) for i in group.ids}, members.get(hotspot.pk, set()))  # type: ignore[call-overload]
        kept.append(hotspot)
    gone = Hotspot.objects.filter(is_active=True).exclude(pk__in=taken)
    HotspotMember.objects.filter(hotspot__in=gone).update(in_window=False)
    faded = gone.update(is_active=False)
    told = notify_new(kept, now)
    return {"cases": len(cases), "hotspots": len(kept), "new": created, "faded": faded, "notified": told}


def _set_members(hotspot: Hotspot, now_ids: set[int], known: set[int]) -> None:
    """The window's cases in the window; earlier members stay, out of it (never deleted)."""
    rows = HotspotMember.objects.filter(hotspot=hotspot)
    rows.exclude(case_id__in=now_ids).update(in_window=False)
    rows.filter(case_id__in=now_ids).update(in_window=True)
    have = known if known else set(rows.values_list("case_id", flat=True))
    added = sorted(now_ids - have)
    HotspotMember.objects.bulk_create(HotspotMember(hotspot=hotspot, case_id=i) for i in added)


def _fill(hotspot: Hotspot, group: method.Hotspot, start: datetime, now: datetime) -> None:
    hotspot.title = group.title[:120]
    hotspot.place = group.place[:60]
    hotspot.township_id = int(group.township) if group.township else None
    hotspot.category_id = int(group.category) if group.category else None
    hotspot.heat = group.heat
    hotspot.count = group.count
    hotspot.previous = group.previous
    hotspot.growth = group.growth
    hotspot.reopened_share = group.reopened_share
    hotspot.unsatisfied_share = group.unsatisfied_share
    hotspot.window_start = start
    hotspot.window_end = now
    hotspot.first_at = group.first_at
    hotspot.last_at = group.last_at
    hotspot.is_active = True
    hotspot.computed_at = now


def fast_growing_new(hotspot: Hotspot) -> bool:
    """Nothing of it in the window before, enough cases now, growing fast."""
    return (
        hotspot.previous == 0
        and hotspot.count >= notify_min_count()
        and hotspot.growth >= notify_min_growth()
    )


def notify_new(hotspots: Iterable[Hotspot], now: datetime) -> int:
    """Tell the supervisors of each fast-growing new hotspot not told of before; how many."""
    told = 0
    for hotspot in hotspots:
        if hotspot.notified_at is not None or not fast_growing_new(hotspot):
            continue
        place = f"（{hotspot.place}）" if hotspot.place else ""
        message = f"新的高频事{place}：{hotspot.title}，近{window_days():g}天{hotspot.count}件"
        notify_role([Role.SUPERVISOR], kind="hotspot_new", message=message)
        hotspot.notified_at = now
        hotspot.save(update_fields=["notified_at"])
        told += 1
    return told


# ---------------------------------------------------------------------- 未诉先办


def take_up(
    hotspot: Hotspot, *, unit: Unit, actor: User, instruction: str, days: int, now: datetime | None = None
) -> ProactiveTask:
    """交办: the hotspot becomes one task for ``unit``, due in ``days`` calendar days."""
    instruction = (instruction or "").strip()
    if not instruction:
        raise InvalidInput("请填写办理要求。", code="invalid.instruction")
    if not 1 <= days <= 90:
        raise InvalidInput("办理期限应为 1–90 天。", code="invalid.days")
    with TASKS.start(Action.ASSIGN, actor, now=now) as step:
        task = TASKS.create(
            step,
            hotspot=hotspot,
            unit=unit,
            instruction=instruction,
            assigned_by=actor,
            created_at=step.now,
            due_at=step.now + timedelta(days=days),
        )
        step.record(payload={"hotspot": hotspot.pk, "unit": unit.pk, "days": days})
        message = f"未诉先办任务：{hotspot.title}（{hotspot.count}件），请于{days}天内办理并报告结果"
        step.after_commit(notify_unit, unit, kind="proactive_task", message=message)
    return task


def report(
    task: ProactiveTask | int, *, actor: User, result: str, now: datetime | None = None
) -> ProactiveTask:
    """报告办理结果: the unit's result, shown from then on on every case behind the hotspot."""
    result = (result or "").strip()
    if not result:
        raise InvalidInput("请填写办理结果。", code="invalid.result")
    with TASKS.verb(task, Action.REPORT, actor, now=now) as step:
        item = step.item
        item.result = result
        item.reported_by = actor
        item.reported_at = step.now
        step.record(payload={"late": step.now > item.due_at}, fields=("result", "reported_by", "reported_at"))
        text = f"未诉先办任务已报告结果：{item.hotspot.title}"
        step.after_commit(notify_users_of, item.assigned_by, text)
    return item


def notify_users_of(user: User, message: str) -> None:
    from notifications.services import notify_users

    notify_users([user], kind="proactive_result", message=message)


def tasks_of_case(case_id: int) -> list[ProactiveTask]:
    """The proactive tasks taken up on the hotspots a case is behind (newest first)."""
    hotspot_ids = HotspotMember.objects.filter(case_id=case_id).values("hotspot_id")
    return list(
        ProactiveTask.objects.filter(hotspot_id__in=hotspot_ids).select_related(
            "unit", "hotspot", "reported_by"
        )
    )


def categories() -> Any:
    return Category.objects.filter(is_active=True)
