"""Two small tables every channel and worker may use, below all the apps (no app imports here):

- `IdempotencyKey`: a client's `Idempotency-Key` and what its first request created, so that a
  retry after a lost connection returns the same case instead of registering a second one;
- `Lease`: a short claim on one piece of work with an outside effect (sending an SMS), so that two
  workers never do it at once, and a worker that died holding it is replaced after the lease ends.
"""

from __future__ import annotations

from django.db import models


class IdempotencyKey(models.Model):
    """One (client, key) pair: written in the same transaction as what the request created."""

    # Who sent it: "api:user:<id>" or "open311:key:<id>" — one client's keys never meet another's.
    client = models.CharField(max_length=64)
    key = models.CharField(max_length=255)
    # SHA-256 of the request's canonical body: the same key with another body is refused.
    fingerprint = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField()
    # What a replay needs to answer again (ids, numbers; never personal data).
    result = models.JSONField(default=dict)
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = "幂等键"
        verbose_name_plural = "幂等键"
        constraints = [
            models.UniqueConstraint(fields=["client", "key"], name="one_idempotency_key_per_client")
        ]

    def __str__(self) -> str:
        return f"{self.client} {self.key}"


class Lease(models.Model):
    """A claim on one duty (e.g. "sms.deliver", "42") until `until`; deleted when the work is done."""

    duty = models.CharField(max_length=32)
    ref = models.CharField(max_length=64)
    until = models.DateTimeField()
    holder = models.CharField(max_length=32)

    class Meta:
        verbose_name = "任务租约"
        verbose_name_plural = "任务租约"
        constraints = [models.UniqueConstraint(fields=["duty", "ref"], name="one_lease_per_duty")]

    def __str__(self) -> str:
        return f"{self.duty} {self.ref} → {self.until:%H:%M:%S}"
