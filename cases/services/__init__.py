"""The verbs of the case loop, by stage. Views, the API and tasks call these; nothing else writes
a case's state (the model refuses it: loop.writes).

Each verb is written with the loop core's skeleton (loop.verbs): one transaction; the actor's
role refused before anything is read; the row locked; the one guard per action (cases.guards)
and the state machine (cases.workflow) asked; the input checked; the change and exactly one
CaseEvent written; notices and hooks after commit. Errors are DomainError subclasses: 403
role/unit, 409 state, 422 input.
"""

from cases.guards import (
    ANSWER_AT_INTAKE_ROLES,
    CALLBACK_ROLES,
    DISPATCH_ROLES,
    INTAKE_ROLES,
    REGISTER_ROLES,
    SUPERVISE_ROLES,
    UNIT_HANDLER_ROLES,
    has_callback_outcome,
)
from cases.services.callback_pool import claim_callback, release_callback
from cases.services.closing import callback, close, reopen
from cases.services.common import CASES, channel_user, system_user
from cases.services.dispatch import accept, dispatch, return_case
from cases.services.disputes import rule_dispute
from cases.services.escalation import escalate_if_due, escalation_moves, sweep_escalations
from cases.services.handling import contact, contribute, decide_extension, request_extension
from cases.services.intake import answer_at_intake, record_triage, register_case
from cases.services.merging import merge, transfer
from cases.services.overrides import override_closed
from cases.services.rectification import report_rectification, verify_rectification
from cases.services.repin import repin_limits
from cases.services.replies import approve_reply, reject_reply, submit_reply
from cases.services.supervision import supervise
from cases.services.suspension import decide_suspension, request_suspension, resume

__all__ = [
    "ANSWER_AT_INTAKE_ROLES",
    "CALLBACK_ROLES",
    "CASES",
    "DISPATCH_ROLES",
    "INTAKE_ROLES",
    "REGISTER_ROLES",
    "SUPERVISE_ROLES",
    "UNIT_HANDLER_ROLES",
    "accept",
    "answer_at_intake",
    "approve_reply",
    "callback",
    "channel_user",
    "claim_callback",
    "close",
    "contact",
    "contribute",
    "decide_extension",
    "decide_suspension",
    "dispatch",
    "escalate_if_due",
    "escalation_moves",
    "has_callback_outcome",
    "merge",
    "override_closed",
    "record_triage",
    "register_case",
    "reject_reply",
    "release_callback",
    "reopen",
    "repin_limits",
    "report_rectification",
    "request_extension",
    "request_suspension",
    "resume",
    "return_case",
    "rule_dispute",
    "submit_reply",
    "supervise",
    "sweep_escalations",
    "system_user",
    "transfer",
    "verify_rectification",
]  # fmt: skip
