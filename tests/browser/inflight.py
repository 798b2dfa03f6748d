"""Requests the live server is still working on, so that a test does not end under one.

Closing a browser context does not stop a request already at the server: its thread goes on,
and if the test has ended meanwhile it meets the teardown's flush ("database table is locked" on
the in-memory SQLite) or a database pytest-django has closed ("Database access not allowed"). On a
loaded machine a request (the duplicate warning, a queue count) can outlast any wait on the
browser's side, so the count is kept where the work is: around Django's WSGI handler, which the
live server's threads call (static files are served before it and touch no database).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from django.core.handlers.wsgi import WSGIHandler

_working = 0
_idle = threading.Condition()
_installed = False


def install() -> None:
    """Count the requests in Django's handler (once per process; the patch is on the class, so the
    live server's handler, made before, is counted too)."""
    global _installed
    if _installed:
        return
    original = WSGIHandler.__call__

    def counted(self: WSGIHandler, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        global _working
        with _idle:
            _working += 1
        try:
            return original(self, environ, start_response)
        finally:
            with _idle:
                _working -= 1
                _idle.notify_all()

    WSGIHandler.__call__ = counted  # type: ignore[method-assign]
    _installed = True


def wait_until_idle(timeout: float = 60) -> bool:
    """Until no request is inside Django's handler (True), or timeout seconds have passed."""
    with _idle:
        return _idle.wait_for(lambda: _working == 0, timeout)
