"""The state machine, over every (state, action) pair."""

from __future__ import annotations

import itertools

import pytest

from cases.workflow import TRANSITIONS, Action, State, allowed_actions, next_state
from mochou.errors import TransitionNotAllowed

EXPECTED = {
    (None, "register"): "registered",
    ("registered", "answer_at_intake"): "replied",
    ("registered", "dispatch"): "dispatched",
    ("registered", "merge"): "merged",
    ("registered", "transfer"): "transferred",
    ("dispatched", "accept"): "in_progress",
    ("dispatched", "return"): "registered",
    ("registered", "reject_dispute"): "dispatched",
    ("in_progress", "reply"): "pending_approval",
    ("in_progress", "suspend"): "suspended",
    ("suspended", "resume"): "in_progress",
    ("pending_approval", "approve"): "replied",
    ("pending_approval", "reject_reply"): "in_progress",
    ("replied", "callback"): "called_back",
    # 差评整改: a 差评 goes to the unit's rectification; verified, the case is called back again.
    ("replied", "rectify"): "rectifying",
    ("rectifying", "report_rectify"): "rectified",
    ("rectified", "verify_rectify"): "replied",
    ("rectified", "return_rectify"): "rectifying",
    ("rectifying", "reopen"): "in_progress",
    ("rectified", "reopen"): "in_progress",
    ("called_back", "close"): "closed",
    ("called_back", "reopen"): "in_progress",
    ("closed", "reopen"): "in_progress",
}


@pytest.mark.parametrize(("state", "action"), list(itertools.product([None, *State], Action)))
def test_every_pair_either_moves_as_the_table_says_or_is_refused(state: State | None, action: Action) -> None:
    key = (state.value if state else None, action.value)
    if (state, action) in TRANSITIONS:
        result = next_state(state, action)
        if key in EXPECTED:
            assert result == EXPECTED[key]
        else:  # the remaining allowed pairs are the ones that keep the state (extension, supervision…)
            assert result == state
    else:
        with pytest.raises(TransitionNotAllowed) as caught:
            next_state(state, action)
        assert caught.value.status == 409
        assert caught.value.code == "case.transition_not_allowed"
        assert "不能执行" in caught.value.message


def test_state_changing_transitions_are_exactly_the_case_loop() -> None:
    moving = {(s.value if s else None, a.value): t.value for (s, a), t in TRANSITIONS.items() if s != t}
    assert moving == EXPECTED


def test_terminal_states_allow_nothing() -> None:
    assert allowed_actions(State.MERGED) == []
    assert allowed_actions(State.TRANSFERRED) == []
    assert allowed_actions(State.CLOSED) == [Action.REOPEN, Action.OVERRIDE]


def test_refusal_names_the_state_and_action_in_chinese() -> None:
    with pytest.raises(TransitionNotAllowed, match=r"已办结.*派单"):
        next_state(State.CLOSED, Action.DISPATCH)


def test_a_poor_rating_never_waits_in_called_back_first() -> None:
    """Issue 10, item 6: the 差评's next step is the rectification, reached from the callback itself."""
    assert next_state(State.REPLIED, Action.RECTIFY) == State.RECTIFYING
    assert Action.CLOSE not in allowed_actions(State.RECTIFYING)
    assert Action.CLOSE not in allowed_actions(State.RECTIFIED)


def test_the_callback_pool_claims_only_while_waiting_for_callback() -> None:
    for action in (Action.CLAIM_CALLBACK, Action.RELEASE_CALLBACK):
        states = [s for s in State if (s, action) in TRANSITIONS]
        assert states == [State.REPLIED]
        assert next_state(State.REPLIED, action) == State.REPLIED
