"""The application loop through its verbs: the happy path, 一次性告知 once, the guards."""

from __future__ import annotations

import pytest

from accounts.audit.models import AuditRecord
from affairs import services
from affairs.guards import GUARDS, available_actions
from affairs.models import Application, BundlePart
from affairs.privacy import applicant_for
from affairs.services.applications import OnBehalf
from affairs.services.joint import rollup_label
from affairs.workflow import Action, Channel, State
from mochou.errors import Conflict, DomainError, NotPermitted

pytestmark = pytest.mark.django_db


def test_online_application_through_every_step(clock, city, matter, window, person):
    app = services.submit(matter, person, provided=["身份证"], channel=Channel.ONLINE)
    assert app.state == State.SUBMITTED
    assert app.missing == ["购房合同"]
    with pytest.raises(Conflict):
        services.accept(app, actor=window)
    app = services.notify(app, actor=window, items=app.missing, note="请补交购房合同复印件")
    assert app.state == State.CORRECTING
    with pytest.raises(NotPermitted):
        services.correct(app, provided=["购房合同"], token="wrong")
    app = services.correct(app, provided=["购房合同"], token=app.token)
    assert app.state == State.SUBMITTED
    assert app.missing == []
    # 补正 once: no second 一次性告知.
    assert GUARDS.refusal(window, app, Action.NOTIFY) is not None
    app = services.accept(app, actor=window)
    assert app.state == State.APPROVING
    assert app.promised_due_at is not None
    assert app.accepted_at is not None
    assert app.promised_due_at > app.accepted_at
    clerk, leader = city.users["clerk"], city.users["unit_leader"]
    assert available_actions(leader, app) == []  # the first step is the clerk's
    assert available_actions(window, app) == []  # the window does not approve a 承诺件
    app = services.approve_step(app, actor=clerk, opinion="材料齐全")
    assert app.step_index == 1
    assert set(available_actions(leader, app)) == {Action.GRANT, Action.DENY}
    app = services.grant(app, actor=leader, opinion="同意提取")
    assert app.state == State.GRANTED
    assert app.on_time()
    with pytest.raises(DomainError):
        services.deliver(app, actor=window, delivery="post")  # a tracking number is needed
    app = services.deliver(app, actor=window, delivery="post", tracking_number="EMS1234567890")
    assert app.state == State.DELIVERED
    actions = list(app.events.order_by("seq").values_list("action", flat=True))
    assert actions == ["submit", "notify", "correct", "accept", "approve_step", "grant", "deliver"]


def test_immediate_matter_is_decided_at_the_window(clock, city, quick_matter, window, person):
    app = services.submit(
        quick_matter,
        person,
        provided=["身份证"],
        channel=Channel.WINDOW,
        actor=window,
        on_behalf=OnBehalf("disabled", "肢体残疾，由窗口代为填表"),
    )
    app = services.accept(app, actor=window)
    assert Action.GRANT in available_actions(window, app)
    app = services.grant(app, actor=window)
    assert app.state == State.GRANTED
    assert app.concluded_at is not None
    assert app.accepted_at is not None
    assert app.concluded_at.date() == app.accepted_at.date()


def test_other_units_and_citizens_are_refused(clock, city, matter, window, person):
    app = services.submit(matter, person, provided=["身份证", "购房合同"], channel=Channel.ONLINE)
    with pytest.raises(NotPermitted):
        services.accept(app, actor=city.users["clerk"])  # a department does not receive
    with pytest.raises(NotPermitted):
        services.submit(matter, person, provided=[], channel=Channel.WINDOW, actor=city.users["clerk"])
    app = services.accept(app, actor=window)
    with pytest.raises(NotPermitted):
        services.approve_step(app, actor=city.users["outsider"])
    with pytest.raises(DomainError):
        services.withdraw(app, token=app.token)  # accepted: too late to withdraw


def test_refusal_needs_a_reason(clock, matter, window, person):
    app = services.submit(matter, person, provided=[], channel=Channel.ONLINE)
    with pytest.raises(DomainError):
        services.refuse(app, actor=window, reason=" ")
    app = services.refuse(app, actor=window, reason="不属于本事项受理范围")
    assert app.state == State.REFUSED
    assert app.concluded_at is not None


def test_applicant_data_masked_unless_working_it_and_audited(clock, city, matter, window, person):
    app = services.submit(matter, person, provided=[], channel=Channel.ONLINE)
    shown = applicant_for(city.users["clerk"], app, purpose="test")
    assert not shown.full
    assert shown.phone == "139****5678"
    assert "19900101" not in shown.id_number
    assert shown.name == "张**"
    before = AuditRecord.objects.filter(action="affairs.applicant_view").count()
    full = applicant_for(window, app, purpose="预审")
    assert full.full
    assert full.id_number == "42088119900101123X"
    assert AuditRecord.objects.filter(action="affairs.applicant_view").count() == before + 1


def test_joint_application_rolls_up_and_keeps_order(clock, city, bundle, window, person):
    joint = services.submit_joint(bundle, person, provided=["身份证"], channel=Channel.ONLINE)
    first, second = sorted(joint.parts.all(), key=lambda p: p.stage)
    assert services.joint_state(joint.parts.all()) == "receiving"
    second = services.notify(second, actor=window, items=second.missing)
    assert services.joint_state(joint.parts.all()) == "correcting"
    second = services.correct(second, provided=["购房合同"], token=second.token)
    with pytest.raises(Conflict):
        services.accept(second, actor=window)  # stage 2 waits for stage 1
    first = services.grant(services.accept(first, actor=window), actor=window)
    second = services.accept(second, actor=window)
    assert services.joint_state(joint.parts.all()) == "approving"
    second = services.approve_step(second, actor=city.users["clerk"])
    second = services.grant(second, actor=city.users["unit_leader"])
    assert services.joint_state(Application.objects.filter(joint=joint)) == "ready"


def test_a_later_stage_waits_for_the_grant_not_for_the_state(clock, city, bundle, window, person):
    joint = services.submit_joint(bundle, person, provided=["身份证", "购房合同"], channel=Channel.ONLINE)
    first, second = sorted(joint.parts.all(), key=lambda p: p.stage)
    first = services.grant(services.accept(first, actor=window), actor=window)
    first = services.deliver(first, actor=window, delivery="window")
    services.rate(first, rating=5, token=first.token)  # rated before the second stage is received
    assert services.accept(second, actor=window).state == State.APPROVING


def test_a_denied_earlier_part_holds_the_later_stage_once_delivered(clock, city, bundle, window, person):
    joint = services.submit_joint(bundle, person, provided=["身份证", "购房合同"], channel=Channel.ONLINE)
    first, second = sorted(joint.parts.all(), key=lambda p: p.stage)
    first = services.deny(services.accept(first, actor=window), actor=window, opinion="不符合条件")
    services.deliver(first, actor=window, delivery="window")
    with pytest.raises(DomainError):
        services.accept(second, actor=window)  # refused with the denial (below)


@pytest.mark.parametrize("how", ["refuse", "deny"])
def test_a_first_stage_not_granted_refuses_the_later_parts(clock, city, bundle, window, person, how):
    from affairs import catalogue
    from affairs.tests.conftest import matter_values

    # Stage 1 the 即办件, stage 2 two parts: one complete in 待预审, one waiting for its 补正.
    other, _ = catalogue.import_matter(
        actor=None, code="ZJJ-GJJ-03", values=matter_values(city, name="住房公积金贷款")
    )
    BundlePart.objects.create(bundle=bundle, matter=other, stage=2)
    joint = services.submit_joint(bundle, person, provided=["身份证"], channel=Channel.ONLINE)
    first, waiting, correcting = sorted(joint.parts.all(), key=lambda p: (p.stage, p.pk))
    waiting = services.notify(waiting, actor=window, items=["购房合同"])
    services.correct(waiting, provided=["购房合同"], token=waiting.token)
    services.notify(correcting, actor=window, items=["购房合同"])
    if how == "refuse":
        services.refuse(first, actor=window, reason="不属于受理范围")
    else:
        services.deny(services.accept(first, actor=window), actor=window, opinion="不符合条件")
    parts = list(Application.objects.filter(joint=joint).order_by("stage", "pk"))
    for part in parts[1:]:
        assert (part.state, part.outcome, part.refuse_reason) == (
            State.REFUSED,
            "refused",
            "前序事项未获准予",
        )
        event = part.events.latest("seq")
        assert (event.action, event.actor, event.payload["blocked_by"]) == ("refuse", None, first.number)
    assert services.joint_state(parts) == "partly"
    assert rollup_label(parts).startswith("部分不予办理：")


def test_materials_once_with_consent(clock, city, matter, window, person):
    from affairs import catalogue
    from affairs.tests.conftest import matter_values

    first = services.submit(
        matter, person, provided=["身份证", "购房合同"], channel=Channel.ONLINE, keep=True
    )
    first = services.grant(
        services.approve_step(services.accept(first, actor=window), actor=city.users["clerk"]),
        actor=city.users["unit_leader"],
    )
    # A matter that takes this matter's licence, and the ID card, as reusable.
    values = matter_values(city, name="公积金贷款", materials=catalogue.parse_materials(
        "身份证｜原件｜1｜可复用\n提取凭证｜复印件｜1｜可复用｜ZJJ-GJJ-01\n收入证明｜原件｜1"))  # fmt: skip
    loan, _ = catalogue.import_matter(actor=None, code="ZJJ-GJJ-09", values=values)
    second = services.submit(loan, person, provided=[], channel=Channel.ONLINE)
    assert second.missing == ["收入证明"]
    assert {m["name"]: m.get("reused_from") for m in second.materials}["提取凭证"] == first.number
    # Another phone with the same ID number finds nothing; without consent nothing is kept.
    other = services.ApplicantData(name=person.name, id_number=person.id_number, phone="13700000000")
    assert services.submit(loan, other, provided=[], channel=Channel.ONLINE).missing == [
        "身份证",
        "提取凭证",
        "收入证明",
    ]


def test_rating_opens_a_rectification_on_a_poor_rating(clock, city, quick_matter, window, person):
    app = services.submit(quick_matter, person, provided=["身份证"], channel=Channel.ONLINE)
    app = services.deliver(
        services.grant(services.accept(app, actor=window), actor=window), actor=window, delivery="window"
    )
    with pytest.raises(DomainError):
        services.rate(app, rating=2, note="", token=app.token)  # a 差评 says why
    app = services.rate(app, rating=2, note="等候时间太长", token=app.token)
    assert app.state == State.RECTIFYING
    assert app.rectify_due_at is not None
    assert app.events.order_by("-seq").first().action == Action.RATE_POOR  # type: ignore[union-attr]
    with pytest.raises(NotPermitted):
        services.rectify(app, actor=window, text="已增设窗口")  # the department answers
    app = services.rectify(app, actor=city.users["clerk"], text="已增设窗口，高峰时段增派人员")
    assert app.state == State.RATED


def test_a_number_taken_meanwhile_is_skipped_not_a_failure(clock, city, matter, monkeypatch, person):
    """On PostgreSQL two submissions at once read the same last number; the second takes the next."""
    from affairs.services import applications

    first = services.submit(matter, person, provided=["身份证"], channel=Channel.ONLINE)
    real, calls = applications._number, []

    def stale(now):  # the first read still sees the number the other submission has just taken
        calls.append(now)
        return first.number if len(calls) == 1 else real(now)

    monkeypatch.setattr(applications, "_number", stale)
    second = services.submit(matter, person, provided=["身份证"], channel=Channel.ONLINE)
    assert second.number != first.number
    assert len(calls) == 2
    assert second.events.count() == 1
