"""演练 on the loop core: every (state, action) pair of the table, each action's guard, the verbs
through every transition (计划 → 已实施 → 已评估, 计划 → 取消), pages and API."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client

from accounts.models import ApiToken, User
from conftest import WORKING_MORNING
from duty.guards import DRILL_GUARDS, available_drill_actions
from duty.models import Drill, DrillEvent
from duty.services.drills import assess_drill, cancel_drill, hold_drill, plan_drill, upcoming
from duty.sweeps import warn_drills
from duty.tests.conftest import Duty
from duty.workflow import DRILL_MACHINE, DRILL_TRANSITIONS, DrillAction, DrillState
from mochou.errors import InvalidInput, NotPermitted, TransitionNotAllowed
from notifications.models import Notification
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db
NOW = WORKING_MORNING
TODAY = date(2025, 9, 24)


@pytest.mark.parametrize("state", [None, *DrillState])
@pytest.mark.parametrize("action", list(DrillAction))
def test_drill_table(state: DrillState | None, action: DrillAction) -> None:
    if (state, action) in DRILL_TRANSITIONS:
        assert DRILL_MACHINE.next_state(state, action) == DRILL_TRANSITIONS[(state, action)]
    else:
        with pytest.raises(TransitionNotAllowed):
            DRILL_MACHINE.next_state(state, action)


def test_every_drill_action_has_its_guard() -> None:
    assert DRILL_GUARDS.unguarded() == set()


def _plan(duty: Duty, *, actor: User | None = None) -> Drill:
    return plan_drill(
        duty.office,
        actor=actor or duty.office_clerk,
        title="汉江防汛抢险演练",
        kind="flood",
        scenario="汉江水位超警戒，某某堤段出现管涌。",
        planned_on=TODAY + timedelta(days=7),
        participants=[duty.city.township, duty.city.housing],
        now=NOW,
    )


def _hold(drill: Drill, duty: Duty) -> Drill:
    return hold_drill(
        drill, actor=duty.office_clerk, held_on=TODAY, attendance=80, summary="全流程演练完成", now=NOW
    )


def _assess(drill: Drill, duty: Duty) -> Drill:
    return assess_drill(
        drill, actor=duty.office_clerk, problems="通信不畅", improvements="配卫星电话", now=NOW
    )


def _cancel(drill: Drill, duty: Duty) -> Drill:
    return cancel_drill(drill, actor=duty.office_clerk, reason="天气原因", now=NOW)


VERBS = {DrillAction.HOLD: _hold, DrillAction.ASSESS: _assess, DrillAction.CANCEL: _cancel}
PATHS = {
    DrillState.PLANNED: [],
    DrillState.HELD: [DrillAction.HOLD],
    DrillState.ASSESSED: [DrillAction.HOLD, DrillAction.ASSESS],
    DrillState.CANCELLED: [DrillAction.CANCEL],
}


@pytest.mark.parametrize("state", list(DrillState))
@pytest.mark.parametrize("action", list(VERBS))
def test_every_verb_from_every_state(duty: Duty, state: DrillState, action: DrillAction) -> None:
    """The verbs agree with the table: allowed pairs move and write one event; the others refuse
    and write nothing."""
    drill = _plan(duty)
    for step in PATHS[state]:
        drill = VERBS[step](drill, duty)
    assert drill.state == state
    events = DrillEvent.objects.filter(drill=drill).count()
    if (state, action) in DRILL_TRANSITIONS:
        done = VERBS[action](drill, duty)
        assert done.state == DRILL_TRANSITIONS[(state, action)]
        assert DrillEvent.objects.filter(drill=drill).count() == events + 1
    else:
        with pytest.raises(TransitionNotAllowed):
            VERBS[action](drill, duty)
        drill.refresh_from_db()
        assert drill.state == state
        assert DrillEvent.objects.filter(drill=drill).count() == events


def test_the_participants_are_told_and_the_report_is_kept(duty: Duty) -> None:
    drill = _plan(duty)
    assert Notification.objects.filter(user=duty.town_clerk, kind="duty_drill").count() == 1
    assessed = _assess(_hold(drill, duty), duty)
    assert (assessed.problems, assessed.improvements, assessed.attendance) == ("通信不畅", "配卫星电话", 80)
    assert upcoming(TODAY) == []


def test_who_may_plan_hold_and_assess(duty: Duty) -> None:
    with pytest.raises(NotPermitted):
        _plan(duty, actor=duty.town_clerk)  # a township plans its own drills, not the office's
    own = plan_drill(
        duty.city.township,
        actor=duty.town_clerk,
        title="社区消防演练",
        kind="fire",
        scenario="居民楼起火疏散",
        planned_on=TODAY,
        now=NOW,
    )
    assert available_drill_actions(duty.town_clerk, own) == [DrillAction.HOLD, DrillAction.CANCEL]
    assert available_drill_actions(duty.office_clerk, own) == [DrillAction.HOLD, DrillAction.CANCEL]
    assert available_drill_actions(duty.city.users["clerk"], own) == []  # another unit
    assert available_drill_actions(duty.city.users["leader"], own) == []  # leaders look on
    with pytest.raises(NotPermitted):
        hold_drill(
            own, actor=duty.city.users["clerk"], held_on=TODAY, attendance=1, summary="外单位实施", now=NOW
        )


def test_dates_and_texts_are_checked(duty: Duty) -> None:
    with pytest.raises(InvalidInput):
        plan_drill(
            duty.office,
            actor=duty.office_clerk,
            title="过去的演练",
            kind="fire",
            scenario="某某情景",
            planned_on=TODAY - timedelta(days=1),
            now=NOW,
        )
    drill = _plan(duty)
    with pytest.raises(InvalidInput):
        hold_drill(
            drill,
            actor=duty.office_clerk,
            held_on=TODAY + timedelta(days=1),
            attendance=1,
            summary="明天实施",
            now=NOW,
        )
    with pytest.raises(InvalidInput):
        cancel_drill(drill, actor=duty.office_clerk, reason="", now=NOW)


def _client(user: User) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_pages_plan_hold_and_assess(duty: Duty, clock: object) -> None:
    client = _client(duty.office_clerk)
    made = client.post(
        "/duty/drills/new/",
        {
            "unit": "D-YJJ",
            "title": "防汛演练",
            "kind": "flood",
            "scenario": "堤段管涌抢险",
            "planned_on": "2025-09-24",
            "participants": ["420881001"],
        },
    )
    assert made.status_code == 302, made.content.decode()
    drill = Drill.objects.get()
    assert list(drill.participants.values_list("code", flat=True)) == ["420881001"]
    page = client.get(f"/duty/drills/{drill.pk}/")
    assert f'action="/duty/drills/{drill.pk}/hold/"' in page.content.decode()
    client.post(
        f"/duty/drills/{drill.pk}/hold/", {"held_on": "2025-09-24", "attendance": "30", "summary": "演练完成"}
    )
    client.post(f"/duty/drills/{drill.pk}/assess/", {"problems": "物资不足", "improvements": "补充沙袋"})
    drill.refresh_from_db()
    assert drill.state == DrillState.ASSESSED
    assert _client(duty.town_clerk).get(f"/duty/drills/{drill.pk}/").status_code == 200  # a participant
    assert _client(duty.city.users["clerk"]).get(f"/duty/drills/{drill.pk}/").status_code == 404
    bad = client.post(
        "/duty/drills/new/", {"unit": "D-YJJ", "title": "x", "kind": "flood", "planned_on": "2025-02-30"}
    )
    assert bad.status_code == 422


def test_api_runs_the_loop_with_precise_errors(duty: Duty, clock: object) -> None:
    client, headers = Client(), {"Authorization": f"Bearer {ApiToken.issue(duty.office_clerk)}"}

    def post(path: str, body: dict[str, object]) -> Any:
        return client.post(
            "/api/v1/duty" + path, json.dumps(body), content_type="application/json", headers=headers
        )

    made = post(
        "/drills",
        {
            "unit": "D-YJJ",
            "title": "防汛演练",
            "kind": "flood",
            "scenario": "堤段管涌抢险",
            "planned_on": "2025-09-30",
            "participants": ["420881001"],
        },
    )
    assert made.status_code == 201, made.content
    pk = made.json()["id"]
    assert made.json()["actions"] == ["hold", "cancel"]
    assert (
        post(f"/drills/{pk}/assess", {"problems": "暂无问题", "improvements": "暂无改进"}).status_code == 409
    )
    unknown = post(
        "/drills",
        {
            "unit": "D-YJJ",
            "title": "防汛演练",
            "kind": "flood",
            "scenario": "堤段管涌抢险",
            "planned_on": "2025-09-30",
            "participants": ["NOPE"],
        },
    )
    assert unknown.status_code == 422
    assert post("/drills", {"unit": "D-YJJ", "planned_on": 0}).status_code == 422
    held = post(f"/drills/{pk}/hold", {"held_on": "2025-09-24", "attendance": 12, "summary": "演练完成"})
    assert held.json()["state"] == "held"
    assert client.get(f"/api/v1/duty/drills/{pk}", headers=headers).json()["actions"] == ["assess"]
    assert client.get("/api/v1/duty/drills?state=nope", headers=headers).status_code == 422


def test_a_drill_past_its_date_and_not_held_is_warned_once(duty: Duty) -> None:
    def plan(title: str) -> Drill:
        return plan_drill(
            duty.city.township,
            actor=duty.town_clerk,
            title=title,
            kind="flood",
            scenario="内涝转移群众演练",
            planned_on=TODAY + timedelta(days=1),
            now=NOW,
        )

    late, held, dropped = plan("内涝转移演练"), plan("已实施的演练"), plan("已取消的演练")
    hold_drill(held, actor=duty.town_clerk, held_on=TODAY + timedelta(days=1), attendance=20,
               summary="按计划实施完毕", now=NOW + timedelta(days=1))  # fmt: skip
    cancel_drill(dropped, actor=duty.town_clerk, reason="汛情变化", now=NOW)
    assert warn_drills(NOW + timedelta(days=1)) == 0  # its day is not over yet
    assert warn_drills(NOW + timedelta(days=2)) == 1
    assert warn_drills(NOW + timedelta(days=3)) == 0
    told = Notification.objects.filter(kind="duty_drill", message__startswith="应急演练逾期未实施")
    assert told.filter(user=duty.town_clerk).count() == 1
    assert told.filter(user=duty.office_clerk).count() == 1
    message = told.filter(user=duty.town_clerk).get().message
    assert "郢中街道「内涝转移演练」" in message
    assert late.title in message
    assert not told.filter(message__contains="已实施的演练").exists()
    assert not told.filter(message__contains="已取消的演练").exists()
