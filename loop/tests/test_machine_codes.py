"""Every loop refuses a wrong state with its own error code, so an API client tells them apart."""

from __future__ import annotations

import pytest

from affairs.workflow import MACHINE as AFFAIRS
from cases.workflow import MACHINE as CASES
from duty.workflow import DRILL_MACHINE, KEY_MACHINE
from duty.workflow import MACHINE as DUTY_INCIDENTS
from duty.workflow import TASK_MACHINE as DUTY_TASKS
from enforcement.workflow import MACHINE as ENFORCEMENT
from enterprises.squad.workflow import MACHINE as VISITS
from hall.workflow import MACHINE as HALL
from hotspots.workflow import MACHINE as HOTSPOTS
from intermediaries.workflow import MACHINE as INTERMEDIARIES
from investment.workflow import MACHINE as INVESTMENT
from loop.machine import Machine
from mochou.errors import TransitionNotAllowed
from supervision.task_workflow import TASK_MACHINE as SUPERVISION_TASKS
from supervision.workflow import MACHINE as SUPERVISION_NOTICES

MACHINES: dict[str, Machine] = {
    "case": CASES,
    "affairs": AFFAIRS,
    "duty.incident": DUTY_INCIDENTS,
    "duty.task": DUTY_TASKS,
    "duty.keyperson": KEY_MACHINE,
    "duty.drill": DRILL_MACHINE,
    "enforcement": ENFORCEMENT,
    "enterprises.visit": VISITS,
    "hall": HALL,
    "hotspots": HOTSPOTS,
    "intermediaries": INTERMEDIARIES,
    "investment": INVESTMENT,
    "supervision.task": SUPERVISION_TASKS,
    "supervision.notice": SUPERVISION_NOTICES,
}


def _refused(machine: Machine) -> tuple[object, object]:
    """A (state, action) the table does not allow: the first state and an action not from it."""
    for state in machine.states:
        for action in machine.actions:
            if (state, action) not in machine.transitions:
                return state, action
    raise AssertionError("every action is allowed in every state")


@pytest.mark.parametrize("prefix", sorted(MACHINES))
def test_a_wrong_state_is_refused_with_the_loops_own_code(prefix: str) -> None:
    machine = MACHINES[prefix]
    state, action = _refused(machine)
    with pytest.raises(TransitionNotAllowed) as refused:
        machine.next_state(state, action)
    assert refused.value.code == f"{prefix}.transition_not_allowed"
    assert refused.value.status == 409
    assert machine.item_label in refused.value.message  # the Chinese message names the item


def test_no_two_loops_share_a_code() -> None:
    codes = [m.code for m in MACHINES.values()]
    assert len(codes) == len(set(codes))
