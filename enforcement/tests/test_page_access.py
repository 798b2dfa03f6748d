"""Who is refused the board and the 12345 cases' pages: a department's staff, who have no row on
the board and no area to report in, get 403, not an empty page that looks like theirs."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from .conftest import Control


def test_a_department_clerk_is_refused_the_board_its_export_and_the_bulletin(control: Control) -> None:
    client = Client()
    client.force_login(control.city.users["clerk"])  # 市住建局: a department, not a township
    for name in ("enforcement:board", "enforcement:board_export", "enforcement:bulletin"):
        assert client.get(reverse(name)).status_code == 403, name
    client.force_login(control.users["town_clerk"])
    assert client.get(reverse("enforcement:board")).status_code == 200


def test_the_board_api_refuses_a_department_clerk(control: Control) -> None:
    from accounts.models import ApiToken

    token = ApiToken.issue(control.city.users["clerk"])
    answer = Client().get("/api/v1/enforcement/board", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 403


def test_only_who_may_report_opens_the_12345_cases_to_convert(control: Control) -> None:
    client = Client()
    for key in ("agent", "dispatcher", "clerk"):  # the centre; a department that may lead a 违建 case
        client.force_login(control.city.users[key])
        assert client.get(reverse("enforcement:cases")).status_code == 403, key
        assert client.get(reverse("enforcement:convert", args=["ZX000000"])).status_code == 403, key
    for key in ("town_clerk", "kwb_clerk"):
        client.force_login(control.users[key])
        assert client.get(reverse("enforcement:cases")).status_code == 200, key


def test_the_index_links_the_board_only_for_those_it_admits(control: Control) -> None:
    from accounts.models import Role
    from enforcement.workflow import State
    from tests.factories import make_user

    from .conftest import violation_in

    violation_in(control, State.REPORTED)
    auditor = make_user("kwb_auditor", Role.AUDITOR, None, display_name="审计")
    client = Client()
    client.force_login(auditor)  # reads every violation (the audit), has no row on the board
    index = client.get(reverse("enforcement:index")).content.decode()
    assert "违建" in index
    assert 'id="board-link"' not in index
    assert client.get(reverse("enforcement:board")).status_code == 403
    client.force_login(control.users["town_clerk"])
    assert 'id="board-link"' in client.get(reverse("enforcement:index")).content.decode()


def test_a_village_clerk_reads_the_row_of_their_township(control: Control) -> None:
    from accounts.models import Role
    from tests.factories import make_user

    village_clerk = make_user("village_clerk", Role.CLERK, control.village, display_name="网格员")
    client = Client()
    client.force_login(village_clerk)
    page = client.get(reverse("enforcement:board")).content.decode()
    assert f'data-township="{control.township.code}"' in page
    assert f'data-township="{control.other_township.code}"' not in page
