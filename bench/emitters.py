"""One emitter per Action: the rows that action writes, as cases.services writes them.

`walk` is the loop core of the generator. For each step it asks `cases.workflow.next_state` for the
state after the action (which raises on a path the table does not allow), lets the action's emitter
change the case's draft and write the action's own rows (assignments, replies, callbacks, …), then
appends the one CaseEvent with from/to state and the emitter's payload. The case's state is never
written anywhere else: it is the value the walk ends on.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from operator import attrgetter
from typing import Any, NamedTuple

from django.utils import timezone

from bench.paths import Reach, Step
from bench.reference import LimitRef, Ref
from bench.tables import (
    ASSIGNMENT,
    CALLBACK,
    CASE_DRAFT_COLUMNS,
    DISPUTE,
    EVENT,
    EXTENSION,
    NOTICE,
    NOTICE_EVENT,
    REPLY,
    SUSPENSION,
    Output,
    Row,
)
from bench.texts import (
    CALLBACK_NOTES,
    CONTACTS,
    CONTACTS_MISSED,
    CONTRIBUTIONS,
    DISPUTE_REJECTIONS,
    EXTENSION_REASONS,
    REJECT_NOTES,
    REPIN_REASONS,
    RESUME_NOTES,
    RETURN_REASONS,
    SUPERVISE_NOTES,
    SUSPENSION_REFUSALS,
    SUSPENSIONS,
    UNSATISFIED_CLOSE,
)
from cases.models import (
    Assignment,
    Callback,
    Dispute,
    Extension,
    Reply,
    ReturnReason,
    Satisfaction,
    Suspension,
    Urgency,
)
from cases.workflow import Action, State, next_state
from supervision.deadlines import sign_hours as notice_sign_hours
from supervision.workflow import MACHINE as NOTICE_MACHINE
from supervision.workflow import Action as NoticeAction
from worktime.calendar import add_working_days, add_working_hours, working_hours_between

A = Action


@dataclass(slots=True)
class AssignmentDraft:
    id: int
    case_id: int
    unit_id: int
    role: str
    status: str
    dispatched_by_id: int
    dispatched_at: datetime
    accepted_at: datetime | None = None
    return_reason: str = ""


@dataclass(slots=True)
class ReplyDraft:
    id: int
    case_id: int
    unit_id: int | None
    author_id: int
    body: str
    result: str
    status: str
    submitted_at: datetime
    reviewer_id: int | None = None
    review_note: str = ""
    approved_at: datetime | None = None


@dataclass(slots=True)
class ExtensionDraft:
    id: int
    case_id: int
    unit_id: int
    requested_by_id: int
    requested_at: datetime
    days: int
    reason: str
    status: str = Extension.Status.PENDING
    decided_by_id: int | None = None
    decided_at: datetime | None = None
    decision_note: str = ""


@dataclass(slots=True)
class SuspensionDraft:
    id: int
    case_id: int
    unit_id: int
    reason: str
    explanation: str
    document: str
    days: int
    requested_by_id: int
    requested_at: datetime
    status: str = Suspension.Status.PENDING
    decided_by_id: int | None = None
    decided_at: datetime | None = None
    decision_note: str = ""
    started_at: datetime | None = None
    limit_at: datetime | None = None
    ended_at: datetime | None = None
    ended_by_id: int | None = None
    suspended_hours: float | None = None


@dataclass(slots=True)
class DisputeDraft:
    id: int
    case_id: int
    unit_id: int
    co_units: str  # the JSON list of the co-handlers' codes, as the column holds it
    reason: str
    explanation: str
    suggested_unit_id: int | None
    returned_by_id: int
    returned_at: datetime
    dispatched_at: datetime | None
    status: str = Dispute.Status.PENDING
    ruled_by_id: int | None = None
    ruled_at: datetime | None = None
    ruling: str = ""
    decided_unit_id: int | None = None
    amend_catalogue: bool = False
    co_unit_ids: list[int] = field(default_factory=list)  # not a column: whom a rejection sends it back to


ASSIGNMENT_ROW = attrgetter(*ASSIGNMENT.columns)
DISPUTE_ROW = attrgetter(*DISPUTE.columns)
REPLY_ROW = attrgetter(*REPLY.columns)
EXTENSION_ROW = attrgetter(*EXTENSION.columns)
SUSPENSION_ROW = attrgetter(*SUSPENSION.columns)
CASE_DRAFT_ROW = attrgetter(*CASE_DRAFT_COLUMNS)


@dataclass(slots=True)
class CaseDraft:
    """The columns of one case as the emitters change them (all but its state), and its own rows."""

    id: int
    number: str
    channel: str
    kind: str
    title: str
    content: str
    citizen_name: str
    citizen_phone: str
    address: str
    township_id: int | None
    category_id: int
    urgency: str
    limit_version_id: int | None  # the version in force at registration, until a re-pin
    registered_by_id: int
    created_at: datetime
    version: LimitRef | None  # the pinned version itself (not a column)
    limits: tuple[int, int]  # accept hours, handle days for the case's urgency, in that version
    agent: tuple[int, int | None]  # (user, unit) of the agent who registers and calls back
    dispatcher: tuple[int, int | None]
    co_handled: bool
    lead_unit_id: int | None = None
    parent_id: int | None = None
    transferred_to: str = ""
    dispatched_at: datetime | None = None
    accept_due_at: datetime | None = None
    due_at: datetime | None = None
    suspended_until: datetime | None = None
    replied_at: datetime | None = None
    closed_at: datetime | None = None
    reopen_count: int = 0
    callback_attempts: int = 0
    satisfaction: str = ""
    resolved: bool | None = None
    is_overdue_closed: bool = False
    rectify_due_at: datetime | None = None
    callback_claimed_by_id: int | None = None
    callback_claimed_until: datetime | None = None
    escalated_at: datetime | None = None
    updated_at: datetime | None = None
    assignments: list[AssignmentDraft] = field(default_factory=list)
    replies: list[ReplyDraft] = field(default_factory=list)
    extensions: list[ExtensionDraft] = field(default_factory=list)
    suspensions: list[SuspensionDraft] = field(default_factory=list)
    disputes: list[DisputeDraft] = field(default_factory=list)
    # Units whose 退单 the centre upheld: never the case's lead unit again (dispatch refuses them).
    excluded_units: set[int] = field(default_factory=set)
    moves: dict[str, int] = field(default_factory=dict)  # returns and re-dos, as cases.history counts
    # What cases.services.repin.handling_deadline reads from the log: the start of the handling
    # clock (the last dispatch or reopening) and, since, each granted extension's working days
    # ("days") and each suspension's working hours ("hours"), in their order.
    clock_start: datetime | None = None
    clock_moves: list[tuple[str, float]] = field(default_factory=list)
    # The clock before a 重办 that kept an approved extension's later deadline (start, moves).
    clock_kept: tuple[datetime, list[tuple[str, float]]] | None = None

    def own_rows(self, out: Output) -> None:
        """The rows that stayed mutable while the case was walked, once it is done."""
        for a in self.assignments:
            out.add(ASSIGNMENT, ASSIGNMENT_ROW(a))
        for r in self.replies:
            out.add(REPLY, REPLY_ROW(r))
        for e in self.extensions:
            out.add(EXTENSION, EXTENSION_ROW(e))
        for s in self.suspensions:
            out.add(SUSPENSION, SUSPENSION_ROW(s))
        for d in self.disputes:
            out.add(DISPUTE, DISPUTE_ROW(d))

    def start_clock(self, at: datetime) -> None:
        self.clock_start = at
        self.clock_moves = []
        self.clock_kept = None


class Ctx(NamedTuple):
    rng: random.Random
    ref: Ref
    out: Output


class Event(NamedTuple):
    """What an emitter tells the walk to put on the action's CaseEvent."""

    actor: int | None
    unit: int | None
    note: str = ""
    payload: dict[str, Any] | None = None


Emitter = Callable[[Ctx, CaseDraft, Step], Event]

# Hot path, a million cases × seven events: a dict beats the enum's `.value` property, and a
# ready encoder beats json.dumps' keyword handling.
_VALUE: dict[State | Action, str] = {m: m.value for m in (*State, *Action)}
_json = json.JSONEncoder(ensure_ascii=False).encode


def walk(ctx: Ctx, c: CaseDraft, steps: list[Step]) -> State:
    """Apply the steps in order, writing each action's rows; returns the state the case ends in."""
    state: State | None = None
    events = ctx.out.rows[EVENT.db_table]
    for seq, step in enumerate(steps, start=1):
        to_state = next_state(state, step.action)
        event = EMITTERS[step.action](ctx, c, step)
        payload = _json(event.payload) if event.payload else "{}"
        from_state = _VALUE[state] if state is not None else ""
        row = (ctx.out.next_id(EVENT), c.id, seq, _VALUE[step.action], from_state, _VALUE[to_state])
        events.append((*row, event.actor, event.unit, event.note, payload, step.at))
        state = to_state
    if state is None:
        raise ValueError("a case's path starts with its registration")
    c.updated_at = steps[-1].at
    return state


def case_row(c: CaseDraft, state: State) -> Row:
    return (*CASE_DRAFT_ROW(c), state.value)


# ---------------------------------------------------------------- intake, merge, transfer


def emit_register(ctx: Ctx, c: CaseDraft, step: Step) -> Event:
    return Event(*c.agent, payload={"channel": c.channel})


def emit_answer_at_intake(ctx: Ctx, c: CaseDraft, step: Step) -> Event:
    agent, agent_unit = c.agent
    body = ctx.rng.choice(ctx.ref.reply_bodies[ctx.ref.centre_id])
    reply_id = ctx.out.next_id(REPLY)
    status = Reply.Status.APPROVED
    c.replies.append(
        ReplyDraft(reply_id, c.id, agent_unit, agent, body, "", status, step.at, agent, "", step.at)
    )
    c.replied_at = step.at
    return Event(agent, agent_unit, note=body)


def emit_merge(ctx: Ctx, c: CaseDraft, step: Step) -> Event:
    parent_id, parent_number = step.detail
    c.parent_id = parent_id
    # A case merged while it is being registered has no duplicates of its own to carry along.
    return Event(*c.dispatcher, payload={"parent": parent_number, "carried": []})


def emit_transfer(ctx: Ctx, c: CaseDraft, step: Step) -> Event:
    c.transferred_to = step.detail
    return Event(*c.dispatcher, payload={"target": step.detail})


# ---------------------------------------------------------------- dispatch and the unit's work


def _lead_unit(ctx: Ctx, c: CaseDraft) -> int:
    """The category's unit, the township or a skewed draw over departments; never one whose return
    of this case was upheld."""
    rng, ref, excluded = ctx.rng, ctx.ref, c.excluded_units
    lead = ref.cat_default_unit.get(c.category_id) if rng.random() < 0.55 else None
    if lead is None or lead in excluded:
        if c.township_id and c.township_id not in excluded and rng.random() < 0.4:
            lead = c.township_id
        else:
            lead = rng.choices(ref.departments, weights=ref.dept_weights)[0]
            if lead in excluded:
                lead = rng.choice([u for u in (*ref.departments, *ref.townships) if u not in excluded])
    return lead


def emit_dispatch(ctx: Ctx, c: CaseDraft, step: Step) -> Event:
    ref, at = ctx.ref, step.at
    lead = _lead_unit(ctx, c)
    co = [ctx.rng.choice([d for d in ref.departments if d != lead])] if c.co_handled else []
    accept_hours, handle_days = c.limits
    c.lead_unit_id, c.dispatched_at = lead, at
    c.accept_due_at = add_working_hours(at, accept_hours)
    c.due_at = add_working_days(at, handle_days)
    c.start_clock(at)
    dispatcher = c.dispatcher[0]
    for unit, role in [(lead, Assignment.Role.LEAD), *((u, Assignment.Role.CO) for u in co)]:
        a_id = ctx.out.next_id(ASSIGNMENT)
        c.assignments.append(
            AssignmentDraft(a_id, c.id, unit, role, Assignment.Status.PENDING, dispatcher, at)
        )
    payload = {
        "lead_unit": ref.unit_code[lead],
        "co_units": [ref.unit_code[u] for u in co],
        "category": ref.cat_path[c.category_id],
        "accept_due_at": c.accept_due_at.isoformat(),
        "due_at": c.due_at.isoformat(),
        "limit_version": c.version.number if c.version else None,
    }
    return Event(*c.dispatcher, payload=payload)


def _clerk(ctx: Ctx, c: CaseDraft) -> int:
    return ctx.rng.choice(ctx.ref.clerks[_lead(c)])


def _lead(c: CaseDraft) -> int:
    if c.lead_unit_id is None:
        raise ValueError(f"case {c.number}: a unit's action before any dispatch")
    return c.lead_unit_id


def emit_accept(ctx: Ctx, c: CaseDraft, step: Step) -> Event:
    lead = _lead(c)
    for a in c.assignments:
        if a.unit_id == lead and a.status == Assignment.Status.PENDING:
            a.status, a.accepted_at = Assignment.Status.ACCEPTED, step.at
    late = c.accept_due_at is not None and step.at > c.accept_due_at
    return Event(_clerk(ctx, c), lead, payload={"late": late})


def emit_return(ctx: Ctx, c: CaseDraft, step: Step) -> Event:
    """退单 with its 派单异议 (a Dispute row, pending until the centre rules)."""
    rng, ref = ctx.rng, ctx.ref
    unit, clerk = _lead(c), _clerk(ctx, c)
    why = rng.choice(RETURN_REASONS)
    reason = rng.choice([ReturnReason.NOT_OUR_DUTY, ReturnReason.NOT_OUR_DUTY, ReturnReason.NOT_OUR_AREA])
    co_units: set[int] = set()
    for a in c.assignments:
        if a.status == Assignment.Status.PENDING:
            a.status, a.return_reason = Assignment.Status.RETURNED, why
            if a.role == Assignment.Role.CO:
                co_units.add(a.unit_id)
    co_codes = sorted(ref.unit_code[u] for u in co_units)
    suggested = ref.cat_default_unit.get(c.category_id) if rng.random() < 0.6 else None
    if suggested == unit:
        suggested = None
    dispute = DisputeDraft(
        ctx.out.next_id(DISPUTE), c.id, unit, _json(co_codes), reason, why, suggested, clerk, step.at,
        c.dispatched_at, co_unit_ids=sorted(co_units),
    )  # fmt: skip
    c.disputes.append(dispute)
    c.lead_unit_id = c.accept_due_at = c.due_at = None
    c.moves[A.RETURN] = c.moves.get(A.RETURN, 0) + 1
    payload = {
        "unit": ref.unit_code[unit], "dispute": dispute.id, "reason": reason, "co_units": co_codes,
        "suggested_unit": ref.unit_code[suggested] if suggested else None,
    }  # fmt: skip
    return Event(clerk, unit, note=f"{ReturnReason(reason).label}：{why}", payload=payload)


def _pending_dispute(c: CaseDraft) -> DisputeDraft:
    if not c.disputes or c.disputes[-1].status != Dispute.Status.PENDING:
        raise ValueError(f"case {c.number}: a ruling without a pending dispute")
    return c.disputes[-1]


def _ruling_payload(ctx: Ctx, d: DisputeDraft, upheld: bool) -> dict[str, Any]:
    code = ctx.ref.unit_code
    return {
        "dispute": d.id, "upheld": upheld, "unit": code[d.unit_id],
        "decided_unit": code[d.decided_unit_id] if d.decided_unit_id else None, "amend_catalogue": False,
    }  # fmt: skip


def emit_rule_dispute(ctx: Ctx, c: CaseDraft, step: Step) -> Event:
    """异议成立: the case waits for re-dispatch; the returning unit is excluded from it."""
    d = _pending_dispute(c)
    c.excluded_units.add(d.unit_id)
    d.status, d.ruled_by_id, d.ruled_at = Dispute.Status.UPHELD, c.dispatcher[0], step.at
    d.decided_unit_id = d.suggested_unit_id
    return Event(*c.dispatcher, note=Dispute.Status.UPHELD.label, payload=_ruling_payload(ctx, d, True))


def emit_reject_dispute(ctx: Ctx, c: CaseDraft, step: Step) -> Event:
    """退单异议不成立: back to the returning unit (and its co-handlers), fresh deadlines (assign)."""
    at = step.at
    d = _pending_dispute(c)
    ruling = ctx.rng.choice(DISPUTE_REJECTIONS)
    d.status, d.ruled_by_id, d.ruled_at, d.ruling = Dispute.Status.REJECTED, c.dispatcher[0], at, ruling
    d.decided_unit_id = d.unit_id
    accept_hours, handle_days = c.limits
    c.lead_unit_id, c.dispatched_at = d.unit_id, at
    c.accept_due_at = add_working_hours(at, accept_hours)
    c.due_at = add_working_days(at, handle_days)
    c.start_clock(at)
    co = [u for u in d.co_unit_ids if u != d.unit_id]
    for unit, role in [(d.unit_id, Assignment.Role.LEAD), *((u, Assignment.Role.CO) for u in co)]:
        c.assignments.append(
            AssignmentDraft(ctx.out.next_id(ASSIGNMENT), c.id, unit, role, Assignment.Status.PENDING,
                            c.dispatcher[0], at)
        )  # fmt: skip
    payload = _ruling_payload(ctx, d, False) | {
        "accept_due_at": c.accept_due_at.isoformat(), "due_at": c.due_at.isoformat(),
    }  # fmt: skip
    return Event(*c.dispatcher, note=ruling, payload=payload)


def emit_escalate(ctx: Ctx, c: CaseDraft, step: Step) -> Event:
    """提级办理: the system's flag once returns and re-dos reach the threshold (no actor)."""
    c.escalated_at = step.at
    kinds = {a: c.moves.get(a, 0) for a in (A.RETURN, A.REOPEN)}
    summary = "、".join(f"{a.label}{n}次" for a, n in kinds.items() if n)
    payload = {"moves": sum(kinds.values()), **{a.value: n for a, n in kinds.items()}}
    return Event(None, None, note=f"{summary}，转为问题工单提级办理", payload=payload)


def emit_contact(ctx: Ctx, c: CaseDraft, step: Step) -> Event:
    reached = bool(step.detail)
    note = ctx.rng.choice(CONTACTS if reached else CONTACTS_MISSED)
    return Event(_clerk(ctx, c), _lead(c), note=note, payload={"way": "phone", "reached": reached})


def emit_contribute(ctx: Ctx, c: CaseDraft, step: Step) -> Event:
    co = next(
        (a for a in c.assignments if a.role == Assignment.Role.CO and a.status == Assignment.Status.PENDING),
        None,
    )
    if co is None:
        raise ValueError(f"case {c.number}: a contribution without a co-handling unit")
    for a in c.assignments:  # as the service: every live co-assignment of that unit is done
        if (
            a.unit_id == co.unit_id
            and a.role == Assignment.Role.CO
            and a.status != Assignment.Status.RETURNED
        ):
            a.status, a.accepted_at = Assignment.Status.DONE, step.at
    clerk = ctx.rng.choice(ctx.ref.clerks[co.unit_id])
    return Event(clerk, co.unit_id, note=ctx.rng.choice(CONTRIBUTIONS))


def emit_supervise(ctx: Ctx, c: CaseDraft, step: Step) -> Event:
    supervisor, supervisor_unit = ctx.rng.choice(ctx.ref.supervisors)
    unit = c.lead_unit_id or supervisor_unit
    if unit is None:
        raise ValueError(f"case {c.number}: supervised with no unit to send the notice to")
    body = ctx.rng.choice(SUPERVISE_NOTES)
    respond_by = add_working_days(step.at, 2)
    notice_id = ctx.out.next_id(NOTICE)
    number = f"DB{timezone.localtime(step.at).year}-{notice_id:05d}"
    # A 蓝色督办单 as supervision.services.issue_notice writes it, in the state its table gives.
    issued = NOTICE_MACHINE.next_state(None, NoticeAction.ISSUE).value
    sign_by = add_working_hours(step.at, notice_sign_hours())
    ctx.out.add(
        NOTICE,
        (notice_id, number, c.id, unit, supervisor, "blue", issued, body, False, None, None, step.at,
         sign_by, respond_by, None, None, "", None, None, "", None, None, step.at),
    )  # fmt: skip
    payload = {
        "notice": number, "colour": "blue", "unit": ctx.ref.unit_code[unit],
        "respond_by": respond_by.isoformat(),
    }  # fmt: skip
    ctx.out.add(
        NOTICE_EVENT,
        (ctx.out.next_id(NOTICE_EVENT), notice_id, 1, NoticeAction.ISSUE.value, "", issued, supervisor,
         supervisor_unit, body, _json(payload), step.at),
    )  # fmt: skip
    return Event(supervisor, supervisor_unit, note=body, payload=payload)


def emit_request_extension(ctx: Ctx, c: CaseDraft, step: Step) -> Event:
    lead, clerk = _lead(c), _clerk(ctx, c)
    why = ctx.rng.choice(EXTENSION_REASONS)
    extension = ExtensionDraft(ctx.out.next_id(EXTENSION), c.id, lead, clerk, step.at, step.detail, why)
    c.extensions.append(extension)
    return Event(clerk, lead, note=why, payload={"days": step.detail, "extension": extension.id})


def _pending_extension(c: CaseDraft) -> ExtensionDraft | None:
    return next((e for e in c.extensions if e.status == Extension.Status.PENDING), None)


def emit_decide_extension(ctx: Ctx, c: CaseDraft, step: Step) -> Event:
    extension, approve = _pending_extension(c), bool(step.detail)
    if extension is None:
        raise ValueError(f"case {c.number}: a decision without a pending extension")
    extension.status = Extension.Status.APPROVED if approve else Extension.Status.REFUSED
    extension.decided_by_id, extension.decided_at = c.dispatcher[0], step.at
    extension.decision_note = "" if approve else "延期理由不充分，请按期办结"
    payload: dict[str, Any] = {"approved": approve, "days": extension.days}
    if approve:
        c.due_at = add_working_days(c.due_at or step.at, extension.days)
        c.clock_moves.append(("days", extension.days))
        payload["due_at"] = c.due_at.isoformat()
    return Event(*c.dispatcher, note=extension.decision_note, payload=payload)


def _withdraw_pending_extensions(c: CaseDraft, actor: int, at: datetime, why: str) -> None:
    """As the services do when the answer is approved or the case starts over."""
    for e in c.extensions:
        if e.status == Extension.Status.PENDING:
            e.status, e.decided_by_id, e.decided_at, e.decision_note = (
                Extension.Status.REFUSED,
                actor,
                at,
                why,
            )


# ---------------------------------------------------------------- suspension (挂起) and re-pinning


def emit_request_suspension(ctx: Ctx, c: CaseDraft, step: Step) -> Event:
    lead, clerk = _lead(c), _clerk(ctx, c)
    reason, explanation, document = ctx.rng.choice(SUSPENSIONS)
    days: int = step.detail
    suspension = SuspensionDraft(
        ctx.out.next_id(SUSPENSION), c.id, lead, reason, explanation,
        document.format(n=ctx.rng.randint(10, 999)), days, clerk, step.at,
    )  # fmt: skip
    c.suspensions.append(suspension)
    payload = {"suspension": suspension.id, "reason": reason, "days": days, "document": suspension.document}
    return Event(clerk, lead, note=explanation, payload=payload)


def _open_suspension(c: CaseDraft, status: str) -> SuspensionDraft:
    for suspension in reversed(c.suspensions):
        if suspension.status == status:
            return suspension
    raise ValueError(f"case {c.number}: no {status} suspension")


def _decide_suspension(ctx: Ctx, c: CaseDraft, step: Step, approve: bool) -> Event:
    """As services.decide_suspension: SUSPEND when approved, DECIDE_SUSPENSION when refused."""
    suspension = _open_suspension(c, Suspension.Status.PENDING)
    note = "" if approve else ctx.rng.choice(SUSPENSION_REFUSALS)
    suspension.decided_by_id, suspension.decided_at, suspension.decision_note = c.dispatcher[0], step.at, note
    if approve:
        suspension.status, suspension.started_at = Suspension.Status.RUNNING, step.at
        suspension.limit_at = add_working_days(step.at, suspension.days)
        c.suspended_until = suspension.limit_at
    else:
        suspension.status = Suspension.Status.REFUSED
    payload = {
        "suspension": suspension.id,
        "approved": approve,
        "limit_at": suspension.limit_at.isoformat() if suspension.limit_at else None,
    }
    return Event(*c.dispatcher, note=note, payload=payload)


def emit_suspend(ctx: Ctx, c: CaseDraft, step: Step) -> Event:
    return _decide_suspension(ctx, c, step, approve=True)


def emit_decide_suspension(ctx: Ctx, c: CaseDraft, step: Step) -> Event:
    return _decide_suspension(ctx, c, step, approve=False)


def emit_resume(ctx: Ctx, c: CaseDraft, step: Step) -> Event:
    """恢复计时: due_at moves by the working hours spent suspended, as services.resume computes them."""
    suspension = _open_suspension(c, Suspension.Status.RUNNING)
    if suspension.started_at is None:
        raise ValueError(f"case {c.number}: a running suspension without its start")
    # The lead unit when what it waited for arrived, else the centre.
    by_unit = ctx.rng.random() < 0.8
    actor, unit = (_clerk(ctx, c), _lead(c)) if by_unit else c.dispatcher
    hours = max(0.0, working_hours_between(suspension.started_at, step.at))
    before = c.due_at
    if before is not None and hours > 0:  # as the service: no working hour, no move
        c.due_at = add_working_hours(before, hours)
    c.suspended_until = None
    suspension.status, suspension.ended_at, suspension.ended_by_id = Suspension.Status.ENDED, step.at, actor
    suspension.suspended_hours = hours
    c.clock_moves.append(("hours", round(hours, 4)))  # what repin reads back: the payload's value
    overran = bool(suspension.limit_at and step.at > suspension.limit_at)
    payload = {
        "suspension": suspension.id,
        "suspended_hours": round(hours, 4),
        "overran": overran,
        "due_at_before": _iso(before),
        "due_at": _iso(c.due_at),
    }
    return Event(actor, unit, note=ctx.rng.choice(RESUME_NOTES), payload=payload)


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _awaiting_acceptance(c: CaseDraft) -> bool:
    """The case is DISPATCHED: its lead unit has not signed for it yet."""
    return any(
        a.unit_id == c.lead_unit_id
        and a.role == Assignment.Role.LEAD
        and a.status == Assignment.Status.PENDING
        for a in c.assignments
    )


def _handling_deadline(c: CaseDraft, handle_days: int) -> datetime | None:
    """cases.services.repin.handling_deadline, from the draft instead of the log."""
    if c.clock_start is None:
        return None
    due = add_working_days(c.clock_start, handle_days)
    if c.clock_kept is not None:  # a 重办 that kept an approved extension's later deadline
        kept = _clock_deadline(*c.clock_kept, handle_days)
        due = max(due, kept)
    return _moved(due, c.clock_moves)


def _clock_deadline(start: datetime, moves: list[tuple[str, float]], handle_days: int) -> datetime:
    return _moved(add_working_days(start, handle_days), moves)


def _moved(due: datetime, moves: list[tuple[str, float]]) -> datetime:
    for kind, value in moves:
        if kind == "days":
            due = add_working_days(due, int(value))
        elif value > 0:  # as the service: a suspension of no working hour moves nothing
            due = add_working_hours(due, value)
    return due


def emit_repin(ctx: Ctx, c: CaseDraft, step: Step) -> Event:
    """按现行时限重算: the case moves to the version in force now; its deadlines are recomputed."""
    ref = ctx.ref
    version = ref.version_at(step.at)
    if version is None or version is c.version:  # the service's guard, _newer_limits_in_force
        raise ValueError(f"case {c.number}: a re-pin with no newer limits version in force")
    before = {
        "limit_version": c.version.number if c.version else None,
        "accept_due_at": _iso(c.accept_due_at),
        "due_at": _iso(c.due_at),
    }
    c.version, c.limit_version_id = version, version.id
    c.limits = ref.limits(version, c.category_id, c.urgency == Urgency.URGENT)
    accept_hours, handle_days = c.limits
    if _awaiting_acceptance(c) and c.dispatched_at is not None:
        c.accept_due_at = add_working_hours(c.dispatched_at, accept_hours)
    if c.due_at is not None:
        c.due_at = _handling_deadline(c, handle_days) or c.due_at
    after = {
        "limit_version": version.number,
        "accept_due_at": _iso(c.accept_due_at),
        "due_at": _iso(c.due_at),
    }
    return Event(
        *c.dispatcher, note=ctx.rng.choice(REPIN_REASONS), payload={"before": before, "after": after}
    )


# ---------------------------------------------------------------- replies


def emit_reply(ctx: Ctx, c: CaseDraft, step: Step) -> Event:
    lead, clerk = _lead(c), _clerk(ctx, c)
    body = ctx.rng.choice(ctx.ref.reply_bodies[lead])
    reply_id = ctx.out.next_id(REPLY)
    c.replies.append(ReplyDraft(reply_id, c.id, lead, clerk, body, "", Reply.Status.SUBMITTED, step.at))
    # "checks": None as without an app that checks replies (the bench runs no triage, see EMITTERS).
    payload: dict[str, Any] = {"reply": reply_id, "template": None, "checks": None, "files": []}
    return Event(clerk, lead, note=body, payload=payload)


def _submitted_reply(c: CaseDraft) -> ReplyDraft:
    for reply in reversed(c.replies):
        if reply.status == Reply.Status.SUBMITTED:
            return reply
    raise ValueError(f"case {c.number}: a review without a submitted reply")


def emit_reject_reply(ctx: Ctx, c: CaseDraft, step: Step) -> Event:
    lead = _lead(c)
    leader = ctx.rng.choice(ctx.ref.leaders[lead])
    reply, why = _submitted_reply(c), ctx.rng.choice(REJECT_NOTES)
    reply.status, reply.reviewer_id, reply.review_note = Reply.Status.REJECTED, leader, why
    return Event(leader, lead, note=why, payload={"reply": reply.id})


def emit_approve_reply(ctx: Ctx, c: CaseDraft, step: Step) -> Event:
    lead, at = _lead(c), step.at
    leader = ctx.rng.choice(ctx.ref.leaders[lead])
    reply = _submitted_reply(c)
    reply.status, reply.reviewer_id, reply.approved_at = Reply.Status.APPROVED, leader, at
    for a in c.assignments:
        if a.unit_id == lead and a.status == Assignment.Status.ACCEPTED:
            a.status = Assignment.Status.DONE
    c.replied_at = at
    c.is_overdue_closed = bool(c.due_at and at > c.due_at)
    _withdraw_pending_extensions(c, leader, at, "答复已审核通过，延期申请失效")
    return Event(leader, lead, payload={"reply": reply.id, "late": c.is_overdue_closed, "checks": None})


# ---------------------------------------------------------------- callback, close, reopen


def emit_callback(ctx: Ctx, c: CaseDraft, step: Step) -> Event:
    """回访 (and a missed attempt): a Reach in the step's detail, or None for an unanswered call."""
    rng, (agent, agent_unit) = ctx.rng, c.agent
    reach: Reach | None = step.detail
    c.callback_attempts += 1
    callback_id = ctx.out.next_id(CALLBACK)
    if reach is not None:
        note = rng.choice(CALLBACK_NOTES)
        c.satisfaction, c.resolved = reach.satisfaction, reach.resolved
        outcome = (Callback.Outcome.REACHED, reach.resolved, reach.satisfaction)
        ctx.out.add(CALLBACK, (callback_id, c.id, agent, step.at, *outcome, note))
    else:
        note = "电话无人接听"
        ctx.out.add(
            CALLBACK, (callback_id, c.id, agent, step.at, Callback.Outcome.UNREACHABLE, None, "", note)
        )
    payload = {
        "reached": reach is not None,
        "resolved": reach.resolved if reach else None,
        "satisfaction": reach.satisfaction if reach else "",
        "attempt": c.callback_attempts,
    }
    return Event(agent, agent_unit, note=note, payload=payload)


def emit_close(ctx: Ctx, c: CaseDraft, step: Step) -> Event:
    unsatisfied = c.satisfaction == Satisfaction.UNSATISFIED
    note = ctx.rng.choice(UNSATISFIED_CLOSE) if unsatisfied else ""
    c.closed_at = step.at
    return Event(*c.agent, note=note)


def emit_reopen(ctx: Ctx, c: CaseDraft, step: Step) -> Event:
    lead, at = _lead(c), step.at
    agent = c.agent[0]
    previous_due = c.due_at
    # As cases.services.closing.reopen_deadline: an approved extension's later deadline stays.
    fresh = add_working_days(at, c.limits[1])
    extended = any(e.status == Extension.Status.APPROVED for e in c.extensions)
    kept = extended and previous_due is not None and previous_due > fresh
    c.due_at = previous_due if kept and previous_due is not None else fresh
    prior = (c.clock_start, list(c.clock_moves)) if kept and c.clock_start is not None else None
    c.start_clock(at)
    c.clock_kept = prior
    c.reopen_count += 1
    c.moves[A.REOPEN] = c.moves.get(A.REOPEN, 0) + 1
    c.satisfaction, c.resolved, c.callback_attempts, c.closed_at = "", None, 0, None
    c.replied_at, c.is_overdue_closed = None, False
    _withdraw_pending_extensions(c, agent, at, "工单重办，原延期申请失效")
    for a in c.assignments:
        if a.unit_id == lead and a.role == Assignment.Role.LEAD and a.status != Assignment.Status.RETURNED:
            a.status = Assignment.Status.ACCEPTED
    payload = {
        "due_at": c.due_at.isoformat(),
        "reopen_count": c.reopen_count,
        "kept_extension": kept,
        "previous_due_at": previous_due.isoformat() if previous_due else None,
    }
    return Event(*c.agent, note="诉求人对答复不满意，要求重新办理", payload=payload)


# The one emitter of each action. TRIAGE is missing on purpose: its payload is the triage model's
# output (bench does not run the model), and it never changes a case's state or columns; for the
# same reason replies carry no reply checks (payload "checks": None, as without a checking app). So is
# OVERRIDE (更正已办结工单): its actor needs a permission no bench user holds.
EMITTERS: dict[Action, Emitter] = {
    A.REGISTER: emit_register,
    A.ANSWER_AT_INTAKE: emit_answer_at_intake,
    A.DISPATCH: emit_dispatch,
    A.ACCEPT: emit_accept,
    A.RETURN: emit_return,
    A.RULE_DISPUTE: emit_rule_dispute,
    A.REJECT_DISPUTE: emit_reject_dispute,
    A.ESCALATE: emit_escalate,
    A.REQUEST_EXTENSION: emit_request_extension,
    A.DECIDE_EXTENSION: emit_decide_extension,
    A.REQUEST_SUSPENSION: emit_request_suspension,
    A.DECIDE_SUSPENSION: emit_decide_suspension,
    A.SUSPEND: emit_suspend,
    A.RESUME: emit_resume,
    A.REPIN: emit_repin,
    A.CONTACT: emit_contact,
    A.CONTRIBUTE: emit_contribute,
    A.REPLY: emit_reply,
    A.APPROVE_REPLY: emit_approve_reply,
    A.REJECT_REPLY: emit_reject_reply,
    A.CALLBACK: emit_callback,
    A.CALLBACK_MISSED: emit_callback,  # the same service, the same rows; the planner names the action
    A.CLOSE: emit_close,
    A.REOPEN: emit_reopen,
    A.MERGE: emit_merge,
    A.TRANSFER: emit_transfer,
    A.SUPERVISE: emit_supervise,
}
