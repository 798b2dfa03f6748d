"""Input no view should ever see, refused once for the whole site before any view runs.

- **NUL bytes** (and unpaired UTF-16 surrogates in JSON) anywhere in the request: the path, the
  query string, a header or cookie, a form field, a JSON string or key. (Django's multipart parser already
  drops a NUL from a file name; a file's bytes are not text and are not inspected.)
  (Open311's form fields are the one exception: stripped, see _strip_form.)
  SQLite stores a NUL, PostgreSQL refuses it (psycopg raises before the query is sent), so without
  this a `?q=%00` was a 500 on PostgreSQL only; a lone surrogate cannot be encoded to UTF-8 at all.
  No citizen or clerk types either, so the request is refused (400), not silently cleaned.
- **A body that is not JSON sent to the JSON API**: django-ninja parses any body as JSON whatever
  its Content-Type; the API requires `application/json` (415).

Each answer has the shape its caller reads: the API's `{code, message, details}` under /api/,
GeoReport v2's error list under /open311/, a short Chinese page elsewhere.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import unquote_to_bytes

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.utils.html import escape

NUL_MESSAGE = "请求中含有空字符（NUL，\\u0000），无法处理，请删除后重试。"
SURROGATE_MESSAGE = "请求中含有无效的 Unicode 字符（不成对的代理项），无法处理，请删除后重试。"
JSON_REQUIRED_MESSAGE = "请求体应为 JSON，请设置 Content-Type: application/json。"

API_PREFIX = "/api/"
OPEN311_PREFIX = "/open311/"
BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")

# An escaped NUL or surrogate in JSON text. Only a hint (the backslash may itself be escaped, as
# in "\\u0000", which is six harmless characters): when it matches, the body is parsed to be sure.
_JSON_SUSPECT = re.compile(rb"\\u(?:0000|[dD][89a-fA-F])")


class Refusal(Exception):
    def __init__(self, status: int, code: str, message: str, where: str, field: str = "") -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.where, self.field = status, code, message, where, field


def _is_json(content_type: str) -> bool:
    return content_type == "application/json" or (
        content_type.startswith("application/") and content_type.endswith("+json")
    )


def _bad_text(value: str, where: str, field: str = "") -> None:
    if "\x00" in value:
        raise Refusal(400, "invalid_input.nul", NUL_MESSAGE, where, field)


def _walk_json(value: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """Every (field path, string) in a parsed JSON document, keys included."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            child = f"{path}.{key}" if path else str(key)
            yield child, str(key)
            yield from _walk_json(item, child)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _walk_json(item, f"{path}.{index}" if path else str(index))


def _check_json(raw: bytes) -> None:
    if b"\x00" in raw:
        raise Refusal(400, "invalid_input.nul", NUL_MESSAGE, "body")
    if not _JSON_SUSPECT.search(raw):
        return
    try:
        document = json.loads(raw)
    except ValueError:
        return  # not JSON at all: the view answers that (the API: 400 invalid_json)
    for field, text in _walk_json(document):
        _bad_text(text, "body", field)
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            raise Refusal(400, "invalid_input.surrogate", SURROGATE_MESSAGE, "body", field) from None


def _strip_form(request: HttpRequest) -> None:
    """Open311 form fields lose their NULs instead: GeoReport clients are other systems relaying
    citizens' text, and open311.submit already drops every control character from what it stores
    (docs/open311.md); this also cleans the fields it reads as they are (api_key, service_code)."""
    post = request.POST
    if any("\x00" in key or "\x00" in value for key, values in post.lists() for value in values):
        cleaned = QueryDict(mutable=True)
        for key, values in post.lists():
            cleaned.setlist(key.replace("\x00", ""), [value.replace("\x00", "") for value in values])
        cleaned._mutable = False
        # WSGIRequest.POST has a setter; the stubs type it as an immutable QueryDict attribute.
        request.POST = cleaned  # type: ignore[assignment]


def _length(request: HttpRequest) -> int:
    try:
        return max(int(request.META.get("CONTENT_LENGTH") or 0), 0)
    except ValueError:  # a malformed header: Django itself reads it as no body
        return 0


def _small_enough(request: HttpRequest) -> bool:
    """Multipart bodies are inspected only up to DATA_UPLOAD_MAX_MEMORY_SIZE, read into memory
    first so that a view reading request.body (console call events) still can. A larger one
    (citizens' photos) is left unparsed for its view to refuse by size (the portal's 413) before
    anything reads it; its text fields go through Django form fields, which refuse a NUL."""
    if request.content_type != "multipart/form-data":
        return True
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    if limit is not None and _length(request) > limit:
        return False
    request.body  # noqa: B018
    return True


def _check_form(request: HttpRequest) -> None:
    for key, values in request.POST.lists():
        _bad_text(key, "body", key)
        for value in values:
            _bad_text(value, "body", key)


def inspect(request: HttpRequest) -> None:
    """Raise Refusal for the first thing in the request that no view may receive."""
    _bad_text(request.path_info, "path")
    if b"\x00" in unquote_to_bytes(request.META.get("QUERY_STRING", "")):
        raise Refusal(400, "invalid_input.nul", NUL_MESSAGE, "query")
    for key, value in request.META.items():
        if (key.startswith("HTTP_") or key == "CONTENT_TYPE") and isinstance(value, str):
            _bad_text(value, "header", key.removeprefix("HTTP_").replace("_", "-").title())
    for name, value in request.COOKIES.items():
        # Quoted cookies are unquoted with octal escapes: "\000" in the header is a NUL here.
        _bad_text(name + value, "header", "Cookie")
    if request.method not in BODY_METHODS:
        return
    content_type = request.content_type or ""
    has_body = _length(request) > 0
    if request.path_info.startswith(API_PREFIX) and has_body and not _is_json(content_type):
        raise Refusal(415, "unsupported_media_type", JSON_REQUIRED_MESSAGE, "header", "Content-Type")
    if _is_json(content_type):
        _check_json(request.body)
    elif content_type.startswith(FORM_TYPES):
        if not _small_enough(request):
            return
        if request.path_info.startswith(OPEN311_PREFIX):
            _strip_form(request)
        _check_form(request)


def refusal_response(request: HttpRequest, refusal: Refusal) -> HttpResponse:
    path = request.path_info
    if path.startswith(API_PREFIX):
        details: dict[str, Any] = {"in": refusal.where}
        if refusal.field:
            details["field"] = refusal.field
        body = {"code": refusal.code, "message": refusal.message, "details": details}
        return JsonResponse(body, status=refusal.status, json_dumps_params={"ensure_ascii": False})
    if path.startswith(OPEN311_PREFIX):
        from open311.render import error_response

        fmt = path.rsplit(".", 1)[-1].lower() if "." in path.rsplit("/", 1)[-1] else "json"
        return error_response(fmt, refusal.status, [refusal.message])
    page = (
        '<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>请求无效</title>'
        f'<h1>请求无效</h1><p>{escape(refusal.message)}</p><p><a href="/">返回首页</a></p></html>'
    )
    return HttpResponse(page, status=refusal.status, content_type="text/html; charset=utf-8")


class HostileInputMiddleware:
    """Placed after the security headers (its answers carry them) and before sessions and auth,
    so nothing reads the database with a cookie, path or field it would refuse."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            inspect(request)
        except Refusal as refusal:
            return refusal_response(request, refusal)
        return self.get_response(request)
