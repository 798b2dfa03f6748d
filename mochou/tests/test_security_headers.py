"""Security headers on every kind of response: pages, API, static files, errors (mochou.security)."""

from __future__ import annotations

import pytest
from django.test import Client

from accounts.models import ApiToken, User
from mochou.security import CONTENT_SECURITY_POLICY
from tests.factories import City, make_case

pytestmark = pytest.mark.django_db


def assert_secure(response: object, path: str) -> None:
    headers = response.headers  # type: ignore[attr-defined]
    csp = headers.get("Content-Security-Policy", "")
    assert "frame-ancestors 'none'" in csp, path
    assert headers.get("X-Content-Type-Options") == "nosniff", path
    assert headers.get("X-Frame-Options") == "DENY", path
    assert headers.get("Referrer-Policy") == "same-origin", path
    assert "camera=()" in headers.get("Permissions-Policy", ""), path
    assert "geolocation=()" in headers.get("Permissions-Policy", ""), path


def test_the_policy_allows_no_other_origin_and_no_inline_script() -> None:
    directives = dict(d.split(" ", 1) for d in CONTENT_SECURITY_POLICY.split("; "))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"  # no 'unsafe-inline', no 'unsafe-eval'
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    for value in directives.values():
        assert "http" not in value
        assert "*" not in value


@pytest.mark.parametrize(
    "path",
    ["/accounts/login/", "/m/", "/knowledge/public/", "/static/css/mochou.css", "/no/such/page/",
     "/open311/v2/services.json"],
)  # fmt: skip
def test_anonymous_pages_static_files_and_errors(client: Client, city: City, path: str) -> None:
    assert_secure(client.get(path), path)


def test_staff_pages_and_the_case_page(client: Client, city: City, clock: object, dispatcher: User) -> None:
    case = make_case(city)
    client.force_login(dispatcher)
    for path in ["/", "/cases/queue/to_dispatch/", f"/cases/{case.pk}/", "/api/docs", "/admin/login/"]:
        assert_secure(client.get(path, follow=True), path)


def test_api_responses(client: Client, city: City, agent: User) -> None:
    assert_secure(client.get("/api/v1/cases"), "401")
    token = ApiToken.issue(agent)
    response = client.get("/api/v1/cases", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert_secure(response, "/api/v1/cases")


def test_a_views_own_stricter_policy_is_kept(client: Client, city: City) -> None:
    from django.http import HttpResponse

    from mochou.security import SecurityHeadersMiddleware

    def view(request: object) -> HttpResponse:
        response = HttpResponse("x")
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
        return response

    response = SecurityHeadersMiddleware(view)(None)  # type: ignore[arg-type]
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response["X-Content-Type-Options"] == "nosniff"
