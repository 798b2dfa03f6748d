"""行政强制法 §44: no 强拆 while the owner may still bring a 复议 (60 days) or a 诉讼 (6 months)
against the 限期拆除决定, unless one was brought and the decision upheld; the refusal names the
date, in the verb, so the pages, the API and the demo all meet it."""

from __future__ import annotations

import base64
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client

from accounts.models import ApiToken
from enforcement import services
from enforcement.deadlines import remedy_periods
from enforcement.guards import available_actions
from enforcement.tests.conftest import Control, doc, fresh, png, violation_in
from enforcement.workflow import Action, State
from mochou.errors import Conflict, TransitionNotAllowed

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
    periods = remedy_periods(at(date(2025, 8, 2)))
    assert periods.review_until == date(2025, 10, 9)
    periods = remedy_periods(at(date(2025, 8, 31)))
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
        v, actor=clerk, upheld=True, document="钟政复决〔2025〕31号 维持", files=doc("复议决定书.pdf")
    )
    v = fresh(v)
    clock.move_to(set_(v.demolish_by) + timedelta(hours=1))
    services.announce(v, actor=leader)
    clock.move_to(set_(fresh(v).announce_until) + timedelta(hours=1))  # 2025-11: within six months
    assert services.force_demolish(v, actor=leader, photo_data=[png()]).state == State.DEMOLISHED


def test_the_periods_are_configurable_but_never_shorter_than_the_law(calendar: None, settings: Any) -> None:
    settings.MOCHOU_ENFORCEMENT_LAWSUIT_MONTHS = 12
    assert remedy_periods(at(date(2025, 3, 3))).lawsuit_until == date(2026, 3, 3)
    settings.MOCHOU_ENFORCEMENT_REVIEW_DAYS = 30
    with pytest.raises(ImproperlyConfigured):
        remedy_periods(at(date(2025, 3, 3)))
