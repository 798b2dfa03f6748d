"""跨域通办 within one database: the signature, the receipt (once per message), the outbox and its
sweep. The two-instance exchange over HTTP is test_two_instances.py."""

from __future__ import annotations

import json
import time
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from affairs import services
from affairs.exchange import outbox, signing
from affairs.models import Application, ExchangeMessage, ExchangeReceipt, Partner
from affairs.workflow import Action, Channel, State
from mochou.errors import NotPermitted

KEY = "a-shared-key-agreed-between-the-two-regions"
EXCHANGE = "/api/v1/affairs/exchange"


@pytest.fixture
def partner(db: Any) -> Partner:
    return Partner.objects.create(code="420821", name="京山市", base_url="http://127.0.0.1:9", key=KEY)


def _post(
    client: Any,
    path: str,
    body: dict[str, Any],
    *,
    message: str = "m-1",
    key: str = KEY,
    region: str = "420821",
    stamp: float | None = None,
) -> Any:
    raw = json.dumps(body, ensure_ascii=False).encode()
    sender = Partner(code=region, name="", base_url="http://x", key=key)
    head = signing.headers(sender, message, raw, now=stamp)
    head[signing.REGION] = region
    return client.post(EXCHANGE + path, data=raw, content_type="application/json", headers=head)


def _forwarded(person: Any, number: str = "ZW202501010007") -> dict[str, Any]:
    return {
        "number": number,
        "remote_number": "",
        "matter": "ZJJ-GJJ-01",
        "matter_name": "住房公积金提取",
        "applicant": {"name": person.name, "id_number": person.id_number, "phone": person.phone},
        "materials": [{"name": "身份证", "provided": True}, {"name": "购房合同", "provided": True}],
        "note": "异地购房提取",
    }


def test_the_signature_is_checked(partner):
    body = b'{"a": 1}'
    head = signing.headers(partner, "m-1", body)
    head[signing.REGION] = "420821"
    assert signing.verify(head, body) == (partner, "m-1")
    with pytest.raises(NotPermitted, match="签名不符"):
        signing.verify(head, b'{"a": 2}')
    with pytest.raises(NotPermitted, match="过期"):
        signing.verify(head, body, now=time.time() + signing.MAX_SKEW + 5)
    with pytest.raises(NotPermitted, match="未配置"):
        signing.verify({**head, signing.REGION: "999999"}, body)
    with pytest.raises(NotPermitted, match="缺少"):
        signing.verify({k: v for k, v in head.items() if k != signing.SIGNATURE}, body)


@pytest.mark.django_db
def test_a_forwarded_application_is_received_once(client, clock, city, matter, office, partner, person):
    answer = _post(client, "/applications", _forwarded(person))
    assert answer.status_code == 200, answer.content
    number = answer.json()["number"]
    app = Application.objects.get(number=number)
    assert (app.channel, app.origin, app.remote_number, app.state) == (
        Channel.PARTNER,
        partner,
        "ZW202501010007",
        State.SUBMITTED,
    )
    assert app.missing == []
    # The same message again (a lost answer, or a replay within the window): the first answer.
    again = _post(client, "/applications", _forwarded(person))
    assert again.json() == answer.json()
    # A resend under a new id: still one application.
    assert _post(client, "/applications", _forwarded(person), message="m-2").json()["number"] == number
    assert Application.objects.filter(origin=partner).count() == 1
    assert ExchangeReceipt.objects.count() == 2


@pytest.mark.django_db
def test_exchange_refusals_are_precise(client, clock, city, matter, office, partner, person):
    assert _post(client, "/applications", _forwarded(person), key="wrong").status_code == 403
    stale = time.time() - signing.MAX_SKEW - 60
    assert _post(client, "/applications", _forwarded(person), stamp=stale).status_code == 403
    unknown = {**_forwarded(person), "matter": "NO-SUCH"}
    assert _post(client, "/applications", unknown, message="m-3").status_code == 404
    bad_id = _forwarded(person)
    bad_id["applicant"]["id_number"] = "420881199001011234"  # a wrong check digit
    assert _post(client, "/applications", bad_id, message="m-4").status_code == 422
    assert (
        _post(
            client, "/progress", {"number": "X", "remote_number": "nope", "action": "grant"}, message="m-5"
        ).status_code
        == 404
    )
    assert not Application.objects.exists()


@pytest.mark.django_db
def test_handled_here_each_step_goes_back_to_the_origin(
    client, clock, city, matter, office, partner, person, window, django_capture_on_commit_callbacks
):
    number = _post(client, "/applications", _forwarded(person)).json()["number"]
    app = Application.objects.get(number=number)
    sent: list[dict[str, Any]] = []

    def fake_post(message: ExchangeMessage) -> dict[str, Any]:
        sent.append({"kind": message.kind, **message.body})
        return {"number": message.body["remote_number"], "state": "x", "state_label": "x"}

    clerk, leader = city.users["clerk"], city.users["unit_leader"]
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(outbox, "_post", fake_post)
        with django_capture_on_commit_callbacks(execute=True):
            app = services.accept(app, actor=window)
        with django_capture_on_commit_callbacks(execute=True):
            app = services.approve_step(app, actor=clerk)
        with django_capture_on_commit_callbacks(execute=True):
            app = services.grant(app, actor=leader, licence_number="GJJ-2025-7")
    assert [(m["kind"], m["action"]) for m in sent] == [
        ("progress", "accept"),
        ("progress", "approve_step"),
        ("progress", "grant"),
    ]
    assert sent[-1]["licence_number"] == "GJJ-2025-7"
    assert {m["remote_number"] for m in sent} == {"ZW202501010007"}
    # 出件 is the origin's: not offered here; its word arrives over the exchange.
    assert Action.DELIVER not in services.LOOP.guards.available(window, app)
    done = _post(client, "/delivered", {"number": "ZW202501010007", "remote_number": number}, message="d-1")
    assert done.status_code == 200, done.content
    assert Application.objects.get(pk=app.pk).state == State.DELIVERED


@pytest.mark.django_db
def test_forwarded_from_here_the_partner_progress_is_recorded(
    client, clock, city, matter, office, partner, person, window, django_capture_on_commit_callbacks
):
    app = services.submit(
        matter, person, provided=["身份证", "购房合同"], channel=Channel.WINDOW, actor=window, partner=partner
    )
    refused = services.LOOP.guards.refusal(window, app, Action.ACCEPT)
    assert refused is not None
    assert refused.code == "affairs.handled_elsewhere"
    calls: list[str] = []

    def down(message: ExchangeMessage) -> dict[str, Any]:
        calls.append(message.kind)
        raise OSError("connection refused")

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(outbox, "_post", down)
        with django_capture_on_commit_callbacks(execute=True):
            app = services.forward(app, actor=window)
    message = ExchangeMessage.objects.get(application=app)
    assert (message.kind, message.attempts, message.delivered_at) == ("forward", 1, None)
    assert "connection refused" in message.last_error
    # The sweep resends once it is due; the partner answers with its number.
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(outbox, "_post", lambda m: {"number": "ZW-JS-0001", "state": "submitted"})
        assert outbox.sweep(now=timezone.now()) == 0  # not due yet
        assert outbox.sweep(now=timezone.now() + timedelta(minutes=5)) == 1
        assert outbox.sweep(now=timezone.now() + timedelta(minutes=10)) == 0  # delivered once
    assert Application.objects.get(pk=app.pk).remote_number == "ZW-JS-0001"
    progress = {"number": "ZW-JS-0001", "remote_number": app.number, "action": "accept", "label": "已受理"}
    assert _post(client, "/progress", progress, message="p-1").json()["state"] == State.FORWARDED
    assert _post(client, "/progress", progress, message="p-1").status_code == 200  # a resend: no effect
    grant = {**progress, "action": "grant", "label": "准予", "licence_number": "JS-2025-1"}
    assert _post(client, "/progress", grant, message="p-2").json()["state"] == State.GRANTED
    app = Application.objects.get(pk=app.pk)
    assert (app.remote_progress, app.licence_number, app.outcome) == ("准予", "JS-2025-1", "granted")
    assert list(app.events.values_list("action", flat=True)) == [
        "submit",
        "forward",
        "remote_progress",
        "remote_grant",
    ]
    # The result is handed over here; the partner hears it.
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(outbox, "_post", lambda m: {"number": "ZW-JS-0001", "state": "delivered"})
        with django_capture_on_commit_callbacks(execute=True):
            services.deliver(app, actor=window, delivery="window")
    assert ExchangeMessage.objects.filter(
        application=app, kind="delivered", delivered_at__isnull=False
    ).exists()


@pytest.mark.django_db
def test_a_notice_or_refusal_before_acceptance_goes_back_to_the_origin(
    client, clock, city, matter, office, partner, person, window, django_capture_on_commit_callbacks
):
    sent: list[dict[str, Any]] = []

    def fake_post(message: ExchangeMessage) -> dict[str, Any]:
        sent.append({"kind": message.kind, **message.body})
        return {"number": message.body["remote_number"], "state": "x", "state_label": "x"}

    first = Application.objects.get(
        number=_post(client, "/applications", _forwarded(person)).json()["number"]
    )
    second = Application.objects.get(
        number=_post(client, "/applications", _forwarded(person, "ZW202501010008"), message="m-2").json()[
            "number"
        ]
    )
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(outbox, "_post", fake_post)
        with django_capture_on_commit_callbacks(execute=True):
            services.notify(first, actor=window, items=["购房合同（原件）"], note="合同缺页")
        with django_capture_on_commit_callbacks(execute=True):
            services.refuse(second, actor=window, reason="不属于本地管辖")
    assert [(m["kind"], m["action"], m["remote_number"]) for m in sent] == [
        ("progress", "notify", "ZW202501010007"),
        ("progress", "refuse", "ZW202501010008"),
    ]
    assert "购房合同（原件）" in sent[0]["label"]
    assert sent[0]["note"] == "合同缺页"
    assert sent[1]["note"] == "不属于本地管辖"
    assert not Application.objects.filter(notice_sms_at__isnull=False).exists()  # told at the origin


@pytest.mark.django_db
def test_the_origin_records_the_partners_notice_and_refusal(
    client, clock, city, matter, office, partner, person, window, monkeypatch
):
    monkeypatch.setattr(outbox, "_post", lambda m: {"number": "ZW-JS-0001", "state": "submitted"})
    full = ["身份证", "购房合同"]
    apps = [
        services.forward(
            services.submit(
                matter, person, provided=full, channel=Channel.WINDOW, actor=window, partner=partner
            ),
            actor=window,
        )
        for _ in range(2)
    ]
    notice = {
        "number": "ZW-JS-0001", "remote_number": apps[0].number, "action": "notify",
        "label": "办理地一次性告知，需补正：购房合同（原件）", "note": "合同缺页",
    }  # fmt: skip
    answer = _post(client, "/progress", notice, message="n-1")
    assert answer.status_code == 200, answer.content
    assert answer.json()["state"] == State.FORWARDED
    noticed = Application.objects.get(pk=apps[0].pk)
    assert noticed.remote_progress == notice["label"]
    page = client.get(f"/affairs/my/{noticed.token}/").content.decode()
    assert "需补正：购房合同（原件）" in page  # the applicant here reads it
    refusal = {
        "number": "ZW-JS-0002", "remote_number": apps[1].number, "action": "refuse",
        "label": "不予受理", "note": "不属于本地管辖",
    }  # fmt: skip
    assert _post(client, "/progress", refusal, message="r-1").json()["state"] == State.REFUSED
    refused = Application.objects.get(pk=apps[1].pk)
    assert (refused.refuse_reason, refused.outcome) == ("不属于本地管辖", "refused")
