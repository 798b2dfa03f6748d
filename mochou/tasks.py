"""Huey tasks of the project's own tables: expired idempotency keys and abandoned leases."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from mochou import idempotency, leases


@db_periodic_task(crontab(minute="17"))
def purge_idempotency_keys() -> int:
    return idempotency.purge() + leases.purge()
