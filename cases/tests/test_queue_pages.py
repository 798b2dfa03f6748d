"""The queue pages as the floor uses them: who called and how long they have waited, sorting,
filters that offer only what the user may pick (and few choices per load), saved filters, the
queues of pending requests, and the nav's bounded counts."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from time_machine import Traveller

from accounts.models import PersonalDataView, SavedFilter, User
from cases import services
from cases.models import Case, Category, Channel
from cases.services import system_user
from org.models import Unit, UnitKind
from tests.factories import City, accepted_case, dispatched_case, make_case

HX = {"HX-Request": "true"}


def page(response: object) -> str:
    return response.content.decode()  # type: ignore[attr-defined]


def table(response: object) -> str:
    return page(response).split('id="queue-table"')[1]


def listed(response: object) -> list[str]:
    """The case numbers of the queue's rows, in the order shown."""
    return re.findall(r'<tr class="case-row" data-number="(\d+)"', page(response))


def options(html: str, select_id: str) -> list[str]:
    body = html.split(f'id="{select_id}"')[1].split("</select>")[0]
    return re.findall(r"<option[^>]*>([^<]*)</option>", body)


def login(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


# ---------------------------------------------------------------- the columns


def test_a_row_shows_the_caller_masked_and_how_long_they_have_waited(
    client: Client, city: City, clock: Traveller
) -> None:
    case = make_case(city)
    clock.shift(timedelta(days=1, hours=2))
    rows = table(login(client, city.users["dispatcher"]).get("/cases/queue/to_dispatch/"))
    assert "张**" in rows
    assert "138****5678" in rows
    assert "13812345678" not in rows
    assert "张女士" not in rows
    assert "1天2小时" in rows  # since registration
    assert "显示号码" not in rows  # a dispatcher never sees the full number
    assert case.number in rows


def test_the_step_time_and_the_countdown_of_a_dispatched_case(
    client: Client, city: City, clock: Traveller
) -> None:
    make_case(city)
    clock.shift(timedelta(hours=3))
    case = services.dispatch(Case.objects.get(), actor=city.users["dispatcher"], lead_unit=city.housing)
    clock.shift(timedelta(minutes=40))
    rows = table(login(client, city.users["clerk"]).get("/cases/queue/to_accept/"))
    assert "3小时40分钟" in rows  # since registration
    assert "本环节 40分钟" in rows  # since the dispatch
    assert "签收" in rows  # the acceptance countdown
    clock.shift(timedelta(hours=3))
    late = table(login(client, city.users["clerk"]).get("/cases/queue/to_accept/"))  # a fresh session
    assert "level-overdue" in late  # red once the acceptance limit has passed
    assert case.number in late


def test_an_agent_shows_a_number_they_may_see_and_the_view_is_audited(
    client: Client, city: City, clock: Traveller
) -> None:
    case = make_case(city)  # registered by the agent: they may see the caller's number
    rows = table(login(client, city.users["agent"]).get("/cases/queue/all/"))
    assert "显示号码" in rows
    assert "13812345678" not in rows
    assert not PersonalDataView.objects.exists()  # listing the queue reveals nothing
    shown = page(client.post(f"/cases/{case.number}/phone/", headers=HX))
    assert "13812345678" in shown
    assert "已记录查看" in shown
    view = PersonalDataView.objects.get()
    assert (view.user, view.case, view.purpose) == (city.users["agent"], case, "queue")


def test_a_clerk_asking_for_the_number_gets_it_masked_and_nothing_is_audited(
    client: Client, city: City, clock: Traveller
) -> None:
    case = dispatched_case(city)
    shown = page(login(client, city.users["clerk"]).post(f"/cases/{case.number}/phone/", headers=HX))
    assert "138****5678" in shown
    assert "13812345678" not in shown
    assert not PersonalDataView.objects.exists()
    assert login(client, city.users["outsider"]).post(f"/cases/{case.number}/phone/").status_code == 404


# ---------------------------------------------------------------- sorting


@pytest.fixture
def three_waiting(city: City, clock: Traveller) -> list[Case]:
    """Three cases registered an hour apart, oldest first."""
    cases = []
    for _ in range(3):
        cases.append(make_case(city))
        clock.shift(timedelta(hours=1))
    return cases


def test_sorting_by_waiting_time_puts_the_longest_wait_first_and_back(
    client: Client, city: City, three_waiting: list[Case]
) -> None:
    oldest_first = [c.number for c in three_waiting]
    login(client, city.users["dispatcher"])
    assert listed(client.get("/cases/queue/to_dispatch/")) == oldest_first[::-1]  # the queue's own order
    by_wait = client.get("/cases/queue/to_dispatch/", {"sort": "waiting"})
    assert listed(by_wait) == oldest_first
    assert 'aria-sort="ascending"' in page(by_wait)
    # The heading now sorts the other way round, and keeps the filters.
    assert "sort=-waiting" in page(by_wait)
    assert listed(client.get("/cases/queue/to_dispatch/", {"sort": "-waiting"})) == oldest_first[::-1]
    # A sort key off the allow-list is ignored, not an error (nor a way into the ORM).
    response = client.get("/cases/queue/to_dispatch/", {"sort": "citizen_phone"})
    assert response.status_code == 200
    assert listed(response) == oldest_first[::-1]


def test_sorting_by_deadline_puts_cases_without_a_running_deadline_last(
    client: Client, city: City, three_waiting: list[Case], clock: Traveller
) -> None:
    first, second, third = three_waiting
    services.dispatch(third, actor=city.users["dispatcher"], lead_unit=city.housing)
    clock.shift(timedelta(hours=2))  # out of the lunch break: a later acceptance limit
    services.dispatch(first, actor=city.users["dispatcher"], lead_unit=city.housing)
    login(client, city.users["dispatcher"])
    soonest = listed(client.get("/cases/queue/all/", {"sort": "deadline"}))
    assert soonest == [third.number, first.number, second.number]  # third was dispatched first
    latest = listed(client.get("/cases/queue/all/", {"sort": "-deadline"}))
    assert latest == [first.number, third.number, second.number]


def test_a_sorted_queue_pages_without_overlap(client: Client, city: City, clock: Traveller) -> None:
    numbers = {make_case(city).number for _ in range(53)}  # all registered at the same instant
    login(client, city.users["dispatcher"])
    first = listed(client.get("/cases/queue/to_dispatch/", {"sort": "waiting"}))
    second = listed(client.get("/cases/queue/to_dispatch/", {"sort": "waiting", "page": "2"}))
    assert len(first) == 50
    assert len(second) == 3
    assert set(first) | set(second) == numbers


def test_sorting_by_the_api_uses_the_same_allow_list(
    client: Client, city: City, three_waiting: list[Case]
) -> None:
    from accounts.models import ApiToken

    token = ApiToken.issue(city.users["dispatcher"])
    headers = {"Authorization": f"Bearer {token}"}
    body = client.get("/api/v1/cases", {"sort": "waiting"}, headers=headers).json()
    assert [c["number"] for c in body["items"]] == [c.number for c in three_waiting]
    refused = client.get("/api/v1/cases", {"sort": "citizen_phone"}, headers=headers)
    assert refused.status_code == 422


# ---------------------------------------------------------------- filters


def test_a_clerk_filters_only_by_their_own_unit_and_the_units_below_it(
    client: Client, city: City, clock: Traveller
) -> None:
    below = Unit.objects.create(
        code="D-ZJJ-FW", name="市住建局房屋征收服务中心", kind=UnitKind.DEPARTMENT, parent=city.housing
    )
    html = page(login(client, city.users["clerk"]).get("/cases/queue/all/"))
    assert options(html, "id_unit") == ["全部单位", city.housing.name, below.name]
    refused = client.get("/cases/queue/all/", {"unit": city.education.pk})
    assert "筛选条件有误" in page(refused)
    found = page(client.get("/cases/queue-choices/unit/", {"term": "教育"}))
    assert city.education.name not in found


def test_the_centre_searches_units_instead_of_a_list_of_every_unit(
    client: Client, city: City, clock: Traveller
) -> None:
    for i in range(31):
        Unit.objects.create(code=f"D-T{i:02d}", name=f"市第{i}服务中心", kind=UnitKind.DEPARTMENT)
    html = page(login(client, city.users["dispatcher"]).get("/cases/queue/all/"))
    assert options(html, "id_unit") == ["全部单位"]
    assert 'id="unit-search"' in html
    found = page(client.get("/cases/queue-choices/unit/", {"term": "住建"}))
    assert city.housing.name in found
    assert "服务中心" not in found
    # A unit chosen before is offered again with its name (the filter is bookmarkable).
    chosen = page(client.get("/cases/queue/all/", {"unit": city.housing.pk}))
    assert options(chosen, "id_unit") == ["全部单位", city.housing.name]


def test_the_category_picker_offers_the_top_of_the_tree_and_finds_the_rest(
    client: Client, city: City, clock: Traveller
) -> None:
    top = Category.objects.get(level=1)
    for i in range(40):
        Category.objects.create(name=f"细项{i}", level=2, path=f"{top.path}/细项{i}", parent=top)
    html = page(login(client, city.users["dispatcher"]).get("/cases/queue/all/"))
    assert options(html, "id_category") == ["全部分类", top.name]
    found = page(client.get("/cases/queue-choices/category/", {"term": "市政设施"}))
    assert "城乡建设 / 城市建设和市政管理 / 市政设施" in found
    assert "细项" not in found
    nothing = page(client.get("/cases/queue-choices/category/", {"term": "地铁"}))
    assert "未找到“地铁”" in nothing
    picked = page(client.get("/cases/queue/all/", {"category": city.category.pk}))
    assert "城乡建设 / 城市建设和市政管理 / 市政设施" in options(picked, "id_category")
    assert client.get("/cases/queue-choices/nothing/").status_code == 404


# ---------------------------------------------------------------- saved filters


def test_a_saved_filter_is_saved_listed_and_reapplied(
    client: Client, city: City, three_waiting: list[Case]
) -> None:
    login(client, city.users["dispatcher"])
    response = client.post(
        "/cases/filters/save/",
        {
            "queue": "to_dispatch",
            "name": "郢中街道·久等",
            "query": f"township={city.township.pk}&sort=waiting&page=3",
        },
    )
    assert response.status_code == 302
    saved = SavedFilter.objects.get(user=city.users["dispatcher"])
    assert saved.query == f"township={city.township.pk}&sort=waiting"  # never the page
    html = page(client.get("/cases/queue/to_dispatch/"))
    link = re.search(r'<a href="([^"]+)" class="saved-filter-link">郢中街道·久等</a>', html)
    assert link is not None
    url = link.group(1).replace("&amp;", "&")
    assert listed(client.get(url)) == [c.number for c in three_waiting]
    # The same name twice is refused; nobody else sees or deletes it.
    again = client.post(
        "/cases/filters/save/", {"queue": "to_dispatch", "name": "郢中街道·久等", "query": ""}, follow=True
    )
    assert "已有名为“郢中街道·久等”的常用筛选" in page(again)
    assert "郢中街道·久等" not in page(login(client, city.users["agent"]).get("/cases/queue/to_dispatch/"))
    assert client.post(f"/cases/filters/{saved.pk}/delete/").status_code == 404
    login(client, city.users["dispatcher"]).post(f"/cases/filters/{saved.pk}/delete/")
    assert not SavedFilter.objects.exists()


def test_a_phone_search_is_never_kept_in_a_saved_filter(client: Client, city: City) -> None:
    login(client, city.users["dispatcher"])
    response = client.post(
        "/cases/filters/save/", {"queue": "all", "name": "张女士", "query": "q=13812345678"}, follow=True
    )
    assert "按电话号码查找不能保存为常用筛选" in page(response)
    assert not SavedFilter.objects.exists()
    assert client.post("/cases/filters/save/", {"queue": "nope", "name": "x"}).status_code == 404


# ---------------------------------------------------------------- the queues of pending requests


def test_pending_extension_and_suspension_requests_have_their_queues_for_the_centre(
    client: Client, city: City, clock: Traveller
) -> None:
    extended = accepted_case(city)
    services.request_extension(extended, actor=city.users["clerk"], days=3, reason="需协调供电部门迁移线路")
    suspended = accepted_case(city)
    services.request_suspension(
        suspended,
        actor=city.users["clerk"],
        reason="survey",
        explanation="墙体开裂需先做房屋安全鉴定",
        document="钟房鉴〔2025〕18号",
        days=10,
    )
    accepted_case(city)  # nothing pending
    login(client, city.users["dispatcher"])
    extensions = client.get("/cases/queue/extension_requests/")
    assert listed(extensions) == [extended.number]
    assert "申请延期3个工作日：需协调供电部门迁移线路" in table(extensions)
    suspensions = client.get("/cases/queue/suspension_requests/")
    assert listed(suspensions) == [suspended.number]
    assert "钟房鉴〔2025〕18号" in table(suspensions)
    assert "待审批延期" in page(client.get("/cases/queue/all/"))
    # The units ask; the centre decides: the clerk has no such queue.
    assert login(client, city.users["clerk"]).get("/cases/queue/extension_requests/").status_code == 404


def test_nav_counts_stop_at_the_cap(
    client: Client, city: City, clock: Traveller, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("cases.queues.COUNT_CAP", 3)
    for _ in range(4):
        make_case(city)
    nav = page(login(client, city.users["dispatcher"]).get("/cases/queue/to_dispatch/counts/"))
    assert re.search(r"待派单</span><span class=\"count\">2\+</span>", nav)


def test_a_queue_page_counts_up_to_its_cap_and_says_there_are_more(
    client: Client, city: City, clock: Traveller, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("cases.queues.PAGE_COUNT_CAP", 3)
    for _ in range(4):
        make_case(city)
    dispatcher = login(client, city.users["dispatcher"])
    html = page(dispatcher.get("/cases/queue/to_dispatch/"))
    assert "共 3+ 件（超出部分请用筛选缩小范围）" in html
    assert html.count('<tr class="case-row"') == 3  # the pages stop at the cap too
    monkeypatch.setattr("cases.queues.PAGE_COUNT_CAP", 4)
    assert "共 4 件</p>" in page(dispatcher.get("/cases/queue/to_dispatch/"))  # exactly at the cap: exact


# ---------------------------------------------------------------- plain labels on the case page


def test_the_case_page_speaks_plainly_to_staff(client: Client, city: City, clock: Traveller) -> None:
    case = make_case(city, channel=Channel.OPEN311, actor=services.channel_user(Channel.OPEN311))
    services.dispatch(case, actor=system_user(), lead_unit=city.housing)
    html = page(login(client, city.users["dispatcher"]).get(f"/cases/{case.number}/"))
    assert "外部平台转入" in html
    assert "Open311 接口" not in html
    assert "接口" not in html.split('id="case-timeline"')[0]
    timeline = html.split('id="case-timeline"')[1]
    assert "智能分拣（系统）" not in timeline
    assert "（系统）" not in timeline
    assert '<span class="who">系统</span>' in timeline


def test_confidence_reads_the_same_way_everywhere() -> None:
    from cases.labels import confidence_label

    assert confidence_label(0.87) == "把握较大（87%）"
    assert confidence_label(0.67) == "把握一般（67%）"
    assert confidence_label(0.2) == "把握较小（20%）"
    assert confidence_label(None) == "—"
