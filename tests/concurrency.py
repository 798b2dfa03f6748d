"""The same call from several threads at once, each with its own database connection: how the
tests on PostgreSQL prove that a claim (a unique row, a lease, a row lock) lets one through."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

from django.db import connection

T = TypeVar("T")


def at_once(call: Callable[[], T], times: int) -> list[T]:
    """`call()` in `times` threads released together by a barrier; their results, in finishing
    order. A thread's exception is raised here, after all have finished."""
    barrier = threading.Barrier(times)
    results: list[T] = []
    errors: list[BaseException] = []

    def run() -> None:
        barrier.wait()
        try:
            results.append(call())
        except BaseException as error:  # re-raised in the test's thread below
            errors.append(error)
        finally:
            connection.close()  # each thread's own connection, not left open on the test database

    threads = [threading.Thread(target=run) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return results
