"""The report figures on a small known pipeline, exactly; the indicators' figures; the stall lights."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from investment import reports, services
from investment.indicators import FIGURES, measure
from investment.models import Project
from investment.stalls import warnings_for
from mochou.errors import DomainError

from .conftest import Office, approved, new_project

pytestmark = pytest.mark.usefixtures("clock")  # today is 2025-09-24


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


def test_the_plans_indicator_reads_the_major_signings_from_here(
    office: Office, pipeline: dict[str, Project]
) -> None:
    """The first plan's indicator counts ≥10亿元 projects of the "4+1" leading industries: P2 (≥10亿元,
    signed 5 September) is a "3+6" agriculture project and does not count; P6 (新材料, 4+1) does."""
    from supervision.indicators import providers

    class Indicator:
        baseline_date = date(2025, 1, 1)

    indicator: Any = Indicator()  # what the provider reads of supervision's Indicator
    ten_yi = providers()["investment.projects_10yi"]
    assert ten_yi(indicator, date(2025, 9, 23)) == 0  # P2 is 3+6: not a 主导产业 project
    p6 = new_project(office, 6, total_investment=Decimal(150000))
    approved(office, p6, "sign", date(2025, 9, 15))
    assert ten_yi(indicator, date(2025, 9, 14)) == 0
    assert ten_yi(indicator, date(2025, 9, 15)) == 1  # the day itself counts
    assert measure("major_signed_count", start=date(2025, 1, 1), end=date(2026, 1, 1)) == 2  # all chains
    assert providers()["investment.signed_amount"](indicator, date(2025, 9, 24)) == Decimal(340000)


def test_the_plans_park_output_share_reads_the_parks_share_from_here(office: Office) -> None:
    """梧桐树: the indicator's figure is reports.park_share of the year to the day asked, and none
    (the indicator's own entries, or 尚无数据) while no month has both outputs."""
    from supervision.indicators import providers
    from supervision.plan_data import PLANS

    spec = next(i for plan in PLANS for i in plan.indicators if i.code == "park-output-share")
    assert spec.provider == "investment.park_output_share"
    indicator: Any = type("Indicator", (), {"baseline_date": date(2024, 1, 1)})()
    share = providers()["investment.park_output_share"]
    assert share(indicator, date(2025, 9, 24)) is None
    for month, city, park in ((7, "100000", "70000"), (8, "100000", "80000")):
        services.record_output(actor=office.leader, park=None, month=date(2025, month, 1), output=city)
        services.record_output(actor=office.leader, park=office.park, month=date(2025, month, 1), output=park)
    services.record_output(actor=office.leader, park=None, month=date(2024, 12, 1), output="100000")
    assert share(indicator, date(2025, 9, 24)) == Decimal("75.00")  # 150000 / 200000, this year only
    assert share(indicator, date(2025, 7, 31)) == Decimal("70.00")
    assert reports.park_share(date(2025, 1, 1), date(2026, 1, 1))["share"] == Decimal("75.0")
    # The 梧桐树 indicator as the 督查 app holds it: read from here, and its demo types nothing.
    import random

    from supervision import indicators as ind
    from supervision.task_demo import seed_measurements
    from supervision.task_models import Indicator, Plan

    plan = Plan.objects.create(number=5, name="“梧桐树”园区发展提质计划")
    held = Indicator.objects.create(
        plan=plan, code=spec.code, name=spec.name, measure_unit="%", kind=spec.kind, baseline=68,
        baseline_date=date(2024, 1, 1), target=80, due=date(2026, 12, 31), provider=spec.provider,
    )  # fmt: skip
    seed_measurements(now=timezone.now(), rng=random.Random(1), reporter=office.leader)  # noqa: S311  # demo values
    assert not held.measurements.exists()
    assert ind.current_value(held, date(2025, 9, 24)) == (Decimal("75.00"), date(2025, 9, 24), "provider")


def test_a_cell_of_too_few_projects_hides_its_amount_from_a_clerk(
    office: Office, pipeline: dict[str, Project]
) -> None:
    """access.amount_shown: a 招商局 clerk sees counts, and amounts only of three projects or more."""
    from investment import access

    year = (date(2025, 1, 1), date(2026, 1, 1))
    clerk = {t.label: t for t in reports.suppress(reports.tallies(*year, by="park"), office.clerk)}
    assert clerk["钟祥经开区"].shown("amount") is None  # P1 and P4: two projects
    assert clerk["园区外"].shown("amount") is None  # P2 alone
    assert clerk["合计"].shown("amount") == Decimal(190000)  # three projects
    assert clerk["钟祥经开区"].shown("funds") is None
    assert clerk["合计"].shown("funds") is None
    assert clerk["钟祥经开区"].signed == 1  # counts always show
    leader = {t.label: t for t in reports.suppress(reports.tallies(*year, by="park"), office.leader)}
    assert leader["园区外"].shown("amount") == Decimal(120000)
    assert access.amount_shown(office.clerk, 0)
    assert not access.amount_shown(office.clerk, 2)
    funnel = {r["state"]: r["amount"] for r in reports.funnel(user=office.clerk) if r["count"]}
    assert funnel["signed"] is None
    assert funnel["new"] is None
    assert reports.reserve_for(office.clerk) == (1, None)
    doubling = reports.doubling_for(2025, office.clerk)
    assert (doubling["amount"], doubling["base_amount"], doubling["ratio"]) == (Decimal(190000), None, None)


def test_one_hidden_cell_is_not_given_back_by_the_total(office: Office) -> None:
    rows = [
        reports.Tally("A", key=1, amount=Decimal(30), projects={1, 2, 3}),
        reports.Tally("B", key=2, amount=Decimal(5), projects={4}),
        reports.Tally("C", key=3, amount=Decimal(40), projects={5, 6, 7, 8}),
        reports.Tally("合计", key="total", amount=Decimal(75), projects=set(range(1, 9))),
    ]
    shown = [t.shown("amount") for t in reports.suppress(rows, office.clerk)]
    assert shown == [None, None, Decimal(40), Decimal(75)]  # A hidden too: 75 − 40 − 30 would be B


def test_the_pages_exports_and_api_suppress_alike(office: Office, pipeline: dict[str, Project]) -> None:
    import io

    from django.test import Client
    from openpyxl import load_workbook

    from accounts.models import ApiToken
    from tests.factories import PASSWORD

    page = Client()
    assert page.login(username=office.clerk.username, password=PASSWORD)
    html = page.get("/investment/pipeline/?year=2025").content.decode()
    assert "120000" not in html
    assert "不足3个项目" in html
    book = load_workbook(io.BytesIO(page.get("/investment/export/monthly.xlsx?year=2025&month=9").content))
    outside = next(r for r in book["本月-园区"].iter_rows(values_only=True) if r[0] == "园区外")
    assert outside[1:4] == (1, "*", 1)
    token = {"Authorization": f"Bearer {ApiToken.issue(office.clerk)}"}
    body = page.get("/api/v1/investment/pipeline?year=2025", headers=token).json()
    outside_api = next(t for t in body["by_park"] if t["label"] == "园区外")
    assert (outside_api["amount"], outside_api["suppressed"]) == (None, ["amount"])
    day = page.get("/api/v1/investment/figures/signed_amount?start=2025-09-05&end=2025-09-06", headers=token)
    assert (day.json()["value"], day.json()["suppressed"]) == (None, True)  # one project's signing
    leader = {"Authorization": f"Bearer {ApiToken.issue(office.leader)}"}
    day = page.get("/api/v1/investment/figures/signed_amount?start=2025-09-05&end=2025-09-06", headers=leader)
    assert day.json()["suppressed"] is False
    assert day.json()["value"] is not None


def test_the_monthly_progress_by_township_exactly(office: Office, pipeline: dict[str, Project]) -> None:
    """The 工作进度表 by township, the month and the year to date, on the known pipeline plus P6 in a
    second township (新材料, signed 12 September, 30000)."""
    from org.models import Unit, UnitKind

    hu_ji = Unit.objects.create(
        code="420881461", name="胡集镇", kind=UnitKind.TOWNSHIP, division_code="420881461000"
    )
    p6 = new_project(office, 6, township=hu_ji, park=None, total_investment=Decimal(30000))
    approved(office, p6, "sign", date(2025, 9, 12))

    def by_township(start: date, end: date) -> dict[str, tuple[int, Decimal, int, int, int, Decimal]]:
        return {
            t.label: (t.signed, t.amount, t.major, t.started, t.producing, t.funds)
            for t in reports.tallies(start, end, by="township")
        }

    september = by_township(date(2025, 9, 1), date(2025, 10, 1))
    # 郢中街道: P2's signing (120000, ≥10亿元) and P4's increment (20000); P1's production and funds.
    assert september["郢中街道"] == (1, Decimal(140000), 1, 0, 1, Decimal("12000.50"))
    assert september["胡集镇"] == (1, Decimal(30000), 0, 0, 0, Decimal(0))
    assert september["合计"] == (2, Decimal(170000), 1, 0, 1, Decimal("12000.50"))
    to_date = by_township(date(2025, 1, 1), date(2025, 10, 1))
    # The year adds P1's signing in February (50000) and its start in May.
    assert to_date["郢中街道"] == (2, Decimal(190000), 1, 1, 1, Decimal("12000.50"))
    assert to_date["胡集镇"] == (1, Decimal(30000), 0, 0, 0, Decimal(0))
    assert to_date["合计"] == (3, Decimal(220000), 1, 1, 1, Decimal("12000.50"))
    august = by_township(date(2025, 8, 1), date(2025, 9, 1))  # P3's 在谈 counts nothing here
    assert set(august.values()) == {(0, Decimal(0), 0, 0, 0, Decimal(0))}
