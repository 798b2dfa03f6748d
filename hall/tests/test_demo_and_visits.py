"""The demo (through the services, idempotent) and the hall's answer to affairs' 跑动次数."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from affairs.services import applications as affairs_services
from affairs.statistics import visits
from affairs.workflow import Channel, Delivery
from hall.demo import seed_config, seed_hall
from hall.models import Ticket, TicketEvent, Window
from hall.services import tickets as svc

pytestmark = pytest.mark.django_db


def test_a_served_ticket_linked_to_an_online_application_is_a_trip(
    matter: Any, person: Any, comprehensive: Any, window: Any, clock: Any
) -> None:
    names = [m["name"] for m in matter.materials]
    app = affairs_services.submit(matter, person, provided=names, channel=Channel.ONLINE)
    assert visits(type(app).objects.filter(pk=app.pk)) == {app.pk: 0}
    svc.take(matter)
    t = svc.start(svc.call_next(comprehensive, actor=window), actor=window)  # type: ignore[arg-type]
    svc.finish(t, actor=window, application=app.number)
    assert visits(type(app).objects.filter(pk=app.pk)) == {app.pk: 1}
    # Collected at the window the same day: the same trip.
    app = affairs_services.accept(app, actor=window)
    app.refresh_from_db()
    assert app.state == "approving"
    assert Delivery.WINDOW  # the pick-up is counted by affairs itself (affairs/tests/test_statistics.py)


def test_the_demo_fills_the_hall_once(
    city: Any, office: Any, window: Any, matter: Any, quick_matter: Any
) -> None:
    now = datetime(2025, 9, 24, 15, 0).astimezone()
    seed_hall(seed=7, now=now)
    assert Window.objects.filter(comprehensive=True).count() == 4
    tickets = Ticket.objects.count()
    assert tickets > 50
    assert Ticket.objects.filter(state="done").exists()
    assert Ticket.objects.filter(day=now.date()).exists()
    events = TicketEvent.objects.count()
    seed_hall(seed=7, now=now)
    assert Ticket.objects.count() == tickets
    assert TicketEvent.objects.count() == events
    assert len(seed_config()) == Window.objects.count()
