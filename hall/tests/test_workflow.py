"""Every (state, action) pair of the ticket's loop against the table: the verb succeeds exactly
where the table has the pair, and refuses with 409 where it has not."""

from __future__ import annotations

from typing import Any

import pytest

from hall.guards import GUARDS
from hall.models import Ticket
from hall.services import tickets as svc
from hall.tests.helpers import ticket_in
from hall.workflow import AT_WINDOW_STATES, MACHINE, TRANSITIONS, Action, State
from mochou.errors import DomainError, TransitionNotAllowed

pytestmark = pytest.mark.django_db

ACTIONS = [a for a in Action if a != Action.TAKE]


def test_every_action_of_the_table_has_its_guard() -> None:
    assert GUARDS.unguarded() == set()


def test_the_table_only_starts_with_taking_a_ticket() -> None:
    assert MACHINE.allowed_actions(None) == [Action.TAKE]


def _run(action: Action, ticket: Ticket, window: Any, clerk: Any) -> Ticket | None:
    if action == Action.CALL:
        return svc.call_next(window, actor=clerk)
    return svc.act(ticket, action, actor=clerk, data={})


@pytest.mark.parametrize("state", list(State))
@pytest.mark.parametrize("action", ACTIONS)
def test_each_pair_does_what_the_table_says(
    state: State, action: Action, matter: Any, comprehensive: Any, window: Any, clock: Any
) -> None:
    ticket = ticket_in(state, matter, comprehensive, window)
    expected = TRANSITIONS.get((state, action))
    events = ticket.events.count()
    if expected is None:
        if action == Action.CALL:
            # Nothing waits: calling finds no ticket, or the window is still busy with this one.
            if state in AT_WINDOW_STATES:
                with pytest.raises(DomainError, match="未办完"):
                    svc.call_next(comprehensive, actor=window)
            else:
                assert svc.call_next(comprehensive, actor=window) is None
        else:
            with pytest.raises(TransitionNotAllowed):
                _run(action, ticket, comprehensive, window)
        ticket.refresh_from_db()
        assert ticket.state == state
        assert ticket.events.count() == events
        return
    if action == Action.NO_SHOW:
        for _ in range(2):
            ticket = svc.recall(ticket, actor=window)
        events += 2
    done = _run(action, ticket, comprehensive, window)
    assert done is not None
    assert done.pk == ticket.pk
    done.refresh_from_db()
    assert done.state == expected
    assert done.events.count() == events + 1
    last = done.events.order_by("-seq").first()
    assert last is not None
    assert (last.from_state, last.action, last.to_state) == (state, action, expected)
