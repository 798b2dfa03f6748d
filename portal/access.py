"""Which cases this browser may see, and which it may rate, kept in the server-side session —
never in the URL.

Reading is granted by a lookup (number + phone), a fresh submission or a signed SMS link.
Rating is the callback the centre relies on, so it needs more than knowing a number and a phone
(both are easy for others to know or guess): only the SMS link, which reaches the citizen's own
phone, or the browser that submitted the case grant it.
"""

from __future__ import annotations

import time

from django.http import HttpRequest

from cases.models import Case

SESSION_KEY = "portal_cases"
RATE_KEY = "portal_rate"  # a separate map: grants stored before it existed stay read-only
GRANT_SECONDS = 24 * 3600
MAX_GRANTS = 20


def _renewed(request: HttpRequest, key: str, case: Case, now: float) -> dict[str, float]:
    grants = {k: v for k, v in request.session.get(key, {}).items() if v > now}
    grants[str(case.pk)] = now + GRANT_SECONDS
    return dict(sorted(grants.items(), key=lambda item: item[1])[-MAX_GRANTS:])


def grant(request: HttpRequest, case: Case, *, may_rate: bool = False) -> None:
    """Let this browser read the case for a day; rate it too if `may_rate` (SMS link, submission).

    A later read-only grant never takes away a right to rate given earlier.
    """
    now = time.time()
    request.session[SESSION_KEY] = _renewed(request, SESSION_KEY, case, now)
    if may_rate:
        request.session[RATE_KEY] = _renewed(request, RATE_KEY, case, now)
    request.session.cycle_key()  # a new session id with the new right: no fixation


def granted_case(request: HttpRequest, number: str) -> Case | None:
    """The case with this number if this session has been granted it, else None (whether or not it exists)."""
    case = Case.objects.filter(number=number).select_related("parent").first()
    if case is None:
        return None
    expiry = request.session.get(SESSION_KEY, {}).get(str(case.pk), 0)
    return case if expiry > time.time() else None


def may_rate(request: HttpRequest, case: Case) -> bool:
    return request.session.get(RATE_KEY, {}).get(str(case.pk), 0) > time.time()
