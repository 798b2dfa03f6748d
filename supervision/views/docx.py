"""The 督办单 as .docx (a case's notice and a task's notice), beside the printable pages.

What the sheet shows of the citizen is what the print view shows, asked of accounts.privacy the
same way (so an unmasked phone or text is audited, purpose `supervision_docx`); the caller's name
is always masked on paper. A task's notice holds no personal data.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse

from accounts.privacy import case_text_for, citizen_phone_for, mask_name
from mochou.http import AuthenticatedHttpRequest
from supervision.notice_docx import DOCX_TYPE, content_disposition, sheet, when
from supervision.services.task_notices import reason_label
from supervision.views.notices import _notice
from supervision.views.task_notices import _notice as _task_notice

LADDER = "请于反馈期限前登录莫愁平台反馈办理情况；逾期未反馈的，将按蓝、黄、红三色逐级升级督办。"


def _download(number: str, data: bytes) -> HttpResponse:
    response = HttpResponse(data, content_type=DOCX_TYPE)
    response["Content-Disposition"] = content_disposition(number)
    response["Cache-Control"] = "no-store"  # it may carry a phone number the user may see
    return response


@login_required
def case_notice(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    user = request.user
    notice = _notice(user, number)
    case = notice.case
    phone, _ = citizen_phone_for(user, case, purpose="supervision_docx", request=request)
    content = case_text_for(user, case, purpose="supervision_docx", request=request)
    addressed = f"（{notice.addressed_to.name}同志）" if notice.addressed_to else ""
    answer = notice.answer if notice.state == "answered" else ""
    rows = [
        ("被督办单位", f"{notice.unit.name}{addressed}"),
        ("下发时间", when(notice.created_at)),
        ("工单编号", case.number),
        ("受理时间", when(case.created_at)),
        ("诉求人", mask_name(case.citizen_name) or "—"),
        ("联系电话", phone or "—"),
        ("诉求标题", case.title),
        ("诉求内容", content[:400]),
        ("督办要求", notice.body),
        ("签收期限", when(notice.sign_by)),
        ("反馈期限", when(notice.respond_by)),
        ("反馈情况", answer),
    ]
    blank = "＿＿＿＿"
    signer = notice.signed_by.name if notice.signed_by else blank
    signatures = [
        f"督办员：{notice.supervisor.name}　　日期：{when(notice.created_at, time=False)}",
        f"签收人：{signer}　　签收时间：{when(notice.signed_at)}",
        f"单位负责人：{notice.approved_by.name if notice.approved_by else blank}　　（盖章）",
    ]
    previous = f"（由 {notice.previous.number} 升级）" if notice.previous else ""
    data = sheet(
        issuer="钟祥市12345政务服务便民热线",
        heading=f"{notice.get_colour_display()}督办单",
        number=f"{notice.number}{previous}",
        rows=rows,
        signatures=signatures,
        footer=LADDER,
    )
    return _download(notice.number, data)


@login_required
def task_notice(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    notice = _task_notice(request.user, number)
    task = notice.task
    rows = [
        ("督办事项", f"{task.number} {task.title}"),
        ("决策原文", task.source_text),
        ("被督办单位", notice.unit.name),
        ("责任领导", task.leader.name if task.leader else "—"),
        ("办结时限", when(task.deadline, time=False)),
        ("督办原因", reason_label(notice.reason)),
        ("督办要求", notice.body),
        ("反馈期限", f"{when(notice.respond_by)}前"),
        ("签收", when(notice.signed_at)),
        ("反馈情况", notice.answer if notice.state == "answered" else ""),
    ]
    data = sheet(
        issuer="市委市政府督查室",
        heading=f"钟祥市督查督办单（{notice.get_colour_display()}）",
        number=notice.number,
        rows=rows,
        signatures=[f"下发时间：{when(notice.created_at)}", "市委市政府督查室（章）"],
        footer=LADDER,
    )
    return _download(notice.number, data)
