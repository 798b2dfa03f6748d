"""The pages: the case page's 督办 section and button, the issue form, the notice with its
actions, the queue with its filters, and the printable 督办单 with the caller masked."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from accounts.models import User
from supervision import services
from supervision.models import Notice
from supervision.tests.conftest import ANSWER, DEMAND, fresh, issue
from supervision.workflow import State
from tests.factories import City, accepted_case

pytestmark = pytest.mark.django_db


def login(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def text(response: Any) -> str:
    return response.content.decode()


def test_the_case_pages_supervise_button_opens_the_notice_form(
    client: Client, city: City, clock: Any
) -> None:
    case = accepted_case(city)
    page = text(login(client, city.users["supervisor"]).get(f"/cases/{case.number}/"))
    assert f'action="/supervision/notices/new/{case.number}/"' in page
    assert re.search(r'<button type="submit" class="primary" id="btn-supervise">督办</button>', page)

    form = client.get(f"/supervision/notices/new/{case.number}/")
    assert form.status_code == 200
    assert "督办单颜色" in text(form)
    posted = client.post(
        f"/supervision/notices/new/{case.number}/", {"colour": "blue", "body": DEMAND, "respond_days": 2}
    )
    notice = Notice.objects.get(case=case)
    assert posted.status_code == 302
    assert posted["Location"] == f"/supervision/notices/{notice.number}/"

    shown = text(client.get(f"/cases/{case.number}/"))
    assert f'id="case-notice-{notice.number}"' in shown
    assert "蓝色" in shown
    assert "已下发" in shown


def test_the_form_says_why_a_yellow_notice_is_refused(client: Client, city: City, clock: Any) -> None:
    case = accepted_case(city)
    login(client, city.users["supervisor"])
    r = client.post(
        f"/supervision/notices/new/{case.number}/", {"colour": "yellow", "body": DEMAND, "respond_days": 2}
    )
    assert r.status_code == 422
    assert "重大或紧急事项方可直接发黄色或红色督办单" in text(r)
    assert not Notice.objects.exists()


def test_a_clerk_may_not_issue(client: Client, city: City, clock: Any) -> None:
    case = accepted_case(city)
    r = login(client, city.users["clerk"]).post(
        f"/supervision/notices/new/{case.number}/", {"colour": "blue", "body": DEMAND, "respond_days": 2}
    )
    assert r.status_code == 403
    assert not Notice.objects.exists()
    assert 'id="btn-supervise"' not in text(client.get(f"/cases/{case.number}/"))


def test_the_unit_answers_on_the_notice_page_and_the_case_page_shows_it(
    client: Client, city: City, clock: Any
) -> None:
    notice = issue(city)
    login(client, city.users["clerk"])
    page = text(client.get(f"/supervision/notices/{notice.number}/"))
    assert 'id="btn-sign"' in page
    assert 'id="btn-approve"' not in page
    client.post(f"/supervision/notices/{notice.number}/act/sign/")
    client.post(f"/supervision/notices/{notice.number}/act/answer/", {"answer-body": ANSWER})
    assert fresh(notice).state == State.PENDING_APPROVAL
    assert ANSWER not in text(login(client, city.users["supervisor"]).get(f"/cases/{notice.case.number}/"))

    leader = login(client, city.users["unit_leader"])
    refused = leader.post(f"/supervision/notices/{notice.number}/act/return/", {"return-note": ""})
    assert refused.status_code == 422  # a return needs its reason
    leader.post(f"/supervision/notices/{notice.number}/act/approve/", {"approve-note": "同意"})
    assert fresh(notice).state == State.ANSWERED
    case_page = text(login(client, city.users["supervisor"]).get(f"/cases/{notice.case.number}/"))
    assert ANSWER in case_page


def test_the_queue_filters_by_state_colour_unit_and_lateness(client: Client, city: City, clock: Any) -> None:
    blue = issue(city)
    red = issue(city, colour="red", major=True)
    services.sign_notice(red, actor=city.users["clerk"])
    login(client, city.users["supervisor"])

    def numbers(**query: str) -> set[str]:
        return set(
            re.findall(
                r'class="notice-row" data-number="([^"]+)"', text(client.get("/supervision/notices/", query))
            )
        )

    assert numbers() == {blue.number, red.number}
    assert numbers(colour="red") == {red.number}
    assert numbers(state="issued") == {blue.number}
    assert numbers(unit="住建") == {blue.number, red.number}
    assert numbers(unit="教育") == set()
    assert numbers(late="on") == set()
    assert login(client, city.users["outsider"]).get("/supervision/notices/").status_code == 200
    assert numbers() == set()  # another department's clerk sees none of them


def test_the_printable_notice_masks_the_caller(client: Client, city: City, clock: Any) -> None:
    notice = issue(city)
    page = text(login(client, city.users["supervisor"]).get(f"/supervision/notices/{notice.number}/print/"))
    assert notice.number in page
    assert "蓝色" in page
    assert "138****5678" in page
    assert "13812345678" not in page
    assert "张**" in page
    assert "张女士" not in page
    assert "签收人" in page
    assert "单位负责人" in page
    assert "supervision/print" in page  # the A4 print stylesheet
