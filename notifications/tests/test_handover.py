"""An SMS stored with its case but never handed to the worker (the web process died between the
commit and the enqueue) is sent by the periodic task, once; two workers never send one twice."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from pytest_django.fixtures import Settings

from mochou import leases
from mochou.models import Lease
from notifications import services, sms, tasks
from notifications.models import SmsMessage
from tests.concurrency import at_once

pytestmark = pytest.mark.django_db


class Counting(sms.SmsBackend):
    name = "record"

    def __init__(self, pause: float = 0) -> None:
        self.sent: list[str] = []
        self.pause = pause

    def send(self, phone: str, body: str) -> None:
        time.sleep(self.pause)
        self.sent.append(body)


@pytest.fixture
def backend(monkeypatch: pytest.MonkeyPatch) -> Counting:
    counting = Counting()
    monkeypatch.setattr(sms, "get_backend", lambda: counting)
    return counting


def never_handed_over(age: timedelta) -> SmsMessage:
    """Stored in the registration's transaction; its on_commit enqueue never ran."""
    message = SmsMessage.objects.create(phone="13812345678", body="【钟祥12345】您的诉求已受理")
    SmsMessage.objects.filter(pk=message.pk).update(created_at=timezone.now() - age)
    return message


def test_a_message_never_handed_over_is_sent_once(backend: Counting) -> None:
    young = never_handed_over(timedelta(seconds=30))
    lost = never_handed_over(services.HANDOVER_GRACE + timedelta(seconds=1))
    assert tasks.requeue_stuck_sms.call_local() == 1  # the young one may still be on its way
    assert tasks.requeue_stuck_sms.call_local() == 0  # a re-run finds nothing
    assert backend.sent == [lost.body]
    lost.refresh_from_db()
    young.refresh_from_db()
    assert (lost.status, lost.attempts, young.status) == ("sent", 1, "queued")
    assert not Lease.objects.exists()


def test_a_message_held_by_a_live_worker_is_not_sent_again(backend: Counting) -> None:
    message = never_handed_over(timedelta(0))
    token = leases.take("sms.deliver", message.pk, seconds=120)
    assert token is not None
    assert services.deliver(message.pk) is False
    assert backend.sent == []
    # The holder was killed mid-send: once its lease has run out, the next task takes over.
    Lease.objects.update(until=timezone.now() - timedelta(seconds=1))
    assert services.deliver(message.pk) is True
    assert services.deliver(message.pk) is False
    assert len(backend.sent) == 1


def test_a_failed_send_gives_its_lease_back_for_the_retry(monkeypatch: pytest.MonkeyPatch) -> None:
    class Down(sms.SmsBackend):
        def send(self, phone: str, body: str) -> None:
            raise ConnectionError("gateway down")

    monkeypatch.setattr(sms, "get_backend", Down)
    message = never_handed_over(timedelta(0))
    with pytest.raises(ConnectionError):
        services.deliver(message.pk)
    assert not Lease.objects.exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite serialises writers: no race to lose")
@pytest.mark.django_db(transaction=True)
def test_two_workers_delivering_one_message_send_it_once(
    monkeypatch: pytest.MonkeyPatch, settings: Settings
) -> None:
    slow = Counting(pause=0.3)
    monkeypatch.setattr(sms, "get_backend", lambda: slow)
    message = never_handed_over(timedelta(minutes=5))
    results = at_once(lambda: services.deliver(message.pk), 3)
    assert sorted(results) == [False, False, True]
    assert len(slow.sent) == 1
