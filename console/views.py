"""The hotline console (话务台): the telephone system's event endpoint, the agent's page, the
screen pop fragment polled every two seconds, the knowledge-base fragment and the intake POST."""

from __future__ import annotations

import hmac
import json
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from accounts.models import User
from cases.guards import may
from cases.intake_duplicates import merge_after_registering
from cases.models import Case
from cases.workflow import Action
from console import calls, kb
from console.forms import IntakeForm
from console.models import Call
from console.services import intake
from mochou.errors import DomainError
from mochou.http import AuthenticatedHttpRequest, is_htmx

MAX_EVENT_BYTES = 4096


def may_answer(user: User) -> bool:
    """直接办结 is offered to whoever the loop's guard lets answer at intake."""
    return may(user, Action.ANSWER_AT_INTAKE)


def _error(status: int, code: str, message: str, **details: Any) -> JsonResponse:
    body: dict[str, Any] = {"code": code, "message": message}
    if details:
        body["details"] = details
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})


def _require_console(user: User) -> None:
    if user.role not in calls.CONSOLE_ROLES:
        raise PermissionDenied("话务台只对话务员、派单员和管理员开放。")


# ---------------------------------------------------------------- the telephone system's door


@csrf_exempt
def call_events(request: HttpRequest) -> JsonResponse:
    """POST /console/calls/events — one call event (ringing, answered, hangup) from the switch."""
    if request.method != "POST":
        response = _error(405, "method_not_allowed", "只接受 POST。")
        response["Allow"] = "POST"
        return response
    expected = getattr(settings, "MOCHOU_TELEPHONY_KEY", "") or ""
    if not expected:
        return _error(
            403, "telephony.disabled", "未配置话务系统密钥（MOCHOU_TELEPHONY_KEY），拒绝所有来电事件。"
        )
    given = request.headers.get("X-Mochou-Telephony-Key", "")
    if not given or not hmac.compare_digest(given.encode(), str(expected).encode()):
        return _error(401, "telephony.bad_key", "X-Mochou-Telephony-Key 缺失或不正确。")
    if len(request.body) > MAX_EVENT_BYTES:
        return _error(400, "invalid_input.too_large", f"事件内容不能超过 {MAX_EVENT_BYTES} 字节。")
    data = _event_data(request)
    if isinstance(data, JsonResponse):
        return data
    try:
        event = calls.parse_event(data)
        call, created, changed = calls.record_call_event(event)
    except DomainError as exc:
        return JsonResponse(exc.as_dict(), status=exc.status, json_dumps_params={"ensure_ascii": False})
    body = calls.call_as_json(call, created=created, changed=changed)
    return JsonResponse(body, status=201 if created else 200, json_dumps_params={"ensure_ascii": False})


def _event_data(request: HttpRequest) -> dict[str, Any] | JsonResponse:
    if request.content_type == "application/json":
        try:
            data = json.loads(request.body.decode("utf-8") or "{}")
        except (UnicodeDecodeError, ValueError):
            return _error(400, "invalid_input.json", "请求体不是合法的 JSON。")
        if not isinstance(data, dict):
            return _error(400, "invalid_input.json", "请求体应为 JSON 对象。")
        for key, value in data.items():
            if value is not None and not isinstance(value, str | int | float):
                return _error(400, f"invalid_input.{key}", f"{key} 应为字符串或数字。", field=key)
        return data
    return {key: request.POST.get(key) for key in request.POST}


# ---------------------------------------------------------------- the agent's page


def _pop_context(request: AuthenticatedHttpRequest, call: Call | None) -> dict[str, Any]:
    """The screen pop: the call, the caller's earlier cases (open first), audited once per call."""
    history: list[Any] = []
    total = 0
    if call is not None:
        cases = calls.caller_history(call).filter(pk__in=Case.objects.visible_to(request.user).values("pk"))
        total = cases.count()
        history = list(cases.select_related("lead_unit")[: calls.HISTORY_LIMIT])
        calls.audit_history(request.user, call, history, request=request)
    return {"call": call, "history": history, "history_total": total, "pop_key": pop_key(call)}


def pop_key(call: Call | None) -> str:
    """What the screen pop shows, in one token: the poll is answered 204 while it is unchanged."""
    if call is None:
        return "none"
    return f"{call.pk}-{call.state}-{call.agent_id}"


@login_required
@require_GET
def console(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_console(request.user)
    call = calls.current_call(request.user)
    initial = {"call": call.pk, "citizen_phone": call.caller} if call else {}
    context = {
        **_pop_context(request, call),
        "form": IntakeForm(initial=initial),
        "may_answer": may_answer(request.user),
    }
    return render(request, "console/console.html", context)


@login_required
@require_GET
def current(request: AuthenticatedHttpRequest) -> HttpResponse:
    """GET /console/_current/?shown=<key> — the agent's own current call, polled every 2 s."""
    _require_console(request.user)
    call = calls.current_call(request.user)
    if request.GET.get("shown") == pop_key(call):
        return HttpResponse(status=204)  # nothing new: htmx keeps the panel, nothing is re-audited
    return render(request, "console/_current_call.html", _pop_context(request, call))


@login_required
@require_POST
def dismiss(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """结束本次来电: the call ends without a case (wrong number, a caller who hung up)."""
    _require_console(request.user)
    call = get_object_or_404(Call, pk=pk, agent=request.user, wrapped_up_at__isnull=True)
    calls.wrap_up(call)
    if is_htmx(request):
        return render(request, "console/_current_call.html", _pop_context(request, None))
    return redirect("console:home")


@login_required
@require_GET
def knowledge(request: AuthenticatedHttpRequest) -> HttpResponse:
    """GET /console/_kb/?q= — guides for the request text, each with a button to use its answer."""
    _require_console(request.user)
    query = request.GET.get("q") or request.GET.get("content") or ""
    try:
        hits = kb.search(query, request.user)
        available = True
    except kb.KnowledgeUnavailable:
        hits, available = [], False
    context = {"hits": hits, "available": available, "query": query.strip(), "min_query": kb.MIN_QUERY}
    return render(request, "console/_kb_results.html", context)


@login_required
@require_POST
def intake_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """POST /console/intake/ — 登记并派单流转 or 直接办结; the answer comes back as the fresh form."""
    user = request.user
    _require_console(user)
    form = IntakeForm(request.POST)
    case = None
    error = ""
    if form.is_valid():
        data = form.cleaned_data
        if data["path"] == "answer" and not may_answer(user):
            error = "只有话务员可以直接办结；请“登记并派单流转”。"
        else:
            try:
                case = intake(
                    actor=user,
                    call=calls.open_call_of(user, data["call"]),
                    **{k: v for k, v in data.items() if k != "call"},
                )
            except DomainError as exc:
                # The services name the answer "body" (答复内容); here it is the "answer" field.
                field = {"body": "answer"}.get(exc.details.get("field", ""), exc.details.get("field"))
                shown = field in form.fields and not form.fields[field].widget.is_hidden
                form.add_error(field if shown else None, exc.message)
    merged_into, merge_refused = "", ""
    parent = (request.POST.get("merge_into") or "").strip()
    if case is not None and parent and form.cleaned_data["path"] == "register":
        # 「登记并合并到此工单」 from the duplicate warning: the registration stands either way.
        case, merge_refused = merge_after_registering(case, actor=user, parent_number=parent)
        merged_into = "" if merge_refused else parent
    if case is not None:
        next_call = calls.current_call(user)
        initial = {"call": next_call.pk, "citizen_phone": next_call.caller} if next_call else {}
        context = {
            "form": IntakeForm(initial=initial),
            "saved": case,
            "merged_into": merged_into,
            "merge_refused": merge_refused,
            "may_answer": may_answer(user),
        }
        pop = _pop_context(request, next_call)
        if is_htmx(request):
            # The screen pop comes back with the form (out of band), so the reset form and the
            # panel agree at once instead of after the next poll.
            return render(request, "console/_intake.html", {**pop, **context, "oob_pop": True})
        return render(request, "console/console.html", {**pop, **context})
    context = {
        "form": form,
        "error": error or "请按提示修改后再提交。",
        "may_answer": may_answer(user),
    }
    if is_htmx(request):
        return render(request, "console/_intake.html", context)  # htmx swaps 2xx only
    call = calls.current_call(user)
    return render(request, "console/console.html", {**_pop_context(request, call), **context}, status=422)
