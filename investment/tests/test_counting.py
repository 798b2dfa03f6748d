"""The counting rules (counting.py): only approved stages count, once; increments; new investors."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from investment import services
from investment.models import Project, Signing, SigningKind
from investment.workflow import Action, State
from mochou.errors import Conflict, DomainError

from .conftest import Office, approved, credit, new_project, project_data

pytestmark = pytest.mark.usefixtures("clock")


def test_a_project_moves_only_when_its_stage_is_approved(office: Office) -> None:
    project = new_project(office)
    assert project.state == State.NEW
    report = services.declare_stage(
        project, actor=office.clerk, data={"stage": "negotiate", "date": date(2025, 3, 1), "note": "首次洽谈"}
    )
    services.submit_report(report, actor=office.clerk)
    project.refresh_from_db()
    assert project.state == State.NEW  # submitted is not approved
    services.approve_report(report, actor=office.leader, note="属实")
    project.refresh_from_db()
    assert project.state == State.NEGOTIATING
    assert [e.action for e in project.events.order_by("seq")] == ["register", "negotiate"]


def test_a_returned_stage_counts_nothing_until_approved(office: Office) -> None:
    project = new_project(office)
    report = services.declare_stage(
        project, actor=office.clerk, data={"stage": "sign", "date": date(2025, 4, 1)}
    )
    services.add_document(
        report,
        actor=office.clerk,
        title="投资协议",
        file=__import__("investment.tests.conftest", fromlist=["pdf"]).pdf(),
    )
    services.submit_report(report, actor=office.clerk)
    services.return_report(report, actor=office.leader, note="协议缺盖章页")
    assert not Signing.objects.exists()
    report.refresh_from_db()
    assert report.status == "draft"
    assert report.review_note == "协议缺盖章页"
    services.submit_report(report, actor=office.clerk, note="已补盖章页")
    services.approve_report(report, actor=office.leader)
    signing = Signing.objects.get()
    assert (signing.kind, signing.counted, signing.amount, signing.date) == (
        "new",
        1,
        Decimal("50000.00"),
        date(2025, 4, 1),
    )


def test_the_same_project_signed_again_counts_once_at_its_first_signing(office: Office) -> None:
    project = new_project(office)
    approved(office, project, "sign", date(2025, 2, 10), event_name="春季招商推介会")
    approved(office, project, "terminate", date(2025, 3, 1), reason="moved_elsewhere", note="拟落户外地")
    approved(office, project, "sign", date(2025, 6, 1), event_name="秋季招商推介会", note="重新签约")
    project.refresh_from_db()
    assert project.state == State.SIGNED
    assert list(Signing.objects.values_list("kind", "counted", "date")) == [("new", 1, date(2025, 2, 10))]


def test_a_second_registration_of_the_same_project_is_refused(office: Office) -> None:
    new_project(office, 1)  # the other duplicate rules: test_duplicates.py
    with pytest.raises(Conflict) as by_name:
        new_project(office, 3, name="年产1万吨 高性能复合材料项目")
    assert by_name.value.code == "investment.duplicate_name"
    with pytest.raises(Conflict) as same_investor:
        new_project(office, 4, name="年产1万吨高性能复合材料", investor_credit_code=credit(1))
    assert same_investor.value.code == "investment.duplicate_project"


def test_an_upgrade_counts_its_increment_and_no_new_signing(office: Office) -> None:
    project = new_project(office)
    approved(office, project, "sign", date(2025, 2, 10))
    approved(office, project, "upgrade", date(2025, 8, 1), new_total_investment=Decimal("120000.50"))
    rows = list(Signing.objects.order_by("date").values_list("kind", "counted", "amount", "major"))
    assert rows == [("new", 1, Decimal("50000.00"), False), ("upgrade", 0, Decimal("70000.50"), False)]
    project.refresh_from_db()
    assert project.total_investment == Decimal("120000.50")
    assert project.is_major
    assert project.state == State.SIGNED


def test_a_change_of_investor_is_a_new_signing(office: Office) -> None:
    project = new_project(office)
    approved(office, project, "sign", date(2025, 2, 10))
    approved(
        office,
        project,
        "change_investor",
        date(2025, 5, 5),
        new_investor_name="湖北另一新材料有限公司",
        new_investor_credit_code=credit(99),
    )
    kinds = list(Signing.objects.order_by("date").values_list("kind", "counted", "amount"))
    assert kinds == [("new", 1, Decimal("50000.00")), (SigningKind.INVESTOR_CHANGE, 1, Decimal("50000.00"))]
    project.refresh_from_db()
    assert project.investor_credit_code == credit(99)


def test_a_paused_project_resumes_forward_only(office: Office) -> None:
    project = new_project(office)
    approved(office, project, "sign", date(2025, 2, 1))
    approved(office, project, "start", date(2025, 3, 1))
    approved(office, project, "pause", date(2025, 4, 1), reason="funds", note="资金未到位")
    project = Project.objects.get(pk=project.pk)
    assert project.paused_from == State.STARTED
    assert ("incorporate", "注册") not in services.stage_options(project)
    report = services.declare_stage(
        project, actor=office.clerk, data={"stage": "incorporate", "date": date(2025, 5, 1)}
    )
    services.add_document(
        report,
        actor=office.clerk,
        title="营业执照",
        file=__import__("investment.tests.conftest", fromlist=["pdf"]).pdf(),
    )
    with pytest.raises(DomainError) as refused:
        services.submit_report(report, actor=office.clerk)
    assert refused.value.code == "investment.resume_backwards"


def test_the_reviewer_may_not_approve_their_own_report_nor_may_a_township(office: Office) -> None:
    project = new_project(office)
    report = services.declare_stage(
        project,
        actor=office.clerk,
        data={"stage": Action.NEGOTIATE, "date": date(2025, 3, 1), "note": "洽谈"},
    )
    services.submit_report(report, actor=office.clerk)
    with pytest.raises(DomainError) as own:
        services.approve_report(report, actor=office.clerk)
    assert own.value.code == "investment.four_eyes"
    with pytest.raises(DomainError) as township:
        services.approve_report(report, actor=office.township_clerk)
    assert township.value.status == 403


def test_signing_needs_a_document_and_the_amounts_are_decimal(office: Office) -> None:
    with pytest.raises(DomainError) as bad:
        services.register_project(
            actor=office.clerk,
            data=project_data(office, total_investment="12.345"),
            responsible_unit=office.unit,
        )
    assert bad.value.details == {"field": "total_investment"}
    project = new_project(office)
    report = services.declare_stage(
        project, actor=office.clerk, data={"stage": "sign", "date": date(2025, 3, 1)}
    )
    with pytest.raises(Conflict) as missing:
        services.submit_report(report, actor=office.clerk)
    assert missing.value.code == "investment.documents_required"
