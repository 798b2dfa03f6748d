"""The hall's pages (staff): the 办件 queue, the 综窗's 收件, one application with its actions."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from affairs import forms as f
from affairs.guards import GUARDS, OFFERED, available_actions
from affairs.models import Matter
from affairs.office import is_office_staff, is_window_clerk
from affairs.privacy import answers_for, applicant_for
from affairs.services import applications as services
from affairs.services import files
from affairs.services.joint import joint_notice, notify_joint, rollup_label
from affairs.views.common import application_for, events, rows, visible
from affairs.workflow import Action, Channel
from mochou.errors import DomainError
from mochou.http import AuthenticatedHttpRequest, is_htmx

PAGE_SIZE = 100

HINTS: dict[Action, str] = {
    Action.NOTIFY: "一次性列出全部缺少或不符合要求的材料；补正只有一次",
    Action.CORRECT: "申请人到窗口补交材料时由窗口登记",
    Action.ACCEPT: "材料齐全，受理后承诺时限开始计算",
    Action.REFUSE: "不属于受理范围或不符合受理条件",
    Action.APPROVE_STEP: "本环节审核通过，转下一环节",
    Action.GRANT: "作出准予决定，转综合窗口出件",
    Action.DENY: "作出不予许可决定，理由告知申请人",
    Action.DELIVER: "统一窗口出件：窗口领取或邮寄",
    Action.WITHDRAW: "申请人要求撤回申请",
    Action.RATE: "登记申请人在窗口评价器上的评价；差评转部门整改",
    Action.RECTIFY: "针对差评整改并反馈申请人",
    Action.FORWARD: "跨域通办：材料齐全，转办理地受理审批，结果回本窗口出件",
}


def _staff_only(user: Any) -> None:
    if not (is_office_staff(user) or user.is_unit_staff or user.role in {"leader", "auditor"}):
        raise PermissionDenied("您的角色不办理政务服务事项。")


@login_required
def queue(request: AuthenticatedHttpRequest) -> HttpResponse:
    user, now = request.user, timezone.now()
    _staff_only(user)
    form = f.QueueFilter(request.GET or None)
    apps = visible(user).order_by("-created_at", "-pk")
    mine = False
    if form.is_valid():
        d = form.cleaned_data
        if d["state"]:
            apps = apps.filter(state=d["state"])
        if d["late"]:
            apps = apps.filter(services.CLOCKS.late_q(now))
        if d["q"]:
            q = d["q"].strip()
            apps = apps.filter(Q(number__icontains=q) | Q(matter__name__contains=q))
        mine = d["mine"]
    listed = list(apps[: PAGE_SIZE * 3 if mine else PAGE_SIZE])
    if mine:
        listed = [a for a in listed if available_actions(user, a)][:PAGE_SIZE]
    context = {"rows": rows(listed, now), "form": form, "total": len(listed) if mine else apps.count()}
    context["window"] = is_window_clerk(user)
    if is_htmx(request):
        return render(request, "affairs/_rows.html", context)
    return render(request, "affairs/queue.html", context)


@login_required
def window(request: AuthenticatedHttpRequest) -> HttpResponse:
    """综窗收件: any department's matter, 前台综合受理."""
    if not is_window_clerk(request.user):
        raise PermissionDenied("只有政务大厅综合窗口工作人员可以收件。")
    form = f.WindowForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        matter: Matter = d["matter"]
        try:
            scans = [(files.WINDOW_SCAN, u) for u in request.FILES.getlist("scans")]
            app = services.submit(
                matter, form.applicant(), provided=d["provided"], channel=Channel.WINDOW, actor=request.user,
                on_behalf=form.helped(), note=d["note"], keep=d["keep"], partner=d["partner"],
                files=files.check(scans), answers=f.answers(form),
            )  # fmt: skip
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, f"已收件：{app.number}。请将办件编号和查询码告知申请人。")
            return redirect("affairs:detail", number=app.number)
    # Sent back with an error: the chosen matter's materials and form fields shown again, filled in.
    context: dict[str, Any] = {"form": form, "matter": form.chosen, "answer_fields": f.answer_fields(form)}
    context["provided"] = request.POST.getlist("provided")
    return render(request, "affairs/window.html", context)


@login_required
def matter_materials(request: AuthenticatedHttpRequest) -> HttpResponse:
    """htmx: the chosen matter's materials list on the 收件 form."""
    raw = request.GET.get("matter", "")
    # A hand-edited ?matter=abc would raise ValueError in the lookup: no matter, no materials.
    live = Matter.objects.live().filter(at_window=True)
    matter = live.filter(pk=int(raw)).first() if raw.isascii() and raw.isdigit() else None
    form = f.answers_form(matter.fields if matter else [])
    return render(
        request,
        "affairs/_matter_materials.html",
        {"matter": matter, "answer_fields": f.answer_fields(form), "provided": []},
    )


def _detail_context(
    request: AuthenticatedHttpRequest, app: Any, *, failed: Action | None = None, bound: Any = None
) -> dict[str, Any]:
    user, now = request.user, timezone.now()
    actions = []
    for act in available_actions(user, app):
        form = bound if failed == act and bound is not None else f.action_form(act, app)
        actions.append({"action": act, "form": form, "hint": HINTS.get(act, "")})
    # The 一件事 panel: the package's 一次性告知 as the API gives it (joint_notice).
    notice = joint_notice(app.joint, user) if app.joint else None
    parts = notice.parts if notice else []
    shown = applicant_for(user, app, purpose="办件详情", request=request)
    return {
        "app": app,
        "applicant": shown,
        "answers": answers_for(app, shown),
        "deadline": services.CLOCKS.shown(app, now),
        "events": events(app),
        "actions": actions,
        "failed_action": failed,
        "parts": parts,
        "rollup": rollup_label(parts) if parts else "",
        "joint_notify": notice.pending if notice else [],
        "joint_asked": notice.asked if notice else [],
        "files": list(app.files.select_related("uploaded_by")),
        "case_links": list(app.case_links.select_related("case")),
        "outbox": list(app.outbox.order_by("pk")) if app.partner_id or app.origin_id else [],
    }


@login_required
def detail(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    app = application_for(request.user, number)
    return render(request, "affairs/application.html", _detail_context(request, app))


@login_required
@require_POST
def act(request: AuthenticatedHttpRequest, number: str, action: str) -> HttpResponse:
    app = application_for(request.user, number)
    if action not in {a.value for a in OFFERED}:
        raise PermissionDenied("没有这个操作。")
    act_ = Action(action)
    refused = GUARDS.refusal(request.user, app, act_)
    form = f.action_form(act_, app, request.POST)
    if refused is not None:
        messages.error(request, refused.message)
        return redirect("affairs:detail", number=number)
    if form.is_valid():
        try:
            services.take(app, act_, actor=request.user, data=f.form_data(act_, form))
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, f"已{act_.label}。")
            return redirect("affairs:detail", number=number)
    return render(
        request,
        "affairs/application.html",
        _detail_context(request, app, failed=act_, bound=form),
        status=422,
    )


@login_required
@require_POST
def joint_notify(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    """一件事's one 一次性告知: every part in 待预审 asked for what it misses, at once."""
    app = application_for(request.user, number)
    if app.joint is None:
        raise PermissionDenied("本件不属于“一件事”。")
    try:
        done = notify_joint(app.joint, actor=request.user, note=request.POST.get("note", "")[:2000])
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"已对“一件事”的 {len(done)} 个事项一次性告知补正。")
    return redirect("affairs:detail", number=number)
