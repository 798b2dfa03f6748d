"""The demo enterprises: valid fictitious codes, liaisons from the demo departments, idempotent."""

from __future__ import annotations

import pytest
from django.test import Client
from time_machine import Traveller

from accounts.demo import seed_users
from cases.models import Channel
from enterprises import creditcode
from enterprises.demo import ENTERPRISES, seed_enterprises
from enterprises.models import Appeal, Enterprise, SquadMember, SquadVisit, Visit
from org.demo import seed_org


@pytest.mark.django_db
def test_seed_enterprises_is_idempotent_and_gives_a_working_link(calendar: None, clock: Traveller) -> None:
    seed_org()
    seed_users()
    first = seed_enterprises()
    second = seed_enterprises()

    assert first["enterprises"] == second["enterprises"] == len(ENTERPRISES) == Enterprise.objects.count()
    assert first["appeals"] >= 3
    assert second["appeals"] == 0
    assert first["visits"] >= 2
    assert second["visits"] == 0
    # The squad's demo visit found a problem: one more appeal, filed through the same service.
    appeals = Appeal.objects.filter(case__channel=Channel.ENTERPRISE)
    assert appeals.filter(squad_problem__isnull=True).count() == first["appeals"]
    assert appeals.filter(squad_problem__isnull=False).count() == 1
    # 莫愁小分队: every state of its loop, once.
    assert sorted(SquadVisit.objects.values_list("state", flat=True)) == sorted(
        ["requested", "scheduled", "visited", "rated", "rated", "cancelled", "returned"]
    )
    assert SquadMember.objects.filter(is_leader=True).count() == 1
    assert Visit.objects.count() == first["visits"]
    for enterprise in Enterprise.objects.select_related("liaison"):
        assert creditcode.validate(enterprise.credit_code) == enterprise.credit_code
        assert enterprise.credit_code.startswith("91420881MA490")
        assert enterprise.liaison is not None
        assert enterprise.contacts.count() == 1
    assert {"fgj_clerk", "swj_clerk", "jxj_clerk"} <= set(
        Enterprise.objects.values_list("liaison__username", flat=True)
    )
    assert first["link"].startswith("/enterprises/e/")
    assert second["link"] == ""
    assert Client().get(first["link"]).status_code == 200
