"""行政强制法 §44: no 强拆 while the owner may still bring a 复议 (60 days) or a 诉讼 (6 months)
against the 限期拆除决定, or, once a ruling upheld it, sue (15 days after a 复议决定, 行政诉讼法 §45)
or appeal (15 days after a first-instance judgment, §85); the refusal names the date, in the verb,
so the pages, the API and the demo all meet it, and the page says why where the action would be."""

from __future__ import annotations

import base64
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from django.urls import reverse

from accounts.models import ApiToken
from enforcement import services
from enforcement.deadlines import decision_periods, remedy_periods
from enforcement.guards import available_actions
from enforcement.tests.conftest import Control, doc, fresh, png, violation_in
from enforcement.workflow import Action, State
from mochou.errors import Conflict, InvalidInput, TransitionNotAllowed

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI)


def set_(moment: datetime | None) -> datetime:
    assert moment is not None
    return moment


def announced(control: Control, clock: Any) -> Any:
    """Ordered on 2025-09-24 (the clock), past its 自拆 deadline and its 公告's period."""
    v = violation_in(control, State.ORDERED)
    clock.move_to(set_(v.demolish_by) + timedelta(hours=1))
    services.announce(v, actor=control.users["town_leader"])
    return fresh(v)


def test_the_periods_count_from_the_day_after_service_and_end_on_a_working_day(calendar: None) -> None:
    # 60 days from 2 August is 1 October (国庆): the period ends on the first working day after it.
    # Six months from 31 August is 28 February, the month's last day, a 调休 working Saturday.
    periods = decision_periods(at(date(2025, 8, 2)))
    assert periods.review_until == date(2025, 10, 9)
    periods = decision_periods(at(date(2025, 8, 31)))
    assert periods.review_until == date(2025, 10, 30)
    assert periods.lawsuit_until == date(2026, 2, 28)
    assert periods.last_day == date(2026, 2, 28)
    assert periods.enforceable_from == at(date(2026, 3, 1), 0)


def test_enforcement_a_day_before_the_end_is_refused_with_the_date_and_the_day_after_allowed(
    control: Control, clock: Any
) -> None:
    leader = control.users["town_leader"]
    v = announced(control, clock)
    # Served 2025-09-24: 复议 until 11-23, a Sunday, so 11-24; 诉讼 until 2026-03-24.
    clock.move_to(set_(v.announce_until) + timedelta(hours=1))
    assert Action.FORCE_DEMOLISH not in available_actions(leader, v)
    for day in (date(2026, 3, 23), date(2026, 3, 24)):
        clock.move_to(at(day, 16))
        with pytest.raises(Conflict) as refused:
            services.force_demolish(v, actor=leader, photo_data=[png()])
        assert refused.value.code == "enforcement.appeal_period_running"
        message = refused.value.message
        assert "申请行政复议的期限至2025年11月24日" in message
        assert "提起行政诉讼的期限至2026年3月24日" in message
        assert "行政强制法第四十四条" in message
        assert "自2026年3月25日起方可组织强拆" in message
        assert refused.value.details["enforceable_from"] == "2026-03-25"
    assert fresh(v).state == State.ORDERED
    clock.move_to(at(date(2026, 3, 25), 0))
    assert Action.FORCE_DEMOLISH in available_actions(leader, fresh(v))
    done = services.force_demolish(v, actor=leader, photo_data=[png()])
    assert done.state == State.DEMOLISHED
    body = done.documents.get(kind="enforce").body
    assert "法定期限已分别于2025年11月24日、2026年3月24日届满" in body


def test_the_api_refuses_with_the_precise_code_and_the_date(
    client: Client, control: Control, clock: Any
) -> None:
    leader = control.users["town_leader"]
    v = announced(control, clock)
    clock.move_to(at(date(2026, 3, 24), 16))
    response = client.post(
        f"/api/v1/enforcement/violations/{v.number}/actions/force_demolish",
        {"photos": [base64.b64encode(png()).decode()], "note": "公告期满"},
        content_type="application/json",
        headers={"Authorization": f"Bearer {ApiToken.issue(leader)}"},
    )
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "enforcement.appeal_period_running"
    assert "自2026年3月25日起方可组织强拆" in body["message"]
    assert body["details"]["lawsuit_until"] == "2026-03-24"


def test_a_pending_appeal_blocks_enforcement_and_an_upheld_one_lifts_the_wait(
    control: Control, clock: Any
) -> None:
    clerk, leader = control.users["town_clerk"], control.users["town_leader"]
    v = announced(control, clock)
    services.appeal(v, actor=clerk, kind="review", document="钟政复申〔2025〕31号 行政复议申请", files=doc())
    clock.move_to(at(date(2026, 4, 1)))  # long after both periods: the 复议 is still pending
    with pytest.raises(TransitionNotAllowed, match="复议/诉讼中"):
        services.force_demolish(v, actor=leader, photo_data=[png()])
    assert Action.FORCE_DEMOLISH not in available_actions(leader, fresh(v))
    assert fresh(v).state == State.APPEALED


def test_after_an_upheld_review_enforcement_need_not_wait_for_the_lawsuit_period(
    control: Control, clock: Any
) -> None:
    clerk, leader = control.users["town_clerk"], control.users["town_leader"]
    v = violation_in(control, State.ORDERED)
    services.appeal(v, actor=clerk, kind="review", document="钟政复申〔2025〕31号 行政复议申请", files=doc())
    clock.move_to(at(date(2025, 10, 20)))
    services.resolve_appeal(
        v,
        actor=clerk,
        upheld=True,
        document="钟政复决〔2025〕31号 维持",
        files=doc("复议决定书.pdf"),
        served_on=date(2025, 10, 20),
    )
    v = fresh(v)
    clock.move_to(set_(v.demolish_by) + timedelta(hours=1))
    services.announce(v, actor=leader)
    clock.move_to(set_(fresh(v).announce_until) + timedelta(hours=1))  # 2025-11: within six months
    assert services.force_demolish(v, actor=leader, photo_data=[png()]).state == State.DEMOLISHED


def test_the_periods_are_configurable_but_never_shorter_than_the_law(calendar: None, settings: Any) -> None:
    settings.MOCHOU_ENFORCEMENT_LAWSUIT_MONTHS = 12
    assert decision_periods(at(date(2025, 3, 3))).lawsuit_until == date(2026, 3, 3)
    settings.MOCHOU_ENFORCEMENT_REVIEW_DAYS = 30
    with pytest.raises(ImproperlyConfigured):
        decision_periods(at(date(2025, 3, 3)))


def appealed_at_the_deadline(control: Control, clock: Any, kind: str) -> Any:
    """Ordered on 2025-09-24 (the clock) and appealed an hour before its 自拆 deadline, so the
    upheld decision leaves an hour to demolish and the 公告's ten days run out soon after."""
    v = violation_in(control, State.ORDERED)
    clock.move_to(set_(v.demolish_by) - timedelta(hours=1))
    services.appeal(
        v, actor=control.users["town_clerk"], kind=kind, document="行政复议申请书/起诉状", files=doc()
    )
    return v


def uphold(control: Control, v: Any, **kwargs: Any) -> Any:
    return services.resolve_appeal(
        v, actor=control.users["town_clerk"], upheld=True, document="维持原决定的文书", files=doc(), **kwargs
    )


def announce_after_the_new_deadline(control: Control, clock: Any, v: Any) -> Any:
    clock.move_to(set_(fresh(v).demolish_by) + timedelta(minutes=5))
    services.announce(v, actor=control.users["town_leader"])
    clock.move_to(set_(fresh(v).announce_until) + timedelta(minutes=5))
    return fresh(v)


def test_after_an_upheld_review_the_owner_may_still_sue_within_15_days_of_its_service(
    control: Control, clock: Any
) -> None:
    leader = control.users["town_leader"]
    v = appealed_at_the_deadline(control, clock, "review")
    clock.move_to(at(date(2025, 10, 22)))
    uphold(control, v, served_on=date(2025, 10, 20))  # received two days before it was recorded
    v = announce_after_the_new_deadline(control, clock, v)  # 公告 over on 2025-11-01
    # 15 days from 20 October: 4 November (a Tuesday), so 强拆 from the 5th.
    clock.move_to(at(date(2025, 11, 4), 16))
    with pytest.raises(Conflict) as refused:
        services.force_demolish(v, actor=leader, photo_data=[png()])
    assert refused.value.code == "enforcement.appeal_period_running"
    assert refused.value.message == (
        "复议决定于2025年10月20日送达，当事人提起行政诉讼的期限至2025年11月4日（15日，行政诉讼法第四十五条）止；"
        "期限届满前不能组织强拆（行政强制法第四十四条），自2025年11月5日起方可组织强拆。"
    )
    assert refused.value.details == {
        "served_on": "2025-10-20",
        "lawsuit_until": "2025-11-04",
        "enforceable_from": "2025-11-05",
    }
    clock.move_to(at(date(2025, 11, 5), 0))
    done = services.force_demolish(v, actor=leader, photo_data=[png()])
    body = done.documents.get(kind="enforce").body
    assert "复议决定于2025年10月20日送达，你（单位）提起行政诉讼的法定期限已于2025年11月4日届满。" in body


def test_a_first_instance_judgment_leaves_15_days_to_appeal_and_a_final_one_none(
    control: Control, clock: Any
) -> None:
    clerk, leader = control.users["town_clerk"], control.users["town_leader"]
    v = appealed_at_the_deadline(control, clock, "lawsuit")
    clock.move_to(at(date(2025, 12, 1)))
    uphold(control, v, served_on=date(2025, 11, 28), ruling="first_instance")
    v = announce_after_the_new_deadline(control, clock, v)  # 2025-12-11: within the 15 days
    # 15 days from 28 November: 13 December, a Saturday, so Monday 15 December.
    with pytest.raises(Conflict) as refused:
        services.force_demolish(v, actor=leader, photo_data=[png()])
    assert (
        "一审判决于2025年11月28日送达，当事人提起上诉的期限至2025年12月15日（15日，行政诉讼法第八十五条）止"
        in (refused.value.message)
    )
    assert refused.value.details["appeal_until"] == "2025-12-15"
    # The owner appeals; the second instance upholds the decision: nothing is left to wait for.
    services.appeal(v, actor=clerk, kind="lawsuit", document="（2025）鄂08行终9号 上诉状", files=doc())
    clock.move_to(at(date(2026, 2, 2)))
    uphold(control, v, served_on=date(2026, 2, 2), ruling="final")
    assert remedy_periods(fresh(v)) is None
    v = announce_after_the_new_deadline(control, clock, v)
    assert services.force_demolish(v, actor=leader, photo_data=[png()]).state == State.DEMOLISHED


def test_an_upholding_ruling_needs_its_service_date_and_a_judgment_its_instance(
    control: Control, clock: Any
) -> None:
    v = appealed_at_the_deadline(control, clock, "lawsuit")
    for kwargs, code in (
        ({"ruling": "final"}, "invalid_input.served_on"),
        ({"ruling": "final", "served_on": date(2025, 10, 2)}, "invalid_input.served_on"),  # tomorrow
        ({"ruling": "final", "served_on": date(2025, 9, 1)}, "invalid_input.served_on"),  # before filing
        ({"served_on": date(2025, 10, 1)}, "invalid_input.ruling"),
        ({"served_on": date(2025, 10, 1), "ruling": "review"}, "invalid_input.ruling"),
    ):
        with pytest.raises(InvalidInput) as refused:
            uphold(control, v, **kwargs)
        assert refused.value.code == code, kwargs
    assert fresh(v).state == State.APPEALED
    # A revocation closes the case: no service date is asked.
    services.resolve_appeal(
        v, actor=control.users["town_clerk"], upheld=False, document="撤销原决定的判决书", files=doc()
    )
    assert fresh(v).state == State.DISMISSED


def test_the_api_takes_the_service_date_and_the_instance_of_the_ruling(
    client: Client, control: Control, clock: Any
) -> None:
    clerk = control.users["town_clerk"]
    v = appealed_at_the_deadline(control, clock, "lawsuit")
    url = f"/api/v1/enforcement/violations/{v.number}/actions/uphold"
    headers = {"Authorization": f"Bearer {ApiToken.issue(clerk)}"}
    files = [{"name": "判决书.pdf", "data": base64.b64encode(doc()[0][1]).decode()}]
    body: dict[str, Any] = {"document": "（2025）鄂0881行初3号 判决书", "files": files}
    for missing in ("ruling", "served_on"):
        refused = client.post(url, body, content_type="application/json", headers=headers)
        assert refused.status_code == 422
        assert refused.json()["code"] == f"invalid_input.{missing}"
        body |= {"ruling": "first_instance"}
    body |= {"served_on": "2025-10-01"}
    assert client.post(url, body, content_type="application/json", headers=headers).status_code == 200
    event = fresh(v).events.get(action="uphold")
    assert (event.payload["served_on"], event.payload["ruling"]) == ("2025-10-01", "first_instance")


def detail_page(client: Client, user: Any, v: Any) -> str:
    client.force_login(user)
    return client.get(reverse("enforcement:detail", args=[v.number])).content.decode()


def test_the_page_says_why_enforcement_is_not_offered_while_the_periods_run(
    client: Client, control: Control, clock: Any
) -> None:
    leader = control.users["town_leader"]
    v = announced(control, clock)
    clock.move_to(set_(v.announce_until) + timedelta(hours=1))
    page = detail_page(client, leader, v)
    assert 'id="btn-force_demolish"' not in page
    assert (
        '<p class="card hint" id="remedy-wait">复议期至2025年11月24日、诉讼期至2026年3月24日'
        "届满前不得强制拆除（行政强制法第四十四条）</p>"
    ) in page
    clock.move_to(at(date(2026, 3, 25), 0))
    page = detail_page(client, leader, v)
    assert 'id="remedy-wait"' not in page
    assert 'id="btn-force_demolish"' in page


def test_after_an_upheld_appeal_the_page_names_the_period_left_and_after_a_final_judgment_none(
    client: Client, control: Control, clock: Any
) -> None:
    leader = control.users["town_leader"]
    v = appealed_at_the_deadline(control, clock, "lawsuit")
    assert 'id="remedy-wait"' not in detail_page(client, leader, v)  # pending: no 强拆 to explain
    clock.move_to(at(date(2025, 12, 1)))
    uphold(control, v, served_on=date(2025, 11, 28), ruling="first_instance")
    v = announce_after_the_new_deadline(control, clock, v)
    page = detail_page(client, leader, v)
    assert "一审判决送达后的上诉期至2025年12月15日届满前不得强制拆除（行政强制法第四十四条）" in page
    assert "诉讼期至2026" not in page  # the direct 诉讼 period no longer applies
    services.appeal(
        v,
        actor=control.users["town_clerk"],
        kind="lawsuit",
        document="（2025）鄂08行终9号 上诉状",
        files=doc(),
    )
    clock.move_to(at(date(2026, 2, 2)))
    uphold(control, v, served_on=date(2026, 2, 2), ruling="final")
    v = announce_after_the_new_deadline(control, clock, v)
    page = detail_page(client, leader, v)
    assert 'id="remedy-wait"' not in page
    assert 'id="btn-force_demolish"' in page
