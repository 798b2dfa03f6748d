"""The hall's pages: the kiosk's slip, the desk's buttons, the screen, the board, the phone's
预约 and the staff's masked list with its audited contact view."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.audit.models import AuditRecord
from hall.models import Appointment, Ticket
from hall.services import appointments as appts
from hall.services import tickets as svc
from hall.workflow import State

pytestmark = pytest.mark.django_db
TODAY = date(2025, 9, 24)


def test_the_kiosk_gives_a_slip_with_the_number_and_those_ahead(
    client: Client, matter: Any, clock: Any
) -> None:
    page = client.get(reverse("hall:kiosk"))
    assert page.status_code == 200
    assert matter.name in page.content.decode()
    svc.take(matter)
    response = client.post(reverse("hall:kiosk_take"), {"matter": matter.pk})
    assert response.status_code == 302
    slip = client.get(response["Location"]).content.decode()
    assert "B002" in slip
    assert "前面还有 <strong>1</strong> 人" in slip


def test_the_kiosk_refuses_nonsense_clearly(client: Client, matter: Any, clock: Any) -> None:
    assert client.post(reverse("hall:kiosk_take"), {"matter": "abc"}).status_code == 422
    bad = client.post(reverse("hall:kiosk_check_in"), {"code": "12", "last4": "x"})
    assert bad.status_code == 422
    assert "预约码" in bad.content.decode()


def test_the_desk_calls_serves_and_links_the_application(
    client: Client, matter: Any, comprehensive: Any, window: Any, person: Any, clock: Any
) -> None:
    from affairs.services import applications as affairs_services
    from affairs.workflow import Channel

    client.force_login(window)
    svc.take(matter)
    page = reverse("hall:window", args=["01"])
    assert "btn-call" in client.get(page).content.decode()
    client.post(reverse("hall:call", args=["01"]))
    ticket = Ticket.objects.get()
    body = client.get(page).content.decode()
    assert "btn-recall" in body
    assert "btn-start" in body
    assert "btn-no_show" not in body
    client.post(reverse("hall:act", args=[ticket.pk, "start"]), {"window": "01"})
    app = affairs_services.submit(matter, person, provided=[], channel=Channel.WINDOW, actor=window)
    client.post(reverse("hall:act", args=[ticket.pk, "finish"]), {"window": "01", "application": app.number})
    ticket.refresh_from_db()
    assert ticket.state == State.DONE
    assert ticket.application_id == app.pk


def test_a_clerk_of_another_window_may_not_open_this_one(
    client: Client, comprehensive: Any, housing_window: Any, housing_clerk: Any, outsider: Any
) -> None:
    client.force_login(housing_clerk)
    assert client.get(reverse("hall:window", args=["01"])).status_code == 403
    assert client.get(reverse("hall:window", args=["05"])).status_code == 200
    client.force_login(outsider)
    assert client.get(reverse("hall:desk")).status_code == 403
    assert client.get(reverse("hall:board")).status_code == 403


def test_the_hall_nav_offers_the_board_only_to_those_who_may_read_it(
    client: Client, comprehensive: Any, window: Any, housing_window: Any, housing_clerk: Any
) -> None:
    client.force_login(housing_clerk)  # a department's clerk at window 05: not the office
    desk = client.get(reverse("hall:desk"), {"all": "1"}).content.decode()
    board_link = f'href="{reverse("hall:board")}"'
    assert "窗口叫号" in desk
    assert board_link not in desk
    assert client.get(reverse("hall:board")).status_code == 403
    client.force_login(window)  # the office's 综窗 clerk reads the board
    assert board_link in client.get(reverse("hall:desk"), {"all": "1"}).content.decode()


def test_the_screen_shows_the_last_called_without_sign_in(
    client: Client, matter: Any, comprehensive: Any, window: Any, clock: Any
) -> None:
    svc.take(matter)
    svc.call_next(comprehensive, actor=window)
    page = client.get(reverse("hall:screen")).content.decode()
    assert 'hx-trigger="every 4s"' in page
    assert "htmx-2.0.11.min.js" in page
    board = client.get(reverse("hall:screen_board")).content.decode()
    assert "请 <strong>B001</strong> 号到 <strong>01</strong> 号窗口" in board


def test_the_board_shows_today_and_the_times(
    client: Client, matter: Any, comprehensive: Any, window: Any, clock: Any
) -> None:
    svc.take(matter)
    svc.finish(svc.start(svc.call_next(comprehensive, actor=window), actor=window), actor=window)  # type: ignore[arg-type]
    client.force_login(window)
    page = client.get(reverse("hall:board"))
    assert page.status_code == 200
    body = page.content.decode()
    assert "times-matter" in body
    assert matter.name in body
    assert client.get(reverse("hall:board"), {"start": "x", "end": "y"}).status_code == 200


def test_booking_on_the_phone_and_cancelling(client: Client, matter: Any, slots: Any, clock: Any) -> None:
    url = reverse("hall:book_matter", args=[matter.pk])
    page = client.get(url, {"day": "2025-09-24"}).content.decode()
    assert "14:30" in page
    assert "余 2 个" in page
    assert client.post(url, {"day": "2025-09-24", "name": "甲", "phone": "13900000001"}).status_code == 422
    response = client.post(
        url, {"day": "2025-09-24", "slot": slots[1].pk, "name": "甲", "phone": "13900000001"}
    )
    assert response.status_code == 302
    a = Appointment.objects.get()
    mine = client.get(response["Location"]).content.decode()
    assert a.code in mine
    assert "139****0001" in mine
    assert "13900000001" not in mine
    client.post(reverse("hall:cancel_appointment", args=[a.token]))
    a.refresh_from_db()
    assert a.status == "cancelled"
    assert client.get(reverse("hall:my_appointment", args=["nope"])).status_code == 404


def test_staff_see_appointments_masked_and_a_contact_view_is_audited(
    client: Client, matter: Any, slots: Any, window: Any, clock: Any
) -> None:
    a = appts.book(matter, slots[1], TODAY, name="张桂英", phone="13900000001")
    client.force_login(window)
    listing = client.get(reverse("hall:appointments")).content.decode()
    assert "139****0001" in listing
    assert "13900000001" not in listing
    assert "张桂英" not in listing
    contact = client.post(reverse("hall:reveal", args=[a.pk])).content.decode()
    assert "13900000001" in contact
    assert AuditRecord.objects.filter(action="hall.appointment_view", target_id=str(a.pk)).count() == 1


def test_the_top_bar_links_the_hall_for_its_staff(client: Client, window: Any, outsider: Any) -> None:
    from mochou.nav import links_for

    assert "nav-hall" in [link["id"] for link in links_for(window)]
    assert "nav-hall" not in [link["id"] for link in links_for(outsider)]
