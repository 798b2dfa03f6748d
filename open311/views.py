"""GeoReport v2 endpoints under /open311/v2/, plus service discovery at /open311/discovery.{fmt}.

The URL's extension picks the format (.json or .xml) of answers and errors alike. GET needs no
key; POST needs an api_key (`mochou open311-key NAME`). A jurisdiction_id, when sent, must be
ours (MOCHOU_OPEN311_JURISDICTION): this endpoint serves one jurisdiction, so it is optional.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt

from mochou import idempotency
from mochou.errors import InvalidInput
from open311 import catalog, submit
from open311.keys import key_for
from open311.models import RequestToken
from open311.present import request_entry, request_queryset
from open311.queries import filter_requests
from open311.render import FORMATS, Open311Error, error_response, respond

DEFAULT_JURISDICTION = "zhongxiang.gov.cn"
SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2025-09-24T00:00:00+08:00"  # when this endpoint's behaviour last changed
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")

View = Callable[..., HttpResponse]


def jurisdiction() -> str:
    return getattr(settings, "MOCHOU_OPEN311_JURISDICTION", DEFAULT_JURISDICTION)


def _param(request: HttpRequest, name: str) -> str:
    value = request.POST.get(name) if request.method == "POST" else None
    return (value or request.GET.get(name) or "").strip()


def _api_key(request: HttpRequest) -> str:
    """The key from the POST body only: query strings end up in access logs and proxies' caches."""
    raw_key = request.POST.get("api_key", "").strip()
    if raw_key:
        return raw_key
    if request.GET.get("api_key", "").strip():
        raise Open311Error(
            403, "api_key 必须放在 POST 表单正文中，不能放在网址里（网址会被记入日志，请更换此密钥）。"
        )
    raise Open311Error(403, "缺少 api_key：提交诉求需要密钥，请向钟祥市12345热线中心申请。")


def endpoint(*methods: str) -> Callable[[View], View]:
    """Format, method and jurisdiction checks, and Open311Error → the specification's error list."""
    allowed = {*methods, "HEAD"} if "GET" in methods else set(methods)

    def decorate(view: View) -> View:
        @csrf_exempt
        @wraps(view)
        def wrapper(request: HttpRequest, fmt: str, **kwargs: Any) -> HttpResponse:
            fmt = fmt.lower()
            try:
                if fmt not in FORMATS:
                    raise Open311Error(404, f"不支持的格式 .{fmt}：请使用 .json 或 .xml。")
                if request.method not in allowed:
                    response = error_response(fmt, 405, [f"不支持 {request.method} 方法。"])
                    response["Allow"] = ", ".join(sorted(allowed))
                    return response
                wanted = _param(request, "jurisdiction_id")
                if wanted and wanted != jurisdiction():
                    raise Open311Error(404, f"jurisdiction_id {wanted} 不存在：本接口服务 {jurisdiction()}。")
                return view(request, fmt, **kwargs)
            except Open311Error as error:
                return error_response(fmt, error.status, error.descriptions)

        return wrapper

    return decorate


@endpoint("GET")
def service_list(request: HttpRequest, fmt: str) -> HttpResponse:
    duplicates = catalog.duplicate_names()
    return respond(fmt, "services", [catalog.service_entry(s, duplicates) for s in catalog.services()])


@endpoint("GET")
def service_definition(request: HttpRequest, fmt: str, code: str) -> HttpResponse:
    return respond(fmt, "service_definition", catalog.definition(catalog.get_service(code)))


@endpoint("GET", "POST")
def requests(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.method == "POST":
        return _create(request, fmt)
    cases = filter_requests(request_queryset(), request.GET)
    duplicates = catalog.duplicate_names()
    return respond(fmt, "service_requests", [request_entry(case, duplicates) for case in cases])


def _create(request: HttpRequest, fmt: str) -> HttpResponse:
    if not (request.content_type or "").startswith(FORM_TYPES):
        raise Open311Error(
            400, "请以 application/x-www-form-urlencoded（表单）格式提交，参数见 GeoReport v2 规范。"
        )
    key = key_for(_api_key(request))
    if key is None:
        raise Open311Error(403, "api_key 无效或已停用。")
    api_key = key

    def run() -> tuple[int, dict[str, Any]]:
        created = submit.create(submit.parse(request.POST), api_key)
        return 200, {"receipt": submit.receipt(created)}

    # A client that lost our answer retries with the same Idempotency-Key and gets the same
    # service_request_id and token (the receipt holds no personal data), not a second case.
    try:
        raw = request.headers.get(idempotency.HEADER)
        outcome = idempotency.once(
            f"open311:key:{key.pk}", idempotency.checked_key(raw), _fingerprint(request), run
        )
    except InvalidInput as error:
        raise Open311Error(
            error.status if isinstance(error, idempotency.KeyReused) else 400, error.message
        ) from None
    return respond(fmt, "service_requests", outcome.result["receipt"], status=outcome.status)


def _fingerprint(request: HttpRequest) -> str:
    """The posted parameters without the api_key (the client is already part of the key's scope)."""
    params = {name: request.POST.getlist(name) for name in request.POST if name != "api_key"}
    return idempotency.fingerprint(params)


@endpoint("GET")
def request_detail(request: HttpRequest, fmt: str, number: str) -> HttpResponse:
    case = request_queryset().filter(number=number).first()
    if case is None:
        raise Open311Error(404, f"service_request_id {number} 不存在。")
    return respond(fmt, "service_requests", [request_entry(case, catalog.duplicate_names())])


@endpoint("GET")
def token_detail(request: HttpRequest, fmt: str, token: str) -> HttpResponse:
    row = RequestToken.objects.select_related("case").filter(token=token).first()
    if row is None:
        raise Open311Error(404, f"token {token} 不存在。")
    number = row.case.number if row.case else None
    return respond(fmt, "service_requests", [{"service_request_id": number, "token": row.token}])


@endpoint("GET")
def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    base = request.build_absolute_uri("/open311/v2/")
    return respond(
        fmt,
        "discovery",
        {
            "changeset": CHANGESET,
            "contact": "钟祥市12345政务服务便民热线中心，电话 12345",
            "key_service": "向钟祥市12345热线中心申请 api_key（管理员执行 mochou open311-key 名称）",
            "endpoints": [
                {
                    "specification": SPECIFICATION,
                    "url": base,
                    "changeset": CHANGESET,
                    "type": "production",
                    "formats": ["text/xml", "application/json"],
                }
            ],
        },
    )


@csrf_exempt
def not_found(request: HttpRequest, rest: str = "") -> HttpResponse:
    fmt = rest.rsplit(".", 1)[-1].lower() if "." in rest else "json"
    return error_response(fmt, 404, [f"没有这个接口：{request.path}，可用接口见 /open311/discovery.json。"])
