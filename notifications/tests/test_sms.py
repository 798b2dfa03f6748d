"""SMS: recorded by default, posted to an HTTP gateway when configured, retried by the worker."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core.exceptions import ImproperlyConfigured

from notifications import services
from notifications.models import SmsMessage
from notifications.sms import HttpGatewayBackend, RecordingBackend, get_backend

pytestmark = pytest.mark.django_db


class Gateway:
    """A local SMS gateway that records what it receives and answers with a chosen status."""

    def __init__(self, status: int = 200) -> None:
        self.status = status
        self.received: list[dict] = []
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers["Content-Length"])
                gateway.received.append(json.loads(self.rfile.read(length)))
                self.send_response(gateway.status)
                self.end_headers()

            def log_message(self, *args: object) -> None:  # keep the test output clean
                return

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/send"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Gateway:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def test_the_default_backend_records_messages_where_the_demo_shows_them(settings) -> None:
    settings.MOCHOU_SMS_BACKEND = "record"
    assert isinstance(get_backend(), RecordingBackend)
    sms = services.queue_sms("13812345678", "【钟祥12345】测试")
    assert sms is not None
    sms.refresh_from_db()
    assert (sms.status, sms.backend) == (SmsMessage.Status.SENT, "record")


def test_the_http_gateway_receives_phone_and_body(settings) -> None:
    with Gateway() as gateway:
        settings.MOCHOU_SMS_BACKEND = "http"
        settings.MOCHOU_SMS_URL = gateway.url
        sms = services.queue_sms("13812345678", "【钟祥12345】您的诉求已受理")
        assert sms is not None
    sms.refresh_from_db()
    assert gateway.received == [{"phone": "13812345678", "body": "【钟祥12345】您的诉求已受理"}]
    assert (sms.status, sms.backend, sms.attempts) == (SmsMessage.Status.SENT, "http", 1)


def test_a_failing_gateway_leaves_the_message_queued_for_the_next_try(settings) -> None:
    settings.MOCHOU_SMS_BACKEND = "http"
    with Gateway(status=500) as gateway:
        settings.MOCHOU_SMS_URL = gateway.url
        sms = SmsMessage.objects.create(phone="13812345678", body="测试")
        with pytest.raises(Exception, match="500"):
            services.deliver(sms.pk)  # huey retries a task that raises
        sms.refresh_from_db()
        assert (sms.status, sms.attempts) == (SmsMessage.Status.QUEUED, 1)
        assert "500" in sms.error
        gateway.status = 200
        assert services.deliver(sms.pk) is True
    sms.refresh_from_db()
    assert (sms.status, sms.attempts) == (SmsMessage.Status.SENT, 2)
    assert len(gateway.received) == 2


def test_a_message_is_sent_only_once_even_if_delivered_twice(settings) -> None:
    settings.MOCHOU_SMS_BACKEND = "record"
    sms = SmsMessage.objects.create(phone="13812345678", body="测试")
    assert services.deliver(sms.pk) is True
    assert services.deliver(sms.pk) is False


def test_a_message_given_up_on_is_marked_failed() -> None:
    sms = SmsMessage.objects.create(phone="13812345678", body="测试")
    services.mark_failed(sms.pk, "gateway down")
    sms.refresh_from_db()
    assert (sms.status, sms.error) == (SmsMessage.Status.FAILED, "gateway down")


def test_misconfigured_backends_fail_loudly(settings) -> None:
    settings.MOCHOU_SMS_BACKEND = "carrier-pigeon"
    with pytest.raises(ImproperlyConfigured):
        get_backend()
    with pytest.raises(ImproperlyConfigured):
        HttpGatewayBackend("ftp://gateway")


def test_a_message_stored_while_the_queue_was_down_is_sent_later(settings, monkeypatch) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from notifications import tasks

    settings.MOCHOU_SMS_BACKEND = "record"

    def queue_down(sms_id: int) -> None:
        raise ConnectionError("redis down")

    monkeypatch.setattr(tasks, "deliver_sms", queue_down)
    sms = services.queue_sms("13812345678", "【钟祥12345】测试")  # stored; the enqueue failed
    assert sms is not None
    sms.refresh_from_db()
    assert sms.status == SmsMessage.Status.QUEUED
    monkeypatch.undo()
    assert services.stuck_messages() == []  # huey's own retries still have time
    later = timezone.now() + timedelta(hours=1)
    assert services.stuck_messages(later) == [sms.pk]
    SmsMessage.objects.filter(pk=sms.pk).update(created_at=timezone.now() - timedelta(hours=1))
    assert tasks.requeue_stuck_sms.call_local() == 1
    sms.refresh_from_db()
    assert sms.status == SmsMessage.Status.SENT
