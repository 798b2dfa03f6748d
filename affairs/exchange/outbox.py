"""What we tell a partner region, kept until it is delivered (the outbox).

`queue()` writes an `ExchangeMessage` in the caller's transaction (the forwarded application, a
step of one a partner sent us) and hands it to the worker after commit. `deliver()` POSTs it,
signed, to the partner's exchange; the partner answers each message id once, so a resend after a
lost answer is harmless. A message waits for the earlier messages of its application (the
partner sees the steps in order). `sweep()` resends whatever is due and undelivered: a worker
that died, a partner that was down — recoverable from the data alone.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
import uuid
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from affairs.exchange import signing
from affairs.models import Application, ExchangeMessage, Partner
from mochou import leases

PATHS = {
    "forward": "/api/v1/affairs/exchange/applications",
    "progress": "/api/v1/affairs/exchange/progress",
    "delivered": "/api/v1/affairs/exchange/delivered",
}
TIMEOUT = 10
SEND_LEASE_SECONDS = 60
# After the n-th failed attempt, wait RETRY_BASE · 2ⁿ (capped): a partner that is down is not
# hammered, one that is back is reached within the hour.
RETRY_BASE = timedelta(minutes=1)
RETRY_CAP = timedelta(hours=1)


def forward_body(app: Application) -> dict[str, Any]:
    """The application as the partner needs it to accept and decide (the materials as checked here)."""
    person = app.applicant
    return {
        "matter": app.matter_snapshot.get("code", ""),
        "matter_name": app.matter_snapshot.get("name", ""),
        "applicant": {
            "name": person.name, "id_number": person.id_number, "phone": person.phone,
            "address": person.address, "is_enterprise": person.is_enterprise,
        },
        "materials": [{"name": m["name"], "provided": bool(m.get("provided"))} for m in app.materials],
        "note": app.form_note,
        "answers": dict(app.answers),  # the matter's form fields, as checked here
        "created_at": app.created_at.isoformat(),
    }  # fmt: skip


def queue(
    partner: Partner, app: Application, kind: str, body: dict[str, Any], *, now: datetime
) -> ExchangeMessage:
    """Write the message now; the worker sends it once the surrounding transaction commits."""
    numbers = {"number": app.number, "remote_number": app.remote_number}
    message = ExchangeMessage.objects.create(
        partner=partner, application=app, message_id=uuid.uuid4().hex, kind=kind,
        body={**body, **numbers}, created_at=now, next_attempt_at=now,
    )  # fmt: skip

    def enqueue() -> None:
        from affairs.tasks import deliver_exchange

        deliver_exchange(message.pk)

    transaction.on_commit(enqueue, robust=True)  # a queue outage delays it, the sweep sends it
    return message


def _post(message: ExchangeMessage) -> dict[str, Any]:
    body = json.dumps(message.body, ensure_ascii=False, sort_keys=True).encode()
    url = message.partner.base_url.rstrip("/") + PATHS[message.kind]
    request = urllib.request.Request(  # noqa: S310 (the partner's configured https/http address)
        url, data=body, headers=signing.headers(message.partner, message.message_id, body), method="POST"
    )
    with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310
        answer = json.loads(response.read().decode() or "{}")
    return answer if isinstance(answer, dict) else {}


def _earlier_pending(message: ExchangeMessage) -> bool:
    return ExchangeMessage.objects.filter(
        application_id=message.application_id, delivered_at__isnull=True, pk__lt=message.pk
    ).exists()


def deliver(message_pk: int, *, now: datetime | None = None, chain: bool = True) -> bool:
    """Send one message if it is still undelivered and its turn; True when delivered now.

    `chain`: then send the message that waited for it (the worker's path); the sweep, which goes
    through them in order itself, does not, so that what it counts is what it sent."""
    message = (
        ExchangeMessage.objects.select_related("partner")
        .filter(pk=message_pk, delivered_at__isnull=True)
        .first()
    )
    if message is None or _earlier_pending(message) or not message.partner.usable:
        return False
    lease = leases.take("affairs.exchange", message_pk, seconds=SEND_LEASE_SECONDS)
    if lease is None:
        return False
    try:
        now = now or timezone.now()
        try:
            answer = _post(message)
        except (OSError, ValueError) as error:  # refused, down, timed out, a 4xx/5xx, bad JSON
            detail = (
                error.read().decode(errors="replace")[:200]
                if isinstance(error, urllib.error.HTTPError)
                else ""
            )
            wait = min(RETRY_CAP, RETRY_BASE * (2 ** min(message.attempts, 10)))
            ExchangeMessage.objects.filter(pk=message_pk).update(
                attempts=message.attempts + 1,
                next_attempt_at=now + wait,
                last_error=f"{error} {detail}"[:300],
            )
            return False
        with transaction.atomic():
            done = ExchangeMessage.objects.filter(pk=message_pk, delivered_at__isnull=True).update(
                delivered_at=now, attempts=message.attempts + 1, response=answer, last_error=""
            )
            number = str(answer.get("number", ""))[:24]
            if done and message.kind == "forward" and number:
                # Not a loop state: the partner's number for our application, for the pages.
                Application.objects.filter(pk=message.application_id, remote_number="").update(
                    remote_number=number
                )
        if done and chain:
            _next_of(message)
        return bool(done)
    finally:
        leases.release("affairs.exchange", message_pk, lease)


def _next_of(message: ExchangeMessage) -> None:
    """A message that waited for this one goes now rather than at the next sweep."""
    following = (
        ExchangeMessage.objects.filter(application_id=message.application_id, delivered_at__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    )
    if following is not None:
        deliver(following)


def sweep(now: datetime | None = None, *, limit: int = 200) -> int:
    """Send every due, undelivered message (oldest first); how many were delivered."""
    now = now or timezone.now()
    due = ExchangeMessage.objects.filter(delivered_at__isnull=True, next_attempt_at__lte=now).order_by("pk")
    sent = 0
    for pk in list(due.values_list("pk", flat=True)[:limit]):
        sent += deliver(pk, now=now, chain=False)
    return sent
