"""A loop's state machine: one table of (state, action) → state, and the only way to read it."""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum
from typing import Generic, TypeVar

from mochou.errors import TransitionNotAllowed

S = TypeVar("S", bound=Enum)
A = TypeVar("A", bound=Enum)


def _label(choice: Enum) -> str:
    return str(getattr(choice, "label", choice.value))


class Machine(Generic[S, A]):
    """The transition table of one loop. `None` as a from-state is "before the item exists".
    `code` prefixes the refusal's error code, so an API client tells the loops apart
    (`enforcement.transition_not_allowed`); the case loop's is `case`."""

    def __init__(
        self,
        states: type[S],
        actions: type[A],
        transitions: Mapping[tuple[S | None, A], S],
        *,
        item_label: str,
        code: str = "case",
    ) -> None:
        for (from_state, action), to_state in transitions.items():
            if from_state is not None and not isinstance(from_state, states):
                raise TypeError(f"{from_state!r} is not a {states.__name__}")
            if not isinstance(action, actions) or not isinstance(to_state, states):
                raise TypeError(f"bad transition {(from_state, action)!r} → {to_state!r}")
        self.states = states
        self.actions = actions
        self.transitions = dict(transitions)
        self.item_label = item_label
        self.code = code  # the prefix of the loop's error codes

    def next_state(self, state: S | str | None, action: A | str) -> S:
        """The state after `action` in `state`, or TransitionNotAllowed with a Chinese message."""
        current = self.states(state) if state else None
        act = self.actions(action)
        try:
            return self.transitions[(current, act)]
        except KeyError:
            label = _label(current) if current is not None else "未登记"
            raise TransitionNotAllowed(
                f"{self.item_label}当前状态为“{label}”，不能执行“{_label(act)}”。",
                code=f"{self.code}.transition_not_allowed",
                details={"state": current.value if current is not None else None, "action": act.value},
            ) from None

    def allowed_actions(self, state: S | str | None) -> list[A]:
        """The actions the table allows in `state`, in the table's order."""
        current = self.states(state) if state else None
        return [action for (from_state, action) in self.transitions if from_state == current]

    def changes_state(self, state: S | str, action: A | str) -> bool:
        return self.next_state(state, action) != self.states(state)
