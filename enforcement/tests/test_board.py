"""Exact board figures on a small known set, and 零增长."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from enforcement import board, services
from enforcement.models import Channel
from enforcement.tests.conftest import OLD, Control, png, report
from enforcement.workflow import State

pytestmark = pytest.mark.django_db


def later(clock: object, hours: float) -> None:
    clock.move_to(timezone.now() + timedelta(hours=hours))  # type: ignore[attr-defined]


def test_board_figures_on_a_known_month(control: Control, clock: object) -> None:
    u = control.users
    v1 = services.report_violation(report(control), actor=u["town_clerk"])
    v2 = services.report_violation(report(control, channel=Channel.REPORT), actor=u["town_clerk"])
    v3 = services.report_violation(
        report(control, channel=Channel.SATELLITE, built_on=OLD), actor=u["kwb_clerk"]
    )
    v4 = services.report_violation(report(control, channel=Channel.HOTLINE, area="10"), actor=u["town_clerk"])
    services.report_violation(
        report(control, township=control.other_township, village=None), actor=u["other_clerk"]
    )
    services.confirm(v1, actor=u["kwb_clerk"])
    services.dismiss(v2, actor=u["kwb_clerk"], reason="unfounded", note="现场无建设行为")
    services.confirm(v3, actor=u["kwb_clerk"])
    services.confirm(v4, actor=u["kwb_clerk"])
    services.plan(
        v3, actor=u["town_clerk"], due=timezone.localdate() + timedelta(days=60), note="纳入存量计划"
    )
    later(clock, 2)
    services.stop(v1, actor=u["town_clerk"])
    services.order(v1, actor=u["town_clerk"], days=7)
    services.self_demolish(v1, actor=u["town_clerk"], photo_data=[png()])
    services.reinspect(v1, actor=u["kwb_clerk"], passed=False, photo_data=[png()], note="屋顶未拆除")
    services.self_demolish(v1, actor=u["town_leader"], photo_data=[png()])
    services.reinspect(v1, actor=u["kwb_clerk"], passed=True, photo_data=[png()], note="已拆除到位")
    services.sign_off(v1, actor=u["kwb_leader"])
    services.record_accountability(
        v4,
        actor=u["kwb_leader"],
        person="王某",
        unit=control.township,
        form="talk",
        decided_on=timezone.localdate(),
        note="新增违建未及时制止",
    )
    later(clock, 30)  # v5's 24-hour check is overdue now, and v4 (confirmed) is not stopped in 24 hours

    built = board.build(timezone.localdate(), townships=None)
    rows = {row.township.pk: row for row in built.rows}
    a, b = rows[control.township.pk], rows[control.other_township.pk]
    assert (a.found, a.new, a.self_found) == (4, 2, 2)
    assert a.self_share == 0.5
    assert (a.checked, a.dismissed, a.dismiss_share) == (4, 1, 0.25)
    assert (a.stopped, a.stop_hours) == (1, 2.0)
    assert (a.demolished, a.in_time, a.area) == (1, 1, Decimal("86.50"))
    assert (a.reinspected, a.passed, a.pass_rate) == (2, 1, 0.5)
    assert (a.existing_closed, a.overdue, a.accountabilities) == (0, 1, 1)
    assert a.open_new == 1
    assert not a.zero_growth
    assert (b.found, b.new, b.overdue, b.open_new) == (1, 0, 1, 0)
    assert b.zero_growth
    assert [row.township.pk for row in built.zero_growth] == [control.other_township.pk]
    assert built.totals.found == 5
    # The month before holds none of it.
    before = board.build(timezone.localdate().replace(day=1) - timedelta(days=1))
    assert sum(row.found for row in before.rows) == 0


def test_a_new_violation_counts_against_zero_growth_until_signed_off(control: Control) -> None:
    from enforcement.tests.conftest import violation_in

    v = violation_in(control, State.VERIFIED)
    row = next(r for r in board.build(timezone.localdate()).rows if r.township.pk == control.township.pk)
    assert not row.zero_growth
    services.sign_off(v, actor=control.users["kwb_leader"])
    row = next(r for r in board.build(timezone.localdate()).rows if r.township.pk == control.township.pk)
    assert row.zero_growth
    # An existing (存量) violation does not break it.
    violation_in(control, State.ORDERED, built_on=OLD)
    row = next(r for r in board.build(timezone.localdate()).rows if r.township.pk == control.township.pk)
    assert row.zero_growth


def test_a_past_month_reads_as_it_stood_at_its_end(control: Control, clock: object) -> None:
    from django.test import Client
    from django.urls import reverse

    from enforcement.tests.conftest import doc
    from tests.factories import PASSWORD

    u = control.users
    # 24 September 2025: a new violation confirmed and not stopped; an existing one ordered (3 days).
    unstopped = services.report_violation(report(control), actor=u["town_clerk"])
    services.confirm(unstopped, actor=u["kwb_clerk"])
    lapsed = services.report_violation(report(control, built_on=OLD), actor=u["town_clerk"])
    services.confirm(lapsed, actor=u["kwb_clerk"])
    services.stop(lapsed, actor=u["town_clerk"])
    services.order(lapsed, actor=u["town_clerk"], days=3)
    # In October both are dealt with: one demolished and signed off, the other under appeal.
    clock.move_to(timezone.now() + timedelta(days=26))  # type: ignore[attr-defined]
    services.stop(unstopped, actor=u["town_clerk"])
    services.order(unstopped, actor=u["town_clerk"], days=7)
    services.self_demolish(unstopped, actor=u["town_leader"], photo_data=[png()])
    services.reinspect(unstopped, actor=u["kwb_clerk"], passed=True, photo_data=[png()], note="已拆除到位")
    services.sign_off(unstopped, actor=u["kwb_leader"])
    services.appeal(lapsed, actor=u["town_clerk"], kind="review", document="钟政复申〔2025〕9号", files=doc())

    september = timezone.localdate().replace(day=1) - timedelta(days=1)
    then = next(r for r in board.build(september).rows if r.township.pk == control.township.pk)
    assert (then.overdue, then.open_new, then.zero_growth) == (2, 1, False)
    now = next(r for r in board.build(timezone.localdate()).rows if r.township.pk == control.township.pk)
    assert (now.overdue, now.open_new, now.zero_growth) == (0, 0, True)

    office = Client()
    assert office.login(username="kwb_leader", password=PASSWORD)
    text = office.get(reverse("enforcement:bulletin") + "?month=2025-09").content.decode()
    assert "全市城乡控违工作情况的通报" in text
    assert "截至9月30日超期未办" in text
    assert "郢中街道（1处）" in text
    town = Client()
    assert town.login(username="yzjd_leader", password=PASSWORD)
    own = town.get(reverse("enforcement:bulletin") + "?month=2025-09").content.decode()
    assert "全市" not in own
    assert "郢中街道2025年9月城乡控违工作情况" in own
    assert "尚有未销号的新增违建1处" in own
