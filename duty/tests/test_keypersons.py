"""重点人员: the closed loop (登记 → 核查 n → 解除), the overdue sweep's once-only notices, and
personal data plain only to the responsible chain — masked for everyone else, every plain view
audited on pages and the API."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.test import Client

from accounts.audit.models import AuditRecord
from accounts.models import ApiToken, User
from conftest import WORKING_MORNING
from duty.models import KeyPerson, KeyPersonEvent
from duty.privacy import AUDIT_ACTION, people_for, person_for
from duty.services.keypersons import close_person, record_check, register_person
from duty.sweeps import warn_key_checks
from duty.tests.conftest import Duty
from duty.workflow import KeyState
from mochou.errors import InvalidInput, NotPermitted, TransitionNotAllowed
from notifications.models import Notification
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db
NOW = WORKING_MORNING
ID = "420881195800000032"


def _person(duty: Duty, *, every: int = 1, actor: User | None = None) -> KeyPerson:
    return register_person(
        duty.city.township,
        actor=actor or duty.town_clerk,
        category="flood",
        reason="低洼地带独居老人，汛期需优先转移",
        responsible=duty.town_leader,
        name="张某英",
        id_number=ID,
        phone="13800000101",
        address="郢中街道某某社区3组12号",
        check_every_days=every,
        now=NOW,
    )


def test_the_loop_registers_checks_and_closes_with_one_event_each(duty: Duty) -> None:
    person = _person(duty, every=2)
    assert person.state == KeyState.ACTIVE
    assert person.next_check_by == NOW + timedelta(days=2)
    late = record_check(
        person, actor=duty.town_clerk, result="normal", note="情况正常", now=NOW + timedelta(days=3)
    )
    assert late.late
    person.refresh_from_db()
    assert person.checks_done == 1
    assert person.next_check_by == NOW + timedelta(days=5)
    on_time = record_check(
        person, actor=duty.office_clerk, result="attention", note="需关注", now=NOW + timedelta(days=4)
    )
    assert not on_time.late
    closed = close_person(
        person, actor=duty.town_leader, reason="汛期结束，已返家", now=NOW + timedelta(days=5)
    )
    assert (closed.state, closed.next_check_by, closed.close_reason) == (
        KeyState.CLOSED,
        None,
        "汛期结束，已返家",
    )
    assert list(KeyPersonEvent.objects.filter(person=person).values_list("action", flat=True)) == [
        "register",
        "check",
        "check",
        "close",
    ]
    with pytest.raises(TransitionNotAllowed):
        record_check(
            closed, actor=duty.town_clerk, result="normal", note="已解除", now=NOW + timedelta(days=6)
        )
    # No personal data in the event log (read more widely than the record).
    assert "张某英" not in json.dumps(
        list(KeyPersonEvent.objects.values("payload", "note")), ensure_ascii=False
    )


def test_only_the_responsible_chain_registers_checks_and_closes(duty: Duty) -> None:
    with pytest.raises(NotPermitted):
        _person(duty, actor=duty.city.users["clerk"])  # another unit's clerk
    assert _person(duty, actor=duty.office_clerk).unit == duty.city.township  # the office, for the township
    person = _person(duty)
    for outsider in (duty.city.users["clerk"], duty.city.users["leader"], duty.city.users["agent"]):
        with pytest.raises(NotPermitted):
            record_check(person, actor=outsider, result="normal", note="外单位", now=NOW)
        with pytest.raises(NotPermitted):
            close_person(person, actor=outsider, reason="外单位", now=NOW)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("check_every_days", 0),
        ("check_every_days", "abc"),
        ("id_number", "12345"),
        ("phone", "12"),
        ("category", "x"),
    ],
)
def test_bad_input_is_a_clear_error(duty: Duty, field: str, value: object) -> None:
    values: dict[str, object] = {
        "category": "flood",
        "reason": "汛期转移",
        "responsible": duty.town_clerk,
        "name": "张某",
        "check_every_days": 1,
        field: value,
    }
    with pytest.raises(InvalidInput) as raised:
        register_person(duty.city.township, actor=duty.town_clerk, now=NOW, **values)  # type: ignore[arg-type]
    assert raised.value.details["field"] == field


def test_a_responsible_person_from_another_unit_is_refused(duty: Duty) -> None:
    with pytest.raises(InvalidInput):
        register_person(
            duty.city.township,
            actor=duty.town_clerk,
            category="health",
            reason="健康随访",
            responsible=duty.city.users["clerk"],
            name="王某",
            check_every_days=7,
            now=NOW,
        )


def test_personal_data_is_plain_for_the_chain_and_masked_for_everyone_else(duty: Duty) -> None:
    person = _person(duty)
    for user in (duty.town_clerk, duty.town_leader, duty.office_clerk, duty.office_leader):
        shown = person_for(user, person, purpose="测试")
        assert (shown.name, shown.id_number, shown.phone, shown.plain) == ("张某英", ID, "13800000101", True)
    for user in (duty.city.users["leader"], duty.city.users["admin"], duty.city.users["clerk"]):
        shown = person_for(user, person, purpose="测试")
        assert not shown.plain
        assert shown.name == "张**"
        assert shown.id_number == "420881********0032"
        assert shown.phone == "138****0101"
        assert "12号" not in shown.address
        assert shown.address.startswith("郢中街道")
    # Two plain lookups audited per chain member asking, none for the masked ones.
    assert AuditRecord.objects.filter(action=AUDIT_ACTION).count() == 4
    assert set(AuditRecord.objects.filter(action=AUDIT_ACTION).values_list("actor__username", flat=True)) == {
        "town_clerk",
        "town_leader",
        "yjj_clerk",
        "yjj_leader",
    }


def test_a_list_is_audited_once_with_every_plain_person(duty: Duty) -> None:
    persons = [_person(duty) for _ in range(3)]
    people_for(duty.town_clerk, persons, purpose="列表")
    record = AuditRecord.objects.get(action=AUDIT_ACTION)
    assert record.new["ids"] == [p.pk for p in persons]
    assert record.reason == "列表"


def test_another_unit_does_not_see_the_record_at_all(duty: Duty) -> None:
    _person(duty)
    assert not KeyPerson.objects.visible_to(duty.city.users["clerk"]).exists()
    assert KeyPerson.objects.visible_to(duty.city.users["leader"]).count() == 1  # masked, see above


def test_an_overdue_check_is_warned_once_per_deadline(duty: Duty) -> None:
    person = _person(duty, every=1)
    assert warn_key_checks(NOW + timedelta(hours=23)) == 0
    assert warn_key_checks(NOW + timedelta(days=1, minutes=1)) == 1
    assert warn_key_checks(NOW + timedelta(days=1, hours=2)) == 0  # once
    told = Notification.objects.filter(kind="duty_keyperson", message__contains="核查逾期")
    assert set(told.values_list("user__username", flat=True)) == {
        "town_clerk",
        "town_leader",
        "town_clerk2",
        "yjj_clerk",
        "yjj_leader",
    }
    assert not told.filter(message__contains="张某英").exists()  # no name in a notice
    record_check(
        person, actor=duty.town_clerk, result="normal", note="情况正常", now=NOW + timedelta(days=1, hours=3)
    )
    assert warn_key_checks(NOW + timedelta(days=2, hours=4)) == 1  # the new deadline, once again


# ---------------------------------------------------------------- pages and API


def _client(user: User) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_pages_show_masked_or_plain_and_audit_the_plain(duty: Duty) -> None:
    person = _person(duty)
    page = _client(duty.town_clerk).get(f"/duty/keypersons/{person.pk}/")
    assert page.status_code == 200
    assert "张某英" in page.content.decode()
    assert ID in page.content.decode()
    assert AuditRecord.objects.filter(action=AUDIT_ACTION, actor=duty.town_clerk).count() == 1
    listing = _client(duty.city.users["leader"]).get("/duty/keypersons/")
    body = listing.content.decode()
    assert listing.status_code == 200
    assert "张**" in body
    assert "张某英" not in body
    assert not AuditRecord.objects.filter(action=AUDIT_ACTION, actor=duty.city.users["leader"]).exists()
    assert _client(duty.city.users["clerk"]).get(f"/duty/keypersons/{person.pk}/").status_code in (403, 404)


def test_the_phone_check_form_records_a_check(duty: Duty, clock: object) -> None:
    person = _person(duty)
    client = _client(duty.town_clerk)
    form = client.get(f"/duty/keypersons/{person.pk}/check/")
    assert form.status_code == 200
    assert 'name="result"' in form.content.decode()
    empty = client.post(f"/duty/keypersons/{person.pk}/check/", {"result": "normal", "note": ""})
    assert empty.status_code == 422
    assert "情况说明" in empty.content.decode()
    done = client.post(f"/duty/keypersons/{person.pk}/check/", {"result": "absent", "note": "本人外出"})
    assert done.status_code == 302
    assert person.checks.get().result == "absent"
    refused = _client(duty.city.users["leader"]).get(f"/duty/keypersons/{person.pk}/check/")
    assert refused.status_code == 403
    assert 'id="check-form"' not in refused.content.decode()


def test_register_and_close_through_the_pages(duty: Duty, clock: object) -> None:
    client = _client(duty.town_clerk)
    made = client.post(
        "/duty/keypersons/new/",
        {
            "category": "health",
            "reason": "健康随访",
            "unit": "420881001",
            "responsible": duty.town_clerk.pk,
            "name": "王某",
            "check_every_days": "7",
        },
    )
    assert made.status_code == 302, made.content.decode()
    person = KeyPerson.objects.get()
    bad = client.post("/duty/keypersons/new/", {"category": "health", "unit": "420881001", "name": "王某"})
    assert bad.status_code == 422
    client.post(f"/duty/keypersons/{person.pk}/close/", {"reason": "随访结束"})
    person.refresh_from_db()
    assert person.state == KeyState.CLOSED


def _api(user: User) -> tuple[Client, dict[str, str]]:
    return Client(), {"Authorization": f"Bearer {ApiToken.issue(user)}"}


def test_api_masks_outside_the_chain_audits_the_plain_and_runs_the_loop(duty: Duty, clock: object) -> None:
    client, headers = _api(duty.town_clerk)
    body = {
        "unit": "420881001",
        "category": "flood",
        "reason": "危房户转移",
        "responsible": duty.town_leader.pk,
        "name": "李某华",
        "id_number": ID,
        "phone": "13800000102",
        "address": "郢中街道某某村5组",
        "check_every_days": 1,
    }
    made = client.post(
        "/api/v1/duty/keypersons", json.dumps(body), content_type="application/json", headers=headers
    )
    assert made.status_code == 201, made.content
    pk = made.json()["id"]
    assert made.json()["name"] == "李某华"
    assert made.json()["plain"]
    leader_client, leader_headers = _api(duty.city.users["leader"])
    masked = leader_client.get("/api/v1/duty/keypersons", headers=leader_headers).json()
    assert masked[0]["name"] == "李**"
    assert masked[0]["id_number"] == "420881********0032"
    assert not masked[0]["plain"]
    assert masked[0]["actions"] == []
    before = AuditRecord.objects.filter(action=AUDIT_ACTION).count()
    detail = client.get(f"/api/v1/duty/keypersons/{pk}", headers=headers)
    assert detail.json()["phone"] == "13800000102"
    assert AuditRecord.objects.filter(action=AUDIT_ACTION).count() == before + 1
    check = client.post(
        f"/api/v1/duty/keypersons/{pk}/checks",
        json.dumps({"result": "normal", "note": "已告知转移路线"}),
        content_type="application/json",
        headers=headers,
    )
    assert check.status_code == 201
    assert check.json()["checks"][0]["result"] == "normal"
    refused = leader_client.post(
        f"/api/v1/duty/keypersons/{pk}/close",
        json.dumps({"reason": "市领导"}),
        content_type="application/json",
        headers=leader_headers,
    )
    assert refused.status_code == 403
    outsider_client, outsider_headers = _api(duty.city.users["clerk"])
    assert outsider_client.get(f"/api/v1/duty/keypersons/{pk}", headers=outsider_headers).status_code == 404
    bad = client.post(
        "/api/v1/duty/keypersons",
        json.dumps({**body, "check_every_days": 0}),
        content_type="application/json",
        headers=headers,
    )
    assert bad.status_code == 422
    closed = client.post(
        f"/api/v1/duty/keypersons/{pk}/close",
        json.dumps({"reason": "汛期结束"}),
        content_type="application/json",
        headers=headers,
    )
    assert closed.json()["state"] == "closed"
    again = client.post(
        f"/api/v1/duty/keypersons/{pk}/close",
        json.dumps({"reason": "汛期结束"}),
        content_type="application/json",
        headers=headers,
    )
    assert again.status_code == 409
