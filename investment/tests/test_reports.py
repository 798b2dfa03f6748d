"""The report figures on a small known pipeline, exactly; the indicators' figures; the stall lights."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from investment import reports, services
from investment.indicators import FIGURES, measure
from investment.models import Project
from investment.stalls import warnings_for
from mochou.errors import DomainError

from .conftest import Office, approved, new_project

pytestmark = pytest.mark.usefixtures("clock")  # today is 2025-09-24


@pytest.fixture
def pipeline(office: Office) -> dict[str, Project]:
    p1 = new_project(office, 1)  # 钟祥经开区, 50000: signed Feb, started May, producing Sep
    approved(office, p1, "sign", date(2025, 2, 10))
    approved(office, p1, "start", date(2025, 5, 1))
    approved(office, p1, "produce", date(2025, 9, 1))
    services.record_funds(p1, actor=office.clerk, month=date(2025, 9, 15), amount="10000.50")
    services.record_funds(p1, actor=office.clerk, month=date(2025, 9, 1), amount="12000.50")  # corrected
    p2 = new_project(office, 2, park=None, chain=office.farm_chain, total_investment=Decimal(120000))
    approved(office, p2, "sign", date(2025, 9, 5))  # outside the parks, ≥10亿元
    p3 = new_project(office, 3, total_investment=Decimal(30000))
    approved(office, p3, "negotiate", date(2025, 8, 1))  # the reserve
    p4 = new_project(office, 4, total_investment=Decimal(40000))
    approved(office, p4, "sign", date(2024, 6, 1))  # the base year
    approved(office, p4, "upgrade", date(2025, 9, 10), new_total_investment=Decimal(60000))
    p5 = new_project(office, 5)
    report = services.declare_stage(
        p5, actor=office.clerk, data={"stage": "negotiate", "date": date(2025, 9, 20), "note": "洽谈"}
    )
    services.submit_report(report, actor=office.clerk)  # not reviewed: counts nothing
    return {"p1": p1, "p2": p2, "p3": p3, "p4": p4, "p5": p5}


def _row(rows: list[reports.Tally], label: str) -> tuple[int, Decimal, int, int, int]:
    t = next(t for t in rows if t.label == label)
    return (t.signed, t.amount, t.major, t.started, t.producing)


def test_the_monthly_progress_by_park(pipeline: dict[str, Project]) -> None:
    rows = reports.tallies(date(2025, 9, 1), date(2025, 10, 1), by="park")
    assert _row(rows, "钟祥经开区") == (0, Decimal(20000), 0, 0, 1)  # P4's increment, P1's production
    assert _row(rows, "园区外") == (1, Decimal(120000), 1, 0, 0)
    assert _row(rows, "合计") == (1, Decimal(140000), 1, 0, 1)
    assert [t.funds for t in rows if t.label in ("钟祥经开区", "合计")] == [Decimal("12000.50")] * 2
    assert measure("funds_arrived", start=date(2025, 1, 1), end=date(2026, 1, 1)) == Decimal("12000.50")


def test_the_year_by_month_and_by_chain(pipeline: dict[str, Project]) -> None:
    rows = reports.tallies(date(2025, 1, 1), date(2026, 1, 1), by="month")
    assert _row(rows, "2月") == (1, Decimal(50000), 0, 0, 0)
    assert _row(rows, "5月") == (0, Decimal(0), 0, 1, 0)
    assert _row(rows, "9月") == (1, Decimal(140000), 1, 0, 1)
    assert _row(rows, "合计") == (2, Decimal(190000), 1, 1, 1)
    chains = reports.tallies(date(2025, 1, 1), date(2026, 1, 1), by="chain")
    assert _row(chains, "优质稻米（3+6）") == (1, Decimal(120000), 1, 0, 0)
    assert _row(chains, "新材料（4+1）") == (1, Decimal(70000), 0, 1, 1)


def test_the_funnel_the_reserve_and_the_doubling(pipeline: dict[str, Project]) -> None:
    funnel = {r["state"]: (r["count"], r["amount"]) for r in reports.funnel() if r["count"]}
    assert funnel == {
        "new": (1, Decimal(50000)),
        "negotiating": (1, Decimal(30000)),
        "signed": (2, Decimal(180000)),
        "producing": (1, Decimal(50000)),
    }
    assert reports.reserve() == (1, Decimal(30000))
    doubling = reports.doubling(2025)
    assert (doubling["amount"], doubling["base_amount"], doubling["ratio"]) == (
        Decimal(190000),
        Decimal(40000),
        Decimal("4.75"),
    )


def test_the_figures_the_plans_indicators_read(pipeline: dict[str, Project]) -> None:
    year = {"start": date(2025, 1, 1), "end": date(2026, 1, 1)}
    values = {key: measure(key, **year) for key in FIGURES}
    assert values["funds_arrived"] == Decimal("12000.50")
    assert values["signed_count"] == 2
    assert values["signed_amount"] == Decimal(190000)
    assert values["major_signed_count"] == 1
    assert values["started_count"] == 1
    assert values["producing_count"] == 1
    assert values["reserve_count"] == 1
    assert measure("signed_count", start=date(2024, 1, 1), end=date(2025, 1, 1)) == 1


def test_funds_only_for_a_signed_project_of_ones_own(office: Office, outsider: object) -> None:
    project = new_project(office)
    with pytest.raises(DomainError) as unsigned:
        services.record_funds(project, actor=office.clerk, month=date(2025, 9, 1), amount=100)
    assert unsigned.value.code == "investment.not_signed"
    approved(office, project, "sign", date(2025, 9, 1))
    with pytest.raises(DomainError) as other:
        services.record_funds(project, actor=outsider, month=date(2025, 9, 1), amount=100)  # type: ignore[arg-type]
    assert other.value.status == 403


def test_stalls_and_plan_lights(office: Office, settings: object) -> None:
    signed = new_project(office, 1, planned_start=date(2025, 8, 1))
    approved(office, signed, "sign", date(2025, 5, 1))
    texts = [w.text for w in warnings_for([Project.objects.get(pk=signed.pk)], date(2025, 9, 24))[signed.pk]]
    assert texts == ["签约未注册超过3个月（2025-05-01起）", "计划2025年08月开工，尚未开工"]
    lights = warnings_for([Project.objects.get(pk=signed.pk)], date(2025, 11, 1))[signed.pk]
    assert [w.light for w in lights] == ["yellow", "red"]
    settings.INVESTMENT = {"stall_months": {"signed": 6}}  # type: ignore[attr-defined]
    assert [
        w.kind for w in warnings_for([Project.objects.get(pk=signed.pk)], date(2025, 9, 24))[signed.pk]
    ] == ["plan"]


def test_the_plans_indicator_reads_the_major_signings_from_here(pipeline: dict[str, Project]) -> None:
    from supervision.indicators import providers

    class Indicator:
        baseline_date = date(2025, 1, 1)

    indicator: Any = Indicator()  # what the provider reads of supervision's Indicator
    ten_yi = providers()["investment.projects_10yi"]
    assert ten_yi(indicator, date(2025, 9, 4)) == 0
    assert ten_yi(indicator, date(2025, 9, 5)) == 1  # the day itself counts
    assert providers()["investment.signed_amount"](indicator, date(2025, 9, 24)) == Decimal(190000)
