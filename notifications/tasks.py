"""Huey tasks: thin wrappers around notifications.services."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, signal
from huey.signals import SIGNAL_ERROR

from notifications import services


@db_task(retries=5, retry_delay=60)
def deliver_sms(sms_id: int) -> bool:
    return services.deliver(sms_id)


# Every two minutes: a message whose handover was lost (the web process died right after the
# commit) reaches the citizen soon after HANDOVER_GRACE, not half an hour later.
@db_periodic_task(crontab(minute="*/2"))
def requeue_stuck_sms() -> int:
    ids = services.stuck_messages()
    for sms_id in ids:
        deliver_sms(sms_id)
    return len(ids)


@signal(SIGNAL_ERROR)
def record_final_failure(signal_name: str, task: object, exc: Exception | None = None) -> None:
    # Only when huey has given up (no retries left) is the message marked failed.
    if getattr(task, "name", "").endswith("deliver_sms") and getattr(task, "retries", 1) == 0:
        services.mark_failed(task.args[0], str(exc))  # type: ignore[attr-defined]  # a huey Task; huey has no types
