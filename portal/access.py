"""Which cases this browser may see: granted by a lookup (number + phone), a fresh submission or
a signed SMS link, and kept in the server-side session — never in the URL."""

from __future__ import annotations

import time

from django.http import HttpRequest

from cases.models import Case

SESSION_KEY = "portal_cases"
GRANT_SECONDS = 24 * 3600
MAX_GRANTS = 20


def grant(request: HttpRequest, case: Case) -> None:
    now = time.time()
    grants = {k: v for k, v in request.session.get(SESSION_KEY, {}).items() if v > now}
    grants[str(case.pk)] = now + GRANT_SECONDS
    newest = sorted(grants.items(), key=lambda item: item[1])[-MAX_GRANTS:]
    request.session[SESSION_KEY] = dict(newest)
    request.session.cycle_key()  # a new session id with the new right: no fixation


def granted_case(request: HttpRequest, number: str) -> Case | None:
    """The case with this number if this session has been granted it, else None (whether or not it exists)."""
    case = Case.objects.filter(number=number).select_related("parent").first()
    if case is None:
        return None
    expiry = request.session.get(SESSION_KEY, {}).get(str(case.pk), 0)
    return case if expiry > time.time() else None
