"""The peer's side of `python -m bench.peers`, run with the peer venv's Python.

    python -m peer_helpdesk.agent setup          migrate; a staff user, its API token, the Site
    python -m peer_helpdesk.agent load FILE      bulk-load the tickets of FILE (JSON lines)
    python -m peer_helpdesk.agent serve          answer timing requests on stdin/stdout

`serve` keeps Django set up for the whole run, as bench.peers keeps Mochou's, so that an in-process
creation round costs each side only its own creation path. One JSON object a line each way:
{"op": "create", "bodies": [...]} → {"ms": [...]}, {"op": "session"} → {"cookie": …},
{"op": "ids", "positions": [...]} → {"ids": [...]}, {"op": "queue"} → {"id": …}, {"op": "quit"}.
"""

from __future__ import annotations

import json
import os
import sys
import time
import uuid
from datetime import datetime
from typing import Any

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peer_helpdesk.settings")
django.setup()

from django.contrib.auth import get_user_model  # noqa: E402  (after setup)
from django.contrib.sites.models import Site  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from helpdesk.forms import PublicTicketForm  # type: ignore[import-not-found]  # noqa: E402 (peer venv only)
from helpdesk.models import FollowUp, Queue, Ticket  # type: ignore[import-not-found]  # noqa: E402 (peer venv only)
from rest_framework.authtoken.models import Token  # type: ignore[import-not-found]  # noqa: E402 (peer venv only)

STAFF = "bench_staff"
CHUNK = 5_000


def out(obj: Any) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def setup() -> None:
    call_command("migrate", interactive=False, verbosity=0)
    Site.objects.update_or_create(pk=1, defaults={"domain": "127.0.0.1", "name": "peer"})
    user, _ = get_user_model().objects.get_or_create(
        username=STAFF, defaults={"is_staff": True, "email": "staff@example.invalid"}
    )
    token, _ = Token.objects.get_or_create(user=user)
    out({"token": token.key, "tickets": Ticket.objects.count(), "queues": Queue.objects.count()})


def queues_for(names: list[str]) -> dict[str, Queue]:
    """One public queue per first-level subject (slugs q01… : helpdesk's URLs want ASCII slugs)."""
    queues = {q.title: q for q in Queue.objects.all()}
    for name in names:
        if name not in queues:
            queues[name] = Queue.objects.create(
                title=name, slug=f"q{len(queues) + 1:02d}", allow_public_submission=True
            )
    return queues


def load(path: str) -> None:
    """Tickets as the public form leaves them (the ticket, its opening follow-up) and, for those
    Mochou closed or answered, the follow-up that resolved them with Mochou's reply, in bulk."""
    started = time.perf_counter()
    with open(path, encoding="utf-8") as f:
        rows = [json.loads(line) for line in f]
    queues = queues_for(sorted({r["queue"] for r in rows}))
    done = 0
    for i in range(0, len(rows), CHUNK):
        part = rows[i : i + CHUNK]
        with transaction.atomic():
            tickets = Ticket.objects.bulk_create(
                [
                    Ticket(
                        title=r["title"][:200],
                        queue=queues[r["queue"]],
                        created=datetime.fromisoformat(r["created"]),
                        modified=datetime.fromisoformat(r["modified"]),
                        submitter_email=r["email"],
                        status=r["status"],
                        description=r["content"],
                        resolution=r["reply"]
                        if r["status"] in (Ticket.RESOLVED_STATUS, Ticket.CLOSED_STATUS)
                        else "",
                        priority=3,
                        secret_key=str(uuid.uuid4()),
                    )
                    for r in part
                ]
            )
            followups = []
            for t, r in zip(tickets, part, strict=True):
                followups.append(
                    FollowUp(
                        ticket=t,
                        title="Ticket Opened Via Web",
                        date=t.created,
                        public=True,
                        comment=t.description,
                    )
                )
                if t.resolution:
                    followups.append(
                        FollowUp(
                            ticket=t,
                            title="Ticket Closed" if t.status == Ticket.CLOSED_STATUS else "Ticket Resolved",
                            date=datetime.fromisoformat(r["modified"]),
                            public=True,
                            comment=t.resolution,
                            new_status=t.status,
                        )
                    )
            FollowUp.objects.bulk_create(followups)
        done += len(part)
        print(f"  peer: {done:,} tickets loaded", file=sys.stderr, flush=True)
    with connection.cursor() as cursor:
        for table in ("helpdesk_ticket", "helpdesk_followup", "helpdesk_queue"):
            cursor.execute(f"VACUUM ANALYZE {table}")  # constant names
    out({"tickets": Ticket.objects.count(), "seconds": time.perf_counter() - started})


def create(bodies: list[dict[str, Any]]) -> list[float]:
    """The public submission's path in-process: PublicTicketForm validated, then saved."""
    times = []
    for body in bodies:
        t = time.perf_counter()
        form = PublicTicketForm(data=body)
        if not form.is_valid():
            raise SystemExit(f"peer agent: the form refused {body!r}: {form.errors.as_json()}")
        form.save(user=None)
        times.append((time.perf_counter() - t) * 1000)
    return times


def serve() -> None:
    staff = get_user_model().objects.get(username=STAFF)
    for line in sys.stdin:
        request = json.loads(line)
        op = request["op"]
        if op == "create":
            out({"ms": create(request["bodies"])})
        elif op == "session":
            client = Client()
            client.force_login(staff)
            out({"cookie": client.cookies["sessionid"].value})
        elif op == "ids":
            ordered = list(
                Ticket.objects.order_by("id").values_list("id", flat=True)[: max(request["positions"]) + 1]
            )
            out({"ids": [ordered[p] for p in request["positions"]]})
        elif op == "queue":
            out({"id": Queue.objects.order_by("id").values_list("id", flat=True).first()})
        elif op == "quit":
            out({"bye": True})
            return
        else:
            out({"error": f"unknown op {op!r}"})


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "setup":
        setup()
    elif command == "load":
        load(sys.argv[2])
    elif command == "serve":
        serve()
    else:
        raise SystemExit(__doc__)
