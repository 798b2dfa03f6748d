"""What the apps built on a loop subscribe to, so that the loop imports none of them.

Two kinds:
- `Hook`: something happened (a case was registered, dispatched, answered). Subscribers connect
  in their `AppConfig.ready`; the loop fires the hook after its transaction commits, and a failing
  subscriber is logged, never turned into a failed action (the loop's sweeps recover its work).
- `Provider`: a question the loop asks of whoever can answer it (the citizen's link for an SMS,
  the triage's advice for a form), with the answer it uses when nobody can.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from loop.verbs import after_commit

log = logging.getLogger(__name__)

T = TypeVar("T")


class Hook:
    def __init__(self, name: str) -> None:
        self.name = name
        self._subscribers: list[Callable[..., Any]] = []

    def connect(self, subscriber: Callable[..., Any]) -> Callable[..., Any]:
        """Subscribe (usable as a decorator); connecting the same function twice is a no-op."""
        if subscriber not in self._subscribers:
            self._subscribers.append(subscriber)
        return subscriber

    def disconnect(self, subscriber: Callable[..., Any]) -> None:
        if subscriber in self._subscribers:
            self._subscribers.remove(subscriber)

    def send(self, **kwargs: Any) -> None:
        """Call every subscriber now; each failure is logged and the others still run."""
        for subscriber in list(self._subscribers):
            try:
                subscriber(**kwargs)
            except Exception:
                log.exception(
                    "subscriber %s of %s failed", getattr(subscriber, "__qualname__", subscriber), self.name
                )

    def send_after_commit(self, **kwargs: Any) -> None:
        after_commit(self.send, **kwargs)

    def __repr__(self) -> str:
        return f"Hook({self.name!r}, {len(self._subscribers)} subscribers)"


class Provider(Generic[T]):
    """One answer to one question, given by the app that knows it; `default` when none does."""

    def __init__(self, name: str, default: Callable[..., T]) -> None:
        self.name = name
        self.default = default
        self._answer: Callable[..., T] | None = None

    def provide(self, answer: Callable[..., T]) -> Callable[..., T]:
        if self._answer is not None and self._answer is not answer:
            raise RuntimeError(f"{self.name} is already provided by {self._answer!r}")
        self._answer = answer
        return answer

    def __call__(self, *args: Any, **kwargs: Any) -> T:
        return (self._answer or self.default)(*args, **kwargs)

    @property
    def provided(self) -> bool:
        return self._answer is not None
