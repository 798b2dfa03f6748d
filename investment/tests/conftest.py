"""The 招商局 (D-ZSZX) with a clerk and a leader, a park, two chains, a project factory, and a
small known pipeline (the report tests' figures are computed by hand from it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import Role, User
from enterprises.creditcode import make
from investment import services
from investment.models import Chain, Park, Project, StageReport
from org.models import Unit, UnitKind
from tests.factories import City, make_user


@dataclass
class Office:
    unit: Unit
    clerk: User
    leader: User
    township_clerk: User
    chain: Chain
    farm_chain: Chain
    park: Park
    city: City


def credit(n: int) -> str:
    return make(f"91420881MA4{n:06d}")


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    """Uploaded documents go to the test's own directory, not var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def office(city: City) -> Office:
    unit = Unit.objects.create(
        code="D-ZSZX", name="钟祥市招商服务中心", short_name="市招商中心", kind=UnitKind.DEPARTMENT
    )
    chain = Chain.objects.create(code="new-materials", name="新材料", system="4+1", sort_order=1)
    farm = Chain.objects.create(code="grain", name="优质稻米", system="3+6", sort_order=1)
    park = Park.objects.create(
        code="zxkfq", name="湖北钟祥经济开发区", short_name="钟祥经开区", township=city.township
    )
    return Office(
        unit=unit,
        clerk=make_user("zs_clerk", Role.CLERK, unit, display_name="陈招商"),
        leader=make_user("zs_leader", Role.UNIT_LEADER, unit, display_name="刘主任"),
        township_clerk=make_user("yz_clerk", Role.CLERK, city.township, display_name="何乡镇"),
        chain=chain,
        farm_chain=farm,
        park=park,
        city=city,
    )


def project_data(office: Office, n: int = 1, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "code_name": f"新材料项目{n}号",
        "name": f"年产{n}万吨高性能复合材料项目",
        "investor_name": f"湖北某某新材料有限公司{n}",
        "investor_credit_code": credit(n),
        "source": "event",
        "source_detail": "2025年荆门招商推介会",
        "chain": office.chain,
        "park": office.park,
        "township": office.city.township,
        "total_investment": Decimal("50000.00"),
        "first_phase_investment": Decimal("20000"),
        "expected_output": Decimal("80000"),
        "expected_tax": Decimal("3000"),
        "expected_jobs": 300,
    }
    return data | overrides


def pdf(name: str = "合同.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4 demo", content_type="application/pdf")


def approved(office: Office, project: Project, stage: str, day: date, **data: Any) -> StageReport:
    """Declare, document, submit and approve one stage: clerk declares, leader reviews."""
    report = services.declare_stage(
        project,
        actor=office.clerk,
        data={"stage": stage, "date": day, "note": data.pop("note", "按期推进")} | data,
    )
    if stage in services.NEEDS_DOCUMENTS:
        services.add_document(report, actor=office.clerk, title="证明材料", file=pdf())
    services.submit_report(report, actor=office.clerk)
    return services.approve_report(report, actor=office.leader)


def new_project(office: Office, n: int = 1, **overrides: Any) -> Project:
    return services.register_project(
        actor=office.clerk, data=project_data(office, n, **overrides), responsible_unit=office.unit
    )


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
