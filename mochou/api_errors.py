"""The API's one error format, and the handlers that map every failure onto it.

Every error body is `{"code": <stable machine code>, "message": <Chinese, for people>,
"details": {...}}`. A 422 always carries `details.errors`, a list of
`{"field", "loc", "type", "message"}`, whether the input failed the schema (ninja) or a
service's own check (InvalidInput), so a client needs one code path to show field errors.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.main import ExcHandler

from mochou.errors import DomainError, InvalidInput

NOT_FOUND_MESSAGE = "工单不存在或无权查看"


class ErrorOut(Schema):
    code: str
    message: str
    details: dict[str, Any] = {}


# Response declarations shared by the routers, so the OpenAPI document lists every status an
# operation can answer (the fuzz test, tests/test_fuzz_api.py, fails on any other):
# 400 a NUL byte anywhere (mochou.middleware) or a body that is not JSON; 401 no valid token;
# 403 role or unit; 404 no such case or not visible; 409 the case's state; 415 a body that is not
# application/json (mochou.middleware); 422 a field (details.errors names it).
ERRORS_LIST: dict[int, type[Schema]] = {400: ErrorOut, 401: ErrorOut, 422: ErrorOut}
ERRORS_READ: dict[int, type[Schema]] = {400: ErrorOut, 401: ErrorOut, 404: ErrorOut}
ERRORS_WRITE: dict[int, type[Schema]] = {
    **ERRORS_READ,
    403: ErrorOut,
    409: ErrorOut,
    415: ErrorOut,
    422: ErrorOut,
}
# The `field` of an error that concerns the request as a whole rather than one input field
# (Django's NON_FIELD_ERRORS), so details.errors is never empty.
NON_FIELD = "__all__"

# Chinese messages for the pydantic error types a client can actually trigger.
_MESSAGES: dict[str, str] = {
    "missing": "此项为必填项",
    "extra_forbidden": "不支持的字段",
    "string_type": "应为字符串",
    "string_too_short": "至少需要{min_length}个字符",
    "string_too_long": "不能超过{max_length}个字符",
    "int_type": "应为整数",
    "int_parsing": "应为整数",
    "int_from_float": "应为整数",
    "bool_type": "应为 true 或 false",
    "date_from_datetime_inexact": "日期格式应为 YYYY-MM-DD",
    "int_too_big": "数值过大",
    "bool_parsing": "应为 true 或 false",
    "greater_than_equal": "不能小于{ge}",
    "greater_than": "应大于{gt}",
    "less_than_equal": "不能大于{le}",
    "less_than": "应小于{lt}",
    "enum": "取值应为：{expected}",
    "literal_error": "取值应为：{expected}",
    "list_type": "应为列表",
    "too_long": "最多{max_length}项",
    "date_type": "日期格式应为 YYYY-MM-DD",
    "date_parsing": "日期格式应为 YYYY-MM-DD",
    "date_from_datetime_parsing": "日期格式应为 YYYY-MM-DD",
    "json_invalid": "请求体不是合法的 JSON",
    "model_attributes_type": "请求体应为 JSON 对象",
    "dict_type": "请求体应为 JSON 对象",
}


def field_error(field: str, message: str, *, type_: str = "invalid", source: str = "body") -> dict[str, Any]:
    return {"field": field, "loc": [source, *field.split(".")], "type": type_, "message": message}


def only_known_query(request: HttpRequest, *names: str) -> None:
    """A query parameter the operation does not take is a 422 naming it, not silently ignored
    (a misspelt filter would otherwise return everything)."""
    unknown = sorted(set(request.GET) - set(names))
    if unknown:
        raise InvalidInput(
            f"不支持的查询参数：{'、'.join(unknown)[:100]}",
            code="unknown_query",
            details={
                "errors": [field_error(n[:50], "不支持的查询参数", type_="extra_forbidden", source="query")
                           for n in unknown[:10]]
            },
        )  # fmt: skip


def _field_of(loc: list[Any]) -> str:
    """ "content" for ("body", "payload", "content"): drop the source and ninja's parameter name."""
    parts = [str(p) for p in loc]
    if parts and parts[0] == "body":
        return ".".join(parts[2:]) or (parts[1] if len(parts) > 1 else "body")
    return ".".join(parts[1:]) or parts[0]


def _message_of(error: dict[str, Any]) -> str:
    ctx = error.get("ctx") or {}
    if error["type"] == "value_error" and "error" in ctx:
        return str(ctx["error"])  # our validators raise ValueError with a Chinese message
    template = _MESSAGES.get(error["type"])
    if template is None:
        return str(error.get("msg", "取值不正确"))
    try:
        return template.format(**ctx)
    except (KeyError, IndexError):
        return template


def translate_validation_errors(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            "field": _field_of(list(e["loc"])),
            "loc": [str(p) if not isinstance(p, int) else p for p in e["loc"]],
            "type": e["type"],
            "message": _message_of(e),
        }
        for e in errors
    ]


def error_response(
    api: NinjaAPI,
    request: HttpRequest,
    *,
    status: int,
    code: str,
    message: str,
    details: dict[str, Any] | None = None,
) -> HttpResponse:
    body = {"code": code, "message": message, "details": details or {}}
    return api.create_response(request, body, status=status)


def _domain_details(exc: DomainError) -> dict[str, Any]:
    details = dict(exc.details)
    if exc.status == 422 and "errors" not in details:
        # Services name the offending field in details["field"]; lift it into the shared list.
        field = str(details.get("field", "")) or NON_FIELD
        details["errors"] = [field_error(field, exc.message, type_=exc.code)]
    return details


_E = TypeVar("_E", bound=Exception)


def _add_handler(
    api: NinjaAPI, exc_class: type[_E], handler: Callable[[HttpRequest, _E], HttpResponse]
) -> None:
    # ninja annotates a handler's argument as `_E | type[_E]`, yet always passes the raised instance.
    api.add_exception_handler(exc_class, cast("ExcHandler[_E]", handler))


def install_error_handlers(api: NinjaAPI) -> None:
    """Register the handlers once; ninja picks the most specific class along the MRO."""
    from cases.models import Case

    def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
        return error_response(
            api, request, status=exc.status, code=exc.code, message=exc.message, details=_domain_details(exc)
        )

    def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        details = {"errors": translate_validation_errors(list(exc.errors))}
        return error_response(
            api, request, status=422, code="invalid_input", message="请求参数不正确", details=details
        )

    def on_unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        response = error_response(
            api, request, status=401, code="unauthenticated", message="缺少或无效的访问令牌"
        )
        response["WWW-Authenticate"] = 'Bearer realm="mochou"'
        return response

    def on_not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
        # One answer for "no such case" and "not yours to see": a 403 would confirm it exists.
        return error_response(api, request, status=404, code="not_found", message=NOT_FOUND_MESSAGE)

    def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        # ninja raises these in English; 400 is its "Cannot parse request body" (not JSON).
        code, message = {
            400: ("invalid_json", "请求体无法解析，应为 JSON 对象"),
            403: ("permission_denied", "无权执行该操作"),
            429: ("throttled", "请求过于频繁，请稍后再试"),
        }.get(exc.status_code, ("http_error", str(exc)))
        return error_response(api, request, status=exc.status_code, code=code, message=message)

    _add_handler(api, DomainError, on_domain_error)
    _add_handler(api, ValidationError, on_validation_error)
    _add_handler(api, AuthenticationError, on_unauthenticated)
    _add_handler(api, Http404, on_not_found)
    _add_handler(api, Case.DoesNotExist, on_not_found)
    _add_handler(api, HttpError, on_http_error)
