"""Invariants of the application loop: every (state, action) pair, and the 一件事 roll-up."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from django.db import transaction

from affairs import services
from affairs.guards import GUARDS
from affairs.models import Application
from affairs.services.joint import joint_state
from affairs.workflow import FINAL_STATES, MACHINE, TRANSITIONS, Action, Channel, State
from mochou.errors import DomainError, TransitionNotAllowed


def test_the_table_is_guarded_and_every_state_reachable():
    assert GUARDS.unguarded() == set()
    reached = {to for to in TRANSITIONS.values()}
    assert reached == set(State)
    for state in FINAL_STATES:
        assert MACHINE.allowed_actions(state) == []


def _in_every_state(matter: Any, quick: Any, window: Any, city: Any, person: Any) -> dict[State, Application]:
    clerk, leader = city.users["clerk"], city.users["unit_leader"]
    full = ["身份证", "购房合同"]

    def new(provided: list[str] = full) -> Application:
        return services.submit(matter, person, provided=provided, channel=Channel.ONLINE)

    def delivered() -> Application:
        quick_app = services.submit(quick, person, provided=["身份证"], channel=Channel.ONLINE)
        done = services.grant(services.accept(quick_app, actor=window), actor=window)
        return services.deliver(done, actor=window, delivery="window")

    granted = services.grant(
        services.approve_step(services.accept(new(), actor=window), actor=clerk), actor=leader
    )
    denied = services.approve_step(services.accept(new(), actor=window), actor=clerk)
    denied = services.deny(denied, actor=leader, opinion="不符合条件")
    return {
        State.SUBMITTED: new(),
        State.CORRECTING: services.notify(new(["身份证"]), actor=window, items=["购房合同"]),
        State.APPROVING: services.accept(new(), actor=window),
        State.REFUSED: services.refuse(new(), actor=window, reason="不属于受理范围"),
        State.GRANTED: granted,
        State.DENIED: denied,
        State.DELIVERED: services.deliver(
            services.grant(
                services.accept(
                    services.submit(quick, person, provided=["身份证"], channel=Channel.ONLINE), actor=window
                ),
                actor=window,
            ),
            actor=window,
            delivery="window",
        ),
        State.WITHDRAWN: services.withdraw(new(), token="", actor=window),
        State.RECTIFYING: services.rate(delivered(), rating=1, note="窗口态度差", actor=window),
        State.RATED: services.rate(delivered(), rating=5, actor=window),
    }


class _Undo(Exception):
    pass


def _take_and_undo(app: Application, action: Action, who: Any, expected: State) -> None:
    with transaction.atomic():
        after = services.take(app, action, actor=who, data=data_for(action))
        assert after.state == expected
        assert after.events.order_by("-seq").first().action == action  # type: ignore[union-attr]
        raise _Undo


DATA = {"note": "意见说明", "items": ["购房合同"], "provided": ["购房合同"], "delivery": "window"}


def data_for(action: Action) -> dict[str, Any]:
    return {**DATA, "rating": 1 if action == Action.RATE_POOR else 5}


@pytest.mark.django_db
def test_every_state_action_pair(clock, city, matter, quick_matter, window, person):
    apps = _in_every_state(matter, quick_matter, window, city, person)
    assert {s: a.state for s, a in apps.items()} == {s: s.value for s in State}
    # Who would take each action if the state allowed it.
    actor = {
        Action.APPROVE_STEP: city.users["clerk"],
        Action.GRANT: city.users["unit_leader"],
        Action.DENY: city.users["unit_leader"],
        Action.RECTIFY: city.users["clerk"],
    }
    for state, action in itertools.product(State, (a for a in Action if a != Action.SUBMIT)):
        if action == Action.RATE_POOR and state == State.DELIVERED:
            continue  # a sub-action of rating: the level chooses it (test_rating_opens_a_rectification)
        app = Application.objects.get(pk=apps[state].pk)
        who = actor.get(action, window)
        allowed = (state, action) in TRANSITIONS
        refusal = GUARDS.refusal(who, app, action)
        if not allowed:
            assert isinstance(refusal, TransitionNotAllowed), (state, action, refusal)
            events = app.events.count()
            with pytest.raises(DomainError):
                services.take(app, action, actor=who, data=data_for(action))
            assert app.events.count() == events
            assert Application.objects.get(pk=app.pk).state == state
        elif refusal is None:
            # Taken in a savepoint that is rolled back, so the next pair finds the item as it was.
            with pytest.raises(_Undo):
                _take_and_undo(app, action, who, TRANSITIONS[(state, action)])
        else:
            # Allowed by the table, refused by the item's data: the error says why (not the state).
            assert not isinstance(refusal, TransitionNotAllowed), (state, action)


@pytest.mark.parametrize("states", list(itertools.product(list(State), repeat=2)))
def test_rollup(states):
    parts = [Application(state=s) for s in states]
    rolled = joint_state(parts)
    open_ = {State.SUBMITTED, State.CORRECTING, State.APPROVING}
    if State.CORRECTING in states:
        assert rolled == "correcting"
    if set(states) & open_:
        assert rolled in {"correcting", "receiving", "approving"}
    else:
        assert rolled in {"ready", "done", "partly", "withdrawn"}
    if set(states) == {State.DELIVERED}:
        assert rolled == "done"
    if State.GRANTED in states and not set(states) & (open_ | {State.REFUSED, State.DENIED}):
        assert rolled == "ready"
