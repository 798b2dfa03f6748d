"""Reads of the dashboards, statistics, hotspots and case queues from a PostgreSQL streaming replica.

Only when DATABASE_REPLICA_URL is set (mochou/settings.py adds the `replica` alias, the router and
the middleware then; without it nothing here is used). docs/deploy.md, 只读副本与多节点.

Who decides what:
- `ReplicaReadsMiddleware` says, per request, whether its reads *may* come from the replica: only a
  GET or HEAD of a page listed below (by URL namespace or name), and only when this browser has not
  written in the last MOCHOU_REPLICA_STICKY_SECONDS (a signed cookie, set on the response of every
  request that wrote or was not a GET/HEAD). The answer lives in a contextvar for the request's
  duration; outside requests (commands, the huey worker, tests) there is none, so all is primary.
- `ReplicaRouter` sends a read to the replica only when the request may, no write has happened in
  this request yet, no transaction is open on the primary (atomic blocks, select_for_update) and
  the model is not one of identity and sessions (a revoked token, a disabled account, a changed
  password must count at once, not after the lag). Every write goes to the primary, always.
- The replica is checked once per request before its first read there (one query: in recovery,
  receiving WAL, replay lag ≤ MOCHOU_REPLICA_MAX_LAG_SECONDS). Unreachable, cut off from the primary
  or lagging: the request reads the primary. After a failed connection the process does not try
  the replica again for MOCHOU_REPLICA_RETRY_SECONDS, so that a replica that is down costs one
  connect timeout per process and interval, not one per request.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, connections
from django.db.models import Model
from django.http import HttpRequest, HttpResponseBase

from mochou.env import database_from_url

logger = logging.getLogger(__name__)

PRIMARY = "default"
REPLICA = "replica"

# The pages whose reads may come from the replica: every page of these URL namespaces, and these
# single pages. They are read-mostly and shared (the same figures for many viewers), and a second
# or so of lag there is harmless; a case page, a form or an API answer is read on the primary.
REPLICA_NAMESPACES = frozenset({"dashboard", "stats", "hotspots"})
REPLICA_VIEWS = frozenset({"cases:queue", "cases:queue_counts", "cases:queue_choices"})
# Models always read on the primary, whatever the page.
PRIMARY_ONLY_APPS = frozenset({"accounts", "auth", "sessions", "contenttypes", "admin"})
SAFE_METHODS = frozenset({"GET", "HEAD"})

# The browser wrote less than MOCHOU_REPLICA_STICKY_SECONDS ago (the signature carries the time).
WROTE_COOKIE = "mochou_wrote"
WROTE_SALT = "mochou.dbrouting.wrote"

# One query on the replica: is it a standby, is it receiving WAL from the primary (the wal receiver
# runs: its row is visible to any role, its details only to pg_read_all_stats), and how far behind
# is its replay (0 when it has replayed all it received; else the age of the last replayed
# transaction, which overstates the lag after an idle spell: erring towards the primary).
HEALTH_SQL = """
SELECT pg_is_in_recovery(),
       EXISTS (SELECT 1 FROM pg_stat_wal_receiver),
       CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
            ELSE COALESCE(EXTRACT(EPOCH FROM clock_timestamp() - pg_last_xact_replay_timestamp()), 0)
       END
"""


def replica_database(url: str, primary: dict[str, Any]) -> dict[str, Any]:
    """The `replica` alias from DATABASE_REPLICA_URL: PostgreSQL only, as the primary must be."""
    if primary.get("ENGINE") != "django.db.backends.postgresql":
        raise ImproperlyConfigured(
            "DATABASE_REPLICA_URL needs a PostgreSQL primary (DATABASE_URL=postgres://…)"
        )
    config = database_from_url(url, "")
    if config.get("ENGINE") != "django.db.backends.postgresql":
        raise ImproperlyConfigured("DATABASE_REPLICA_URL must be a postgres:// URL (a streaming replica)")
    # A replica that does not answer must not hold a request long: the request then reads the primary.
    config.setdefault("OPTIONS", {}).setdefault("connect_timeout", "2")
    # Tests with the variable set read the test database through both aliases: no second one is
    # created (and none could be, on a read-only standby).
    config["TEST"] = {"MIRROR": PRIMARY}
    return config


@dataclass
class _RequestReads:
    replica: bool = False  # this request's reads may go to the replica (middleware)
    wrote: bool = False  # it has written: its later reads stay on the primary
    checked: bool = False  # the replica's health was checked for this request


_reads: ContextVar[_RequestReads | None] = ContextVar("mochou_replica_reads", default=None)
# Process-wide: monotonic time before which the replica is not tried again after a failure.
_down_until = 0.0


def _replica_usable() -> bool:
    global _down_until  # one float shared by the process's threads
    if time.monotonic() < _down_until:
        return False
    try:
        with connections[REPLICA].cursor() as cursor:
            cursor.execute(HEALTH_SQL)
            in_recovery, receiving, lag = cursor.fetchone()
    except DatabaseError as exc:
        _down_until = time.monotonic() + settings.MOCHOU_REPLICA_RETRY_SECONDS
        logger.warning(
            "read replica unreachable, reading the primary for %ss: %s",
            settings.MOCHOU_REPLICA_RETRY_SECONDS,
            exc,
        )
        with contextlib.suppress(DatabaseError):  # already broken: the next attempt connects afresh
            connections[REPLICA].close()
        return False
    return bool(in_recovery and receiving and float(lag) <= settings.MOCHOU_REPLICA_MAX_LAG_SECONDS)


def _routable(model: type[Model]) -> bool:
    return model._meta.app_label not in PRIMARY_ONLY_APPS


class ReplicaRouter:
    """settings.DATABASE_ROUTERS when DATABASE_REPLICA_URL is set."""

    def db_for_read(self, model: type[Model], **hints: Any) -> str:
        reads = _reads.get()
        if reads is None or not reads.replica or reads.wrote or not _routable(model):
            return PRIMARY
        if connections[PRIMARY].in_atomic_block:
            return PRIMARY  # a transaction reads what it is about to write: on the primary
        if not reads.checked:
            reads.checked = True
            reads.replica = _replica_usable()
            if not reads.replica:
                return PRIMARY
        return REPLICA

    def db_for_write(self, model: type[Model], **hints: Any) -> str:
        reads = _reads.get()
        if reads is not None and _routable(model):
            reads.wrote = True
        return PRIMARY

    def allow_relation(self, obj1: Model, obj2: Model, **hints: Any) -> bool | None:
        # The replica holds the primary's rows: objects read from either may be related.
        if {obj1._state.db, obj2._state.db} <= {PRIMARY, REPLICA}:
            return True
        return None

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints: Any) -> bool:
        return db != REPLICA  # a standby replays the primary's migrations with its WAL


def _may_read_replica(request: HttpRequest) -> bool:
    if request.method not in SAFE_METHODS:
        return False
    match = request.resolver_match
    if match is None or (match.namespace not in REPLICA_NAMESPACES and match.view_name not in REPLICA_VIEWS):
        return False
    sticky = settings.MOCHOU_REPLICA_STICKY_SECONDS
    return request.get_signed_cookie(WROTE_COOKIE, default=None, salt=WROTE_SALT, max_age=sticky) is None


class ReplicaReadsMiddleware:
    """Marks the requests whose reads may come from the replica; remembers a browser's writes."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        reads = _RequestReads()
        token = _reads.set(reads)
        try:
            response = self.get_response(request)
        finally:
            _reads.reset(token)
        sticky = settings.MOCHOU_REPLICA_STICKY_SECONDS
        if sticky > 0 and (reads.wrote or request.method not in SAFE_METHODS):
            response.set_signed_cookie(
                WROTE_COOKIE,
                "1",
                salt=WROTE_SALT,
                max_age=sticky,
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response

    def process_view(self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any) -> None:
        reads = _reads.get()
        if reads is not None:
            reads.replica = _may_read_replica(request)
