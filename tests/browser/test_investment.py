"""招商引资 in a real browser: a township-found project registered, declared stage by stage from 在谈
to 投产 with its documents, one stage sent back by the 招商局 and corrected, the stall and plan
lights with the stall's reason, a 要素保障 problem raised on the project and solved through the
appeal loop (dispatched to 市住建局, accepted, answered, approved — its answer back on the project —,
called back and closed by the centre),
the year's target against 序时, and the month's 工作进度表 downloaded and read back."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import FilePayload, Page, expect

from accounts.models import Role
from enterprises import services as enterprise_services
from enterprises.creditcode import make
from enterprises.models import Enterprise
from investment.models import Chain, Park
from org.models import Unit, UnitKind
from stats.periods import add_months
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
    # The signing within this year (the export's 累计 checks it), 150 days back when the year is
    # that old; talks before it, the start between it and the production (today).
    signed_ago = min(150, (today - date(today.year, 1, 1)).days)
    started_ago = signed_ago * 2 // 3
    signed_on = today - timedelta(days=signed_ago)
    # The investor is already an enterprise of the 店小二 app (same credit code): its problems are
    # its appeals.
    enterprise_services.save_enterprise(
        Enterprise(
            name="湖北某某农机有限公司", credit_code=make("91420881MA4C00001"), industry="农机制造",
            township=city.township, address="郢中街道兴业大道8号", contact_name="刘春燕",
            contact_mobile="13772400108",
        ),
        actor=city.users["dispatcher"],
    )  # fmt: skip

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

    declare(township, "negotiate", day(signed_ago + 50), note="客商来钟考察选址")
    leader = desk("zs_leader").page
    review(leader, number, approve=True, opinion="属实")
    expect(leader.locator("#project-state")).to_have_text("在谈")
    expect(leader.locator("#project-name")).to_have_text("年产5000台智能农机整机项目")

    township.reload()
    declare(township, "sign", day(signed_ago), document="投资协议")
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
    if add_months(signed_on, 3) < today:  # early in a year the signing is too recent to stall
        expect(lights.first).to_contain_text("签约未注册超过3个月")
    expect(leader.locator(".light-red")).to_contain_text("开工")  # planned four months ago

    # The stall's reason, from the 要素 list; the stall list shows it.
    expect(leader.locator("#stall-reason")).to_have_text("未填报")
    leader.locator("#stall-form select").select_option(label="用地")
    leader.locator("#save-stall-reason").click()
    expect(leader.locator("#stall-reason")).to_have_text("用地")
    leader.goto("/investment/stalls/")
    expect(leader.locator(f'#stall-list tr[data-number="{number}"] .stall-reason')).to_have_text("用地")
    expect(leader.locator('#stall-reasons tr[data-reason="land"] .count')).to_have_text("1")

    # 要素保障: the township raises a design problem on the project; it is the enterprise's appeal,
    # dispatched to 市住建局 (design's unit), and handled there in the case loop.
    township.reload()
    problem = township.locator("#problem-form")
    problem.locator("select[name=problem-kind]").select_option(label="设计")
    problem.locator("input[name=problem-title]").fill("厂房设计方案审查")
    problem.locator("textarea[name=problem-content]").fill(
        "厂房设计方案已报送三周未获审查意见，影响开工准备。"
    )
    township.locator("#raise-problem").click()
    expect(township.locator(".messages .message.success")).to_contain_text("交市住建局办理")
    row = township.locator("#problems tr.problem-row")
    expect(row.locator(".problem-state")).to_have_text("待签收")
    case_number = row.locator("td").first.inner_text().strip()
    clerk = desk("clerk")
    clerk.open_case_from_queue("to_accept", case_number)
    clerk.act("accept", "签收")
    clerk.act("reply", "提交答复", body="已组织设计方案会审，审查意见已于今日出具，请企业按意见修改。")
    unit_leader = desk("unit_leader")
    unit_leader.open_case_from_queue("to_approve", case_number)
    unit_leader.act("approve", "审核通过", note="同意")
    township.reload()
    expect(row.locator(".problem-state")).to_have_text("待回访")
    expect(row.locator(".problem-answer")).to_contain_text("已组织设计方案会审")
    # Solved only when the centre has called the enterprise back and closed the case.
    agent = desk("agent")
    agent.open_case_from_queue("to_callback", case_number)
    callback = agent.form("callback")
    callback.get_by_label("已接通", exact=True).check()
    callback.locator("#field-id_callback_resolved").get_by_label("是", exact=True).check()
    callback.get_by_label("满意", exact=True).check()
    agent.act("callback", "回访", comment="企业确认已收到审查意见，正在按意见修改")
    agent.expect_state("待结案")
    agent.act("close", "结案")
    agent.expect_state("已办结")
    township.reload()
    expect(row.locator(".problem-state")).to_have_text("已办结")

    township.reload()
    declare(township, "start", day(started_ago), document="施工许可证")
    review(leader, number, approve=True)
    township.reload()
    declare(township, "produce", day(0), document="投产证明")
    review(leader, number, approve=True)
    expect(leader.locator("#project-state")).to_have_text("投产")
    expect(leader.locator(".project-light")).to_have_count(0)

    # The year's target (entered by the 招商局) against what was done and 序时.
    office_clerk = desk("zs_clerk").page
    office_clerk.goto(f"/investment/targets/?year={today.year}")
    target = office_clerk.locator("#target-form")
    target.locator("#id_scope").select_option("city")
    target.locator("#id_figure").select_option(label="新投产（个）")
    target.locator("#id_value").fill("2")
    office_clerk.locator("#save-target").click()
    total = office_clerk.locator("#targets tr.total")
    expect(total.locator('td.target[data-figure="producing"]')).to_have_text("2")
    expect(total.locator('td.actual[data-figure="producing"]')).to_have_text("1")
    expect(total.locator('td.rate[data-figure="producing"]')).to_contain_text("50%")
    expect(office_clerk.locator("#target-history")).to_contain_text("新投产（个） 2")

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
    total_row = next(r for r in book["累计-园区"].iter_rows(values_only=True) if r[0] == "合计")
    assert total_row[1:3] == (1, 120000)  # signed this year
