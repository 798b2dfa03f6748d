"""Invariants of the application loop: every (state, action) pair, and the 一件事 roll-up."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from django.db import transaction

from affairs import services
from affairs.guards import GUARDS
from affairs.models import Application, Outcome, Partner
from affairs.services.joint import joint_state
from affairs.workflow import FINAL_STATES, MACHINE, REMOTE_ACTIONS, TRANSITIONS, Action, Channel, State
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
    partner = Partner.objects.create(
        code="420821", name="京山市", base_url="http://127.0.0.1:9", key="k" * 32
    )
    forwarded = services.submit(
        matter, person, provided=full, channel=Channel.WINDOW, actor=window, partner=partner
    )
    return {
        State.FORWARDED: services.forward(forwarded, actor=window),
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
        # The exchange's own records: the administrator passes the role, so the table answers.
        **{a: city.users["admin"] for a in REMOTE_ACTIONS},
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


OUTCOME_OF = {State.REFUSED: Outcome.REFUSED, State.DENIED: Outcome.DENIED}


@pytest.mark.parametrize("states", list(itertools.product(list(State), repeat=2)))
@pytest.mark.parametrize("denied_then_delivered", [False, True])
def test_rollup(states, denied_then_delivered):
    parts = [Application(state=s, outcome=OUTCOME_OF.get(s, "")) for s in states]
    if denied_then_delivered:
        # The first part was denied, then its decision delivered (and perhaps rated): the state
        # says 已出件/已评价, the package must still say a part was not granted.
        parts[0] = Application(state=State.DELIVERED, outcome=Outcome.DENIED)
        states = (State.DELIVERED, states[1])
    rolled = joint_state(parts)
    not_granted = denied_then_delivered or bool(set(states) & {State.REFUSED, State.DENIED})
    open_ = {State.SUBMITTED, State.CORRECTING, State.APPROVING, State.FORWARDED}
    if not_granted and not set(states) & open_:
        assert rolled == "partly"
    if State.CORRECTING in states:
        assert rolled == "correcting"
    if set(states) & open_:
        assert rolled in {"correcting", "receiving", "approving"}
    else:
        assert rolled in {"ready", "done", "partly", "withdrawn"}
    if set(states) == {State.DELIVERED} and not not_granted:
        assert rolled == "done"
    if State.GRANTED in states and not set(states) & open_ and not not_granted:
        assert rolled == "ready"
    # The first stage refused or denied: the second stage, whatever it shows (a package from
    # before the verbs refused such parts may hold one in 待预审), can never be accepted, so the
    # package is 部分不予办理, never 预审中 behind it.
    first = parts[0]
    if first.state in {State.REFUSED, State.DENIED} or first.outcome:
        second = Application(state=states[1], outcome=OUTCOME_OF.get(states[1], ""), stage=2)
        assert (
            joint_state([Application(state=first.state, outcome=first.outcome, stage=1), second]) == "partly"
        )
