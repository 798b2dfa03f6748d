"""Plans 2 (“头部+小巨人”) and 3 (“金钥匙”): their indicators bound to this app's figures read, on
the supervision side, exactly what the 招商 pipeline holds — nobody types them twice."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from investment import services
from investment.indicators import measure
from investment.models import Project
from mochou.errors import Conflict
from supervision.indicators import current_value, status
from supervision.plan_data import PLANS
from supervision.task_models import Indicator, Plan

from .conftest import Office, approved, credit, new_project, pdf

pytestmark = pytest.mark.usefixtures("clock")  # today is 2025-09-24

TODAY = date(2025, 9, 24)
YEAR = {"start": date(2025, 1, 1), "end": date(2025, 9, 25)}  # the baseline to today, inclusive


def _indicator(code: str) -> Indicator:
    """The plan's indicator as supervision seeds it from plan_data (baseline 2025-01-01)."""
    plan_spec, spec = next((p, i) for p in PLANS for i in p.indicators if i.code == code)
    plan, _ = Plan.objects.get_or_create(number=plan_spec.number, defaults={"name": plan_spec.name})
    return Indicator.objects.create(
        plan=plan, code=spec.code, name=spec.name, measure_unit=spec.measure_unit, kind=spec.kind,
        baseline=Decimal(spec.baseline), baseline_date=date(2025, 1, 1), target=Decimal(spec.target),
        due=date(2026, 12, 31), provider=spec.provider,
    )  # fmt: skip


def test_plans_2_and_3_bind_the_figures_this_app_holds_and_only_those() -> None:
    bound = {i.code: i.provider for p in PLANS if p.number in (2, 3) for i in p.indicators}
    assert bound == {
        "leading-projects": "investment.leading_signed_count",
        "little-giant-projects": "investment.little_giant_signed_count",
        "hightech-firms": "",  # no app records who is a 高新技术企业: typed from the 科技 list
        "tech-upgrade-signed": "investment.tech_upgrade_amount",
        "tech-upgrade-funds": "investment.tech_upgrade_funds",
    }


@pytest.fixture
def world(office: Office) -> dict[str, Project]:
    """龙头 A signed in March, its investor changed in June (a new signing); 小巨人 B signed in
    May; 龙头+技改 C signed in 2024 and upgraded by 30000 in August; 技改 D in 在谈 only; 龙头 E's
    signing returned, not approved (counts nothing)."""
    a = new_project(office, 1, is_leading=True)
    approved(office, a, "sign", date(2025, 3, 1))
    new_investor = {"new_investor_name": "湖北另一新材料有限公司", "new_investor_credit_code": credit(90)}
    approved(office, a, "change_investor", date(2025, 6, 1), **new_investor)
    b = new_project(office, 2, is_little_giant=True, total_investment=Decimal(30000))
    approved(office, b, "sign", date(2025, 5, 20))
    c = new_project(office, 3, is_leading=True, is_tech_upgrade=True, total_investment=Decimal(20000))
    approved(office, c, "sign", date(2024, 11, 1))
    approved(office, c, "upgrade", date(2025, 8, 1), new_total_investment=Decimal(50000))
    d = new_project(office, 4, is_tech_upgrade=True)
    approved(office, d, "negotiate", date(2025, 4, 1))
    e = new_project(office, 5, is_leading=True)
    report = services.declare_stage(e, actor=office.clerk, data={"stage": "sign", "date": date(2025, 9, 1)})
    services.add_document(report, actor=office.clerk, title="协议", file=pdf())
    services.submit_report(report, actor=office.clerk)
    services.return_report(report, actor=office.leader, note="缺盖章页")
    return {"a": a, "b": b, "c": c, "d": d, "e": e}


def test_the_leading_and_little_giant_indicators_read_the_pipelines_signings(
    world: dict[str, Project],
) -> None:
    leading, giant = _indicator("leading-projects"), _indicator("little-giant-projects")
    # 龙头: A's signing and its change of investor (2); C signed in 2024, before the baseline; its
    # upgrade is no signing; E's signing was returned.
    assert measure("leading_signed_count", **YEAR) == 2
    assert current_value(leading, TODAY) == (Decimal(2), TODAY, "provider")
    assert current_value(giant, TODAY) == (measure("little_giant_signed_count", **YEAR), TODAY, "provider")
    assert current_value(giant, TODAY)[0] == 1
    assert current_value(leading, date(2025, 5, 31))[0] == 1  # before the change of investor
    assert status(leading, TODAY).value == Decimal(2)


def test_the_tech_upgrade_indicators_read_the_amounts_when_enough_projects_make_them(
    office: Office, world: dict[str, Project]
) -> None:
    signed, funds = _indicator("tech-upgrade-signed"), _indicator("tech-upgrade-funds")
    # One 技改 project's amount (C's increment 30000): a plan's readers may not see it alone.
    assert measure("tech_upgrade_amount", **YEAR) == Decimal("30000.00")
    assert current_value(signed, TODAY) == (None, None, "")
    assert status(signed, TODAY).light == "grey"
    more = [new_project(office, n, is_tech_upgrade=True, total_investment=Decimal(10000 * n)) for n in (6, 7)]
    for project in more:
        approved(office, project, "sign", date(2025, 9, 1))
    # C's 30000, F's 60000, G's 70000: three projects, the figure exactly.
    assert measure("tech_upgrade_amount", **YEAR) == Decimal("160000.00")
    assert current_value(signed, TODAY) == (Decimal("160000.00"), TODAY, "provider")
    for project, amount in zip([world["c"], *more], ("1000.50", "2000", "3000"), strict=True):
        services.record_funds(project, actor=office.clerk, month=date(2025, 9, 1), amount=amount)
    services.record_funds(world["a"], actor=office.clerk, month=date(2025, 9, 1), amount="9999")  # not 技改
    assert measure("tech_upgrade_funds", **YEAR) == Decimal("6000.50")
    assert current_value(funds, TODAY) == (Decimal("6000.50"), TODAY, "provider")


def test_a_refused_duplicate_moves_no_indicator(office: Office, world: dict[str, Project]) -> None:
    leading = _indicator("leading-projects")
    with pytest.raises(Conflict):
        new_project(office, 8, name="年产2万吨 高性能复合材料项目", is_leading=True)  # B's name
    assert current_value(leading, TODAY)[0] == 2
