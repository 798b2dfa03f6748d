"""The callback pool (回访池): every answered case waits in 待回访 for an agent to claim it,
instead of a notice to every agent. A claim makes the callback the agent's for
MOCHOU_CALLBACK_CLAIM_MINUTES; the others see it taken and may not call (cases.guards); it ends
with the callback, with 放弃认领, or by running out (then anyone may claim it again).

The claim lives on the case (`callback_claimed_by`, `callback_claimed_until`) and is written by
these verbs under the case's row lock, which already serialises two agents claiming at once;
mochou.leases is for workers' outside effects and has no holder a person could be shown as.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings

from accounts.models import User
from cases.models import Case
from cases.services.common import CASES, now_or
from cases.workflow import Action

CLAIM_FIELDS = ("callback_claimed_by", "callback_claimed_until")


def claim_minutes() -> int:
    return int(settings.MOCHOU_CALLBACK_CLAIM_MINUTES)


def claim_callback(case: Case, *, actor: User, now: datetime | None = None) -> Case:
    """认领回访: the callback is the actor's until the claim runs out (claiming again renews it)."""
    with CASES.verb(case, Action.CLAIM_CALLBACK, actor, now=now_or(now)) as step:
        case, now = step.item, step.now
        case.callback_claimed_by = actor
        case.callback_claimed_until = now + timedelta(minutes=claim_minutes())
        step.record(payload={"until": case.callback_claimed_until.isoformat()}, fields=CLAIM_FIELDS)
    return case


def release_callback(case: Case, *, actor: User, now: datetime | None = None) -> Case:
    """放弃认领: back to the pool (the holder, or a dispatcher freeing an absent agent's claim)."""
    with CASES.verb(case, Action.RELEASE_CALLBACK, actor, now=now_or(now)) as step:
        case = step.item
        holder = case.callback_claimed_by_id
        clear_claim(case)
        step.record(payload={"holder": holder}, fields=CLAIM_FIELDS)
    return case


def clear_claim(case: Case) -> None:
    """The claim ends (the callback was made, or given back); the caller saves CLAIM_FIELDS."""
    case.callback_claimed_by, case.callback_claimed_until = None, None
