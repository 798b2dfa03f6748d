"""One guard per action: who may do what to an item now, decided in one place.

A loop declares, per action, the roles that may take it, whether only the item's own unit may,
and a check of the item's data. The verb asks `check()` under its row lock; pages, the API's
`allowed_actions`, the console and the portal ask `refusal()` / `available()` / `may()` to decide
what to offer — the same functions, so a button is offered exactly when the verb would accept.

Order of the checks (and so of the error a refused actor sees): role (403), unit (403), state
(409), the item's data (409/422). Input (texts, numbers) is the verb's own, checked after.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Generic, Protocol, TypeVar

from loop.machine import Machine
from mochou.errors import DomainError, NotPermitted


class Actor(Protocol):
    """What a guard needs of the acting user (accounts.User satisfies it)."""

    is_active: bool
    role: str
    unit_id: int | None


class Item(Protocol):
    """What a guard needs of an item: its state (and whatever its own checks read)."""

    state: str


A = TypeVar("A", bound=Enum)
S = TypeVar("S", bound=Enum)

DataCheck = Callable[[Any, Any], None]  # (actor, item) -> None, raising a DomainError
UnitCheck = Callable[[Any, Any], bool]  # (actor, item) -> is this the actor's own item?


@dataclass(frozen=True)
class Rule:
    """Who may take one action: the roles, whether only the item's own unit, and a data check."""

    roles: frozenset[str]
    what: str  # the action as a sentence's verb: "签收", "审核答复" …
    own_unit: bool = False
    checks: tuple[DataCheck, ...] = ()
    role_names: str = ""


@dataclass
class Guards(Generic[S, A]):
    machine: Machine[S, A]
    role_label: Callable[[str], str]
    own_unit: UnitCheck
    own_unit_message: str = "只有{item}的承办单位可以{what}。"
    rules: dict[A, Rule] = field(default_factory=dict)

    def rule(
        self,
        action: A,
        roles: Iterable[str],
        *,
        what: str | None = None,
        own_unit: bool = False,
        checks: Iterable[DataCheck] = (),
    ) -> Rule:
        if action in self.rules:
            raise ValueError(f"{action!r} already has its guard")
        role_set = frozenset(str(r) for r in roles)
        names = "、".join(self.role_label(r) for r in roles)
        made = Rule(
            roles=role_set,
            what=what or str(getattr(action, "label", action.value)),
            own_unit=own_unit,
            checks=tuple(checks),
            role_names=names,
        )
        self.rules[action] = made
        return made

    def roles(self, action: A) -> frozenset[str]:
        return self.rules[action].roles

    # ------------------------------------------------------------ asking

    def may(self, actor: Actor, action: A) -> bool:
        """Whether the actor's role may ever take this action (no item in view: a menu, a form)."""
        rule = self.rules.get(action)
        return bool(rule and getattr(actor, "is_authenticated", True) and actor.is_active
                    and actor.role in rule.roles)  # fmt: skip

    def check_actor(self, actor: Actor, action: A) -> None:
        """The role part alone, for a verb to refuse before it reads anything (403)."""
        rule = self._rule(action)
        if not actor.is_active or actor.role not in rule.roles:
            raise NotPermitted(f"只有{rule.role_names}可以{rule.what}。", code="permission_denied.role")

    def check(self, actor: Actor, item: Item, action: A) -> None:
        """Raise the error the verb would raise for this actor, item and action; None if allowed."""
        rule = self._rule(action)
        self.check_actor(actor, action)
        if rule.own_unit and not self.own_unit(actor, item):
            message = self.own_unit_message.format(item=self.machine.item_label, what=rule.what)
            raise NotPermitted(message, code="permission_denied.unit")
        self.machine.next_state(item.state, action)
        for data_check in rule.checks:
            data_check(actor, item)

    def refusal(self, actor: Actor, item: Item, action: A | str) -> DomainError | None:
        """Why the actor may not take `action` on `item` now, or None."""
        try:
            self.check(actor, item, self.machine.actions(action))
        except DomainError as error:
            return error
        return None

    def available(self, actor: Actor, item: Item, *, offered: Iterable[A] | None = None) -> list[A]:
        """Exactly the actions this actor may take on this item now, in the table's order."""
        if not getattr(actor, "is_authenticated", True):
            return []
        choices = set(offered) if offered is not None else None
        return [
            act
            for act in self.machine.allowed_actions(item.state)
            if act in self.rules
            and (choices is None or act in choices)
            and self.refusal(actor, item, act) is None
        ]

    def _rule(self, action: A) -> Rule:
        try:
            return self.rules[action]
        except KeyError:
            raise NotPermitted(f"没有人可以执行“{action.value}”。", code="permission_denied.role") from None

    def unguarded(self) -> set[A]:
        """Actions of the table that no rule covers (a test asserts that this is only the system's)."""
        return {action for (_, action) in self.machine.transitions} - set(self.rules)
