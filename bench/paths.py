"""A case's life as a path of Actions with their times: what the services would be asked to do.

The planner only chooses actions (and the few facts an action needs, such as the days of an
extension or a callback's answer); it never says which state a case is in. The states come from
walking the path through `cases.workflow.next_state` (bench.emitters.walk), which raises if the
planner ever asks for an action the table does not allow.
"""

from __future__ import annotations

import random
from bisect import bisect_right
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings

from bench.clock import Clock
from bench.texts import SATISFACTION, TRANSFER_TARGETS
from cases.models import Kind, Satisfaction
from cases.workflow import Action, State

A, S = Action, State


@dataclass(frozen=True)
class Mix:
    """How often the loop's side roads are taken (shares of the cases that reach that point)."""

    answer_at_intake: float = 0.30  # of consultations not left waiting for dispatch
    returned: float = 0.05  # of dispatches: 退单, ruled on (派单异议审核), then dispatched again …
    returned_again: float = 0.1  # … and returned again this often (at most three times in all)
    dispute_upheld: float = 0.8  # 异议成立 (re-dispatched elsewhere), else back to the unit
    contacted: float = 0.85  # 联系诉求人 recorded soon after 签收 (else the answer's SMS is the contact) …
    contact_missed: float = 0.1  # … after a first attempt that did not reach the citizen this often
    co_handled: float = 0.08  # a co-handling unit that contributes (协办意见)
    supervised: float = 0.04  # 督办单 while the unit handles the case
    extension: float = 0.03  # a request for more days …
    extension_granted: float = 0.85  # … granted this often
    rejected: float = 0.06  # a reply sent back once by the unit leader
    unreachable_some: float = 0.12  # the citizen is missed once or more before being reached
    unreachable_always: float = 0.02  # … or never reached (closed as unreachable)
    reopened: float = 0.30  # of unsatisfied citizens of a closed case: 重办 once, then closed again
    urgent: float = 0.03
    suspension: float = 0.005  # of handled cases: a request to stop the clock (挂起) …
    suspension_granted: float = 0.85  # … granted this often, then resumed …
    suspension_overrun: float = 0.15  # … after its own limit this often
    # A second limits version in the reference data, in force since a few days ago (bench.reference
    # .revise_limits), and the share of the cases running under the older one that are re-pinned.
    limits_revised: bool = False
    repin: float = 0.02


@dataclass(frozen=True, slots=True)
class Step:
    action: Action
    at: datetime
    detail: Any = None  # extension days, a decision, a Reach, a transfer target, a merge parent


@dataclass(frozen=True, slots=True)
class Reach:
    """A callback that reached the citizen, and what they said."""

    satisfaction: str
    resolved: bool


@dataclass(frozen=True, slots=True)
class Traits:
    """What the planner needs to know about a case."""

    kind: str
    urgent: bool
    handle_days: int
    co_handled: bool


def pick(rng: random.Random, weighted: list[tuple[Any, int]]) -> Any:
    return rng.choices([v for v, _ in weighted], weights=[w for _, w in weighted])[0]


# The actions that end a case's handling: a re-pin comes before the first of them.
HANDLING_ENDS = (A.APPROVE_REPLY, A.ANSWER_AT_INTAKE, A.MERGE, A.TRANSFER)


class Planner:
    def __init__(
        self, rng: random.Random, clock: Clock, mix: Mix, changes: list[datetime] | None = None
    ) -> None:
        self.rng, self.clock, self.mix = rng, clock, mix
        self.attempts = settings.MOCHOU_CALLBACK_ATTEMPTS
        self.escalation_moves = max(1, int(settings.MOCHOU_ESCALATION_MOVES))
        self.changes = changes or []  # the moments a limits version comes into force, in order

    def after(self, t: datetime, lo: float, hi: float) -> datetime:
        return self.clock.after(self.rng, t, lo, hi)

    def after_workdays(self, t: datetime, days: float) -> datetime:
        return self.clock.after_workdays(self.rng, t, days)

    def path(self, t0: datetime, target: State, traits: Traits, parents: list[tuple[int, str]]) -> list[Step]:
        """The actions that lead a case registered at t0 towards `target`, cut at the present."""
        steps, now = self._path(t0, target, traits, parents), self.clock.now
        self._repin(steps)
        for i, step in enumerate(steps):
            if step.at >= now:
                return steps[:i]
        return steps

    def _path(
        self, t0: datetime, target: State, traits: Traits, parents: list[tuple[int, str]]
    ) -> list[Step]:
        rng = self.rng
        steps = [Step(A.REGISTER, t0)]
        if target == S.REGISTERED:
            return steps
        if target == S.TRANSFERRED or (target == S.MERGED and not parents):
            return [*steps, Step(A.TRANSFER, self.after(t0, 600, 4 * 3600), rng.choice(TRANSFER_TARGETS))]
        if target == S.MERGED:
            return [*steps, Step(A.MERGE, self.after(t0, 300, 3 * 3600), rng.choice(parents[-500:]))]
        if self._answered_at_intake(target, traits):
            steps.append(Step(A.ANSWER_AT_INTAKE, self.after(t0, 120, 1200)))
        else:
            self._dispatch(steps, traits)
            if target == S.DISPATCHED:
                return steps
            self._handle(steps, target, traits)
            if target in (S.IN_PROGRESS, S.PENDING_APPROVAL):
                return steps
        if target == S.REPLIED:
            return steps
        reach = self._callbacks(steps)
        if target == S.CALLED_BACK:
            return steps
        reopen = reach is not None and reach.satisfaction == Satisfaction.UNSATISFIED
        if reopen and steps[1].action == A.DISPATCH and rng.random() < self.mix.reopened:
            self._reopen(steps, traits)
            self._callbacks(steps)
        steps.append(Step(A.CLOSE, self.after(steps[-1].at, 300, 86400)))
        return steps

    def _answered_at_intake(self, target: State, traits: Traits) -> bool:
        if traits.kind != Kind.CONSULT or target in (S.DISPATCHED, S.IN_PROGRESS, S.PENDING_APPROVAL):
            return False
        return self.rng.random() < self.mix.answer_at_intake

    def _dispatch(self, steps: list[Step], traits: Traits) -> None:
        """派单; a 退单 is ruled on by the centre (派单异议审核) before anything else happens to the
        case: upheld, it is dispatched to another unit; rejected, it is back with the same unit."""
        rng, mix = self.rng, self.mix
        t = steps[-1].at
        t = self.after(t, 60, 900) if traits.urgent else self.after(t, 180, 5400)
        steps.append(Step(A.DISPATCH, t))
        returns = 0
        while returns < 3 and rng.random() < (mix.returned if returns == 0 else mix.returned_again):
            returns += 1
            t = self.after(t, 600, 7200)
            steps.append(Step(A.RETURN, t))
            self._escalate_if_due(steps)
            t = self.after(t, 300, 3600)
            # Only a first return is upheld: the unit named then is the one the centre settled
            # on, and a small city may have no third unit to send it to.
            if returns == 1 and rng.random() < mix.dispute_upheld:
                steps.append(Step(A.RULE_DISPUTE, t))
                t = self.after(t, 300, 3600)
                steps.append(Step(A.DISPATCH, t))
            else:
                steps.append(Step(A.REJECT_DISPUTE, t))

    def _escalate_if_due(self, steps: list[Step]) -> None:
        """提级办理 as services.escalate_if_due: right after the move that reaches the threshold."""
        moved = sum(1 for s in steps if s.action in (A.RETURN, A.REOPEN))
        if moved == self.escalation_moves:
            steps.append(Step(A.ESCALATE, steps[-1].at + timedelta(seconds=20)))

    def _handle(self, steps: list[Step], target: State, traits: Traits) -> None:
        """Accept, the side actions of the handling, then the answer (unless the target is before it)."""
        rng, t = self.rng, steps[-1].at
        accepted = self.after(t, 120, 1800) if traits.urgent else self.after(t, 300, 9000)
        steps.append(Step(A.ACCEPT, accepted))
        extras = self._extras(accepted, traits)
        fraction = rng.uniform(0.05, 0.95) if rng.random() < 0.92 else rng.uniform(1.0, 1.6)
        reply_at = self.after_workdays(accepted, traits.handle_days * fraction)
        block = self._suspension(accepted, traits) if rng.random() < self.mix.suspension else []
        if block:
            extras, reply_at = self._pause(extras, reply_at, block)
        if target == S.IN_PROGRESS:
            steps.extend(extras)
            return
        # Side actions happen before the reply; later ones are dropped, and so is a request for an
        # extension whose decision would come after the reply, and a suspension not over by then.
        before = [s for s in extras if s.at < reply_at]
        if not any(s.action == A.DECIDE_EXTENSION for s in before):
            before = [s for s in before if s.action != A.REQUEST_EXTENSION]
        if not all(s in before for s in block):
            before = [s for s in before if s not in block]
        steps.extend(before)
        self._answer(steps, max(reply_at, steps[-1].at + timedelta(minutes=5)), target)

    def _extras(self, accepted: datetime, traits: Traits) -> list[Step]:
        rng, mix, days = self.rng, self.mix, traits.handle_days
        extras: list[Step] = []
        if rng.random() < mix.contacted:
            at = self.after_workdays(accepted, rng.uniform(0.01, 0.3))
            if rng.random() < mix.contact_missed:
                extras.append(Step(A.CONTACT, at, False))
                at = self.after(at, 1800, 14400)
            extras.append(Step(A.CONTACT, at, True))
        if traits.co_handled:
            extras.append(Step(A.CONTRIBUTE, self.after_workdays(accepted, rng.uniform(0.2, 2))))
        if rng.random() < mix.supervised:
            extras.append(Step(A.SUPERVISE, self.after_workdays(accepted, rng.uniform(0.5, days + 1))))
        if rng.random() < mix.extension:
            ask = self.after_workdays(accepted, rng.uniform(1, max(1.5, days * 0.8)))
            extras.append(Step(A.REQUEST_EXTENSION, ask, rng.choice([3, 5, 5, 10])))
            decided = rng.random() < mix.extension_granted
            extras.append(Step(A.DECIDE_EXTENSION, self.after(ask, 1800, 86400), decided))
        return sorted(extras, key=lambda s: s.at)

    def _suspension(self, accepted: datetime, traits: Traits) -> list[Step]:
        """挂起: a request, the decision, and (approved) the resumption, before or after its limit."""
        rng, mix = self.rng, self.mix
        ask = self.after_workdays(accepted, rng.uniform(0.5, max(1.0, traits.handle_days * 0.5)))
        days = rng.choice([5, 10, 10, 15, 20, 30])
        decided = self.after(ask, 1800, 86400)
        if rng.random() >= mix.suspension_granted:
            return [Step(A.REQUEST_SUSPENSION, ask, days), Step(A.DECIDE_SUSPENSION, decided)]
        # The limit ends with the days-th working day after the decision: at ≥ 1.2 × days (days ≥ 5)
        # the resumption is on a later day, so an overrun is one; at < 1 it is within the limit.
        overrun = rng.random() < mix.suspension_overrun
        share = rng.uniform(1.2, 1.6) if overrun else rng.uniform(0.2, 0.95)
        resumed = self.after_workdays(decided, days * share)
        return [Step(A.REQUEST_SUSPENSION, ask, days), Step(A.SUSPEND, decided), Step(A.RESUME, resumed)]

    def _pause(
        self, extras: list[Step], reply_at: datetime, block: list[Step]
    ) -> tuple[list[Step], datetime]:
        """The side actions and the reply with a suspension among them. While suspended only
        CONTRIBUTE, SUPERVISE and CONTACT may happen; whatever else (and the reply) would fall after the
        suspension's start waits for it to end: it moves on by the suspension's length."""
        if block[-1].action != A.RESUME:  # refused: the clock never stopped
            return sorted([*extras, *block], key=lambda s: s.at), reply_at
        start, end = block[1].at, block[2].at

        def moved(t: datetime) -> datetime:
            return self.clock.snap(self.rng, t + (end - start) + timedelta(minutes=1)) if t >= start else t

        kept: list[Step] = []
        last_moved: datetime | None = None
        for s in extras:  # in time order; snapping must not put a decision before its request
            if s.action in (A.CONTRIBUTE, A.SUPERVISE, A.CONTACT):
                kept.append(s)
                continue
            at = moved(s.at)
            if last_moved is not None and at <= last_moved and s.at >= start:
                at = last_moved + timedelta(minutes=1)
            if s.at >= start:
                last_moved = at
            kept.append(Step(s.action, at, s.detail))
        return sorted([*kept, *block], key=lambda s: s.at), moved(reply_at)

    def _repin(self, steps: list[Step]) -> None:
        """按现行时限重算, for a share of the cases a newer limits version came into force for while
        they were handled: some time after its start, before the handling ends."""
        i = bisect_right(self.changes, steps[0].at)
        if i == len(self.changes) or self.rng.random() >= self.mix.repin:
            return
        at = self.after(self.changes[i], 600, 2 * 86400)
        end = next((s.at for s in steps if s.action in HANDLING_ENDS), None)
        if end is not None and at >= end:
            return
        steps.insert(bisect_right([s.at for s in steps], at), Step(A.REPIN, at))

    def _answer(self, steps: list[Step], t: datetime, target: State) -> None:
        """Reply, maybe rejected once and sent again, then approved."""
        steps.append(Step(A.REPLY, t))
        if target == S.PENDING_APPROVAL:
            return
        if self.rng.random() < self.mix.rejected:
            t = self.after(t, 1800, 86400)
            steps.append(Step(A.REJECT_REPLY, t))
            t = self.after_workdays(t, self.rng.uniform(0.1, 2))
            steps.append(Step(A.REPLY, t))
        t = self.after(t, 600, 3 * 3600) if self.rng.random() < 0.6 else self.after_workdays(t, 1)
        steps.append(Step(A.APPROVE_REPLY, t))

    def _callbacks(self, steps: list[Step]) -> Reach | None:
        """Unreachable attempts, then the one that reaches the citizen (None: never reached)."""
        rng, t = self.rng, steps[-1].at
        r = rng.random()
        if r < self.mix.unreachable_always:
            misses = self.attempts
        elif r < self.mix.unreachable_always + self.mix.unreachable_some and self.attempts > 1:
            misses = rng.randint(1, min(2, self.attempts - 1))
        else:
            misses = 0
        for attempt in range(1, misses + 1):
            t = self.after(t, 3600, 86400)
            # As services.callback: a missed call while attempts remain leaves the case in 待回访;
            # the last allowed one is the callback's outcome (the citizen counts as unreachable).
            steps.append(Step(A.CALLBACK_MISSED if attempt < self.attempts else A.CALLBACK, t, None))
        if misses >= self.attempts:
            return None
        satisfaction = pick(rng, SATISFACTION)
        resolved = rng.random() < (0.95 if satisfaction != Satisfaction.UNSATISFIED else 0.3)
        reach = Reach(satisfaction, resolved)
        steps.append(Step(A.CALLBACK, self.after(t, 1800, 2 * 86400), reach))
        return reach

    def _reopen(self, steps: list[Step], traits: Traits) -> None:
        """重办 after an unsatisfied callback: the lead unit answers again within a fresh deadline."""
        t = self.after(steps[-1].at, 1800, 86400)
        steps.append(Step(A.REOPEN, t))
        self._escalate_if_due(steps)
        reply_at = self.after_workdays(t, traits.handle_days * self.rng.uniform(0.1, 0.8))
        self._answer(steps, max(reply_at, t + timedelta(minutes=5)), S.CLOSED)
