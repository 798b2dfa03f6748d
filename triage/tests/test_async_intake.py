"""Intake does not wait for triage: the registration hands its case to the worker, and the pages
poll for the suggestion until it is there. (In tests huey runs a task at once; here the task is
held back to see the moment between the registration and its triage.)"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from cases import hooks
from cases.workflow import State
from tests import factories as f
from triage import dupindex, services
from triage.models import Suggestion

pytestmark = pytest.mark.django_db

REQUEST = {
    "title": "郢中街道小区门口下水道堵塞",
    "content": "郢中街道莫愁湖路小区门口的下水道堵塞好几天了，污水漫到路面，臭气熏天，请尽快疏通管网。",
    "category": None,
}


@pytest.fixture
def held(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The case ids handed to the worker, not yet run."""
    queued: list[int] = []
    monkeypatch.setattr("triage.tasks.triage_case_task", queued.append)
    return queued


def client_of(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_registration_hands_triage_to_the_worker_and_the_case_page_polls(
    city: Any, clock: Any, triage_on: Any, held: list[int]
) -> None:
    case = f.make_case(city, **REQUEST)
    assert held == [case.pk]
    assert not Suggestion.objects.filter(case=case).exists()
    assert hooks.triage_pending(case)

    dispatcher = client_of(city.users["dispatcher"])
    page = dispatcher.get(f"/cases/{case.number}/").content.decode()
    assert 'id="triage-pending"' in page
    assert f'hx-get="/cases/{case.number}/triage/"' in page
    assert "every 1s" in page
    # Still pending: the fragment polls again.
    assert 'id="triage-pending"' in dispatcher.get(f"/cases/{case.number}/triage/").content.decode()

    services.triage_new_case(held.pop())  # the worker runs it
    fragment = dispatcher.get(f"/cases/{case.number}/triage/").content.decode()
    assert 'id="triage-arrived"' in fragment
    assert 'id="triage-category"' in fragment
    assert "hx-trigger" not in fragment  # no more polling
    assert not hooks.triage_pending(case)


def test_a_unit_never_sees_the_triage_panel(city: Any, clock: Any, triage_on: Any, held: list[int]) -> None:
    case = f.make_case(city, **REQUEST)
    assert client_of(city.users["clerk"]).get(f"/cases/{case.number}/triage/").status_code == 404


def test_the_console_shows_the_suggestion_once_it_arrives(
    city: Any, clock: Any, triage_on: Any, held: list[int]
) -> None:
    agent = client_of(city.users["agent"])
    response = agent.post(
        "/console/intake/",
        {
            "path": "register",
            "kind": "complaint",
            "content": REQUEST["content"],
            "citizen_phone": "13912345678",
        },
    )
    page = response.content.decode()
    number = page.split('id="saved-number">')[1].split("<")[0]
    assert f'hx-get="/cases/{number}/triage/"' in page
    services.triage_new_case(held.pop())
    assert 'id="triage-category"' in agent.get(f"/cases/{number}/triage/").content.decode()


def test_a_lost_task_is_triaged_by_the_sweep(city: Any, clock: Any, triage_on: Any, held: list[int]) -> None:
    case = f.make_case(city, **REQUEST)
    held.clear()  # the queue lost it
    clock.shift(services.TRIAGE_GRACE * 2)
    assert services.sweep_untriaged() == 1
    assert Suggestion.objects.filter(case=case).exists()


def test_nothing_is_pending_once_a_person_dispatched(
    city: Any, clock: Any, triage_on: Any, held: list[int]
) -> None:
    case = f.make_case(city, **REQUEST)
    from cases import services as case_services

    case = case_services.dispatch(case, actor=city.users["dispatcher"], lead_unit=city.housing)
    assert case.state != State.REGISTERED
    assert not hooks.triage_pending(case)


def test_the_duplicate_index_catches_cases_committed_out_of_id_order(
    city: Any, clock: Any, triage_on: Any, held: list[int]
) -> None:
    first = f.make_case(city, **REQUEST)
    live = dupindex._fresh_index()
    assert first.pk in live.index
    second = f.make_case(city, title="另一件", content="莫愁湖公园的路灯晚上不亮，夜里散步很不方便，请维修。")
    live.last_id = second.pk  # as if a higher id had been indexed before this one committed
    dupindex._catch_up(live)
    assert second.pk in live.index


def test_the_read_write_lock_lets_readers_share() -> None:
    lock = dupindex.ReadWriteLock()
    with lock.reading(), lock.reading():  # two readers at once: no deadlock
        pass
    with lock.writing():
        pass


@pytest.fixture
def sure_drains(city: Any, settings: Any) -> Any:
    """A catalogue entry and a third level that let the drain request be dispatched alone."""
    from cases.models import Category
    from triage.tests.factories import publish_rules

    top = city.category.parent.parent
    publish_rules(city.users["admin"], [(top, city.township, city.township, [city.housing])])
    mid = city.category.parent
    Category.objects.create(name="下水道疏通", level=3, path=f"{mid.path}/下水道疏通", parent=mid)
    settings.MOCHOU_AUTO_DISPATCH_THRESHOLD = 0.3


def test_a_late_triage_dispatches_at_its_own_time_not_the_registrations(
    city: Any, clock: Any, triage_on: Any, held: list[int], sure_drains: Any
) -> None:
    from cases.models import Case, CaseEvent

    case = f.make_case(city, **REQUEST)
    registered_at = case.created_at
    clock.shift(services.TRIAGE_GRACE * 30)  # the worker was stopped for an hour
    services.triage_new_case(held.pop())
    case = Case.objects.get(pk=case.pk)
    assert case.state == State.DISPATCHED
    dispatch = CaseEvent.objects.get(case=case, action="dispatch")
    # The unit's 签收 deadline runs from when it was told, not from the registration.
    assert dispatch.created_at == registered_at + services.TRIAGE_GRACE * 30


def test_a_late_triage_never_dispatches_a_case_a_person_acted_on(
    city: Any, clock: Any, triage_on: Any, held: list[int], sure_drains: Any
) -> None:
    """Worker stopped: a dispatcher sends the case, the unit returns it (back to 待派单); when the
    triage comes at last it records its advice but leaves the dispatch to a person."""
    from cases import services as case_services
    from cases.models import Case, CaseEvent, ReturnReason

    case = f.make_case(city, **REQUEST)
    case = case_services.dispatch(case, actor=city.users["dispatcher"], lead_unit=city.housing)
    case_services.return_case(
        case,
        actor=city.users["clerk"],
        reason="本件属街道管网养护，不属于本局职责。",
        reason_kind=ReturnReason.INCOMPLETE,
    )
    assert Case.objects.get(pk=case.pk).state == State.REGISTERED
    services.triage_new_case(held.pop())
    case = Case.objects.get(pk=case.pk)
    assert Suggestion.objects.filter(case=case).exists()  # the advice is there
    assert case.state == State.REGISTERED  # but nobody but a person dispatches it now
    assert not Suggestion.objects.get(case=case).auto_dispatched
    assert CaseEvent.objects.filter(case=case, action="dispatch").count() == 1


def test_a_late_triage_leaves_the_urgency_a_person_chose(
    city: Any, clock: Any, triage_on: Any, held: list[int]
) -> None:
    from cases import services as case_services
    from cases.models import Case, ReturnReason, Urgency

    case = f.make_case(
        city,
        title="燃气泄漏",
        content="郢中街道莫愁湖路小区楼道里闻到很浓的燃气味，疑似燃气泄漏，请马上派人处理。",
    )
    case = case_services.dispatch(
        case, actor=city.users["dispatcher"], lead_unit=city.housing, urgency=Urgency.NORMAL
    )
    case_services.return_case(
        case,
        actor=city.users["clerk"],
        reason="燃气由燃气公司负责，不属于本局。",
        reason_kind=ReturnReason.INCOMPLETE,
    )
    services.triage_new_case(held.pop())
    suggestion = Suggestion.objects.get(case=case)
    assert suggestion.urgent  # the finding is recorded
    assert Case.objects.get(pk=case.pk).urgency == Urgency.NORMAL  # the person's choice stands
