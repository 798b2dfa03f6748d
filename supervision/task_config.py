"""The 督查室's configuration, decided in one place: settings override the defaults here."""

from __future__ import annotations

from django.conf import settings

from supervision.task_workflow import Source

# Default time limits in working days, by source (《督查工作规定》-style practice: 会议纪要 20,
# 领导批示 急件 1–5 / 非急件 15).
DEFAULT_DAYS: dict[str, int] = {
    Source.MEETING: 20,
    Source.INSTRUCTION_URGENT: 5,
    Source.INSTRUCTION: 15,
    Source.OTHER: 20,
}


def default_days(source: str) -> int:
    days: dict[str, int] = {**DEFAULT_DAYS, **getattr(settings, "SUPERVISION_TASK_DAYS", {})}
    return days.get(source, DEFAULT_DAYS[Source.OTHER])


def near_days() -> int:
    """A 蓝色督办单 is issued this many working days before a task's deadline."""
    return int(getattr(settings, "SUPERVISION_TASK_NEAR_DAYS", 3))


def light_thresholds() -> tuple[float, float]:
    """序时进度差 (completion % − elapsed %) below −first is 黄, below −second is 红."""
    first, second = getattr(settings, "SUPERVISION_LIGHT_THRESHOLDS", (10.0, 30.0))
    return float(first), float(second)


def notice_respond_days() -> int:
    return int(getattr(settings, "SUPERVISION_TASK_NOTICE_DAYS", 3))
