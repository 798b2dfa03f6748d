"""Liveness and readiness, for a load balancer, systemd or a monitoring probe (docs/deploy.md).

- `/healthz`: the process answers. No database: a slow or unreachable database must not get a
  healthy process restarted. The JSON names the serving process (its pid), which tells apart the
  processes of `mochou serve --workers N`.
- `/readyz`: this process can serve: the database answers and every migration on disk is applied
  (a node started on new code before `mochou migrate` ran must get no traffic). 503 otherwise, with
  a machine-readable reason, a Chinese message and how many migrations wait — not their names,
  which would tell an anonymous caller which version of the code runs (`mochou showmigrations`
  on the machine lists them).

Both: GET or HEAD, no login, never cached, nothing personal. They touch no session (no cookie is
read or set) and write no row, so a probe every few seconds costs one or two small queries.
"""

from __future__ import annotations

import os
from functools import cache

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

MigrationKey = tuple[str, str]


@cache
def migrations_on_disk() -> dict[MigrationKey, frozenset[MigrationKey]]:
    """Every migration of the code this process runs → the migrations it replaces (a squash).

    Read once per process: the files do not change under a running process (new code comes with a
    restart), and reading them costs far more than the probe's query."""
    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    return {key: frozenset(graph.nodes[key].replaces or ()) for key in graph.nodes}


def unapplied_migrations(alias: str = DEFAULT_DB_ALIAS) -> list[str]:
    """`app.name` of each migration on disk the database has not recorded as applied (a squash
    counts as applied when all the migrations it replaces are, as `migrate` sees it)."""
    applied = set(MigrationRecorder(connections[alias]).applied_migrations())
    return sorted(
        f"{app}.{name}"
        for (app, name), replaces in migrations_on_disk().items()
        if (app, name) not in applied and not (replaces and replaces <= applied)
    )


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok", "pid": os.getpid()})


@never_cache
@require_safe
def readyz(request: HttpRequest) -> JsonResponse:
    try:
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute("SELECT 1")
        pending = unapplied_migrations()
    except DatabaseError as exc:
        return not_ready("database_unavailable", "数据库无法连接。", detail=type(exc).__name__)
    if pending:
        return not_ready(
            "migrations_pending",
            f"有 {len(pending)} 个数据库迁移尚未执行，请先运行 mochou migrate。",
            pending=len(pending),
        )
    return JsonResponse({"status": "ready", "pid": os.getpid()})


def not_ready(code: str, message: str, **extra: object) -> JsonResponse:
    return JsonResponse({"status": "unavailable", "code": code, "message": message, **extra}, status=503)
