"""The 督办单's loop on the loop core: its model, event log, table and guards."""

from __future__ import annotations

from loop.verbs import Loop
from supervision.guards import GUARDS
from supervision.models import Notice, NoticeEvent
from supervision.workflow import MACHINE, Action, State

SUPERVISION: Loop[Notice, State, Action] = Loop(
    model=Notice,
    event_model=NoticeEvent,
    item_field="notice",
    machine=MACHINE,
    guards=GUARDS,
    related=("case", "unit", "supervisor"),
)
