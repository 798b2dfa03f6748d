"""A 12345 违建 case becomes a violation with one action; the citizen's answer comes from its outcome."""

from __future__ import annotations

import pytest
from django.test import Client

from cases import services as case_services
from cases.models import Case, Category
from cases.workflow import State as CaseState
from enforcement import services
from enforcement.services.hotline import answer_citizen, construction_cases, violation_from_case
from enforcement.tests.conftest import Control, png, report
from enforcement.workflow import State
from mochou.errors import Conflict
from tests.factories import PASSWORD, make_case

pytestmark = pytest.mark.django_db


def construction_case(control: Control) -> Case:
    city = control.city
    top = city.category.parent.parent  # type: ignore[union-attr]
    mid = Category.objects.create(name="城乡规划", level=2, path="城乡建设/城乡规划", parent=top)
    leaf = Category.objects.create(name="违章建筑", level=3, path="城乡建设/城乡规划/违章建筑", parent=mid)
    case = make_case(
        city,
        category=leaf,
        title="屋后有人在耕地上建房",
        content="郢中街道莫愁湖社区二组屋后耕地上有人正在建房，请查处。",
    )
    case_services.dispatch(case, actor=city.users["dispatcher"], lead_unit=control.township)
    return case_services.accept(case, actor=control.users["town_clerk"])


def test_a_case_turns_into_a_violation_and_its_outcome_answers_the_citizen(control: Control) -> None:
    u = control.users
    case = construction_case(control)
    assert list(construction_cases(u["town_clerk"])) == [case]
    v = violation_from_case(case, report(control, photos=[png()]), actor=u["town_clerk"])
    assert v.channel == "hotline"
    assert v.case == case
    assert Case.objects.get(pk=case.pk).violation == v
    assert list(construction_cases(u["town_clerk"])) == []
    with pytest.raises(Conflict):
        answer_citizen(v, actor=u["town_clerk"])  # not resolved yet
    services.confirm(v, actor=u["kwb_clerk"])
    services.stop(v, actor=u["town_clerk"])
    services.order(v, actor=u["town_clerk"], days=3)
    services.self_demolish(v, actor=u["town_clerk"], photo_data=[png()])
    services.reinspect(v, actor=u["kwb_clerk"], passed=True, photo_data=[png()], note="已拆除到位")
    services.sign_off(v, actor=u["kwb_leader"])
    v.refresh_from_db()
    assert v.state == State.CLOSED
    reply = answer_citizen(v, actor=u["town_clerk"])
    assert v.number in reply.body
    assert "销号" in reply.body
    assert Case.objects.get(pk=case.pk).state == CaseState.PENDING_APPROVAL


def test_a_case_of_another_category_is_refused(control: Control) -> None:
    case = make_case(control.city)
    case_services.dispatch(case, actor=control.city.users["dispatcher"], lead_unit=control.township)
    with pytest.raises(Conflict):
        violation_from_case(case, report(control), actor=control.users["town_clerk"])


def test_the_citizen_text_is_prefilled_masked_for_the_township(client: Client, control: Control) -> None:
    """The description a violation carries is read by the office, leaders, 督查室 and auditors:
    the caller's number typed into the request must not travel into it unmasked."""
    case = construction_case(control)
    Case.objects.filter(pk=case.pk).update(content="屋后耕地上有人建房，请联系我13912345678，请查处。")
    assert client.login(username=control.users["town_clerk"].username, password=PASSWORD)
    page = client.get(f"/enforcement/cases/{case.number}/").content.decode()
    assert "屋后耕地上有人建房" in page
    assert "13912345678" not in page
