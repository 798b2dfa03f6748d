"""The table, over every (state, action) pair, and the guards against the verbs' offers."""

from __future__ import annotations

import pytest

from enforcement.guards import GUARDS, OFFERED, available_actions
from enforcement.tests.conftest import OLD, Control, violation_in
from enforcement.workflow import MACHINE, TRANSITIONS, Action, State
from mochou.errors import TransitionNotAllowed


@pytest.mark.parametrize("state", list(State))
@pytest.mark.parametrize("action", list(Action))
def test_every_pair_is_in_the_table_or_refused(state: State, action: Action) -> None:
    if (state, action) in TRANSITIONS:
        assert MACHINE.next_state(state, action) == TRANSITIONS[(state, action)]
    else:
        with pytest.raises(TransitionNotAllowed):
            MACHINE.next_state(state, action)


def test_every_action_has_its_guard() -> None:
    assert GUARDS.unguarded() == set()


def test_only_signed_off_and_dismissed_are_final() -> None:
    for state in State:
        moves = [a for a in MACHINE.allowed_actions(state) if a != Action.ACCOUNT]
        assert (not moves) == (state in (State.CLOSED, State.DISMISSED))


@pytest.mark.django_db
def test_the_buttons_offered_agree_with_the_guards(control: Control) -> None:
    users = [*list(control.users.values()), control.city.users["agent"], control.city.users["supervisor"]]
    for state in State:
        v = violation_in(control, state, **({"built_on": OLD} if state == State.PLANNED else {}))
        for user in users:
            offered = set(available_actions(user, v))
            for action in OFFERED:
                assert (action in offered) == (GUARDS.refusal(user, v, action) is None)
