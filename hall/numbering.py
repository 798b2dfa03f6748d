"""排队号 (A012): each queue counts from 1 every day.

On PostgreSQL a ticket does not queue behind another's row lock held until it commits: each
queue letter has its own sequence (hall_ticket_seq_a … _z, migration 0002) and the day's
`QueueDay` row is written once, with the sequence's value before the day's first number (its
base); the day's number is `last + (nextval − base)`. This is the scheme of the 12345 受理编号
(cases.services.common.next_number), per queue. SQLite serialises writers anyway (IMMEDIATE
transactions): there `last` is counted under the row. A ticket that rolls back leaves a gap, as a
ticket machine's jammed slip does.
"""

from __future__ import annotations

from datetime import date

from django.db import connection

from hall.models import LETTERS, Queue, QueueDay


def sequence_name(letter: str) -> str:
    if letter not in LETTERS or len(letter) != 1:
        raise ValueError(f"no ticket sequence for {letter!r}")
    return f"hall_ticket_seq_{letter.lower()}"


def next_seq(queue: Queue, day: date) -> int:
    """The day's next number of the queue."""
    if connection.vendor == "postgresql":
        return _from_sequence(queue, day)
    row, _ = QueueDay.objects.select_for_update().get_or_create(queue=queue, day=day)
    QueueDay.objects.filter(pk=row.pk).update(last=row.last + 1)
    return row.last + 1


def nextval(letter: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(%s)", [sequence_name(letter)])
        return int(cursor.fetchone()[0])


def _from_sequence(queue: Queue, day: date) -> int:
    n = nextval(queue.letter)
    found = (
        QueueDay.objects.filter(queue=queue, day=day, sequence_base__isnull=False)
        .values_list("sequence_base", "last")
        .first()
    )
    base, offset = (int(found[0] or 0), found[1]) if found is not None else _start_day(queue, day, n)
    # A value drawn before another first ticket of the day wrote the base would repeat a number:
    # draw again; the sequence only goes up, so once is enough.
    while n <= base:
        n = nextval(queue.letter)
    return offset + (n - base)


def _start_day(queue: Queue, day: date, n: int) -> tuple[int, int]:
    """Once per queue and day, under the row's lock (the only time it is taken)."""
    row, _ = QueueDay.objects.select_for_update().get_or_create(queue=queue, day=day)
    if row.sequence_base is None:
        row.sequence_base = n - 1
        row.save(update_fields=["sequence_base"])
    return int(row.sequence_base), row.last


def ticket_number(letter: str, seq: int) -> str:
    return f"{letter}{seq:03d}"
