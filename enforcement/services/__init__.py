"""The verbs of the violation loop: pages, the API, the 12345 link and the demo call these;
nothing else writes a violation's state (the model refuses it: loop.writes).

Each is written with the loop core's skeleton (loop.verbs): one transaction, the role refused
before anything is read, the row locked, the guard (enforcement.guards) and the table
(enforcement.workflow) asked, exactly one ViolationEvent.
"""

from enforcement.services.common import VIOLATIONS
from enforcement.services.violations import (
    Report,
    announce,
    appeal,
    confirm,
    dismiss,
    force_demolish,
    order,
    plan,
    record_accountability,
    reinspect,
    report_violation,
    resolve_appeal,
    self_demolish,
    sign_off,
    stop,
)

__all__ = [
    "VIOLATIONS",
    "Report",
    "announce",
    "appeal",
    "confirm",
    "dismiss",
    "force_demolish",
    "order",
    "plan",
    "record_accountability",
    "reinspect",
    "report_violation",
    "resolve_appeal",
    "self_demolish",
    "sign_off",
    "stop",
]
