"""The notifications page, the unread count in the top bar, and the SMS log."""

from __future__ import annotations

import pytest
from django.test import Client
from pytest_django import DjangoAssertNumQueries
from time_machine import Traveller

from notifications.models import Notification, SmsMessage
from notifications.services import notify_users
from tests.factories import City, make_case

pytestmark = pytest.mark.django_db


def test_notifications_list_and_unread_count(client: Client, city: City, clock: Traveller) -> None:
    clerk = city.users["clerk"]
    case = make_case(city)
    notify_users([clerk], kind="dispatched", message=f"新工单 {case.number}：小区门口下水道堵塞", case=case)
    notify_users([clerk], kind="supervised", message="督办：请加快办理")
    notify_users([city.users["outsider"]], kind="dispatched", message="别人的通知")
    client.force_login(clerk)
    body = client.get("/notifications/").content.decode()
    assert f"新工单 {case.number}" in body
    assert "督办：请加快办理" in body
    assert "别人的通知" not in body
    assert '<span class="count" id="unread-count">2</span>' in body
    assert "查看工单" in body


def test_marking_read(client: Client, city: City, clock: Traveller) -> None:
    clerk = city.users["clerk"]
    notify_users([clerk], kind="supervised", message="督办：请加快办理")
    notify_users([clerk], kind="supervised", message="督办：第二次")
    first, second = Notification.objects.filter(user=clerk).order_by("pk")
    client.force_login(clerk)
    assert client.get(f"/notifications/{first.pk}/read/").status_code == 405
    response = client.post(f"/notifications/{first.pk}/read/", HTTP_HX_REQUEST="true")
    assert f'id="notification-{first.pk}"' in response.content.decode()
    assert "已读" in response.content.decode()
    first.refresh_from_db()
    assert first.read_at is not None
    second.refresh_from_db()
    assert second.read_at is None
    assert '<span class="count" id="unread-count">1</span>' in client.get("/notifications/").content.decode()
    client.post("/notifications/read-all/")
    assert not Notification.objects.filter(user=clerk, read_at__isnull=True).exists()
    assert 'id="unread-count"' not in client.get("/notifications/").content.decode()


def test_open_marks_read_and_goes_to_the_case(client: Client, city: City, clock: Traveller) -> None:
    clerk = city.users["agent"]
    case = make_case(city)
    notify_users([clerk], kind="to_callback", message="待回访", case=case)
    note = Notification.objects.get(user=clerk)
    client.force_login(clerk)
    response = client.post(f"/notifications/{note.pk}/read/", {"open": "1"})
    assert response["Location"] == f"/cases/{case.number}/"
    note.refresh_from_db()
    assert note.read_at is not None


def test_cannot_mark_someone_elses_notification(client: Client, city: City) -> None:
    notify_users([city.users["clerk"]], kind="x", message="钱承办的通知")
    note = Notification.objects.get()
    client.force_login(city.users["outsider"])
    assert client.post(f"/notifications/{note.pk}/read/").status_code == 404
    note.refresh_from_db()
    assert note.read_at is None


def test_sms_log_masks_phones_for_the_centre(client: Client, city: City, clock: Traveller) -> None:
    case = make_case(city)  # registering texts the citizen their 受理编号
    assert SmsMessage.objects.filter(phone="13812345678").exists()
    client.force_login(city.users["dispatcher"])
    body = client.get("/notifications/sms/").content.decode()
    assert "短信记录" in body
    assert f"受理编号{case.number}" in body
    assert "138****5678" in body
    assert "13812345678" not in body


def test_sms_log_shows_full_numbers_to_the_administrator(
    client: Client, city: City, clock: Traveller
) -> None:
    make_case(city)
    from accounts.models import PersonalDataView

    client.force_login(city.users["admin"])
    assert "13812345678" in client.get("/notifications/sms/").content.decode()
    assert PersonalDataView.objects.filter(user=city.users["admin"], purpose="sms_log").exists()


def test_sms_log_is_closed_to_units(client: Client, city: City) -> None:
    client.force_login(city.users["clerk"])
    response = client.get("/notifications/sms/")
    assert response.status_code == 403
    assert "只有热线中心人员可以查看短信记录" in response.content.decode()


def test_notifications_query_count_is_bounded(
    client: Client, city: City, clock: Traveller, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    clerk = city.users["clerk"]
    for i in range(30):
        notify_users([clerk], kind="dispatched", message=f"新工单 {i}", case=make_case(city))
    client.force_login(clerk)
    with django_assert_max_num_queries(8):
        client.get("/notifications/")
    client.force_login(city.users["dispatcher"])
    with django_assert_max_num_queries(8):
        client.get("/notifications/sms/")
