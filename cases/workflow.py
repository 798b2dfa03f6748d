"""The case loop's state machine: the only place that says which action leads where.

The table is read through the loop core's `Machine` (loop.machine): `next_state` is pure and
raises; the verbs in `cases.services` call it (through `loop.verbs`) before writing anything.
Actions that do not change the state (an extension request, a supervision notice…) are in the
table too, mapping a state to itself, so that "may this action happen now?" has one answer.
"""

from __future__ import annotations

from django.db import models

from loop.machine import Machine


class State(models.TextChoices):
    REGISTERED = "registered", "待派单"
    DISPATCHED = "dispatched", "待签收"
    IN_PROGRESS = "in_progress", "办理中"
    PENDING_APPROVAL = "pending_approval", "待审核"
    # 中止计时: waiting on something outside the unit (a court, a survey, the citizen's papers).
    SUSPENDED = "suspended", "已挂起"
    REPLIED = "replied", "待回访"
    CALLED_BACK = "called_back", "待结案"
    # 差评整改: the lead unit owes a rectification report (its own clock), then the centre verifies it.
    RECTIFYING = "rectifying", "整改中"
    RECTIFIED = "rectified", "整改待核实"
    CLOSED = "closed", "已办结"
    MERGED = "merged", "已合并"
    TRANSFERRED = "transferred", "已转办"


class Action(models.TextChoices):
    REGISTER = "register", "登记"
    TRIAGE = "triage", "智能分拣"
    ANSWER_AT_INTAKE = "answer_at_intake", "直接办结"
    DISPATCH = "dispatch", "派单"
    ACCEPT = "accept", "签收"
    RETURN = "return", "退单"
    # 联系诉求人: the unit's record that it reached (or tried to reach) the citizen; a reached
    # contact within the handling limit is what 响应率 counts (stats.facts).
    CONTACT = "contact", "联系诉求人"
    REQUEST_EXTENSION = "extend", "申请延期"
    DECIDE_EXTENSION = "decide_extension", "审批延期"
    REQUEST_SUSPENSION = "request_suspension", "申请挂起"
    # The decision on a request: refused keeps the clock running; approved is SUSPEND, which stops it.
    DECIDE_SUSPENSION = "decide_suspension", "审批挂起"
    SUSPEND = "suspend", "挂起（中止计时）"
    RESUME = "resume", "恢复计时"
    CONTRIBUTE = "contribute", "协办意见"
    REPLY = "reply", "提交答复"
    APPROVE_REPLY = "approve", "审核通过"
    REJECT_REPLY = "reject_reply", "退回修改"
    CALLBACK = "callback", "回访"
    # An attempt that did not reach the citizen while attempts remain: the case waits in 待回访.
    # The last unanswered attempt is a CALLBACK (the citizen counts as unreachable).
    CALLBACK_MISSED = "callback_missed", "回访未接通"
    # The callback pool (回访池): an agent claims a callback for a while, or gives it back.
    CLAIM_CALLBACK = "claim_callback", "认领回访"
    RELEASE_CALLBACK = "release_callback", "放弃认领"
    # 差评整改 (国办发〔2019〕51号): a 差评 opens a rectification of the lead unit (a sub-action the
    # callback chooses: no separate step, the case never waits in 待结案 first); the unit
    # reports; the centre verifies (核实): accepted, the case is called back again; not accepted
    # (a sub-action of the verification), back to the unit.
    RECTIFY = "rectify", "转整改"
    REPORT_RECTIFICATION = "report_rectify", "报告整改情况"
    VERIFY_RECTIFICATION = "verify_rectify", "核实整改"
    RETURN_RECTIFICATION = "return_rectify", "整改核实未通过"
    CLOSE = "close", "结案"
    REOPEN = "reopen", "重办"
    MERGE = "merge", "合并"
    TRANSFER = "transfer", "转办"
    SUPERVISE = "supervise", "督办"
    # A deliberate move to the time limits in force now (the case keeps its own otherwise).
    REPIN = "repin", "按现行时限重算"
    # A forced correction of a closed case (a wrong category in the statistics, a mistyped
    # satisfaction): only with the explicit permission, with its reason, old and new values.
    OVERRIDE = "override", "更正已办结工单"
    # 派单异议审核 (国办函〔2025〕66号): the centre rules on a unit's 退单. Upheld, the case waits
    # for re-dispatch elsewhere; rejected (a sub-action the verb chooses) it goes back to the unit.
    RULE_DISPUTE = "rule_dispute", "派单异议审核"
    REJECT_DISPUTE = "reject_dispute", "退单异议不成立"
    # 提级办理: the system flags a case re-done or passed between units too often (问题工单).
    ESCALATE = "escalate", "提级办理"


S, A = State, Action

# States in which the case is still being worked on (open cases).
OPEN_STATES = frozenset(
    {
        S.REGISTERED, S.DISPATCHED, S.IN_PROGRESS, S.SUSPENDED, S.PENDING_APPROVAL, S.REPLIED,
        S.CALLED_BACK, S.RECTIFYING, S.RECTIFIED,
    }
)  # fmt: skip
# States with a running handling deadline owned by a unit.
HANDLING_STATES = frozenset({S.IN_PROGRESS, S.PENDING_APPROVAL})
_SUPERVISABLE = tuple(sorted(OPEN_STATES))

TRANSITIONS: dict[tuple[State | None, Action], State] = {
    (None, A.REGISTER): S.REGISTERED,
    # The system's triage: its suggestion, model version and latency, on the case's log.
    (S.REGISTERED, A.TRIAGE): S.REGISTERED,
    (S.REGISTERED, A.ANSWER_AT_INTAKE): S.REPLIED,
    (S.REGISTERED, A.DISPATCH): S.DISPATCHED,
    (S.REGISTERED, A.MERGE): S.MERGED,
    (S.REGISTERED, A.TRANSFER): S.TRANSFERRED,
    (S.DISPATCHED, A.ACCEPT): S.IN_PROGRESS,
    (S.DISPATCHED, A.RETURN): S.REGISTERED,
    # The return waits in 待派单 with its dispute open; dispatch waits for the ruling (guards).
    (S.REGISTERED, A.RULE_DISPUTE): S.REGISTERED,
    (S.REGISTERED, A.REJECT_DISPUTE): S.DISPATCHED,
    # 联系诉求人 while the unit handles the case. Not in 待审核: the answer is written (the clerk
    # tells the citizen what it says once approved, by SMS); a leader who wants a call first
    # sends the draft back (退回修改), and the call is recorded in 办理中.
    (S.IN_PROGRESS, A.CONTACT): S.IN_PROGRESS,
    (S.SUSPENDED, A.CONTACT): S.SUSPENDED,
    (S.IN_PROGRESS, A.REQUEST_EXTENSION): S.IN_PROGRESS,
    (S.IN_PROGRESS, A.DECIDE_EXTENSION): S.IN_PROGRESS,
    (S.PENDING_APPROVAL, A.DECIDE_EXTENSION): S.PENDING_APPROVAL,
    (S.IN_PROGRESS, A.REQUEST_SUSPENSION): S.IN_PROGRESS,
    (S.IN_PROGRESS, A.DECIDE_SUSPENSION): S.IN_PROGRESS,
    (S.IN_PROGRESS, A.SUSPEND): S.SUSPENDED,
    (S.SUSPENDED, A.RESUME): S.IN_PROGRESS,
    (S.SUSPENDED, A.CONTRIBUTE): S.SUSPENDED,
    (S.IN_PROGRESS, A.CONTRIBUTE): S.IN_PROGRESS,
    (S.PENDING_APPROVAL, A.CONTRIBUTE): S.PENDING_APPROVAL,
    (S.IN_PROGRESS, A.REPLY): S.PENDING_APPROVAL,
    (S.PENDING_APPROVAL, A.APPROVE_REPLY): S.REPLIED,
    (S.PENDING_APPROVAL, A.REJECT_REPLY): S.IN_PROGRESS,
    (S.REPLIED, A.CALLBACK): S.CALLED_BACK,
    (S.REPLIED, A.CALLBACK_MISSED): S.REPLIED,
    (S.REPLIED, A.CLAIM_CALLBACK): S.REPLIED,
    (S.REPLIED, A.RELEASE_CALLBACK): S.REPLIED,
    # A 差评 on the answer's first rating goes straight to the unit's rectification, not to 待结案.
    (S.REPLIED, A.RECTIFY): S.RECTIFYING,
    (S.RECTIFYING, A.REPORT_RECTIFICATION): S.RECTIFIED,
    (S.RECTIFIED, A.VERIFY_RECTIFICATION): S.REPLIED,
    (S.RECTIFIED, A.RETURN_RECTIFICATION): S.RECTIFYING,
    # 重办 instead: the centre judges the answer itself wrong, not only its manner.
    (S.RECTIFYING, A.REOPEN): S.IN_PROGRESS,
    (S.RECTIFIED, A.REOPEN): S.IN_PROGRESS,
    (S.CALLED_BACK, A.CLOSE): S.CLOSED,
    (S.CALLED_BACK, A.REOPEN): S.IN_PROGRESS,
    (S.CLOSED, A.REOPEN): S.IN_PROGRESS,
    (S.CLOSED, A.OVERRIDE): S.CLOSED,
    **{(state, A.SUPERVISE): state for state in _SUPERVISABLE},
    **{(state, A.ESCALATE): state for state in _SUPERVISABLE},
    **{(state, A.REPIN): state for state in (S.REGISTERED, S.DISPATCHED, *HANDLING_STATES, S.SUSPENDED)},
}


MACHINE: Machine[State, Action] = Machine(State, Action, TRANSITIONS, item_label="工单")

next_state = MACHINE.next_state
allowed_actions = MACHINE.allowed_actions
