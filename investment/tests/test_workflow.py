"""The project's table: signing is never skipped, a producing project is not paused, every action guarded."""

from __future__ import annotations

import pytest

from investment.access import PROJECT_GUARDS, REPORT_GUARDS
from investment.workflow import MACHINE, TRANSITIONS, Action, State
from loop.review import RevisionAction
from mochou.errors import TransitionNotAllowed

ALLOWED = [
    (None, Action.REGISTER, State.NEW),
    (State.NEW, Action.NEGOTIATE, State.NEGOTIATING),
    (State.NEGOTIATING, Action.SIGN, State.SIGNED),
    (State.SIGNED, Action.START, State.STARTED),  # a 技改 needs no 注册 or 供地
    (State.STARTED, Action.PAUSE, State.PAUSED),
    (State.PAUSED, Action.START, State.STARTED),
    (State.PAUSED, Action.TERMINATE, State.TERMINATED),
    (State.TERMINATED, Action.SIGN, State.SIGNED),
    (State.PRODUCING, Action.UPGRADE, State.PRODUCING),
    (State.COMPLETED, Action.CHANGE_INVESTOR, State.COMPLETED),
]
REFUSED = [
    (State.NEGOTIATING, Action.START),  # the signing is what counts: never skipped
    (State.NEW, Action.INCORPORATE),
    (State.STARTED, Action.INCORPORATE),  # no way back
    (State.PRODUCING, Action.PAUSE),
    (State.FULL, Action.TERMINATE),
    (State.NEGOTIATING, Action.UPGRADE),
    (State.TERMINATED, Action.START),
]


@pytest.mark.parametrize(("state", "action", "target"), ALLOWED)
def test_allowed(state: State | None, action: Action, target: State) -> None:
    assert MACHINE.next_state(state, action) == target


@pytest.mark.parametrize(("state", "action"), REFUSED)
def test_refused(state: State, action: Action) -> None:
    with pytest.raises(TransitionNotAllowed):
        MACHINE.next_state(state, action)


def test_every_state_is_reached_and_every_action_guarded() -> None:
    assert {target for target in TRANSITIONS.values()} == set(State)
    assert PROJECT_GUARDS.unguarded() == set()
    assert set(REPORT_GUARDS.rules) == {
        a for a in RevisionAction if a not in (RevisionAction.RETIRED, RevisionAction.IMPORTED)
    }
