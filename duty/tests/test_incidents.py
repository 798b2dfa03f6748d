"""Incident reports: 初报 within minutes by level, numbered 续报, 终报, escalation, tasks."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.test import override_settings

from accounts.models import User
from conftest import SHANGHAI, WORKING_MORNING
from duty.models import Incident, IncidentEvent, IncidentReport
from duty.services.incidents import (
    Figures,
    file_final,
    file_first_report,
    file_follow_up,
    link_case,
    register_incident,
)
from duty.services.tasks import accept_task, assign_task, reject_task, report_task, verify_task
from duty.sweeps import sweep_incidents
from duty.tests.conftest import Duty
from duty.workflow import State, TaskState
from mochou.errors import Conflict, NotPermitted, TransitionNotAllowed
from notifications.models import Notification, SmsMessage
from tests.factories import make_case
from worktime.calendar import is_workday

pytestmark = pytest.mark.django_db
NOW = WORKING_MORNING


def _register(duty: Duty, level: str = "4", learned: datetime = NOW) -> Incident:
    return register_incident(
        actor=duty.office_clerk,
        unit=duty.city.township,
        title="S311道路积水",
        level=level,
        kind="flood",
        place="某某路下穿通道",
        township=duty.city.township,
        occurred_at=learned - timedelta(minutes=5),
        learned_at=learned,
        now=learned,
    )


def test_the_first_report_deadline_is_minutes_from_knowing_by_level(duty: Duty) -> None:
    general = _register(duty, "4")
    major = _register(duty, "2")
    assert general.first_report_by == NOW + timedelta(minutes=60)
    assert major.first_report_by == NOW + timedelta(minutes=30)
    with override_settings(DUTY_FIRST_REPORT_MINUTES={"1": 15, "2": 15, "3": 20, "4": 45}):
        assert _register(duty, "4").first_report_by == NOW + timedelta(minutes=45)
    assert general.state == State.PENDING
    assert (general.number or "").startswith("YJ2025-")


def test_a_first_report_one_minute_late_is_marked_late(duty: Duty) -> None:
    incident = _register(duty, "4")
    on_time = file_first_report(
        incident,
        actor=duty.town_clerk,
        report_text="下穿通道积水封闭",
        figures=Figures(),
        now=NOW + timedelta(minutes=60),
    )
    assert not on_time.reports.get().late
    other = _register(duty, "4")
    file_first_report(
        other,
        actor=duty.town_clerk,
        report_text="下穿通道积水封闭",
        figures=Figures(),
        now=NOW + timedelta(minutes=61),
    )
    assert other.reports.get().late


def test_follow_ups_are_numbered_and_each_sets_the_next_deadline(duty: Duty) -> None:
    incident = _register(duty, "4")
    incident = file_first_report(
        incident,
        actor=duty.town_clerk,
        report_text="积水约40厘米",
        figures=Figures(),
        now=NOW + timedelta(minutes=20),
    )
    assert incident.next_report_by == NOW + timedelta(minutes=20 + 240)
    one = file_follow_up(
        incident,
        actor=duty.town_clerk,
        report_text="已抽排，水位下降",
        figures=Figures(injuries=1),
        now=NOW + timedelta(hours=2),
    )
    two = file_follow_up(
        incident,
        actor=duty.town_clerk,
        report_text="积水基本排除",
        figures=Figures(injuries=1),
        now=NOW + timedelta(hours=7),
    )
    assert (one.seq, one.late, two.seq, two.late) == (1, False, 2, True)
    assert two.label == "续报（2）"
    final = file_final(
        incident,
        actor=duty.town_clerk,
        report_text="道路恢复通行",
        figures=Figures(injuries=1, losses="约2万元"),
        now=NOW + timedelta(hours=8),
    )
    incident.refresh_from_db()
    assert incident.state == State.FINISHED
    assert incident.next_report_by is None
    assert final.kind == "final"
    assert list(IncidentEvent.objects.filter(incident=incident).values_list("action", flat=True)) == [
        "register",
        "first",
        "follow",
        "follow",
        "final",
    ]
    with pytest.raises(TransitionNotAllowed):
        file_follow_up(
            incident,
            actor=duty.town_clerk,
            report_text="再报一次",
            figures=Figures(),
            now=NOW + timedelta(hours=9),
        )


def test_a_unit_files_a_first_report_of_an_incident_it_learned_of_itself(duty: Duty) -> None:
    incident = file_first_report(
        None,
        actor=duty.town_clerk,
        report_text="某某村农房起火，已扑灭",
        figures=Figures(),
        title="农房火灾",
        level="4",
        kind="fire",
        place="某某村",
        township=duty.city.township,
        now=NOW,
    )
    assert incident.state == State.REPORTED
    assert incident.unit == duty.city.township
    assert Notification.objects.filter(user=duty.office_clerk, kind="duty_incident").exists()


def test_leaders_are_told_of_a_major_incident_and_again_when_it_rises(duty: Duty) -> None:
    leader = duty.city.users["leader"]
    leader.mobile = "13900000088"
    leader.save(update_fields=["mobile"])
    incident = file_first_report(
        _register(duty, "4"), actor=duty.town_clerk, report_text="一般事件初报", figures=Figures(), now=NOW
    )
    assert not Notification.objects.filter(user=leader).exists()
    file_follow_up(
        incident,
        actor=duty.town_clerk,
        report_text="险情扩大，升为较大",
        figures=Figures(deaths=1),
        level="3",
        now=NOW + timedelta(minutes=30),
    )
    assert Notification.objects.filter(user=leader, kind="duty_incident").count() == 1
    assert SmsMessage.objects.filter(phone="13900000088").count() == 1
    file_follow_up(
        incident,
        actor=duty.town_clerk,
        report_text="仍为较大",
        figures=Figures(deaths=1),
        now=NOW + timedelta(minutes=60),
    )
    assert Notification.objects.filter(user=leader, kind="duty_incident").count() == 1


def test_only_the_office_registers_and_another_unit_cannot_report(duty: Duty) -> None:
    with pytest.raises(NotPermitted):
        register_incident(
            actor=duty.town_clerk,
            unit=duty.city.township,
            title="道路积水",
            level="4",
            kind="flood",
            place="某某路",
            occurred_at=NOW,
            learned_at=NOW,
            now=NOW,
        )
    incident = _register(duty)
    with pytest.raises(NotPermitted):
        file_first_report(
            incident, actor=duty.city.users["clerk"], report_text="不是本单位", figures=Figures(), now=NOW
        )


def test_the_sweep_reminds_near_and_overdue_reports_once(duty: Duty) -> None:
    incident = _register(duty, "4")
    assert sum(sweep_incidents(NOW + timedelta(minutes=40)).values()) == 0
    assert sweep_incidents(NOW + timedelta(minutes=51))["first_near"] == 1
    assert sweep_incidents(NOW + timedelta(minutes=61))["first_overdue"] == 1
    assert sweep_incidents(NOW + timedelta(minutes=65))["first_overdue"] == 0
    assert Notification.objects.filter(user=duty.office_clerk, message__contains="初报已超时").count() == 1
    file_first_report(
        incident,
        actor=duty.town_clerk,
        report_text="迟到的初报",
        figures=Figures(),
        now=NOW + timedelta(minutes=70),
    )
    assert sweep_incidents(NOW + timedelta(minutes=70 + 241))["follow_overdue"] == 1


def test_tasks_must_be_cleared_before_the_final_report(duty: Duty) -> None:
    incident = file_first_report(
        _register(duty), actor=duty.town_clerk, report_text="积水初报", figures=Figures(), now=NOW
    )
    task = assign_task(
        incident,
        actor=duty.office_clerk,
        unit=duty.city.housing,
        title="抽排积水",
        due_at=NOW + timedelta(hours=2),
        now=NOW,
    )
    with pytest.raises(Conflict):
        file_final(
            incident,
            actor=duty.town_clerk,
            report_text="事件处置结束",
            figures=Figures(),
            now=NOW + timedelta(hours=1),
        )
    housing_clerk = duty.city.users["clerk"]
    with pytest.raises(NotPermitted):
        accept_task(task, actor=duty.town_clerk, now=NOW)
    accept_task(task, actor=housing_clerk, now=NOW)
    report_task(task, actor=housing_clerk, result="已调两台泵车抽排", now=NOW + timedelta(minutes=50))
    with pytest.raises(NotPermitted):
        verify_task(task, actor=housing_clerk, now=NOW)
    reject_task(task, actor=duty.office_clerk, note="请补充现场照片", now=NOW + timedelta(minutes=55))
    report_task(task, actor=housing_clerk, result="已抽排完毕，照片见附件", now=NOW + timedelta(minutes=70))
    task = verify_task(task, actor=duty.office_clerk, now=NOW + timedelta(minutes=75))
    assert task.state == TaskState.CLOSED
    file_final(
        incident,
        actor=duty.town_clerk,
        report_text="事件处置结束",
        figures=Figures(),
        now=NOW + timedelta(hours=1, minutes=20),
    )


def test_a_hotline_case_is_linked_and_seen_on_the_incident(duty: Duty) -> None:
    case = make_case(duty.city)
    incident = _register(duty)
    link_case(incident, actor=duty.office_clerk, case_number=case.number, now=NOW)
    assert list(incident.cases.all()) == [case]
    with pytest.raises(Conflict):
        link_case(incident, actor=duty.office_clerk, case_number=case.number, now=NOW)
    assert IncidentReport.objects.count() == 0


def test_an_overdue_task_is_chased_once(duty: Duty) -> None:
    incident = file_first_report(
        _register(duty), actor=duty.town_clerk, report_text="积水初报", figures=Figures(), now=NOW
    )
    assign_task(
        incident,
        actor=duty.office_clerk,
        unit=duty.city.housing,
        title="抽排积水",
        due_at=NOW + timedelta(hours=1),
        now=NOW,
    )
    assert sweep_incidents(NOW + timedelta(minutes=59))["task_overdue"] == 0
    assert sweep_incidents(NOW + timedelta(minutes=61))["task_overdue"] == 1
    assert sweep_incidents(NOW + timedelta(minutes=70))["task_overdue"] == 0
    assert (
        Notification.objects.filter(user=duty.city.users["clerk"], message__contains="逾期未反馈").count()
        == 1
    )


def _leader_with_mobile(duty: Duty) -> User:
    leader = duty.city.users["leader"]
    leader.mobile = "13900000088"
    leader.save(update_fields=["mobile"])
    return leader


def test_leaders_are_told_when_the_office_registers_a_major_incident_not_again_at_its_first_report(
    duty: Duty,
) -> None:
    leader = _leader_with_mobile(duty)
    incident = _register(duty, "3")
    assert incident.leaders_told_level == "3"
    assert Notification.objects.filter(user=leader, kind="duty_incident").count() == 1
    assert SmsMessage.objects.filter(phone="13900000088", body__contains=str(incident.number)).count() == 1
    event = IncidentEvent.objects.get(incident=incident, action="register")
    assert event.payload["leaders_told"] is True
    file_first_report(incident, actor=duty.town_clerk, report_text="较大事件初报", figures=Figures(), now=NOW)
    assert Notification.objects.filter(user=leader, kind="duty_incident").count() == 1
    assert SmsMessage.objects.filter(phone="13900000088").count() == 1
    # A general incident registered is not theirs to hear of.
    _register(duty, "4")
    assert Notification.objects.filter(user=leader, kind="duty_incident").count() == 1


def test_an_overdue_first_report_of_a_major_incident_is_told_to_the_leaders_once(duty: Duty) -> None:
    leader = _leader_with_mobile(duty)
    incident = _register(duty, "2")  # 初报 due in 30 minutes
    told = Notification.objects.filter(user=leader, message__contains="初报已超时")
    assert sweep_incidents(NOW + timedelta(minutes=25))["first_overdue_leaders"] == 0
    assert not told.exists()
    done = sweep_incidents(NOW + timedelta(minutes=31))
    assert (done["first_overdue"], done["first_overdue_leaders"]) == (1, 1)
    assert told.count() == 1
    assert SmsMessage.objects.filter(phone="13900000088", body__contains="初报已超时").count() == 1
    assert sweep_incidents(NOW + timedelta(minutes=40))["first_overdue_leaders"] == 0
    assert told.count() == 1
    assert str(incident.number) in told.get().message


def test_an_overdue_first_report_of_a_general_incident_is_not_told_to_the_leaders(duty: Duty) -> None:
    _leader_with_mobile(duty)
    _register(duty, "4")
    done = sweep_incidents(NOW + timedelta(minutes=61))
    assert (done["first_overdue"], done["first_overdue_leaders"]) == (1, 0)
    assert not Notification.objects.filter(user=duty.city.users["leader"]).exists()
    assert not SmsMessage.objects.filter(phone="13900000088").exists()


def test_incident_deadlines_run_in_wall_clock_minutes_through_a_holiday_night(duty: Duty) -> None:
    # 国庆 2025-10-01 23:50, Asia/Shanghai: no working time at all until 10-09, yet the 初报 is
    # owed within the level's minutes, across midnight.
    learned = datetime(2025, 10, 1, 23, 50, tzinfo=SHANGHAI)
    assert not is_workday(date(2025, 10, 1))
    assert not is_workday(date(2025, 10, 2))
    major = _register(duty, "2", learned=learned)
    general = _register(duty, "4", learned=learned)
    assert major.first_report_by == datetime(2025, 10, 2, 0, 20, tzinfo=SHANGHAI)
    assert general.first_report_by == datetime(2025, 10, 2, 0, 50, tzinfo=SHANGHAI)
    done = sweep_incidents(datetime(2025, 10, 2, 0, 21, tzinfo=SHANGHAI))
    assert (done["first_overdue"], done["first_near"]) == (1, 0)
    reported = file_first_report(
        general,
        actor=duty.town_clerk,
        report_text="凌晨积水初报",
        figures=Figures(),
        now=datetime(2025, 10, 2, 0, 40, tzinfo=SHANGHAI),
    )
    assert not reported.reports.get().late
    # The next 续报 of a 一般 incident: 240 minutes on, at 04:40 on the holiday.
    assert reported.next_report_by == datetime(2025, 10, 2, 4, 40, tzinfo=SHANGHAI)
