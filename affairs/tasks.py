"""Huey tasks of 一网通办: thin wrappers around the exchange's outbox and the sweeps."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from affairs import notices
from affairs.exchange import outbox
from affairs.sweeps import sweep_applications


@db_task()  # type: ignore[untyped-decorator]  # huey ships no type information
def deliver_exchange(message_pk: int) -> bool:
    return outbox.deliver(message_pk)


@db_task()  # type: ignore[untyped-decorator]
def send_notice_sms(application_pk: int) -> bool:
    """The 一次性告知's SMS, right after the notice commits (the sweep sends it if this is lost)."""
    return notices.tell_notice(application_pk)


@db_periodic_task(crontab(minute="*/2"))  # type: ignore[untyped-decorator]
def exchange_sweep() -> int:
    """跨域通办 messages not yet delivered (a worker died, the partner was down): sent again."""
    return outbox.sweep()


@db_periodic_task(crontab(minute="*/10"))  # type: ignore[untyped-decorator]
def application_sweep() -> dict[str, int]:
    """临期/超期 to the department, 一次性告知 and 办结 SMS to the applicant: each once (idempotent)."""
    return sweep_applications()
