"""Logging in and out."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from tests.factories import PASSWORD, City

pytestmark = pytest.mark.django_db


def test_login_page_is_in_chinese_and_self_contained(client: Client, db: None) -> None:
    response = client.get("/accounts/login/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "登录莫愁 12345" in body
    assert "用户名" in body
    assert "密码" in body
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", body)


def test_login_lands_on_the_roles_home_queue(client: Client, city: City) -> None:
    response = client.post("/accounts/login/", {"username": "clerk", "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == "/cases/queue/to_accept/"
    body = response.content.decode()
    assert "钱承办" in body
    assert "承办人" in body
    assert "市住建局" in body


def test_login_returns_to_the_page_asked_for(client: Client, city: City) -> None:
    response = client.post(
        "/accounts/login/", {"username": "agent", "password": PASSWORD, "next": "/cases/new/"}
    )
    assert response["Location"] == "/cases/new/"


def test_wrong_password_shows_a_chinese_error(client: Client, city: City) -> None:
    response = client.post("/accounts/login/", {"username": "clerk", "password": "wrong"})
    assert response.status_code == 200
    assert "请输入一个正确的" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_logged_in_user_skips_the_login_page(client: Client, city: City) -> None:
    client.force_login(city.users["dispatcher"])
    assert client.get("/accounts/login/")["Location"] == "/"


def test_logout_is_a_post(client: Client, city: City) -> None:
    client.force_login(city.users["agent"])
    assert client.get("/accounts/logout/").status_code == 405
    assert "_auth_user_id" in client.session
    response = client.post("/accounts/logout/")
    assert response["Location"] == "/accounts/login/"
    assert "_auth_user_id" not in client.session


def test_top_bar_shows_the_user_and_a_logout_button(client: Client, city: City) -> None:
    client.force_login(city.users["unit_leader"])
    body = client.get("/cases/queue/to_approve/").content.decode()
    bar = body.split("</header>")[0]
    assert "莫愁 12345" in bar
    assert "孙局长" in bar
    assert "单位负责人" in bar
    assert "市住建局" in bar
    assert 'action="/accounts/logout/"' in bar
    assert "退出" in bar
