"""The violation pages: the list, a new report (phone-sized), one violation with its actions,
its photos and printable documents. Every write is one verb of enforcement.services."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from enforcement import appeal_files, photos, services
from enforcement.deadlines import overdue_q, remedy_wait
from enforcement.forms import ACTION_FORMS, HINTS, FilterForm, ReportForm, villages_of
from enforcement.guards import GUARDS, available_actions, is_office, may_read_board, may_report
from enforcement.models import AppealFile, Document, PatrolLog, Photo, Violation
from enforcement.privacy import may_see_owner, owner_for, owner_masked
from enforcement.services.hotline import answer_citizen
from enforcement.workflow import RESOLVED_STATES, Action, State
from loop.pages import ActionPage, field_error
from mochou.errors import DomainError
from mochou.http import AuthenticatedHttpRequest, is_htmx

PAGE_SIZE = 100


def visible(user: Any) -> QuerySet[Violation]:
    return Violation.objects.visible_to(user).select_related("township", "village", "reported_by", "case")


def get_violation(user: Any, number: str) -> Violation:
    violation: Violation = get_object_or_404(visible(user), number=number)
    return violation


def _check_reader(user: Any) -> None:
    if not Violation.objects.visible_to(user).exists() and not may_report(user):
        raise PermissionDenied("您的角色不查看控违案件。")


def filtered(user: Any, data: Any) -> tuple[FilterForm, QuerySet[Violation]]:
    now = timezone.now()
    form = FilterForm(data or None)
    rows = visible(user)
    if form.is_valid():
        d = form.cleaned_data
        if d["state"]:
            rows = rows.filter(state=d["state"])
        if d["township"]:
            rows = rows.filter(township=d["township"])
        if d["kind"]:
            rows = rows.filter(is_new=d["kind"] == "new")
        if d["overdue"]:
            rows = rows.filter(overdue_q(now))
        if d["q"]:
            q = d["q"].strip()
            rows = rows.filter(Q(number__icontains=q) | Q(address__contains=q))
    return form, rows


@login_required
def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    _check_reader(user)
    form, rows = filtered(user, request.GET)
    total = rows.count()
    context = {
        "form": form,
        "rows": list(rows[:PAGE_SIZE]),
        "total": total,
        "now": timezone.now(),
        "today": timezone.localdate(),
        "may_report": may_report(user),
        "is_office": is_office(user),
        "may_read_board": may_read_board(user),
    }
    template = "enforcement/_table.html" if is_htmx(request) else "enforcement/index.html"
    return render(request, template, context)


def _uploads(request: AuthenticatedHttpRequest, form: Any) -> list[bytes]:
    return photos.read(form.cleaned_data.get("photos") or [])


def report_from_form(
    request: AuthenticatedHttpRequest, form: ReportForm, channel: str | None = None
) -> services.Report:
    d = form.cleaned_data
    return services.Report(
        township=d["township"],
        village=d["village"],
        address=d["address"],
        lat=d["lat"],
        lng=d["lng"],
        crs=d["crs"],
        area=d["area"],
        structure=d["structure"],
        land_type=d["land_type"],
        built_on=d["built_on"],
        channel=channel or d["channel"],
        description=d["description"],
        owner_name=d["owner_name"],
        owner_phone=d["owner_phone"],
        photos=_uploads(request, form),
        patrol=d.get("patrol"),
    )


@login_required
def new(request: AuthenticatedHttpRequest) -> HttpResponse:
    """登记: the 网格员's form, made for a phone (photos from the camera)."""
    user = request.user
    if not may_report(user):
        raise PermissionDenied("您的角色不能登记违建。")
    patrol = PatrolLog.objects.filter(pk=request.GET.get("patrol") or 0, patroller=user).first()
    initial = {"channel": "patrol", "township": patrol.township_id} if patrol else {}
    form = ReportForm(request.POST or None, request.FILES or None, user=user, initial=initial, patrol=patrol)
    error, status = "", 200
    if request.method == "POST":
        if form.is_valid():
            try:
                violation = services.report_violation(report_from_form(request, form), actor=user)
            except DomainError as exc:
                error, status = exc.message, exc.status
                field_error(form, exc)
            else:
                messages.success(request, f"已登记违建 {violation.number}，请在核查期限内完成现场核查。")
                return redirect("enforcement:detail", number=violation.number)
        else:
            error, status = "请按提示修改后再提交。", 422
    return render(request, "enforcement/new.html", {"form": form, "error": error}, status=status)


@login_required
def villages(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The <option>s of the chosen township's villages/communities (the report form's 村/社区)."""
    user = request.user
    if not may_report(user):
        raise PermissionDenied("您的角色不能登记违建。")
    form = ReportForm(user=user)
    townships = cast("Any", form.fields["township"]).queryset
    rows = villages_of(townships, request.GET.get("township"))
    return render(request, "enforcement/_village_options.html", {"rows": rows})


def _remedy_wait(violation: Violation) -> str:
    """Where 强拆 would be offered, why it is not yet: the owner's periods still running, as the
    guard counts them (deadlines.remedy_wait), with their dates."""
    if violation.state != State.ORDERED:
        return ""
    periods = remedy_wait(violation, timezone.now())
    return periods.notice() if periods else ""


def detail_context(
    request: AuthenticatedHttpRequest,
    violation: Violation,
    *,
    failed: tuple[Action, Any] | None = None,
    error: str = "",
) -> dict[str, Any]:
    user = request.user
    actions = []
    for verb in available_actions(user, violation):
        form = failed[1] if failed and failed[0] == verb else ACTION_FORMS[verb]()
        uploads = "photos" in form.fields or "documents" in form.fields
        actions.append({"action": verb, "form": form, "hint": HINTS[verb], "files": uploads})
    show_owner = request.GET.get("owner") == "1" and may_see_owner(user, violation)
    if show_owner:
        owner = owner_for(user, violation, purpose="查看当事人信息", request=request)
    else:
        owner = owner_masked(violation)
    case = violation.case
    return {
        "v": violation,
        "owner": owner,
        "owner_shown": show_owner,
        "may_see_owner": may_see_owner(user, violation),
        "photos": list(violation.photos.all()),
        "appeal_files": list(violation.appeal_files.all()),
        "documents": list(violation.documents.all()),
        "accountabilities": list(violation.accountabilities.select_related("unit")),
        "events": list(violation.events.select_related("actor", "actor_unit").order_by("seq")),
        "actions": actions,
        "error": error,
        "failed_action": failed[0] if failed else None,
        "now": timezone.now(),
        "today": timezone.localdate(),
        "remedy_wait": _remedy_wait(violation),
        "may_answer": case is not None
        and violation.state in RESOLVED_STATES
        and case.lead_unit_id == user.unit_id
        and case.state == "in_progress",
    }


@login_required
def detail(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    violation = get_violation(request.user, number)
    return render(request, "enforcement/detail.html", detail_context(request, violation))


def _documents(data: dict[str, Any]) -> list[tuple[str, bytes]]:
    """The uploaded 复议/诉讼 documents, each read to one byte over the largest size allowed."""
    from cases.attachments import MAX_IMAGE_BYTES, MAX_PDF_BYTES

    limit = max(MAX_PDF_BYTES, MAX_IMAGE_BYTES) + 1
    return [(f.name or "文书", f.read(limit)) for f in data.get("documents") or []]


def _run(verb: Action, violation: Violation, user: Any, data: dict[str, Any], uploads: list[bytes]) -> None:
    if verb == Action.CONFIRM:
        services.confirm(violation, actor=user, note=data["note"])
    elif verb == Action.DISMISS:
        services.dismiss(violation, actor=user, reason=data["reason"], note=data["note"])
    elif verb == Action.STOP:
        services.stop(violation, actor=user, note=data["note"])
    elif verb == Action.PLAN:
        services.plan(violation, actor=user, due=data["due"], note=data["note"])
    elif verb == Action.ORDER:
        services.order(violation, actor=user, days=data["days"], note=data["note"])
    elif verb == Action.APPEAL:
        services.appeal(
            violation, actor=user, kind=data["kind"], document=data["document"], files=_documents(data)
        )
    elif verb in (Action.UPHOLD, Action.REVOKE):
        services.resolve_appeal(
            violation,
            actor=user,
            upheld=verb == Action.UPHOLD,
            document=data["document"],
            files=_documents(data),
            days=data["days"],
            served_on=data["served_on"] if verb == Action.UPHOLD else None,
            ruling=data["ruling"] if verb == Action.UPHOLD else "",
        )
    elif verb == Action.SELF_DEMOLISH:
        services.self_demolish(violation, actor=user, photo_data=uploads, note=data["note"])
    elif verb == Action.ANNOUNCE:
        services.announce(violation, actor=user, note=data["note"])
    elif verb == Action.FORCE_DEMOLISH:
        services.force_demolish(violation, actor=user, photo_data=uploads, note=data["note"])
    elif verb == Action.REINSPECT:
        services.reinspect(
            violation,
            actor=user,
            passed=data["passed"],
            photo_data=uploads,
            note=data["note"],
            days=data["days"],
        )
    elif verb == Action.SIGN_OFF:
        services.sign_off(violation, actor=user, note=data["note"])
    elif verb == Action.ACCOUNT:
        services.record_accountability(
            violation,
            actor=user,
            person=data["person"],
            unit=data["unit"],
            form=data["form"],
            decided_on=data["decided_on"],
            note=data["note"],
        )
    else:  # pragma: no cover - ACTION_FORMS holds exactly these
        raise Http404("没有这个操作")


def _failed(
    request: Any, violation: Violation, verb: Action, form: Any, error: DomainError, status: int
) -> HttpResponse:
    context = detail_context(request, violation, failed=(verb, form), error=error.message)
    return render(request, "enforcement/detail.html", context, status=status)


VIOLATION_PAGE: ActionPage[Violation, Action] = ActionPage(
    actions=Action,
    refusal=GUARDS.refusal,
    forms=ACTION_FORMS,
    load=get_violation,
    run=lambda verb, violation, user, data, request: _run(
        verb, violation, user, data, photos.read(data.get("photos") or [])
    ),
    failed=_failed,
    detail_url="enforcement:detail",
)


@login_required
@require_POST
def act(request: AuthenticatedHttpRequest, number: str, action: str) -> HttpResponse:
    return VIOLATION_PAGE.act(request, number, action)


@login_required
@require_POST
def answer(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    """以处置结果答复市民: the linked 12345 case's answer, drafted from the outcome."""
    violation = get_violation(request.user, number)
    try:
        answer_citizen(violation, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("enforcement:detail", number=violation.number)
    messages.success(request, "已按处置结果起草答复，待单位负责人审核后答复市民。")
    case = violation.case  # answer_citizen refuses a violation without its case
    return redirect("cases:detail", number=case.number) if case else redirect("enforcement:index")


@login_required
def photo(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    item = get_object_or_404(
        Photo.objects.filter(violation__in=Violation.objects.visible_to(request.user)), pk=pk
    )
    thumb = request.GET.get("size") == "thumb"
    response = FileResponse(
        photos.open_photo(item, thumbnail=thumb), content_type="image/jpeg" if thumb else item.content_type
    )
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
def appeal_file(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    """A 复议/诉讼 document, for those who see the violation: an image shown, a PDF downloaded
    (a browser's viewer runs what it finds), never sniffed."""
    item = get_object_or_404(
        AppealFile.objects.filter(violation__in=Violation.objects.visible_to(request.user)), pk=pk
    )
    response = FileResponse(
        appeal_files.open_file(item),
        content_type=item.content_type,
        as_attachment=not item.is_image,
        filename=item.name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def print_document(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A legal document as issued (it names the owner: for those who serve it, and audited)."""
    user = request.user
    document = get_object_or_404(
        Document.objects.filter(violation__in=Violation.objects.visible_to(user)).select_related("violation"),
        pk=pk,
    )
    if not may_see_owner(user, document.violation):
        raise PermissionDenied("文书载有当事人信息，仅由办理单位打印送达。")
    owner_for(user, document.violation, purpose=f"打印{document.get_kind_display()}", request=request)
    return render(request, "enforcement/print.html", {"document": document, "v": document.violation})
