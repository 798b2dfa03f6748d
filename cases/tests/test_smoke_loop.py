from __future__ import annotations

import pytest

from cases.models import Case, CaseEvent
from cases.workflow import State
from tests.factories import City, closed_case

pytestmark = pytest.mark.django_db


def test_a_case_walks_from_registration_to_closure(city: City, clock: object) -> None:
    case = closed_case(city)
    case = Case.objects.get(pk=case.pk)
    assert case.state == State.CLOSED
    actions = list(CaseEvent.objects.filter(case=case).order_by("seq").values_list("action", flat=True))
    assert actions == ["register", "dispatch", "accept", "reply", "approve", "callback", "close"]
