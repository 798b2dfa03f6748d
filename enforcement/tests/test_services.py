"""The verbs of the violation loop: what each records and refuses."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.audit.models import AuditRecord
from enforcement import geo, services
from enforcement.models import Photo, Violation
from enforcement.privacy import owner_for
from enforcement.tests.conftest import OLD, Control, doc, fresh, png, report, violation_in
from enforcement.workflow import State
from mochou.errors import Conflict, InvalidInput, NotPermitted

pytestmark = pytest.mark.django_db


def test_every_state_is_reachable_and_the_state_agrees_with_the_log(control: Control) -> None:
    for state in State:
        if state == State.CLOSED:
            continue
        v = violation_in(control, state, **({"built_on": OLD} if state == State.PLANNED else {}))
        assert v.state == state
        assert v.events.order_by("-seq").first().to_state == state  # type: ignore[union-attr]
    closed = violation_in(control, State.CLOSED)
    assert closed.events.count() == 7
    assert closed.outcome.startswith("经查属违法建设")


def test_registration_decides_new_or_existing_by_the_cut_off(control: Control, settings: object) -> None:
    assert violation_in(control, State.REPORTED).is_new
    old = violation_in(control, State.REPORTED, built_on=OLD)
    assert not old.is_new
    assert old.kind_label == "存量"
    assert old.check_by == old.reported_at + timedelta(hours=24)


def test_a_gcj02_point_is_stored_as_wgs84(control: Control) -> None:
    lat, lng = geo.wgs84_to_gcj02(31.1675, 112.5880)
    v = violation_in(control, State.REPORTED, lat=lat, lng=lng, crs=geo.GCJ02)
    assert v.lat == Decimal("31.167500")
    assert v.lng == Decimal("112.588000")


def test_a_point_outside_the_city_is_refused(control: Control) -> None:
    with pytest.raises(InvalidInput):
        violation_in(control, State.REPORTED, lat=112.5, lng=31.1)


def test_a_bad_photo_is_refused_with_the_checkers_message(control: Control) -> None:
    with pytest.raises(InvalidInput, match="第1张照片"):
        violation_in(control, State.REPORTED, photos=[b"not an image"])
    assert not Violation.objects.exists()


def test_a_township_reports_only_in_its_own_area(control: Control) -> None:
    with pytest.raises(NotPermitted):
        services.report_violation(report(control), actor=control.users["other_clerk"])


def test_the_township_cannot_confirm_or_dismiss_its_own_violation(control: Control) -> None:
    v = violation_in(control, State.REPORTED)
    with pytest.raises(NotPermitted):
        services.confirm(v, actor=control.users["town_leader"])
    with pytest.raises(NotPermitted):
        services.dismiss(v, actor=control.users["town_clerk"], reason="legal", note="已办理乡村建设规划许可")


def test_the_same_user_cannot_demolish_and_reinspect(control: Control) -> None:
    v = violation_in(control, State.ORDERED)
    services.self_demolish(v, actor=control.users["kwb_clerk"], photo_data=[png()])
    with pytest.raises(NotPermitted, match="拆除人"):
        services.reinspect(
            v, actor=control.users["kwb_clerk"], passed=True, photo_data=[png()], note="已拆除到位"
        )
    # The finder may not close it either.
    with pytest.raises(NotPermitted):
        services.reinspect(
            v, actor=control.users["town_clerk"], passed=True, photo_data=[png()], note="已拆除到位"
        )
    services.reinspect(
        v, actor=control.users["town_leader"], passed=True, photo_data=[png()], note="已拆除到位"
    )
    assert fresh(v).state == State.VERIFIED


def test_the_database_refuses_a_sign_off_by_the_demolisher(control: Control) -> None:
    v = violation_in(control, State.CLOSED)
    with pytest.raises(IntegrityError), transaction.atomic():
        Violation.objects.filter(pk=v.pk).update(reinspected_by=v.demolished_by)


def test_a_failed_reinspection_sends_it_back_with_a_new_deadline(control: Control) -> None:
    v = violation_in(control, State.DEMOLISHED)
    services.reinspect(
        v, actor=control.users["kwb_clerk"], passed=False, photo_data=[png()], note="屋顶未拆除", days=5
    )
    v = fresh(v)
    assert v.state == State.ORDERED
    assert v.events.order_by("-seq").first().action == "reject"  # type: ignore[union-attr]


def test_a_forced_demolition_waits_for_the_deadline_and_the_announcement_and_issues_the_decision(
    control: Control, clock: object
) -> None:
    leader = control.users["town_leader"]
    v = violation_in(control, State.ORDERED)
    with pytest.raises(Conflict, match="自拆期限未到"):
        services.announce(v, actor=leader)
    clock.move_to(timezone.now() + timedelta(days=8))  # type: ignore[attr-defined]
    # 行政强制法 §44: no 强拆 before a 公告 has given the owner a period, nor before it ran out.
    with pytest.raises(Conflict) as refused:
        services.force_demolish(v, actor=leader, photo_data=[png()])
    assert refused.value.code == "enforcement.not_announced"
    services.announce(v, actor=leader)
    v = fresh(v)
    assert v.state == State.ORDERED
    assert v.announce_until == timezone.now() + timedelta(days=10)  # MOCHOU_ENFORCEMENT_NOTICE_DAYS
    with pytest.raises(Conflict, match="已发布强制拆除公告"):
        services.announce(v, actor=leader)
    clock.move_to(timezone.now() + timedelta(days=9))  # type: ignore[attr-defined]
    with pytest.raises(Conflict) as running:
        services.force_demolish(v, actor=leader, photo_data=[png()])
    assert running.value.code == "enforcement.announcement_running"
    clock.move_to(timezone.now() + timedelta(days=1))  # type: ignore[attr-defined]
    # …nor while the owner may still bring a 复议 or a 诉讼 (test_appeal_periods).
    with pytest.raises(Conflict) as waiting:
        services.force_demolish(v, actor=leader, photo_data=[png()])
    assert waiting.value.code == "enforcement.appeal_period_running"
    clock.move_to(datetime(2026, 3, 25, 9, tzinfo=ZoneInfo("Asia/Shanghai")))  # type: ignore[attr-defined]
    services.force_demolish(v, actor=leader, photo_data=[png()])
    v = fresh(v)
    assert v.state == State.DEMOLISHED
    assert v.demolition_kind == "forced"
    assert v.demolished_in_time is False
    kinds = list(v.documents.values_list("kind", flat=True))
    assert kinds == ["stop", "demolish", "announce", "enforce"]
    announcement = v.documents.get(kind="announce")
    assert "强制拆除公告" in announcement.body
    assert "第四十四条" in announcement.body
    assert "2025年10月12日" in announcement.body  # 8 days after the order + 10 days
    body = v.documents.get(kind="enforce").body
    assert "强制执行决定书" in body
    assert "未收到你（单位）申请行政复议或者提起行政诉讼的记录" in body
    assert "在法定期限内" not in body
    assert f"发布强制拆除公告（{announcement.number}）" in body


def test_after_an_upheld_appeal_the_enforcement_decision_states_the_appeal_and_its_ruling(
    control: Control, clock: object
) -> None:
    clerk, leader = control.users["town_clerk"], control.users["town_leader"]
    v = violation_in(control, State.ORDERED)
    clock.move_to(timezone.now() + timedelta(days=8))  # type: ignore[attr-defined]
    services.announce(v, actor=leader)
    services.appeal(v, actor=clerk, kind="lawsuit", document="（2025）鄂0881行初21号 起诉状", files=doc())
    clock.move_to(timezone.now() + timedelta(days=40))  # type: ignore[attr-defined]
    services.resolve_appeal(
        v,
        actor=clerk,
        upheld=True,
        document="（2025）鄂08行终21号 判决书",
        files=doc("判决书.pdf"),
        served_on=timezone.localdate(),
        ruling="final",  # no appeal left: 强拆 follows the new deadline and its 公告
    )
    v = fresh(v)
    assert v.announce_until is None  # the appeal voided the 公告: a new one after the new deadline
    clock.move_to(v.demolish_by + timedelta(hours=1))  # type: ignore[attr-defined,operator]
    with pytest.raises(Conflict):
        services.force_demolish(v, actor=leader, photo_data=[png()])
    services.announce(v, actor=leader)
    clock.move_to(timezone.now() + timedelta(days=10))  # type: ignore[attr-defined]
    services.force_demolish(v, actor=leader, photo_data=[png()])
    body = fresh(v).documents.get(kind="enforce").body
    assert "2025年10月2日提起行政诉讼（（2025）鄂0881行初21号 起诉状）" in body
    assert "原决定被依法维持（（2025）鄂08行终21号 判决书）" in body
    assert "未收到" not in body
    assert "在法定期限内未申请" not in body
    assert v.photos.filter(stage=Photo.Stage.DURING).count() == 1


def test_an_appeal_pauses_the_deadline_and_the_upheld_decision_resumes_it(
    control: Control, clock: object
) -> None:
    v = violation_in(control, State.ORDERED)
    clock.move_to(timezone.now() + timedelta(days=2))  # type: ignore[attr-defined]
    services.appeal(
        v,
        actor=control.users["town_clerk"],
        kind="lawsuit",
        document="（2025）鄂0881行初15号 起诉状",
        files=doc("起诉状.pdf"),
    )
    assert fresh(v).demolish_by is None
    clock.move_to(timezone.now() + timedelta(days=30))  # type: ignore[attr-defined]
    services.resolve_appeal(
        v,
        actor=control.users["town_clerk"],
        upheld=True,
        document="（2025）鄂0881行初15号 判决书",
        files=doc("判决书.pdf"),
        served_on=timezone.localdate(),
        ruling="first_instance",
    )
    v = fresh(v)
    assert v.state == State.ORDERED
    assert v.demolish_by == timezone.now() + timedelta(days=5)


def test_a_revoked_decision_closes_the_violation(control: Control) -> None:
    v = violation_in(control, State.APPEALED)
    services.resolve_appeal(
        v,
        actor=control.users["town_clerk"],
        upheld=False,
        document="钟政复决〔2025〕3号 撤销决定",
        files=[("撤销决定.png", png())],
    )
    assert fresh(v).state == State.DISMISSED


def test_only_an_existing_violation_goes_into_a_plan(control: Control) -> None:
    v = violation_in(control, State.CONFIRMED)
    with pytest.raises(Conflict):
        services.plan(
            v,
            actor=control.users["town_clerk"],
            due=timezone.localdate() + timedelta(days=30),
            note="列入计划",
        )
    old = violation_in(control, State.PLANNED, built_on=OLD)
    assert old.plan_due is not None
    assert old.state == State.PLANNED


def test_accountability_is_an_event_and_leaves_the_state(control: Control) -> None:
    v = violation_in(control, State.ORDERED)
    services.record_accountability(
        v,
        actor=control.users["kwb_leader"],
        person="李某",
        unit=control.township,
        form="talk",
        decided_on=timezone.localdate(),
        note="巡查不力，新增违建未及时发现",
    )
    v = fresh(v)
    assert v.state == State.ORDERED
    assert v.accountabilities.count() == 1
    with pytest.raises(NotPermitted):
        services.record_accountability(
            v,
            actor=control.users["town_clerk"],
            person="李某",
            unit=control.township,
            form="talk",
            decided_on=timezone.localdate(),
            note="巡查不力",
        )


def test_the_owner_is_masked_and_every_full_view_audited(control: Control) -> None:
    v = violation_in(control, State.REPORTED)
    assert owner_for(control.users["other_clerk"], v, purpose="查看") == ("张**", "138****5678")
    assert owner_for(control.users["town_clerk"], v, purpose="送达文书") == ("张三丰", "13812345678")
    assert AuditRecord.objects.filter(action="enforcement.owner_view", target_id=str(v.pk)).count() == 1


def test_visibility_follows_the_township(control: Control) -> None:
    v = violation_in(control, State.REPORTED)
    assert Violation.objects.visible_to(control.users["town_clerk"]).filter(pk=v.pk).exists()
    assert Violation.objects.visible_to(control.users["kwb_clerk"]).filter(pk=v.pk).exists()
    assert not Violation.objects.visible_to(control.users["other_clerk"]).exists()
    assert not Violation.objects.visible_to(control.city.users["agent"]).exists()
