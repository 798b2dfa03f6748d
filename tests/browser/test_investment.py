"""招商引资 in a real browser: a township-found project registered, declared stage by stage from 在谈
to 投产 with its documents, one stage sent back by the 招商局 and corrected, the stall and plan
lights, and the month's 工作进度表 downloaded and read back."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import FilePayload, Page, expect

from accounts.models import Role
from enterprises.creditcode import make
from investment.models import Chain, Park
from org.models import Unit, UnitKind
from tests.browser.desks import Desk
from tests.factories import make_user

pytestmark = pytest.mark.browser


def declare(page: Page, stage: str, day: str, *, note: str = "", document: str = "") -> None:
    page.locator("#id_stage").select_option(stage)
    page.locator("#id_date").fill(day)
    if note:
        page.locator("#id_note").fill(note)
    page.locator("#declare-stage").click()
    expect(page.locator("#open-report")).to_be_visible()
    if document:
        page.locator("#document-form #id_title").fill(document)
        page.locator("#document-form #id_file").set_input_files(
            files=[FilePayload(name=f"{document}.pdf", mimeType="application/pdf", buffer=b"%PDF-1.4 test")]
        )
        page.locator("#upload-document").click()
        expect(page.locator("#documents")).to_contain_text(document)
    page.locator("#submit-report").click()
    expect(page.locator("#report-status")).to_have_text("待审核")


def review(page: Page, number: str, *, approve: bool, opinion: str = "") -> None:
    page.goto(f"/investment/p/{number}/")
    page.locator("#review-opinion").fill(opinion)
    page.locator("#approve-report" if approve else "#return-report").click()


def test_a_project_from_talks_to_production_with_a_returned_stage_and_the_monthly_report(
    journey_city: Any, desk: Callable[[str], Desk]
) -> None:
    city = journey_city
    office = Unit.objects.create(
        code="D-ZSZX", name="钟祥市招商服务中心", short_name="市招商中心", kind=UnitKind.DEPARTMENT
    )
    make_user("zs_clerk", Role.CLERK, office, display_name="陈招商")
    make_user("zs_leader", Role.UNIT_LEADER, office, display_name="刘主任")
    make_user("yz_clerk", Role.CLERK, city.township, display_name="何乡镇")
    Chain.objects.create(code="equipment", name="装备制造", system="4+1")
    Park.objects.create(
        code="zxkfq", name="湖北钟祥经济开发区", short_name="钟祥经开区", township=city.township
    )
    today = timezone.localdate()
    day = lambda n: (today - timedelta(days=n)).isoformat()  # noqa: E731

    township = desk("yz_clerk").page
    township.goto("/investment/new/")
    form = township.locator("#project-form")
    form.locator("#id_code_name").fill("装备项目A")
    form.locator("#id_name").fill("年产5000台智能农机整机项目")
    form.locator("#id_investor_name").fill("湖北某某农机有限公司")
    form.locator("#id_investor_credit_code").fill(make("91420881MA4C00001"))
    form.locator("#id_source").select_option("business")
    form.locator("#id_chain").select_option(label="装备制造")
    form.locator("#id_park").select_option(label="湖北钟祥经济开发区")
    form.locator("#id_township").select_option(label="郢中街道")
    form.locator("#id_total_investment").fill("120000")
    form.locator("#id_planned_start").fill((today - timedelta(days=130)).strftime("%Y-%m"))
    form.locator("#save-project").click()
    expect(township.locator("#project-state")).to_have_text("待审核")
    number = township.url.rstrip("/").rsplit("/", 1)[-1]
    expect(township.locator("#confidential-note")).to_be_visible()  # the township does not see the name

    declare(township, "negotiate", day(200), note="客商来钟考察选址")
    leader = desk("zs_leader").page
    review(leader, number, approve=True, opinion="属实")
    expect(leader.locator("#project-state")).to_have_text("在谈")
    expect(leader.locator("#project-name")).to_have_text("年产5000台智能农机整机项目")

    township.reload()
    declare(township, "sign", day(150), document="投资协议")
    review(leader, number, approve=False, opinion="协议缺盖章页，请补充")
    township.reload()
    expect(township.locator("#review-note")).to_have_text("协议缺盖章页，请补充")
    township.locator("#document-form #id_title").fill("投资协议（盖章页）")
    township.locator("#document-form #id_file").set_input_files(
        files=[FilePayload(name="seal.pdf", mimeType="application/pdf", buffer=b"%PDF-1.4 seal")]
    )
    township.locator("#upload-document").click()
    township.locator("#submit-report").click()
    review(leader, number, approve=True, opinion="同意")
    expect(leader.locator("#project-state")).to_have_text("签约")
    lights = leader.locator(".project-light")
    expect(lights.first).to_contain_text("签约未注册超过3个月")
    expect(leader.locator(".light-red")).to_contain_text("开工")  # planned four months ago

    township.reload()
    declare(township, "start", day(100), document="施工许可证")
    review(leader, number, approve=True)
    township.reload()
    declare(township, "produce", day(0), document="投产证明")
    review(leader, number, approve=True)
    expect(leader.locator("#project-state")).to_have_text("投产")
    expect(leader.locator(".project-light")).to_have_count(0)

    leader.goto(f"/investment/pipeline/?year={today.year}")
    expect(leader.locator("#funnel tr[data-state=producing] .count")).to_have_text("1")
    leader.locator("#export-monthly-form select[name=month]").select_option(str(today.month))
    with leader.expect_download() as info:
        leader.locator("#export-monthly").click()
    with open(info.value.path(), "rb") as f:
        book = load_workbook(io.BytesIO(f.read()))
    rows = list(book["本月-园区"].iter_rows(values_only=True))
    park = next(r for r in rows if r[0] == "钟祥经开区")
    assert park[5] == 1  # produced this month
    total = next(r for r in book["累计-园区"].iter_rows(values_only=True) if r[0] == "合计")
    signed_this_year = (today - timedelta(days=150)).year == today.year
    assert total[1:3] == ((1, 120000) if signed_this_year else (0, 0))
