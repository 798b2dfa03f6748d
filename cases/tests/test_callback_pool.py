"""The callback pool (issue 10, item 11): an answered case notifies no agent; it waits in 回访池
for an agent to claim it; a claim is the agent's for a while, the others see it taken."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client

from cases import services
from cases.guards import available_actions
from cases.models import Case, Satisfaction
from cases.queues import queue_cases
from cases.workflow import Action, State
from mochou.errors import Conflict, NotPermitted
from notifications.models import Notification
from tests.factories import PASSWORD, City, replied_case

pytestmark = pytest.mark.django_db


def fresh(case: Case) -> Case:
    return Case.objects.get(pk=case.pk)


def test_an_answered_case_notifies_no_agent(city: City, clock: object) -> None:
    replied_case(city)
    assert not Notification.objects.filter(user__role="agent").exists()


def test_a_claimed_callback_is_the_agents_and_others_see_it_taken(city: City, clock: object) -> None:
    agent, other = city.users["agent"], city.users["agent2"]
    case = replied_case(city)
    assert case in queue_cases(other, "to_callback")
    services.claim_callback(case, actor=agent)
    case = fresh(case)
    assert case.callback_claimed_until is not None
    assert case.callback_claim_holder(case.callback_claimed_until - timedelta(minutes=1)) == agent
    assert case in queue_cases(agent, "my_callbacks")
    assert case not in queue_cases(other, "my_callbacks")
    assert case in queue_cases(other, "to_callback")  # still in the pool, shown as taken
    assert Action.CALLBACK not in available_actions(other, case)
    assert Action.CLAIM_CALLBACK not in available_actions(other, case)
    with pytest.raises(Conflict, match="王话务认领") as caught:
        services.callback(case, actor=other, reached=True, resolved=True, satisfaction=Satisfaction.SATISFIED)
    assert caught.value.code == "case.callback_claimed"
    services.callback(case, actor=agent, reached=True, resolved=True, satisfaction=Satisfaction.SATISFIED)
    case = fresh(case)
    assert (case.state, case.callback_claimed_by) == (State.CALLED_BACK, None)


def test_a_claim_expires_and_another_agent_may_take_it(city: City, clock) -> None:
    agent, other = city.users["agent"], city.users["agent2"]
    case = services.claim_callback(replied_case(city), actor=agent)
    clock.shift(timedelta(minutes=61))
    assert fresh(case) not in queue_cases(agent, "my_callbacks")
    services.claim_callback(fresh(case), actor=other)
    assert fresh(case).callback_claimed_by == other


def test_released_the_callback_goes_back_to_the_pool(city: City, clock: object) -> None:
    agent, other = city.users["agent"], city.users["agent2"]
    case = services.claim_callback(replied_case(city), actor=agent)
    with pytest.raises(NotPermitted):
        services.release_callback(fresh(case), actor=other)
    services.release_callback(fresh(case), actor=agent)
    assert fresh(case).callback_claimed_by is None
    assert Action.CALLBACK in available_actions(other, fresh(case))
    with pytest.raises(Conflict):
        services.release_callback(fresh(case), actor=agent)
    # A dispatcher frees an absent agent's claim.
    services.claim_callback(fresh(case), actor=agent)
    services.release_callback(fresh(case), actor=city.users["dispatcher"])
    assert fresh(case).callback_claimed_by is None


def test_an_unanswered_attempt_puts_the_callback_back_in_the_pool(city: City, clock: object) -> None:
    agent = city.users["agent"]
    case = services.claim_callback(replied_case(city), actor=agent)
    services.callback(fresh(case), actor=agent, reached=False, comment="无人接听")
    case = fresh(case)
    assert (case.state, case.callback_claimed_by) == (State.REPLIED, None)


def test_the_citizens_own_rating_is_never_blocked_by_a_claim(city: City, clock: object) -> None:
    case = services.claim_callback(replied_case(city), actor=city.users["agent"])
    citizen = services.channel_user("mobile")
    services.callback(
        fresh(case), actor=citizen, reached=True, resolved=True, satisfaction=Satisfaction.SATISFIED
    )
    assert fresh(case).state == State.CALLED_BACK


def test_the_pool_page_shows_who_claimed(city: City, clock: object) -> None:
    case = services.claim_callback(replied_case(city), actor=city.users["agent"])
    client = Client()
    client.login(username="agent2", password=PASSWORD)
    page = client.get(f"/cases/{case.number}/").content.decode()
    assert "王话务已认领" in page
    assert 'id="action-callback"' not in page
    queue = client.get("/cases/queue/to_callback/").content.decode()
    assert "王话务已认领" in queue
    assert "回访池" in queue
    assert case.number in queue


def test_claim_through_the_api(city: City, clock: object) -> None:
    from accounts.models import ApiToken

    case = replied_case(city)
    token = ApiToken.issue(city.users["agent"])
    r = Client().post(
        f"/api/v1/cases/{case.number}/claim-callback",
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert r.status_code == 200, r.content
    assert r.json()["callback_claim"]["agent"] == "王话务"
    other = ApiToken.issue(city.users["agent2"])
    r = Client().post(
        f"/api/v1/cases/{case.number}/callback",
        data={"reached": True, "resolved": True, "satisfaction": "satisfied"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {other}",
    )
    assert (r.status_code, r.json()["code"]) == (409, "case.callback_claimed")
