"""The verbs of the 督办单's loop. Pages, the API, the case loop's provider and the sweep call
these; nothing else writes a notice's state (the model refuses it: loop.writes).

Each is written with the loop core's skeleton (loop.verbs): one transaction, the role refused
before anything is read, the row locked, the guard (supervision.guards) and the table
(supervision.workflow) asked, exactly one NoticeEvent, notices to people after commit.
"""

from supervision.services.common import SUPERVISION
from supervision.services.notices import (
    answer_notice,
    approve_answer,
    escalate_notice,
    issue_notice,
    return_answer,
    sign_notice,
)

__all__ = [
    "SUPERVISION",
    "answer_notice",
    "approve_answer",
    "escalate_notice",
    "issue_notice",
    "return_answer",
    "sign_notice",
]
