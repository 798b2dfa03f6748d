"""No page or API response shows a citizen's full phone or ID number to a role that does not
need it (issue 8); where one is shown, the view is audited (accounts.PersonalDataView).

Who needs it is accounts.privacy's rule (`may_see_phone`): the agent working the case — the one
who registered it, or any agent while it waits for its callback (待回访). The SMS log shows
administrators the numbers a message went to (to trace a delivery with the carrier), audited too.
Numbers the citizen typed into the request (a phone, an ID) follow the phone's rule: in full only
to that agent, audited; everyone else reads the text through accounts.masking.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.test import Client

from accounts.models import ApiToken, PersonalDataView, Role, User
from accounts.privacy import may_see_phone
from cases import services
from cases.models import Case
from cases.queues import queues_for
from tests.factories import City, accepted_case, make_case, make_user, replied_case

pytestmark = pytest.mark.django_db

ID_NUMBER = "42088119800101123X"  # a valid check digit (GB 11643)
PHONES = ("13812345678", "13700000007", "13600000006")


@dataclass
class Seeded:
    cases: list[Case]


def _seed(city: City) -> Seeded:
    def content(phone: str) -> str:
        return f"本人身份证号{ID_NUMBER}，郢中街道莫愁湖路12号门前下水道堵塞，联系电话{phone}。"

    registered = make_case(city, citizen_phone=PHONES[0], content=content(PHONES[0]))
    working = accepted_case(city, citizen_phone=PHONES[1], content=content(PHONES[1]))
    waiting = replied_case(city, citizen_phone=PHONES[2], content=content(PHONES[2]))
    services.supervise(working, actor=city.users["supervisor"], body="请加快办理进度")
    return Seeded([registered, working, waiting])


def _pages(user: User, seeded: Seeded) -> list[tuple[str, Case | None]]:
    """The main pages a member of staff opens: (url, the case it is about, or None for a list)."""
    pages: list[tuple[str, Case | None]] = [
        ("/", None),
        ("/notifications/", None),
        ("/notifications/sms/", None),
    ]
    pages += [(f"/cases/queue/{q.slug}/", None) for q in queues_for(user)]
    pages += [("/console/", None), ("/knowledge/", None), ("/audit/", None)]
    pages += [(f"/cases/{c.number}/", c) for c in seeded.cases]
    pages += [(f"/api/v1/cases/{c.number}", c) for c in seeded.cases]
    pages += [(f"/api/v1/cases/{c.number}/events", c) for c in seeded.cases]
    pages += [("/api/v1/cases", None), (f"/api/v1/cases?q={PHONES[1]}", None)]
    return pages


def test_no_role_sees_a_full_phone_or_id_number_it_does_not_need(city: City, clock: object) -> None:
    city.users["auditor"] = make_user("auditor", Role.AUDITOR, None)
    seeded = _seed(city)
    client = Client()
    leaks: list[str] = []
    for name, user in city.users.items():
        client.force_login(user)
        bearer = {"Authorization": f"Bearer {ApiToken.issue(user)}"}
        for url, about in _pages(user, seeded):
            PersonalDataView.objects.all().delete()
            response = client.get(url, headers=bearer) if url.startswith("/api/") else client.get(url)
            if response.status_code != 200:
                continue  # refused reads are the matrix's concern (tests/test_authorization_matrix.py)
            body = response.content.decode()
            needs_case = about is not None and may_see_phone(user, about)
            if ID_NUMBER in body and not needs_case:
                leaks.append(f"{name} {url}: the ID number")
            for case in seeded.cases:
                if case.citizen_phone not in body:
                    continue
                needed = needs_case and about is not None and about.pk == case.pk
                sms_log = url == "/notifications/sms/" and user.role == Role.ADMIN
                if not (needed or sms_log):
                    leaks.append(f"{name} {url}: the phone of {case.number}")
                elif not PersonalDataView.objects.filter(user=user, case=case).exists():
                    leaks.append(f"{name} {url}: unaudited view of {case.number}'s phone")
    assert leaks == [], "\n".join(leaks)


def test_the_agent_who_needs_the_number_sees_it_and_the_view_is_audited(city: City, clock: object) -> None:
    seeded = _seed(city)
    waiting = seeded.cases[2]  # 待回访: any agent calls the citizen back
    client = Client()
    client.force_login(city.users["agent2"])
    body = client.get(f"/cases/{waiting.number}/").content.decode()
    assert waiting.citizen_phone in body
    assert PersonalDataView.objects.filter(user=city.users["agent2"], case=waiting).exists()
