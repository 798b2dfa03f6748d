"""The verb skeleton every loop's actions are written with.

    with CASES.verb(case, Action.ACCEPT, actor, now=now) as step:
        ...                          # the verb's own input checks and writes
        step.record(payload={...})   # exactly one event; the state and `fields` saved with it
        step.after_commit(notify, …) # notices once the transaction has committed

`verb()` opens one transaction, refuses a wrong role before reading anything, locks the row,
asks the guard (role, unit, state, data) and the machine for the next state; `record()` appends
the one event and writes the item's state with `update_fields`; leaving the block without a
recorded event is a programming error. After-commit duties are `robust`: a queue outage is
logged and recovered by the loop's sweeps, never turned into a failed action.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from typing import Any, Generic, TypeVar

from django.db import models, transaction
from django.db.models import Max
from django.utils import timezone

from loop.guards import Guards
from loop.machine import Machine
from loop.writes import StatefulModel, recording

log = logging.getLogger(__name__)

M = TypeVar("M", bound=StatefulModel)
S = TypeVar("S", bound=Enum)
A = TypeVar("A", bound=Enum)


def after_commit(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
    """Run `fn` once the surrounding transaction commits; a failure is logged, never raised."""
    transaction.on_commit(lambda: fn(*args, **kwargs), robust=True)


@dataclass
class Step(Generic[M, S, A]):
    """One action under way: the locked item, where it goes, and the one event it writes."""

    loop: Loop[M, S, A]
    item: M
    action: A
    actor: Any
    now: datetime
    to_state: S
    others: dict[int, M] = field(default_factory=dict)
    event: models.Model | None = None
    # Set by Loop.create: the item was made in this step, so it has no event yet and its row
    # already holds the state (the first event needs neither a MAX(seq) nor an UPDATE).
    created: bool = False

    def record(
        self,
        *,
        note: str = "",
        payload: dict[str, Any] | None = None,
        fields: Sequence[str] = (),
        action: A | None = None,
    ) -> models.Model:
        """Append the event, then save the state and `fields` in the same transaction.

        `action` names a sub-action the verb chose from its input (a callback that did not reach
        the citizen): it goes through the table too, from the same state.
        """
        if self.event is not None:
            raise RuntimeError("a verb records exactly one event")
        if action is not None and action != self.action:
            self.to_state = self.loop.machine.next_state(self._state(), action)
            self.action = action
        self.event = self.loop.append_event(
            self.item, self.action, self.actor, to_state=self.to_state, now=self.now, note=note,
            payload=payload, fields=fields, first=self.created,
        )  # fmt: skip
        return self.event

    def after_commit(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        after_commit(fn, *args, **kwargs)

    def _state(self) -> str:
        return str(getattr(self.item, self.loop.state_field))


class Loop(Generic[M, S, A]):
    """A loop: its item model, its event log, its table and its guards."""

    def __init__(
        self,
        *,
        model: type[M],
        event_model: type[models.Model],
        item_field: str,
        machine: Machine[S, A],
        guards: Guards[S, A],
        related: Sequence[str] = (),
        state_field: str = "state",
        touch_fields: Sequence[str] = ("updated_at",),
    ) -> None:
        self.model = model
        self.event_model = event_model
        self.item_field = item_field  # the event's foreign key to the item
        self.machine = machine
        self.guards = guards
        self.related = tuple(related)
        self.state_field = state_field
        self.touch_fields = tuple(touch_fields)

    # ------------------------------------------------------------ reading under lock

    def lock(self, item: M | int) -> M:
        """Re-read the item under a row lock (PostgreSQL); SQLite's IMMEDIATE transactions
        serialise writers instead."""
        pk = item.pk if isinstance(item, models.Model) else item
        # of=("self",): PostgreSQL cannot lock the nullable side of the outer joins select_related adds.
        rows = self.model._default_manager.select_for_update(no_key=True, of=("self",))
        return rows.select_related(*self.related).get(pk=pk)

    def _lock_all(self, pks: Sequence[int]) -> dict[int, M]:
        # In id order, so two verbs that lock the same pair never wait on each other in a cycle.
        rows = self.model._default_manager.select_for_update(no_key=True).filter(pk__in=pks).order_by("pk")
        return {row.pk: row for row in rows}

    # ------------------------------------------------------------ the skeleton

    @contextmanager
    def verb(
        self,
        item: M | int,
        action: A,
        actor: Any,
        *,
        now: datetime | None = None,
        also_lock: Sequence[int] = (),
        guard: bool = True,
    ) -> Iterator[Step[M, S, A]]:
        """One action on an existing item, in one transaction. `guard=False` is for the system's
        own actions, which no user takes (triage): the state machine still decides."""
        if guard:
            self.guards.check_actor(actor, action)
        with transaction.atomic():
            pk = item.pk if isinstance(item, models.Model) else item
            others = self._lock_all([pk, *also_lock]) if also_lock else {}
            locked = self.lock(pk)
            if guard:
                self.guards.check(actor, locked, action)
            to_state = self.machine.next_state(getattr(locked, self.state_field), action)
            step = Step(self, locked, action, actor, now or timezone.now(), to_state, others)
            yield step
            if step.event is None:
                raise RuntimeError(f"{action!r} finished without recording its event")

    @contextmanager
    def start(
        self, action: A, actor: Any, *, now: datetime | None = None, guard: bool = True
    ) -> Iterator[Step[M, S, A]]:
        """The action that brings an item into being (登记, 立项 …). The verb creates the item
        with `create()` and records the first event. `guard=False` is for an item the system
        brings into being (the next colour of an unanswered 督办单): the table still decides."""
        if guard:
            self.guards.check_actor(actor, action)
        with transaction.atomic():
            to_state = self.machine.next_state(None, action)
            step: Step[M, S, A] = Step(self, None, action, actor, now or timezone.now(), to_state)  # type: ignore[arg-type]  # the item is made inside the block
            yield step
            if step.event is None:
                raise RuntimeError(f"{action!r} finished without recording its event")

    def create(self, step: Step[M, S, A], **values: Any) -> M:
        """Create the item of a starting step, in the state the table gives."""
        with recording():
            item = self.model._default_manager.create(**{self.state_field: step.to_state, **values})
        step.item = item
        step.created = True
        return item

    def append_event(
        self,
        item: M,
        action: A,
        actor: Any,
        *,
        to_state: S,
        now: datetime,
        note: str = "",
        payload: dict[str, Any] | None = None,
        fields: Sequence[str] = (),
        first: bool = False,
    ) -> models.Model:
        """The item's next event; `first` for an item created in this transaction (no event yet,
        its state already stored by the INSERT)."""
        if first:
            last = None
        else:
            events = self.event_model._default_manager.filter(**{self.item_field: item})
            last = events.aggregate(m=Max("seq"))["m"]
        from_state = getattr(item, self.state_field) if last is not None else ""
        event = self.event_model._default_manager.create(
            **{self.item_field: item},
            seq=(last or 0) + 1,
            action=action.value,
            from_state=from_state,
            to_state=to_state.value,
            actor=actor,
            actor_unit_id=getattr(actor, "unit_id", None) if actor is not None else None,
            note=note,
            payload=payload or {},
            created_at=now,
        )
        stored = first and getattr(item, self.state_field) == to_state.value
        setattr(item, self.state_field, to_state.value)
        if not stored or fields:
            with recording():
                item.save(update_fields=[self.state_field, *self.touch_fields, *fields])
        return event
