"""Password rules (GB/T 22239-2019 level 3) and the forced change of handed-out passwords."""

from __future__ import annotations

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import translation
from pytest_django import Settings

from accounts.audit.models import AuditRecord
from accounts.demo import DEMO_PASSWORD
from accounts.models import User
from accounts.validators import CharacterClassesValidator, character_classes
from tests.factories import PASSWORD, City

pytestmark = pytest.mark.django_db

STRONG = "Qiao-2026-wen"


def errors_of(password: str, user: User | None = None) -> list[str]:
    try:
        with translation.override("zh-hans"):  # as in a request: Django's messages in Chinese
            validate_password(password, user)
    except ValidationError as error:
        return list(error.messages)
    return []


@pytest.mark.parametrize(
    ("password", "classes"),
    [
        ("abc", {"小写字母"}),
        ("ABCdef123", {"大写字母", "小写字母", "数字"}),
        ("a1!", {"小写字母", "数字", "符号"}),
        ("密码2026莫愁", {"数字"}),  # Chinese characters have no case and are not symbols
        ("a b", {"小写字母"}),  # a space is not a symbol
    ],
)
def test_character_classes(password: str, classes: set[str]) -> None:
    assert character_classes(password) == classes


def test_three_classes_of_four_are_needed() -> None:
    validator = CharacterClassesValidator()
    validator.validate("zhongxiang2026!")  # lower, digit, symbol
    validator.validate("Zhongxiang2026")  # upper, lower, digit
    with pytest.raises(ValidationError) as raised:
        validator.validate("zhongxiang2026")
    assert raised.value.messages == ["密码须至少包含大写字母、小写字母、数字、符号中的 3 类。"]
    assert "3 类" in validator.get_help_text()


@pytest.mark.parametrize(
    ("password", "fragment"),
    [
        ("Ab1!xyz", "至少需要 10 个字符"),  # too short
        ("12345678901234", "只包含数字"),  # numeric (and one class)
        ("Password123", "太常见"),  # common
        ("zhongxiang2026", "3 类"),  # two classes
        (DEMO_PASSWORD, "3 类"),  # the published demo password fails by itself
    ],
)
def test_settings_refuse_weak_passwords(password: str, fragment: str) -> None:
    messages = errors_of(password)
    assert any(fragment in m for m in messages), messages


def test_a_password_like_the_username_is_refused(city: City) -> None:
    user = city.users["dispatcher"]
    user.username = "Dispatcher2026"
    assert any("相似" in m for m in errors_of("Dispatcher2026!", user))


def test_a_strong_password_passes(city: City) -> None:
    assert errors_of(STRONG, city.users["clerk"]) == []


# ---------------------------------------------------------------- the forced change


def demo_user(city: City) -> User:
    user = city.users["clerk"]
    user.set_password(DEMO_PASSWORD)
    user.save()
    return user


def test_outside_demo_mode_the_demo_password_leads_to_the_change_page_only(
    client: Client, city: City, settings: Settings
) -> None:
    settings.MOCHOU_DEMO = False
    demo_user(city)

    response = client.post("/accounts/login/", {"username": "clerk", "password": DEMO_PASSWORD})
    assert response.status_code == 302
    assert User.objects.get(username="clerk").must_change_password

    for path in ["/", "/cases/queue/to_accept/", "/knowledge/", "/audit/"]:
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/accounts/password/?next="), path
    htmx = client.get("/cases/queue/to_accept/", headers={"HX-Request": "true"})
    assert htmx.status_code == 204
    assert htmx["HX-Redirect"].startswith("/accounts/password/")
    api = client.get("/api/v1/cases")
    assert api.status_code == 403
    assert api.json()["code"] == "account.password_change_required"

    page = client.get("/accounts/password/?next=/cases/queue/to_accept/")
    assert page.status_code == 200
    assert "请先修改密码" in page.content.decode()


def test_the_change_page_refuses_a_weak_or_unchanged_password(
    client: Client, city: City, settings: Settings
) -> None:
    settings.MOCHOU_DEMO = False
    demo_user(city)
    client.post("/accounts/login/", {"username": "clerk", "password": DEMO_PASSWORD})

    weak = client.post(
        "/accounts/password/",
        {"old_password": DEMO_PASSWORD, "new_password1": "zhongxiang", "new_password2": "zhongxiang"},
    )
    assert weak.status_code == 200
    assert "3 类" in weak.content.decode()
    same = client.post(
        "/accounts/password/",
        {"old_password": DEMO_PASSWORD, "new_password1": DEMO_PASSWORD, "new_password2": DEMO_PASSWORD},
    )
    assert same.status_code == 200
    assert client.get("/").status_code == 302


def test_after_the_change_the_user_works_normally(client: Client, city: City, settings: Settings) -> None:
    settings.MOCHOU_DEMO = False
    demo_user(city)
    client.post("/accounts/login/", {"username": "clerk", "password": DEMO_PASSWORD})

    response = client.post(
        "/accounts/password/?next=/cases/queue/to_accept/",
        {"old_password": DEMO_PASSWORD, "new_password1": STRONG, "new_password2": STRONG},
    )

    assert response.status_code == 302
    assert response["Location"] == "/cases/queue/to_accept/"
    user = User.objects.get(username="clerk")
    assert user.check_password(STRONG)
    assert not user.must_change_password
    assert client.get("/cases/queue/to_accept/").status_code == 200  # still logged in
    assert AuditRecord.objects.filter(action="password.change", target_id=str(user.pk)).exists()


def test_the_change_page_does_not_follow_a_next_to_another_site(
    client: Client, city: City, settings: Settings
) -> None:
    settings.MOCHOU_DEMO = False
    demo_user(city)
    client.post("/accounts/login/", {"username": "clerk", "password": DEMO_PASSWORD})
    response = client.post(
        "/accounts/password/?next=https://evil.example/",
        {"old_password": DEMO_PASSWORD, "new_password1": STRONG, "new_password2": STRONG},
    )
    assert response["Location"] == "/"


def test_in_demo_mode_the_demo_password_is_fine(client: Client, city: City, settings: Settings) -> None:
    settings.MOCHOU_DEMO = True
    demo_user(city)
    client.post("/accounts/login/", {"username": "clerk", "password": DEMO_PASSWORD})
    assert client.get("/cases/queue/to_accept/").status_code == 200
    assert not User.objects.get(username="clerk").must_change_password


def test_a_demo_session_is_stopped_once_demo_mode_is_off(
    client: Client, city: City, settings: Settings
) -> None:
    settings.MOCHOU_DEMO = True
    demo_user(city)
    client.post("/accounts/login/", {"username": "clerk", "password": DEMO_PASSWORD})
    settings.MOCHOU_DEMO = False
    assert client.get("/cases/queue/to_accept/")["Location"].startswith("/accounts/password/")


def test_a_flagged_user_must_change_and_may_log_out(client: Client, city: City, settings: Settings) -> None:
    settings.MOCHOU_DEMO = False
    User.objects.filter(username="agent").update(must_change_password=True)
    client.post("/accounts/login/", {"username": "agent", "password": PASSWORD})
    assert client.get("/cases/new/")["Location"].startswith("/accounts/password/")
    assert client.post("/accounts/logout/")["Location"] == "/accounts/login/"


def test_an_ordinary_password_is_not_forced(client: Client, city: City, settings: Settings) -> None:
    settings.MOCHOU_DEMO = False
    client.post("/accounts/login/", {"username": "clerk", "password": PASSWORD})
    assert client.get("/cases/queue/to_accept/").status_code == 200


def test_an_administrators_reset_forces_a_change(client: Client, city: City) -> None:
    admin, clerk = city.users["admin"], city.users["clerk"]
    client.force_login(admin)
    response = client.post(
        f"/admin/accounts/user/{clerk.pk}/password/",
        {"password1": STRONG, "password2": STRONG, "usable_password": "true"},
    )
    assert response.status_code == 302
    assert User.objects.get(pk=clerk.pk).must_change_password
