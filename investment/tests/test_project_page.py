"""The project page shows its 莫愁超市 needs, each linked, and offers the project's side the
market's page for posting one."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from intermediaries import services as market
from tests.factories import PASSWORD

from .conftest import Office, new_project

pytestmark = pytest.mark.usefixtures("clock")


def login(user: object) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)  # type: ignore[attr-defined]
    return client


def test_the_project_page_shows_its_service_needs_and_offers_to_post_one(office: Office) -> None:
    project = new_project(office)
    respond_by = timezone.localdate() + timedelta(days=10)
    need = market.publish(
        project,
        actor=office.clerk,
        data={
            "service_type": "eia", "scope": "年产1万吨复合材料项目环境影响报告书编制", "budget_min": "10",
            "budget_max": "30", "time_limit_days": 40, "respond_by": respond_by,
        },
    )  # fmt: skip
    url = reverse("investment:detail", args=[project.number])
    page = login(office.clerk).get(url).content.decode()
    needs = page.split('id="service-needs"', 1)[1].split("</section>", 1)[0]
    assert reverse("intermediaries:need", args=[need.pk]) in needs
    assert "环境影响评价" in needs
    assert reverse("intermediaries:need_new", args=[project.number]) in needs  # 发布中介需求
    # A township that sees the project (it lies there) but does not answer for it: the needs, no link.
    township = login(office.township_clerk).get(url).content.decode()
    assert reverse("intermediaries:need", args=[need.pk]) in township
    assert reverse("intermediaries:need_new", args=[project.number]) not in township
