"""The two tables, every (state, action) pair, and a guard for every action."""

from __future__ import annotations

import pytest

from duty.guards import GUARDS, TASK_GUARDS
from duty.workflow import (
    MACHINE,
    TASK_MACHINE,
    TASK_TRANSITIONS,
    TRANSITIONS,
    Action,
    State,
    TaskAction,
    TaskState,
)
from mochou.errors import TransitionNotAllowed


@pytest.mark.parametrize("state", [None, *State])
@pytest.mark.parametrize("action", list(Action))
def test_incident_table(state: State | None, action: Action) -> None:
    if (state, action) in TRANSITIONS:
        assert MACHINE.next_state(state, action) == TRANSITIONS[(state, action)]
    else:
        with pytest.raises(TransitionNotAllowed):
            MACHINE.next_state(state, action)


@pytest.mark.parametrize("state", [None, *TaskState])
@pytest.mark.parametrize("action", list(TaskAction))
def test_task_table(state: TaskState | None, action: TaskAction) -> None:
    if (state, action) in TASK_TRANSITIONS:
        assert TASK_MACHINE.next_state(state, action) == TASK_TRANSITIONS[(state, action)]
    else:
        with pytest.raises(TransitionNotAllowed):
            TASK_MACHINE.next_state(state, action)


def test_every_action_has_its_guard() -> None:
    assert GUARDS.unguarded() == set()
    assert TASK_GUARDS.unguarded() == set()


def test_a_finished_incident_takes_no_more_reports() -> None:
    assert MACHINE.allowed_actions(State.FINISHED) == [Action.LINK]
