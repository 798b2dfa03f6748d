"""Bulk dispatch and bulk accept: the one verb per case, each in its own transaction.

A bulk action is no new rule: for each case it asks the guard (cases.guards.refusal) and calls
the same verb the case page and the API call (cases.services.dispatch / accept), which opens its
own transaction. One refused case (someone else dispatched it meanwhile, it is not the unit's,
it has no suggestion) never undoes the others; each gets its line in the result, with the
Chinese reason the verb would give.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from accounts.models import User
from cases import hooks, services
from cases.guards import refusal
from cases.models import Case
from cases.workflow import Action, State
from mochou.errors import DomainError, InvalidInput
from org.models import Unit

# At most this many cases in one request: a page of a queue is 50.
MAX_BULK = 100


@dataclass(frozen=True)
class BulkResult:
    number: str
    title: str
    done: bool
    message: str  # what was done ("已派单：市住建局"), or why not
    code: str = ""  # the DomainError's code when refused
    state: str = ""  # the case's state afterwards ("" when the case was not found)

    @property
    def state_label(self) -> str:
        return State(self.state).label if self.state else ""


def numbers_of(values: Iterable[str]) -> list[str]:
    """The case numbers asked for, each once, in the order given; refuses an empty or huge list."""
    numbers = list(dict.fromkeys(v.strip() for v in values if v and v.strip()))
    if not numbers:
        raise InvalidInput("请先勾选工单。", code="invalid_input.cases", details={"field": "cases"})
    if len(numbers) > MAX_BULK:
        raise InvalidInput(
            f"一次最多处理{MAX_BULK}件工单。", code="invalid_input.cases", details={"field": "cases"}
        )
    return numbers


def _each(
    user: User, numbers: Sequence[str], action: Action, verb: Callable[[Case], str]
) -> list[BulkResult]:
    found = {c.number: c for c in Case.objects.visible_to(user).filter(number__in=numbers)}
    results = []
    for number in numbers:
        case = found.get(number)
        if case is None:
            results.append(BulkResult(number, "", False, "找不到该工单，或您无权查看。", "not_found"))
            continue
        error = refusal(user, case, action)
        done = ""
        if error is None:
            try:
                done = verb(case)  # the verb's own transaction: a failure undoes only this case
            except DomainError as exc:
                error = exc
        state = Case.objects.filter(pk=case.pk).values_list("state", flat=True).first() or ""
        if error is not None:
            results.append(BulkResult(number, case.title, False, error.message, error.code, state))
        else:
            results.append(BulkResult(number, case.title, True, done, "", state))
    return results


def _unit_names(lead: Unit, co_units: Sequence[Unit]) -> str:
    names = lead.display_name
    if co_units:
        names += "（协办：" + "、".join(u.display_name for u in co_units) + "）"
    return names


def bulk_dispatch(
    user: User,
    numbers: Sequence[str],
    *,
    lead_unit: Unit | None,
    co_units: Sequence[Unit] = (),
    note: str = "",
) -> list[BulkResult]:
    """Dispatch each case to `lead_unit` (+ `co_units`), or, with no lead unit, to the unit its
    triage suggested (the dispatch catalogue's unit, with its co-handlers and category)."""

    def dispatch_one(case: Case) -> str:
        if lead_unit is not None:
            services.dispatch(case, actor=user, lead_unit=lead_unit, co_units=co_units, note=note)
            return "已派单：" + _unit_names(lead_unit, co_units)
        advice = hooks.triage_advice(case)
        if advice is None or advice.lead_unit_id is None:
            raise InvalidInput("该工单没有派单建议，请逐件派单。", code="bulk.no_suggestion")
        lead = advice.lead_unit
        co = list(Unit.objects.filter(code__in=advice.co_units or []).exclude(pk=lead.pk))
        category = advice.category if case.category_id is None else None
        services.dispatch(case, actor=user, lead_unit=lead, co_units=co, category=category, note=note)
        return "已按分拣建议派单：" + _unit_names(lead, co)

    return _each(user, numbers, Action.DISPATCH, dispatch_one)


def bulk_accept(user: User, numbers: Sequence[str]) -> list[BulkResult]:
    def accept_one(case: Case) -> str:
        services.accept(case, actor=user)
        return "已签收"

    return _each(user, numbers, Action.ACCEPT, accept_one)
