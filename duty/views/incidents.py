"""Incidents: the list, a new 初报 (or the office's 登记), one incident with its reports, tasks
and linked 12345 cases, and the forms of its actions."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from duty import guards, photos
from duty.access import in_duty_chain
from duty.models import DutyTask, Incident, IncidentKind, IncidentLevel, IncidentPhoto, IncidentReport
from duty.services import incidents as svc
from duty.services import tasks as task_svc
from duty.services.incidents import Figures
from duty.views.board import incident_rows
from duty.views.common import duty_page, me, now, parse_moment, posted
from duty.workflow import Action, TaskAction
from mochou.errors import DomainError, NotFound
from org.models import Unit, UnitKind


def _figures(request: HttpRequest) -> Figures:
    p = request.POST
    return Figures(
        deaths=p.get("deaths") or 0,
        injuries=p.get("injuries") or 0,
        missing=p.get("missing") or 0,
        losses=p.get("losses", ""),
        actions_taken=p.get("actions_taken", ""),
    )


def _visible(request: HttpRequest, number: str) -> Incident:
    incident = Incident.objects.visible_to(request.user).filter(number=number).first()
    if incident is None:
        raise NotFound("找不到该事件，或无权查看。")
    return incident


def _action_label(action: str) -> str:
    return str(Action(action).label) if action in Action.values else action


@duty_page
def incident_list(request: HttpRequest) -> HttpResponse:
    rows = list(Incident.objects.visible_to(request.user).select_related("unit", "township")[:200])
    return render(request, "duty/incidents.html", {"rows": incident_rows(rows, now())})


def _form_context(request: HttpRequest) -> dict[str, object]:
    return {
        "levels": IncidentLevel.choices,
        "kinds": IncidentKind.choices,
        "townships": Unit.objects.townships(),
        "units": Unit.objects.active().filter(kind__in=[UnitKind.DEPARTMENT, UnitKind.TOWNSHIP]),
        "office": guards.is_office(request.user),
        "post": request.POST,
        # 登记为突发事件 on a case page leads here with ?case=<number>: the office registers it.
        "case_number": (request.POST.get("case") or request.GET.get("case") or "").strip()[:40],
    }


@duty_page
def incident_new(request: HttpRequest) -> HttpResponse:
    """初报 of an incident the unit learned of itself; the office may instead 登记 it for a unit."""
    if request.method == "POST":
        p = request.POST
        township = Unit.objects.townships().filter(code=p.get("township", "")).first()
        try:
            learned = (
                parse_moment(p.get("learned_at"), "learned_at", "知悉时间") if p.get("learned_at") else now()
            )
            occurred = (
                parse_moment(p.get("occurred_at"), "occurred_at", "发生时间")
                if p.get("occurred_at")
                else learned
            )
            if p.get("mode") == "register":
                unit = get_object_or_404(Unit, code=p.get("unit", ""))
                # One transaction: a case number typed wrong must not leave the incident behind
                # (the office would resubmit the form and register it twice).
                with transaction.atomic():
                    incident = svc.register_incident(
                        actor=me(request),
                        unit=unit,
                        title=p.get("title", ""),
                        level=p.get("level", ""),
                        kind=p.get("kind", ""),
                        place=p.get("place", ""),
                        township=township,
                        occurred_at=occurred,
                        learned_at=learned,
                        now=now(),
                    )
                    if p.get("case"):
                        svc.link_case(incident, actor=me(request), case_number=p["case"], now=now())
            else:
                incident = svc.file_first_report(
                    None,
                    actor=me(request),
                    report_text=p.get("text", ""),
                    figures=_figures(request),
                    title=p.get("title", ""),
                    level=p.get("level", ""),
                    kind=p.get("kind", ""),
                    place=p.get("place", ""),
                    township=township,
                    occurred_at=occurred,
                    learned_at=learned,
                    now=now(),
                )
        except DomainError as error:
            return render(
                request,
                "duty/incident_new.html",
                _form_context(request) | {"error": error.message},
                status=422,
            )
        return redirect("duty:incident", number=incident.number)
    return render(request, "duty/incident_new.html", _form_context(request))


@duty_page
def incident_detail(request: HttpRequest, number: str) -> HttpResponse:
    try:
        incident = _visible(request, number)
    except NotFound:
        return render(request, "duty/not_found.html", status=404)
    at = now()
    tasks = list(incident.tasks.select_related("unit"))
    context = {
        "incident": incident,
        "row": incident_rows([incident], at)[0],
        "reports": incident.reports.select_related("filed_by").prefetch_related("photos"),
        "may_add_photos": me(request).unit_id == incident.unit_id or in_duty_chain(request.user),
        "events": [(e, _action_label(e.action)) for e in incident.events.select_related("actor")],
        "actions": [a.value for a in guards.available_actions(request.user, incident)],
        "tasks": [(t, [a.value for a in guards.available_task_actions(request.user, t)]) for t in tasks],
        "may_assign": guards.is_office(request.user) and incident.state != "finished",
        "cases": incident.cases.all()
        if in_duty_chain(request.user) or me(request).unit_id == incident.unit_id
        else [],
        "levels": IncidentLevel.choices,
        "units": Unit.objects.active().filter(kind__in=[UnitKind.DEPARTMENT, UnitKind.TOWNSHIP]),
        "default_due": at + timedelta(hours=2),
        "now": at,
    }
    return render(request, "duty/incident.html", context)


@posted
def incident_act(request: HttpRequest, number: str, action: str) -> str:
    incident = _visible(request, number)
    user, at = me(request), now()
    body = request.POST.get("text", "")
    if action == "first":
        svc.file_first_report(incident, actor=user, report_text=body, figures=_figures(request), now=at)
        return "初报已报送。"
    if action == "follow":
        report = svc.file_follow_up(
            incident,
            actor=user,
            report_text=body,
            figures=_figures(request),
            level=request.POST.get("level", ""),
            now=at,
        )
        return f"续报（{report.seq}）已报送。"
    if action == "final":
        svc.file_final(incident, actor=user, report_text=body, figures=_figures(request), now=at)
        return "终报已报送，事件办结。"
    if action == "link":
        case = svc.link_case(incident, actor=user, case_number=request.POST.get("case", ""), now=at)
        return f"已关联工单 {case.number}。"
    if action == "task":
        unit = get_object_or_404(Unit, code=request.POST.get("unit", ""))
        due = parse_moment(request.POST.get("due_at"), "due_at", "完成期限")
        task_svc.assign_task(
            incident, actor=user, unit=unit, title=request.POST.get("title", ""), due_at=due, now=at
        )
        return "已下达处置任务。"
    raise NotFound("没有这个操作。")


@posted
def task_act(request: HttpRequest, pk: int, action: str) -> str:
    task = DutyTask.objects.visible_to(request.user).filter(pk=pk).first()
    if task is None:
        raise NotFound("找不到该任务。")
    user, at = me(request), now()
    act = TaskAction(action) if action in TaskAction.values else None
    if act == TaskAction.ACCEPT:
        task_svc.accept_task(task, actor=user, now=at)
        return "已签收。"
    if act == TaskAction.REPORT:
        task_svc.report_task(task, actor=user, result=request.POST.get("result", ""), now=at)
        return "已反馈处置结果。"
    if act == TaskAction.VERIFY:
        task_svc.verify_task(task, actor=user, now=at)
        return "已销号。"
    if act == TaskAction.REJECT:
        task_svc.reject_task(task, actor=user, note=request.POST.get("note", ""), now=at)
        return "已退回。"
    raise NotFound("没有这个操作。")


@posted
def report_photos(request: HttpRequest, number: str, pk: int) -> str:
    """现场照片 added to a report already filed (the report's text and time stay as filed)."""
    incident = _visible(request, number)
    report = get_object_or_404(IncidentReport, pk=pk, incident=incident)
    rows = photos.attach(report, photos.read(request.FILES.getlist("photos")), actor=me(request), now=now())
    return f"已上传 {len(rows)} 张现场照片。"


@duty_page
def photo(request: HttpRequest, pk: int) -> HttpResponse | FileResponse:
    """A report's photo, to whoever may see its incident; never cached by a shared proxy."""
    found = IncidentPhoto.objects.select_related("report__incident").filter(pk=pk).first()
    if (
        found is None
        or not Incident.objects.visible_to(request.user).filter(pk=found.report.incident_id).exists()
    ):
        return render(request, "duty/not_found.html", status=404)
    thumbnail = request.GET.get("thumb") == "1"
    response = FileResponse(
        photos.open_photo(found, thumbnail=thumbnail),
        content_type="image/jpeg" if thumbnail else found.content_type,
    )
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response
