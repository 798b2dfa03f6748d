"""排队号 under concurrency: on PostgreSQL tickets taken at the same moment get distinct numbers
of the day without waiting on one row (the queue's sequence), and two windows calling at once
call two different tickets (SKIP LOCKED). SQLite serialises writers: the sequential rules hold."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.db import connection, connections

from hall.models import QueueDay, Ticket, Window
from hall.numbering import nextval
from hall.services import tickets as svc

on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="the sequences are PostgreSQL's")
DAY = date(2025, 9, 24)


def _at_once(n: int, work: Callable[[], Any]) -> list[Any]:
    barrier = threading.Barrier(n)
    results: list[Any] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            barrier.wait()
            results.append(work())
        except BaseException as error:  # reported by the test below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    return results


@pytest.mark.django_db
def test_a_queue_day_counted_before_carries_on_after_its_last(matter: Any, queues: Any, clock: Any) -> None:
    QueueDay.objects.create(queue=queues["B"], day=DAY, last=11)
    assert svc.take(matter).number == "B012"


@on_postgresql
@pytest.mark.django_db
def test_a_value_drawn_before_the_days_base_is_never_a_number_again(
    matter: Any, queues: Any, clock: Any
) -> None:
    QueueDay.objects.create(queue=queues["B"], day=DAY, sequence_base=nextval("B") + 3)
    assert svc.take(matter).number == "B001"
    assert QueueDay.objects.get(queue=queues["B"], day=DAY).last == 0  # not written per ticket


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_tickets_taken_at_once_get_distinct_numbers_in_a_row(matter: Any, queues: Any, clock: Any) -> None:
    numbers = _at_once(8, lambda: svc.take(matter).number)
    assert sorted(numbers) == [f"B{i:03d}" for i in range(1, 9)]


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_two_windows_calling_at_once_call_two_tickets(
    matter: Any, comprehensive: Window, window: Any, guide: Any, clock: Any
) -> None:
    second = Window.objects.create(number="02", name="综合受理", comprehensive=True, order=2)
    for _ in range(3):
        svc.take(matter)
    pairs = [(comprehensive, window), (second, guide)]
    lock = threading.Lock()

    def call() -> int | None:
        with lock:
            w, who = pairs.pop()
        t = svc.call_next(w, actor=who)
        return t.pk if t else None

    called = _at_once(2, call)
    assert None not in called
    assert len(set(called)) == 2
    assert Ticket.objects.filter(state="called").count() == 2
