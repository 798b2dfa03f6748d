"""The case pages as staff see them: queues, filters, registration, the case page and its actions."""

from __future__ import annotations

import re
from datetime import datetime
from typing import TypedDict

import pytest
from django.test import Client
from pytest_django import DjangoAssertNumQueries
from time_machine import Traveller

from accounts.models import PersonalDataView, User
from cases import services
from cases.models import Case, CaseEvent, Category, Kind, Satisfaction, Urgency
from cases.workflow import State
from conftest import SHANGHAI
from org.models import Unit, UnitKind
from tests.factories import (
    City,
    accepted_case,
    called_back_case,
    dispatched_case,
    make_case,
    replied_case,
)

pytestmark = pytest.mark.django_db


class HtmxHeaders(TypedDict):
    """The header htmx sends, as the test client's extra WSGI environ (not its positional flags)."""

    HTTP_HX_REQUEST: str


HX: HtmxHeaders = {"HTTP_HX_REQUEST": "true"}


def page(response: object) -> str:
    # The test client's responses are typed as HttpResponseBase, which has no `content`.
    return response.content.decode()  # type: ignore[attr-defined]


def numbers_listed(response: object) -> set[str]:
    return set(re.findall(r'data-number="(\d+)"', page(response)))


def action_buttons(response: object) -> list[str]:
    return re.findall(r'<button type="submit"[^>]*id="btn-[\w-]+">([^<]+)</button>', page(response))


def events_of(case: Case) -> list[str]:
    return list(CaseEvent.objects.filter(case=case).order_by("seq").values_list("action", flat=True))


def login(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


# ---------------------------------------------------------------- home and login


@pytest.mark.parametrize(
    ("username", "slug"),
    [
        ("agent", "to_callback"),
        ("dispatcher", "to_dispatch"),
        ("clerk", "to_accept"),
        ("supervisor", "late"),
    ],
)
def test_home_sends_each_role_to_its_queue(client: Client, city: City, username: str, slug: str) -> None:
    response = login(client, city.users[username]).get("/")
    assert response.status_code == 302
    assert response["Location"] == f"/cases/queue/{slug}/"


@pytest.mark.parametrize("username", ["leader", "unit_leader"])
def test_home_sends_the_leaders_to_the_dashboard(client: Client, city: City, username: str) -> None:
    # The 市领导's and a unit leader's home is the dashboard app's overview (registered in
    # accounts.homes), not a case queue.
    response = login(client, city.users[username]).get("/")
    assert response.status_code == 302
    assert response["Location"] == "/dashboard/"


@pytest.mark.parametrize("url", ["/", "/cases/queue/all/", "/cases/new/", "/cases/2025092400001/"])
def test_pages_require_login(client: Client, db: None, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


# ---------------------------------------------------------------- queues


def test_unit_clerk_sees_only_own_units_cases_waiting_for_acceptance(
    client: Client, city: City, clock: object
) -> None:
    ours = dispatched_case(city)
    theirs = services.dispatch(make_case(city), actor=city.users["dispatcher"], lead_unit=city.education)
    make_case(city)  # registered, not yet dispatched: nobody's unit sees it
    response = login(client, city.users["clerk"]).get("/cases/queue/to_accept/")
    assert response.status_code == 200
    assert numbers_listed(response) == {ours.number}
    assert "待签收" in page(response)
    response = login(client, city.users["outsider"]).get("/cases/queue/to_accept/")
    assert numbers_listed(response) == {theirs.number}


def test_centre_queues_show_their_states(client: Client, city: City, clock: object) -> None:
    registered = make_case(city)
    dispatched = dispatched_case(city)
    replied = replied_case(city)
    called_back = called_back_case(city)
    login(client, city.users["dispatcher"])
    assert numbers_listed(client.get("/cases/queue/to_dispatch/")) == {registered.number}
    assert numbers_listed(client.get("/cases/queue/to_accept/")) == {dispatched.number}
    login(client, city.users["agent"])
    assert numbers_listed(client.get("/cases/queue/to_callback/")) == {replied.number}
    assert numbers_listed(client.get("/cases/queue/to_close/")) == {called_back.number}
    all_numbers = numbers_listed(client.get("/cases/queue/all/"))
    assert {registered.number, dispatched.number, replied.number, called_back.number} <= all_numbers


def test_unit_leader_sees_replies_waiting_for_approval(client: Client, city: City, clock: object) -> None:
    case = accepted_case(city)
    services.submit_reply(
        case, actor=city.users["clerk"], body="已安排市政养护队疏通下水道，现已恢复正常排水。"
    )
    response = login(client, city.users["unit_leader"]).get("/cases/queue/to_approve/")
    assert numbers_listed(response) == {case.number}


def test_queue_not_for_the_role_is_not_found(client: Client, city: City) -> None:
    login(client, city.users["clerk"])
    assert client.get("/cases/queue/to_dispatch/").status_code == 404
    assert client.get("/cases/queue/no-such-queue/").status_code == 404


def test_queue_nav_lists_the_users_queues_with_counts(client: Client, city: City, clock: object) -> None:
    dispatched_case(city)
    dispatched_case(city)
    response = login(client, city.users["clerk"]).get("/cases/queue/to_accept/")
    nav = page(response).split('id="queue-nav"')[1].split("</nav>")[0]
    assert 'hx-get="/cases/queue/to_accept/counts/"' in page(response)  # counts follow the page
    assert "待派单" not in nav  # a unit does not dispatch
    counted = page(client.get("/cases/queue/to_accept/counts/"))
    assert re.search(r"待签收</span><span class=\"count\">2<", counted)
    assert "待派单" not in counted


def test_deadline_countdown_and_urgency_are_shown(client: Client, city: City, clock: Traveller) -> None:
    dispatched_case(city, urgency=Urgency.URGENT)  # one working hour to accept: near due at once
    dispatched_case(city)
    body = page(login(client, city.users["clerk"]).get("/cases/queue/to_accept/"))
    assert 'class="deadline level-near"' in body
    assert 'class="deadline level-ok"' in body
    assert "签收剩余" in body
    assert '<span class="badge urgent">紧急</span>' in body
    clock.move_to(datetime(2025, 9, 25, 10, 0, tzinfo=SHANGHAI))
    # A day later the session has ended (30 idle minutes, accounts.middleware): log in again.
    late = page(login(client, city.users["clerk"]).get("/cases/queue/to_accept/"))
    assert 'class="deadline level-overdue"' in late


def test_register_button_only_for_intake_roles(client: Client, city: City) -> None:
    assert "登记工单" in page(login(client, city.users["agent"]).get("/cases/queue/all/"))
    assert "登记工单" in page(login(client, city.users["dispatcher"]).get("/cases/queue/all/"))
    assert "登记工单" not in page(login(client, city.users["clerk"]).get("/cases/queue/all/"))


# ---------------------------------------------------------------- filters


@pytest.fixture
def three_cases(city: City, clock: object) -> dict[str, Case]:
    road = make_case(
        city,
        title="路灯不亮",
        content="莫愁湖路的路灯已经一周不亮了，晚上很危险。",
        citizen_phone="13900001111",
    )
    school = make_case(
        city,
        title="学校门口交通拥堵",
        content="放学时学校门口车辆拥堵。",
        citizen_phone="13700002222",
        category=None,
    )
    drain = dispatched_case(city)
    return {"road": road, "school": school, "drain": drain}


def test_filter_by_number_exact_and_prefix(client: Client, city: City, three_cases: dict[str, Case]) -> None:
    login(client, city.users["dispatcher"])
    drain = three_cases["drain"]
    assert numbers_listed(client.get("/cases/queue/all/", {"q": drain.number})) == {drain.number}
    everyone = {c.number for c in three_cases.values()}
    assert numbers_listed(client.get("/cases/queue/all/", {"q": "20250924"})) == everyone
    assert numbers_listed(client.get("/cases/queue/all/", {"q": "20250923"})) == set()


def test_filter_by_phone_is_exact_and_shows_it_masked(
    client: Client, city: City, three_cases: dict[str, Case]
) -> None:
    login(client, city.users["dispatcher"])
    response = client.get("/cases/queue/all/", {"q": "13900001111"})
    assert numbers_listed(response) == {three_cases["road"].number}
    table = page(response).split('id="queue-table"')[1]
    assert "139****1111" in table
    assert "13900001111" not in table
    # Part of a number finds nothing: phone search is exact, not a fishing tool.
    assert numbers_listed(client.get("/cases/queue/all/", {"q": "1390000"})) == set()


def test_filter_by_text_searches_title_and_content(
    client: Client, city: City, three_cases: dict[str, Case]
) -> None:
    login(client, city.users["dispatcher"])
    assert numbers_listed(client.get("/cases/queue/all/", {"q": "路灯"})) == {three_cases["road"].number}
    assert numbers_listed(client.get("/cases/queue/all/", {"q": "放学"})) == {three_cases["school"].number}


def test_filter_by_unit_township_state(client: Client, city: City, three_cases: dict[str, Case]) -> None:
    login(client, city.users["dispatcher"])
    drain = three_cases["drain"]
    assert numbers_listed(client.get("/cases/queue/all/", {"unit": city.housing.pk})) == {drain.number}
    assert numbers_listed(client.get("/cases/queue/all/", {"state": State.DISPATCHED})) == {drain.number}
    other = Unit.objects.create(code="420881100", name="洋梓镇", kind=UnitKind.TOWNSHIP)
    far = make_case(city, township=other)
    assert numbers_listed(client.get("/cases/queue/all/", {"township": other.pk})) == {far.number}


def test_filter_by_category_matches_every_level(
    client: Client, city: City, three_cases: dict[str, Case]
) -> None:
    login(client, city.users["dispatcher"])
    filed = {three_cases["road"].number, three_cases["drain"].number}
    top = Category.objects.get(path="城乡建设")
    for category in (top, top.children.get(), city.category):
        assert numbers_listed(client.get("/cases/queue/all/", {"category": category.pk})) == filed
    # A sibling whose path merely starts with the same characters is not a descendant.
    lookalike = Category.objects.create(name="城乡建设规划", level=1, path="城乡建设规划")
    assert numbers_listed(client.get("/cases/queue/all/", {"category": lookalike.pk})) == set()


def test_filter_by_registration_date(client: Client, city: City, clock: Traveller) -> None:
    clock.move_to(datetime(2025, 9, 22, 9, 0, tzinfo=SHANGHAI))
    monday = make_case(city)
    clock.move_to(datetime(2025, 9, 24, 23, 30, tzinfo=SHANGHAI))
    wednesday_night = make_case(city)
    login(client, city.users["dispatcher"])
    only_wed = {"date_from": "2025-09-23", "date_to": "2025-09-24"}
    assert numbers_listed(client.get("/cases/queue/all/", only_wed)) == {wednesday_night.number}
    assert numbers_listed(client.get("/cases/queue/all/", {"date_to": "2025-09-22"})) == {monday.number}


def test_bad_filter_input_is_reported_not_a_crash(
    client: Client, city: City, three_cases: dict[str, Case]
) -> None:
    login(client, city.users["dispatcher"])
    response = client.get("/cases/queue/all/", {"date_from": "昨天", "unit": "abc"})
    assert response.status_code == 200
    assert "筛选条件有误" in page(response)


def test_filter_swap_returns_only_the_table_for_htmx(
    client: Client, city: City, three_cases: dict[str, Case]
) -> None:
    login(client, city.users["dispatcher"])
    response = client.get("/cases/queue/all/", {"q": "路灯"}, **HX)
    body = page(response)
    assert body.lstrip().startswith('<div id="queue-table"')
    assert "<html" not in body
    assert numbers_listed(response) == {three_cases["road"].number}
    # A history restore (back button) needs the whole page again.
    restore = client.get("/cases/queue/all/", {"q": "路灯"}, **HX, HTTP_HX_HISTORY_RESTORE_REQUEST="true")
    assert "<html" in page(restore)


def test_queue_paginates_by_fifty(client: Client, city: City, clock: object) -> None:
    for _ in range(51):
        make_case(city)
    login(client, city.users["dispatcher"])
    first = client.get("/cases/queue/to_dispatch/")
    assert len(numbers_listed(first)) == 50
    assert "第 1 / 2 页，共 51 件" in page(first)
    assert len(numbers_listed(client.get("/cases/queue/to_dispatch/", {"page": 2}))) == 1


@pytest.mark.parametrize("username", ["dispatcher", "clerk"])
def test_queue_query_count_does_not_grow_with_rows(
    client: Client,
    city: City,
    clock: object,
    django_assert_max_num_queries: DjangoAssertNumQueries,
    username: str,
) -> None:
    for _ in range(3):
        dispatched_case(city)
    login(client, city.users[username])
    client.get("/cases/queue/all/")  # warm the working-day cache
    with django_assert_max_num_queries(25) as few:
        client.get("/cases/queue/all/")
    for _ in range(40):
        dispatched_case(city)
    with django_assert_max_num_queries(len(few.captured_queries)) as many:
        response = client.get("/cases/queue/all/")
    assert len(numbers_listed(response)) == 43
    assert len(many.captured_queries) == len(few.captured_queries)


# ---------------------------------------------------------------- register


def test_agent_registers_a_case_and_sees_its_number(client: Client, city: City, clock: object) -> None:
    login(client, city.users["agent"])
    form = client.get("/cases/new/")
    assert "登记工单" in page(form)
    assert city.township.name in page(form)
    response = client.post(
        "/cases/new/",
        {
            "kind": Kind.COMPLAINT,
            "channel": "hotline",
            "title": "",
            "content": "莫愁湖路路灯坏了一周，晚上很危险。",
            "citizen_name": "李先生",
            "citizen_phone": "13912345678",
            "township": city.township.pk,
            "address": "莫愁湖路",
            "category": city.category.pk,
            "urgency": Urgency.NORMAL,
        },
        follow=True,
    )
    case = Case.objects.get(citizen_phone="13912345678")
    assert response.redirect_chain[-1][0] == f"/cases/{case.number}/"
    assert f"工单已登记，受理编号 {case.number}" in page(response)
    assert case.registered_by == city.users["agent"]
    assert case.title.startswith("莫愁湖路路灯坏了")
    assert events_of(case) == ["register"]


def test_register_shows_the_domain_error_and_keeps_the_input(
    client: Client, city: City, clock: object
) -> None:
    login(client, city.users["agent"])
    response = client.post(
        "/cases/new/",
        {
            "kind": Kind.HELP,
            "channel": "hotline",
            "content": "家里停水三天了，请帮忙联系。",
            "citizen_phone": "12345",
            "citizen_name": "赵大爷",
            "urgency": Urgency.NORMAL,
        },
    )
    body = page(response)
    assert response.status_code == 200
    assert "联系电话格式不正确" in body
    assert "家里停水三天了，请帮忙联系。" in body
    assert 'value="赵大爷"' in body
    assert not Case.objects.exists()


def test_register_form_checks_required_content(client: Client, city: City, clock: object) -> None:
    login(client, city.users["agent"])
    response = client.post("/cases/new/", {"kind": Kind.HELP, "channel": "hotline", "urgency": "normal"})
    assert "请按提示修改后再提交" in page(response)
    assert not Case.objects.exists()


def test_unit_staff_cannot_register(client: Client, city: City) -> None:
    response = login(client, city.users["clerk"]).get("/cases/new/")
    assert response.status_code == 403
    assert "只有话务员" in page(response)


# ---------------------------------------------------------------- the case page


def test_clerk_sees_accept_and_return_on_own_dispatched_case(
    client: Client, city: City, clock: object
) -> None:
    case = dispatched_case(city)
    response = login(client, city.users["clerk"]).get(f"/cases/{case.number}/")
    assert response.status_code == 200
    assert action_buttons(response) == ["签收", "退单"]


@pytest.mark.parametrize("username", ["dispatcher", "leader", "agent"])
def test_centre_roles_see_no_unit_actions_on_dispatched_case(
    client: Client, city: City, clock: object, username: str
) -> None:
    case = dispatched_case(city)
    response = login(client, city.users[username]).get(f"/cases/{case.number}/")
    assert action_buttons(response) == []
    assert "您当前对该工单没有可执行的操作" in page(response)


@pytest.mark.parametrize(
    ("situation", "username", "buttons"),
    [
        ("registered", "dispatcher", ["派单", "合并", "转办"]),
        ("registered", "agent", []),
        ("registered", "supervisor", ["督办"]),
        ("consult", "agent", ["直接办结"]),
        ("in_progress", "clerk", ["提交答复", "联系诉求人", "申请延期", "申请挂起"]),
        ("in_progress", "unit_leader", ["提交答复", "联系诉求人", "申请延期", "申请挂起"]),
        ("pending_approval", "unit_leader", ["审核通过", "退回修改"]),
        ("pending_approval", "clerk", []),
        ("replied", "agent", ["认领回访", "回访"]),
        ("called_back", "agent", ["结案", "重办"]),
        ("called_back", "leader", []),
    ],
)
def test_case_page_offers_exactly_the_allowed_actions(
    client: Client, city: City, clock: object, situation: str, username: str, buttons: list[str]
) -> None:
    if situation == "registered":
        case = make_case(city)
    elif situation == "consult":
        case = make_case(city, kind=Kind.CONSULT)
    elif situation == "in_progress":
        case = accepted_case(city)
    elif situation == "pending_approval":
        case = accepted_case(city)
        services.submit_reply(
            case, actor=city.users["clerk"], body="已安排市政养护队疏通下水道，现已恢复正常排水。"
        )
    elif situation == "replied":
        case = replied_case(city)
    else:
        case = called_back_case(city)
    response = login(client, city.users[username]).get(f"/cases/{case.number}/")
    assert action_buttons(response) == buttons


def test_outsider_gets_not_found_on_another_units_case(client: Client, city: City, clock: object) -> None:
    case = dispatched_case(city)
    login(client, city.users["outsider"])
    response = client.get(f"/cases/{case.number}/")
    assert response.status_code == 404
    assert "页面不存在" in page(response)
    assert client.post(f"/cases/{case.number}/act/accept/").status_code == 404
    assert Case.objects.get(pk=case.pk).state == State.DISPATCHED


def test_phone_is_masked_for_the_clerk_and_not_audited(client: Client, city: City, clock: object) -> None:
    case = dispatched_case(city)
    response = login(client, city.users["clerk"]).get(f"/cases/{case.number}/")
    assert "138****5678" in page(response)
    assert "13812345678" not in page(response)
    assert not PersonalDataView.objects.exists()


def test_phone_is_shown_to_the_registering_agent_and_audited(
    client: Client, city: City, clock: object
) -> None:
    case = dispatched_case(city)
    response = login(client, city.users["agent"]).get(f"/cases/{case.number}/")
    assert "13812345678" in page(response)
    view = PersonalDataView.objects.get()
    assert (view.user, view.case, view.purpose, view.fields) == (
        city.users["agent"],
        case,
        "case_page",
        "citizen_phone",
    )
    # Another agent, not on the case, sees the masked number.
    response = login(client, city.users["agent2"]).get(f"/cases/{case.number}/")
    assert "138****5678" in page(response)
    assert "13812345678" not in page(response)
    assert PersonalDataView.objects.count() == 1


def test_case_page_shows_the_record(client: Client, city: City, clock: object) -> None:
    case = accepted_case(city)
    services.request_extension(case, actor=city.users["clerk"], days=3, reason="需要协调施工队伍")
    services.supervise(case, actor=city.users["supervisor"], body="请加快办理进度")
    duplicate = make_case(city, title="又一位市民反映下水道堵塞")
    services.merge(duplicate, actor=city.users["dispatcher"], parent=case)
    response = login(client, city.users["dispatcher"]).get(f"/cases/{case.number}/")
    body = page(response)
    expected = ["钟祥市住房和城乡建设局", "主办", "已签收", "申请延期 3 个工作日", "待审批", "请加快办理进度"]
    expected += [duplicate.number, "赵派单", "待派单 → 待签收", "待签收 → 办理中", "办理剩余"]
    for text in expected:
        assert text in body, text
    assert action_buttons(response) == ["审批延期"]
    merged_page = page(client.get(f"/cases/{duplicate.number}/"))
    assert f'href="/cases/{case.number}/"' in merged_page


def test_pending_reply_is_shown_to_the_unit_but_not_the_centre(
    client: Client, city: City, clock: object
) -> None:
    case = accepted_case(city)
    services.submit_reply(case, actor=city.users["clerk"], body="答复草稿：已安排养护队，明天上午疏通。")
    assert "答复草稿" in page(login(client, city.users["unit_leader"]).get(f"/cases/{case.number}/"))
    timeline_free = page(login(client, city.users["leader"]).get(f"/cases/{case.number}/")).split(
        'id="case-timeline"'
    )[0]
    assert "答复草稿" not in timeline_free


# ---------------------------------------------------------------- actions


def test_clerk_accepts_with_a_plain_post(client: Client, city: City, clock: object) -> None:
    case = dispatched_case(city)
    response = login(client, city.users["clerk"]).post(f"/cases/{case.number}/act/accept/", follow=True)
    assert response.redirect_chain[-1][0] == f"/cases/{case.number}/"
    assert "已签收。" in page(response)
    assert Case.objects.get(pk=case.pk).state == State.IN_PROGRESS
    assert action_buttons(response) == ["提交答复", "联系诉求人", "申请延期", "申请挂起"]


def test_clerk_accepts_with_htmx_and_gets_the_new_case_body(
    client: Client, city: City, clock: object
) -> None:
    case = dispatched_case(city)
    response = login(client, city.users["clerk"]).post(f"/cases/{case.number}/act/accept/", **HX)
    body = page(response)
    assert response.status_code == 200
    assert body.lstrip().startswith('<div id="case-body"')
    assert "已签收。" in body
    assert ">办理中<" in body
    assert action_buttons(response) == ["提交答复", "联系诉求人", "申请延期", "申请挂起"]


def test_action_not_allowed_changes_nothing(client: Client, city: City, clock: object) -> None:
    case = dispatched_case(city)
    login(client, city.users["dispatcher"])
    response = client.post(f"/cases/{case.number}/act/accept/")
    assert response.status_code == 403
    assert "只有承办人、单位负责人可以签收" in page(response)
    htmx = client.post(f"/cases/{case.number}/act/accept/", **HX)
    assert htmx.status_code == 200
    assert 'id="case-error"' in page(htmx)
    assert Case.objects.get(pk=case.pk).state == State.DISPATCHED
    assert events_of(case) == ["register", "dispatch"]


def test_action_in_the_wrong_state_is_a_conflict(client: Client, city: City, clock: object) -> None:
    case = accepted_case(city)
    response = login(client, city.users["clerk"]).post(f"/cases/{case.number}/act/accept/")
    assert response.status_code == 409
    assert "工单当前状态为“办理中”，不能执行“签收”" in page(response)
    assert events_of(case) == ["register", "dispatch", "accept"]


def test_leader_posting_an_action_is_refused(client: Client, city: City, clock: object) -> None:
    case = make_case(city)
    unit = city.housing.pk
    response = login(client, city.users["leader"]).post(
        f"/cases/{case.number}/act/dispatch/", {"lead_unit": unit}
    )
    assert response.status_code == 403
    assert Case.objects.get(pk=case.pk).state == State.REGISTERED


def test_domain_error_is_shown_in_the_form_with_the_input_kept(
    client: Client, city: City, clock: object
) -> None:
    case = accepted_case(city)
    login(client, city.users["clerk"])
    response = client.post(f"/cases/{case.number}/act/reply/", {"body": "已处理", "result": "已疏通"}, **HX)
    body = page(response)
    assert response.status_code == 200
    assert "答复内容至少需要10个字" in body
    assert 'value="已疏通"' in body  # the form comes back filled in
    assert 'class="card action-form failed"' in body
    assert Case.objects.get(pk=case.pk).state == State.IN_PROGRESS
    plain = client.post(f"/cases/{case.number}/act/reply/", {"body": "已处理"})
    assert plain.status_code == 422


def test_form_error_is_shown_next_to_the_field(client: Client, city: City, clock: object) -> None:
    case = accepted_case(city)
    response = login(client, city.users["clerk"]).post(
        f"/cases/{case.number}/act/extend/", {"days": "99", "reason": "需要协调"}, **HX
    )
    body = page(response)
    assert "请按提示修改后再提交" in body
    assert "确保该值小于或等于30" in body
    assert not case.extensions.exists()


def test_unknown_action_is_not_found(client: Client, city: City, clock: object) -> None:
    case = make_case(city)
    login(client, city.users["dispatcher"])
    assert client.post(f"/cases/{case.number}/act/explode/").status_code == 404
    assert client.post(f"/cases/{case.number}/act/register/").status_code == 404
    assert client.get(f"/cases/{case.number}/act/dispatch/").status_code == 405


def test_merge_into_an_unknown_number_shows_the_error(client: Client, city: City, clock: object) -> None:
    case = make_case(city)
    response = login(client, city.users["dispatcher"]).post(
        f"/cases/{case.number}/act/merge/", {"parent": "2099010100001"}, **HX
    )
    assert "找不到受理编号为 2099010100001 的工单" in page(response)
    assert Case.objects.get(pk=case.pk).state == State.REGISTERED


def test_the_whole_loop_through_the_pages(client: Client, city: City, clock: object) -> None:
    users = city.users
    case = make_case(city)
    url = f"/cases/{case.number}/act"

    def post(user: str, action: str, data: dict | None = None) -> None:
        login(client, users[user])
        response = client.post(f"{url}/{action}/", data or {}, **HX)
        assert 'id="case-error"' not in page(response), page(response)
        assert 'id="case-notice"' in page(response)

    dispatch = {"lead_unit": city.housing.pk, "co_units": [city.education.pk], "category": city.category.pk}
    post("dispatcher", "dispatch", {**dispatch, "urgency": Urgency.URGENT, "note": "请尽快"})
    post("clerk", "accept")
    post("outsider", "contribute", {"body": "学校周边已加强巡查"})
    post("clerk", "extend", {"days": 2, "reason": "需要协调施工队伍"})
    post("dispatcher", "decide_extension", {"decision": "approve", "note": "同意"})
    post("clerk", "reply", {"body": "已安排市政养护队疏通下水道，现已恢复正常排水。", "result": "已疏通"})
    post("unit_leader", "reject_reply", {"note": "请写明疏通时间"})
    post("clerk", "reply", {"body": "9月24日下午已安排市政养护队疏通下水道，现已恢复正常排水。"})
    post("unit_leader", "approve", {"note": "同意"})
    post("agent", "callback", {"reached": "yes", "resolved": "no", "satisfaction": Satisfaction.UNSATISFIED})
    # The 差评 went straight to the unit's rectification; the centre redoes the case instead.
    post("agent", "reopen", {"reason": "市民反映仍有污水外溢"})
    post("clerk", "reply", {"body": "已更换破损管道，彻底解决污水外溢问题。"})
    post("unit_leader", "approve")
    post("agent", "callback", {"reached": "yes", "resolved": "yes", "satisfaction": Satisfaction.SATISFIED})
    post("agent", "close", {"note": "市民满意"})
    case.refresh_from_db()
    assert case.state == State.CLOSED
    assert case.urgency == Urgency.URGENT
    assert case.reopen_count == 1
    assert events_of(case) == [
        "register", "dispatch", "accept", "contribute", "extend", "decide_extension", "reply", "reject_reply",
        "reply", "approve", "rectify", "reopen", "reply", "approve", "callback", "close",
    ]  # fmt: skip


def test_supervisor_supervises_and_dispatcher_transfers(client: Client, city: City, clock: object) -> None:
    late = dispatched_case(city)
    login(client, city.users["supervisor"])
    client.post(f"/cases/{late.number}/act/supervise/", {"body": "请今天内签收", "respond_days": 1}, **HX)
    assert late.supervision_notices.get().body == "请今天内签收"
    elsewhere = make_case(city)
    login(client, city.users["dispatcher"])
    client.post(
        f"/cases/{elsewhere.number}/act/transfer/", {"target": "荆门市12345平台", "note": "属地外"}, **HX
    )
    assert Case.objects.get(pk=elsewhere.pk).state == State.TRANSFERRED


def test_agent_answers_a_consultation_at_intake(client: Client, city: City, clock: object) -> None:
    case = make_case(city, kind=Kind.CONSULT)
    response = login(client, city.users["agent"]).post(
        f"/cases/{case.number}/act/answer_at_intake/",
        {"answer": "公积金提取请携带身份证到政务服务中心办理。"},
        **HX,
    )
    assert "已直接办结。" in page(response)
    assert Case.objects.get(pk=case.pk).state == State.REPLIED


def test_a_unit_that_returns_a_case_no_longer_sees_it(client: Client, city: City, clock: object) -> None:
    case = dispatched_case(city)
    login(client, city.users["clerk"])
    response = client.post(
        f"/cases/{case.number}/act/return/", {"reason_kind": "not_our_duty", "reason": "属于教育局职责"}, **HX
    )
    assert response.status_code == 204
    assert response["HX-Redirect"] == "/"
    assert Case.objects.get(pk=case.pk).state == State.REGISTERED
    home = client.get("/", follow=True)
    assert f"工单 {case.number} 已退回热线中心" in page(home)
    assert client.get(f"/cases/{case.number}/").status_code == 404


def test_case_page_query_count_is_bounded(
    client: Client, city: City, clock: object, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    case = called_back_case(city)
    login(client, city.users["agent"])
    client.get(f"/cases/{case.number}/")
    with django_assert_max_num_queries(30):
        client.get(f"/cases/{case.number}/")


# ---------------------------------------------------------------- no outside resources


def test_pages_load_nothing_from_other_hosts(client: Client, city: City, clock: object) -> None:
    case = dispatched_case(city)
    login(client, city.users["agent"])
    for url in ("/cases/queue/all/", "/cases/new/", f"/cases/{case.number}/"):
        body = page(client.get(url))
        assert not re.search(r"""(src|href)=["']?(https?:)?//""", body), url
        assert "/static/vendor/htmx-2.0.11.min.js" in body
        assert "/static/css/mochou.css" in body
