"""The 督办单 as .docx: a case's notice (masked and audited like the print view) and a task's."""

from __future__ import annotations

import io
from typing import Any

import docx  # type: ignore[import-not-found, unused-ignore]
import pytest
from django.test import Client

from accounts.models import PersonalDataView
from supervision.notice_docx import DOCX_TYPE
from supervision.services import task_notices as tn
from supervision.task_workflow import TaskState
from supervision.tests.conftest import issue
from supervision.tests.task_helpers import task_in
from tests.factories import City

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


def words(response: Any) -> str:
    assert response.status_code == 200
    assert response["Content-Type"] == DOCX_TYPE
    assert ".docx" in response["Content-Disposition"]
    document = docx.Document(io.BytesIO(response.content))
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def test_a_case_notice_as_docx_masks_like_the_print_view_and_audits(client: Client, city: City) -> None:
    notice = issue(city)
    client.force_login(city.users["supervisor"])
    text = words(client.get(f"/supervision/notices/{notice.number}/docx/"))
    assert notice.number in text
    assert "蓝色督办单" in text
    assert "138****5678" in text
    assert "13812345678" not in text
    assert "张**" in text
    assert "张女士" not in text
    assert not PersonalDataView.objects.filter(purpose="supervision_docx").exists()  # nothing unmasked
    # The agent who registered the case sees the phone: that view is audited, as on the print page.
    client.force_login(city.users["agent"])
    assert "13812345678" in words(client.get(f"/supervision/notices/{notice.number}/docx/"))
    assert PersonalDataView.objects.filter(purpose="supervision_docx", user=city.users["agent"]).exists()
    client.force_login(city.users["outsider"])  # another unit's clerk: not its notice
    assert client.get(f"/supervision/notices/{notice.number}/docx/").status_code == 404


def test_a_task_notice_as_docx(client: Client, city: City) -> None:
    task = task_in(city, TaskState.IN_PROGRESS)
    notice = tn.issue_task_notice(task, actor=city.users["supervisor"], body="请于本周内报送推进情况。")
    client.force_login(city.users["clerk"])
    text = words(client.get(f"/supervision/task-notices/{notice.number}/docx/"))
    assert notice.number in text
    assert task.title in text
    assert "请于本周内报送推进情况" in text
    page = client.get(f"/supervision/task-notices/{notice.number}/").content.decode()
    assert f"/supervision/task-notices/{notice.number}/docx/" in page
    client.force_login(city.users["agent"])  # a role that sees no decision task
    assert client.get(f"/supervision/task-notices/{notice.number}/docx/").status_code == 403
