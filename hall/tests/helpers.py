"""Tickets in any state, made through the verbs."""

from __future__ import annotations

from accounts.models import User
from affairs.models import Matter
from hall.models import Ticket, Window
from hall.services import tickets as svc
from hall.workflow import State


def ticket_in(state: State, matter: Matter, window: Window, clerk: User) -> Ticket:
    t = svc.take(matter)
    if state == State.WAITING:
        return t
    if state == State.CANCELLED:
        return svc.cancel(t, actor=clerk)
    called = svc.call_next(window, actor=clerk)
    assert called is not None
    assert called.pk == t.pk
    t = called
    if state == State.CALLED:
        return t
    if state == State.MISSED:
        for _ in range(2):
            t = svc.recall(t, actor=clerk)
        return svc.no_show(t, actor=clerk)
    t = svc.start(t, actor=clerk)
    if state == State.SERVING:
        return t
    assert state == State.DONE
    return svc.finish(t, actor=clerk)
