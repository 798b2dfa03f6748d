"""Appeals enter the one case loop; visits are logged; bad input is refused and nothing is stored."""

from __future__ import annotations

import threading
from datetime import date, timedelta
from typing import Any

import pytest
from django.db import connection
from time_machine import Traveller

from accounts.models import User
from cases import services as case_services
from cases.models import Case, CaseEvent, Channel, Kind
from cases.workflow import State
from enterprises import services
from enterprises.models import Appeal, Enterprise, EnterpriseContact, Visit
from mochou.errors import Conflict, InvalidInput, NotFound, NotPermitted
from notifications.models import Notification, SmsMessage
from tests.factories import City

from .conftest import Firm

CONTENT = "园区兴业大道段路灯损坏多盏，夜间货车进出存在安全隐患，请协调修复。"


def submit(firm: Firm, **overrides: str) -> Appeal:
    values: dict[str, Any] = {
        "kind": Kind.HELP,
        "title": "园区道路夜间照明不足",
        "content": CONTENT,
        **overrides,
    }
    return services.submit_appeal(firm.enterprise, firm.contact, **values)


def test_an_appeal_becomes_an_enterprise_case_and_the_liaison_is_told(firm: Firm) -> None:
    appeal = submit(firm)

    case = Case.objects.get(pk=appeal.case_id)
    assert case.channel == Channel.ENTERPRISE
    assert case.state == State.REGISTERED
    assert case.citizen_name == "刘春燕"
    assert case.citizen_phone == "13772400101"
    assert case.township == firm.enterprise.township
    assert case.address == firm.enterprise.address
    assert case.content.startswith(
        "【企业诉求】钟祥市测试1号农产品加工有限公司（统一社会信用代码 91420881MA490"
    )
    assert case.content.endswith(CONTENT)
    assert case.appeal.enterprise == firm.enterprise
    assert case.appeal.contact == firm.contact
    assert CaseEvent.objects.filter(case=case).count() == 1
    notice = Notification.objects.get(user=firm.liaison, case=case)
    assert "钟祥市测试1号农产品加工有限公司" in notice.message
    assert case.number in notice.message
    # The receipt goes to the contact's own mobile, and nowhere else in the enterprise.
    receipt = SmsMessage.objects.get(case=case)
    assert receipt.phone == "13772400101"
    assert case.number in receipt.body


def test_the_reply_notice_reaches_the_contact(city: City, firm: Firm) -> None:
    case = submit(firm).case
    case_services.dispatch(case, actor=city.users["dispatcher"], lead_unit=city.housing)
    case_services.accept(case, actor=city.users["clerk"])
    case_services.submit_reply(case, actor=city.users["clerk"], body="已安排路灯养护单位于本周内修复。")
    case_services.approve_reply(case, actor=city.users["unit_leader"])

    bodies = list(SmsMessage.objects.filter(phone="13772400101", case=case).values_list("body", flat=True))
    assert len(bodies) == 2  # the receipt and the reply notice
    [appeal] = services.appeals_of(firm.enterprise)
    assert appeal.answer.body == "已安排路灯养护单位于本周内修复。"  # type: ignore[attr-defined]  # set by appeals_of()


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"content": "路" * (services.MAX_CONTENT + 1)}, "content", "invalid_input.too_long"),
        ({"content": "太短了"}, "content", "invalid_input.too_short"),
        ({"content": ""}, "content", "invalid_input.required"),
        ({"title": "标" * 61}, "title", "invalid_input.too_long"),
        ({"title": ""}, "title", "invalid_input.required"),
        ({"content": CONTENT + "<script>alert(1)</script>"}, "content", "invalid_input.markup"),
        ({"title": '<img src=x onerror="alert(1)">'}, "title", "invalid_input.markup"),
        ({"kind": "bribe"}, "kind", "invalid_input.kind"),
    ],
)
def test_bad_appeal_input_is_refused_and_nothing_is_stored(
    firm: Firm, overrides: dict[str, str], field: str, code: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        submit(firm, **overrides)
    assert caught.value.code == code
    assert caught.value.details["field"] == field
    assert caught.value.message  # a Chinese sentence, shown next to the field
    assert not Case.objects.exists()
    assert not Appeal.objects.exists()
    assert not Notification.objects.filter(kind="enterprise_appeal").exists()


def test_too_long_content_says_how_long_it_is(firm: Firm) -> None:
    with pytest.raises(InvalidInput) as caught:
        submit(firm, content="路" * 4001)
    assert caught.value.message == "诉求内容不能超过4000个字（现为4001个字）。"


def test_a_contact_cannot_submit_for_another_enterprise(firm: Firm, other_firm: Firm) -> None:
    with pytest.raises(NotPermitted):
        services.submit_appeal(
            firm.enterprise, other_firm.contact, kind=Kind.HELP, title="标题", content=CONTENT
        )
    assert not Case.objects.exists()


def test_a_leaked_link_cannot_flood_the_centre(firm: Firm) -> None:
    for _ in range(services.MAX_APPEALS_PER_DAY):
        submit(firm)
    with pytest.raises(Conflict) as caught:
        submit(firm)
    assert "请明天再提交" in caught.value.message
    assert Case.objects.count() == services.MAX_APPEALS_PER_DAY


def test_a_parallel_burst_cannot_pass_the_daily_limit(
    transactional_db: None, firm: Firm, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two submissions for the last place of the day: one is stored, the other refused.

    The first is held inside its transaction (at register_case) while the second runs; without
    the lock on the contact both count the same number and both are stored. PostgreSQL only (the
    CI runs it there): the suite's in-memory SQLite refuses a second writer at once instead of
    waiting, and SQLite's IMMEDIATE transactions serialise writers in production anyway.
    """
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL (DATABASE_URL=postgres://…)")
    for _ in range(services.MAX_APPEALS_PER_DAY - 1):
        submit(firm)
    inside, release = threading.Event(), threading.Event()
    real_register = case_services.register_case

    def held_register(**kwargs: Any) -> Case:
        if threading.current_thread().name == "first":
            inside.set()
            release.wait(timeout=10)
        return real_register(**kwargs)

    monkeypatch.setattr(case_services, "register_case", held_register)
    outcome: dict[str, str] = {}

    def run() -> None:
        try:
            submit(firm, title=threading.current_thread().name)
            outcome[threading.current_thread().name] = "stored"
        except Conflict as error:
            outcome[threading.current_thread().name] = error.code
        finally:
            connection.close()

    first = threading.Thread(target=run, name="first")
    second = threading.Thread(target=run, name="second")
    first.start()
    assert inside.wait(timeout=10)
    second.start()
    second.join(timeout=2)  # with the lock it waits for the first; without, it is stored now
    release.set()
    first.join(timeout=20)
    second.join(timeout=20)
    assert outcome == {"first": "stored", "second": "conflict.too_many_appeals"}
    assert firm.contact.appeals.count() == services.MAX_APPEALS_PER_DAY


def test_a_new_link_replaces_the_old_one(firm: Firm) -> None:
    assert services.contact_for_token(firm.token) == firm.contact
    new = services.issue_access_link(firm.contact, actor=firm.liaison)
    with pytest.raises(NotFound) as caught:
        services.contact_for_token(firm.token)
    assert "已被更换" in caught.value.message
    assert services.contact_for_token(new) == firm.contact
    # Only the digest is stored; the token travels in the SMS to the contact alone.
    contact = EnterpriseContact.objects.get(pk=firm.contact.pk)
    assert new not in contact.token_digest
    sms = SmsMessage.objects.filter(phone="13772400101").latest("pk")
    assert f"/enterprises/e/{new}/" in sms.body


def test_links_expire_and_stop_with_a_deactivated_contact(firm: Firm, clock: Traveller) -> None:
    clock.shift(timedelta(days=services.LINK_DAYS + 1))
    with pytest.raises(NotFound) as caught:
        services.contact_for_token(firm.token)
    assert "已过期" in caught.value.message
    clock.shift(-timedelta(days=services.LINK_DAYS + 1))
    EnterpriseContact.objects.filter(pk=firm.contact.pk).update(is_active=False)
    with pytest.raises(NotFound):
        services.contact_for_token(firm.token)


def test_only_the_liaison_or_a_manager_sends_a_link(firm: Firm, other_liaison: User, agent: User) -> None:
    for actor in (other_liaison, agent):
        with pytest.raises(NotPermitted):
            services.issue_access_link(firm.contact, actor=actor)


def test_the_liaison_logs_a_visit(firm: Firm) -> None:
    visit = services.log_visit(
        firm.enterprise,
        actor=firm.liaison,
        date=date(2025, 9, 23),
        purpose="了解三季度生产经营情况",
        notes="订单饱满，无其他诉求。",
        follow_up="十月回访用工情况",
    )
    assert Visit.objects.get() == visit
    assert visit.liaison == firm.liaison
    summary = Enterprise.objects.with_summary().get(pk=firm.enterprise.pk)
    assert summary.last_visit == date(2025, 9, 23)  # type: ignore[attr-defined]  # annotated by with_summary()


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"date": date(2025, 9, 25), "purpose": "走访"}, "date"),  # tomorrow: not happened yet
        ({"date": date(2024, 9, 1), "purpose": "走访"}, "date"),
        ({"date": date(2025, 9, 24), "purpose": ""}, "purpose"),
        ({"date": date(2025, 9, 24), "purpose": "走" * 101}, "purpose"),
        ({"date": date(2025, 9, 24), "purpose": "走访", "notes": "<script>x</script>"}, "notes"),
    ],
)
def test_bad_visits_are_refused(firm: Firm, values: dict, field: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        services.log_visit(firm.enterprise, actor=firm.liaison, **values)
    assert caught.value.details["field"] == field
    assert not Visit.objects.exists()


def test_only_the_enterprise_s_liaison_logs_its_visits(firm: Firm, other_liaison: User) -> None:
    with pytest.raises(NotPermitted):
        services.log_visit(firm.enterprise, actor=other_liaison, date=date(2025, 9, 24), purpose="走访")
    assert not Visit.objects.exists()


def test_contacts_need_a_mobile_and_a_name(firm: Firm) -> None:
    with pytest.raises(InvalidInput) as caught:
        services.add_contact(firm.enterprise, actor=firm.liaison, name="王强", mobile="0724-4222345")
    assert caught.value.code == "invalid_input.phone"
    with pytest.raises(InvalidInput) as caught:
        services.add_contact(firm.enterprise, actor=firm.liaison, name="<b>王</b>", mobile="13800000000")
    assert caught.value.details["field"] == "name"
    with pytest.raises(Conflict):
        services.add_contact(firm.enterprise, actor=firm.liaison, name="王强", mobile="137 7240 0101")
    assert firm.enterprise.contacts.count() == 1


def test_only_managers_register_enterprises_and_a_code_is_registered_once(
    city: City, firm: Firm, liaison: User
) -> None:
    copy = Enterprise(name="另一家公司", credit_code=firm.enterprise.credit_code, township=city.township)
    with pytest.raises(NotPermitted):
        services.save_enterprise(copy, actor=liaison)
    with pytest.raises(Conflict) as caught:
        services.save_enterprise(copy, actor=city.users["dispatcher"])
    assert "已登记为“钟祥市测试1号农产品加工有限公司”" in caught.value.message
    assert Enterprise.objects.count() == 1


def test_a_newly_assigned_liaison_is_told(city: City, firm: Firm, other_liaison: User) -> None:
    firm.enterprise.liaison = other_liaison
    services.save_enterprise(firm.enterprise, actor=city.users["admin"])
    assert Notification.objects.filter(user=other_liaison, kind="enterprise_assigned").count() == 1
