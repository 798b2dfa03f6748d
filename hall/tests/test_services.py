"""The hall's rules: numbering per queue and day, the call order, the windows' matters, 过号
after N calls, the link to the 办件, and appointments."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest

from affairs.services import applications as affairs_services
from affairs.workflow import Channel
from hall.models import AppointmentStatus, Ticket
from hall.services import appointments as appts
from hall.services import tickets as svc
from hall.workflow import Priority, State
from mochou.errors import Conflict, DomainError, InvalidInput, NotPermitted

pytestmark = pytest.mark.django_db
TODAY = date(2025, 9, 24)  # the clock's day, a Wednesday


def test_numbers_count_per_queue_from_one_each_day(matter: Any, other_matter: Any, clock: Any) -> None:
    # The housing matter goes to queue B (its department), the education one to the default A.
    numbers = [svc.take(matter).number, svc.take(other_matter).number, svc.take(matter).number]
    assert numbers == ["B001", "A001", "B002"]
    clock.move_to(datetime(2025, 9, 25, 9, 0).astimezone())
    assert svc.take(matter).number == "B001"
    assert Ticket.objects.filter(number="B001").count() == 2


def test_a_queue_naming_the_matter_wins_over_its_departments(matter: Any, queues: Any, clock: Any) -> None:
    from hall.models import Queue

    c = Queue.objects.create(letter="C", name="公积金")
    c.matters.add(matter)
    assert svc.take(matter).number == "C001"


def test_the_call_order_is_appointments_then_assisted_then_first_come(
    matter: Any, comprehensive: Any, window: Any, guide: Any, slots: Any, clock: Any
) -> None:
    clock.move_to(datetime(2025, 9, 24, 9, 0).astimezone())
    first = svc.take(matter)
    assisted = svc.take(matter, actor=guide, assisted=True)
    clock.move_to(datetime(2025, 9, 24, 9, 10).astimezone())  # the 9:00 slot's holder arrives
    booked = appts.book(matter, slots[0], TODAY, name="张三", phone="13912345678")
    with_appointment = appts.check_in(booked.code, "5678")
    second = svc.take(matter)
    order = []
    for _ in range(4):
        called = svc.call_next(comprehensive, actor=window)
        assert called is not None
        order.append(called.pk)
        svc.finish(svc.start(called, actor=window), actor=window)
    assert order == [with_appointment.pk, assisted.pk, first.pk, second.pk]
    assert with_appointment.priority == Priority.APPOINTMENT
    assert svc.call_next(comprehensive, actor=window) is None


def test_a_window_calls_only_the_matters_it_serves(
    matter: Any, other_matter: Any, housing_window: Any, housing_clerk: Any, clock: Any
) -> None:
    education = svc.take(other_matter)
    housing = svc.take(matter)
    called = svc.call_next(housing_window, actor=housing_clerk)
    assert called is not None
    assert called.pk == housing.pk
    svc.finish(svc.start(called, actor=housing_clerk), actor=housing_clerk)
    assert svc.call_next(housing_window, actor=housing_clerk) is None
    education.refresh_from_db()
    assert education.state == State.WAITING


def test_a_department_clerk_works_only_the_window_they_are_named_at(
    matter: Any, comprehensive: Any, housing_window: Any, housing_clerk: Any, window: Any, clock: Any
) -> None:
    svc.take(matter)
    with pytest.raises(NotPermitted) as refused:
        svc.call_next(comprehensive, actor=housing_clerk)
    assert refused.value.code == "hall.not_this_window"
    called = svc.call_next(comprehensive, actor=window)
    assert called is not None
    with pytest.raises(NotPermitted):
        svc.recall(called, actor=housing_clerk)


def test_a_window_finishes_its_ticket_before_calling_the_next(
    matter: Any, comprehensive: Any, window: Any, clock: Any
) -> None:
    svc.take(matter)
    svc.take(matter)
    assert svc.call_next(comprehensive, actor=window) is not None
    with pytest.raises(Conflict) as busy:
        svc.call_next(comprehensive, actor=window)
    assert busy.value.code == "hall.window_busy"


def test_no_show_needs_the_configured_calls_and_frees_the_window(
    matter: Any, comprehensive: Any, window: Any, clock: Any, settings: Any
) -> None:
    settings.HALL_NO_SHOW_CALLS = 2
    svc.take(matter)
    nxt = svc.take(matter)
    called = svc.call_next(comprehensive, actor=window)
    assert called is not None
    with pytest.raises(Conflict) as early:
        svc.no_show(called, actor=window)
    assert early.value.code == "hall.calls_before_no_show"
    missed = svc.no_show(svc.recall(called, actor=window), actor=window)
    assert missed.state == State.MISSED
    assert missed.window is None
    again = svc.call_next(comprehensive, actor=window)
    assert again is not None
    assert again.pk == nxt.pk


def test_a_missed_ticket_restored_queues_behind_those_waiting(
    matter: Any, comprehensive: Any, window: Any, clock: Any, settings: Any
) -> None:
    settings.HALL_NO_SHOW_CALLS = 1
    late = svc.take(matter)
    svc.no_show(svc.call_next(comprehensive, actor=window), actor=window)  # type: ignore[arg-type]
    waiting = svc.take(matter)
    clock.move_to(datetime(2025, 9, 24, 10, 5).astimezone())
    restored = svc.restore(late, actor=window)
    assert restored.state == State.WAITING
    assert restored.calls == 0
    called = svc.call_next(comprehensive, actor=window)
    assert called is not None
    assert called.pk == waiting.pk


def test_finishing_links_the_application_by_its_number(
    matter: Any, person: Any, comprehensive: Any, window: Any, clock: Any
) -> None:
    svc.take(matter)
    t = svc.call_next(comprehensive, actor=window)
    assert t is not None
    app = affairs_services.submit(matter, person, provided=[], channel=Channel.WINDOW, actor=window)
    t = svc.start(t, actor=window)
    with pytest.raises(InvalidInput) as unknown:
        svc.finish(t, actor=window, application="ZW000")
    assert unknown.value.code == "hall.application_unknown"
    done = svc.finish(t, actor=window, application=app.number)
    assert done.application_id == app.pk
    assert done.state == State.DONE
    assert done.events.order_by("-seq").first().payload == {"application": app.number}  # type: ignore[union-attr]


def test_assisted_tickets_are_issued_by_staff_only(matter: Any, outsider: Any, clock: Any) -> None:
    with pytest.raises(NotPermitted):
        svc.take(matter, assisted=True)
    with pytest.raises(NotPermitted):
        svc.take(matter, actor=outsider, assisted=True)


def test_a_matter_not_done_at_the_window_has_no_ticket(city: Any, office: Any, clock: Any) -> None:
    from affairs import catalogue
    from affairs.tests.conftest import matter_values

    online_only, _ = catalogue.import_matter(
        actor=None, code="X-1", values=matter_values(city, name="网上专办", at_window=False)
    )
    with pytest.raises(InvalidInput):
        svc.take(online_only)


# ---------------------------------------------------------------- appointments


def test_a_slot_takes_its_capacity_and_no_more(matter: Any, slots: Any, clock: Any) -> None:
    slot = slots[1]
    appts.book(matter, slot, TODAY, name="甲", phone="13900000001")
    appts.book(matter, slot, TODAY, name="乙", phone="13900000002")
    with pytest.raises(Conflict) as full:
        appts.book(matter, slot, TODAY, name="丙", phone="13900000003")
    assert full.value.code == "hall.slot_full"
    left = {o.slot.pk: o.left for o in appts.offers(matter, TODAY, datetime(2025, 9, 24, 10, 0).astimezone())}
    assert left == {slot.pk: 0}  # the 9:00 slot is over at 10:00


def test_slots_are_offered_on_working_days_only(matter: Any, slots: Any, clock: Any) -> None:
    saturday = date(2025, 9, 27)
    assert appts.offers(matter, saturday, datetime(2025, 9, 24, 10, 0).astimezone()) == []
    with pytest.raises(InvalidInput) as closed:
        appts.book(matter, slots[0], saturday, name="甲", phone="13900000001")
    assert closed.value.code == "hall.day_not_open"
    days = appts.open_days(datetime(2025, 9, 24, 10, 0).astimezone())
    assert days[0] == TODAY
    assert saturday not in days
    assert len(days) == appts.DAYS_AHEAD


def test_bad_booking_input_is_refused_clearly(matter: Any, slots: Any, clock: Any) -> None:
    with pytest.raises(DomainError):
        appts.book(matter, slots[1], TODAY, name="甲", phone="12")
    with pytest.raises(InvalidInput):
        appts.book(matter, slots[1], TODAY, name=" ", phone="13900000001")
    appts.book(matter, slots[1], TODAY, name="甲", phone="13900000001")
    with pytest.raises(Conflict):
        appts.book(matter, slots[1], TODAY, name="甲", phone="13900000001")


def test_check_in_is_for_today_within_the_slot_with_the_phones_last_digits(
    matter: Any, slots: Any, clock: Any
) -> None:
    booked = appts.book(matter, slots[1], TODAY, name="甲", phone="13900000001")  # 14:30–15:30
    with pytest.raises(InvalidInput):
        appts.check_in(booked.code, "9999")
    with pytest.raises(Conflict) as early:
        appts.check_in(booked.code, "0001")
    assert early.value.code == "hall.check_in_early"
    clock.move_to(datetime(2025, 9, 24, 14, 5).astimezone())
    ticket = appts.check_in(booked.code, "0001")
    booked.refresh_from_db()
    assert booked.status == AppointmentStatus.CHECKED_IN
    assert ticket.appointment_id == booked.pk
    with pytest.raises(Conflict):
        appts.check_in(booked.code, "0001")


def test_a_late_appointment_takes_an_ordinary_ticket(matter: Any, slots: Any, clock: Any) -> None:
    booked = appts.book(matter, slots[1], TODAY, name="甲", phone="13900000001")
    clock.move_to(datetime(2025, 9, 24, 15, 31).astimezone())
    with pytest.raises(Conflict) as late:
        appts.check_in(booked.code, "0001")
    assert late.value.code == "hall.check_in_late"
    assert booked.missed(TODAY + timedelta(days=1))


def test_the_applicant_cancels_a_booking_and_frees_the_place(matter: Any, slots: Any, clock: Any) -> None:
    booked = appts.book(matter, slots[1], TODAY, name="甲", phone="13900000001")
    appts.cancel(booked)
    with pytest.raises(Conflict):
        appts.cancel(booked)
    now = datetime(2025, 9, 24, 10, 0).astimezone()
    assert [o.left for o in appts.offers(matter, TODAY, now)] == [2]


def test_an_outsider_has_no_hall_powers(matter: Any, comprehensive: Any, outsider: Any, clock: Any) -> None:
    ticket = svc.take(matter)
    with pytest.raises(NotPermitted):
        svc.call_next(comprehensive, actor=outsider)
    with pytest.raises(NotPermitted):
        svc.cancel(ticket, actor=outsider)
