"""The applicant's pages (no sign-in): the catalogue, a matter's guide, applying online (one
matter or a 一件事), finding an application, following it, 补正 and 撤回 with its tracking code.

The tracking code (`token`) is the applicant's key: it is shown once after applying and is in
the URL of the progress page; lookups by number and phone are rate-limited (portal.ratelimit).
"""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.phones import read_phone
from affairs import catalogue
from affairs.formfields import shown_answers
from affairs.forms import (
    ApplyForm,
    ConsultForm,
    CorrectForm,
    RateForm,
    TrackForm,
    answer_fields,
    answers,
    file_fields,
    uploads,
)
from affairs.models import Application, Bundle, Category, Joint, Matter
from affairs.privacy import masked
from affairs.services import applications as services
from affairs.services import files, hotline, reuse
from affairs.services.joint import asked, rollup_label, submit_joint, union_form, union_materials
from affairs.views.common import CITIZEN_WORDS, events
from affairs.workflow import Channel, State
from mochou.errors import DomainError
from portal.ratelimit import Limit, exceeded, hit

FAILED_LOOKUPS = Limit("affairs-lookup-fail-ip", 20, 3600)
SUBMISSIONS = Limit("affairs-submit-ip", 10, 600)


def _ip(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", ""))


def catalogue_page(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()[:40]
    rows = Matter.objects.live().select_related("department").order_by("category", "code")
    if q:
        rows = rows.filter(Q(name__contains=q) | Q(department__short_name__contains=q))
    groups: dict[str, list[Matter]] = {}
    labels = dict(Category.choices)
    for m in rows:
        groups.setdefault(str(labels.get(m.category, "其他")), []).append(m)
    bundles = Bundle.objects.filter(is_active=True)
    return render(request, "affairs/public/catalogue.html", {"groups": groups, "q": q, "bundles": bundles})


def matter_page(request: HttpRequest, code: str) -> HttpResponse:
    matter = get_object_or_404(Matter.objects.live().select_related("department", "guide"), code=code)
    guide = (
        matter.guide
        if matter.guide and matter.guide.status == "published" and matter.guide.audience == "public"
        else None
    )
    return render(
        request,
        "affairs/public/matter.html",
        {
            "matter": matter,
            "guide": guide,
            "form_labels": catalogue.FORM_LABELS,
            "consult_form": ConsultForm(),
        },
    )


@never_cache
def apply(request: HttpRequest, code: str) -> HttpResponse:
    matter = get_object_or_404(Matter.objects.live().select_related("department"), code=code)
    if not matter.online:
        messages.error(request, "该事项需到政务大厅窗口办理。")
        return redirect("affairs:public_matter", code=code)
    form = ApplyForm(
        request.POST or None, request.FILES or None, materials=matter.materials, fields=matter.fields
    )
    if request.method == "POST" and form.is_valid():
        if hit(SUBMISSIONS, _ip(request)) > SUBMISSIONS.configured().count:
            form.add_error(None, "提交过于频繁，请稍后再试。")
        else:
            try:
                app = services.submit(
                    matter, form.applicant(), provided=form.cleaned_data["provided"], channel=Channel.ONLINE,
                    note=form.cleaned_data["note"], keep=form.cleaned_data["keep"],
                    files=files.check(uploads(form, request.FILES)), answers=answers(form),
                )  # fmt: skip
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                return redirect("affairs:progress", token=app.token)
    return render(
        request,
        "affairs/public/apply.html",
        {
            "matter": matter,
            "form": form,
            "file_fields": file_fields(form),
            "answer_fields": answer_fields(form),
        },
    )


@never_cache
def apply_bundle(request: HttpRequest, code: str) -> HttpResponse:
    bundle = get_object_or_404(Bundle.objects.filter(is_active=True), code=code)
    materials = union_materials(bundle)
    try:
        fields = union_form(bundle)
    except DomainError as error:  # a package configured against the catalogue's review
        messages.error(request, f"该“一件事”暂不能网上申报：{error.message}")
        return redirect("affairs:public_catalogue")
    form = ApplyForm(request.POST or None, request.FILES or None, materials=materials, fields=fields)
    if request.method == "POST" and form.is_valid():
        if hit(SUBMISSIONS, _ip(request)) > SUBMISSIONS.configured().count:
            form.add_error(None, "提交过于频繁，请稍后再试。")
        else:
            try:
                joint = submit_joint(
                    bundle, form.applicant(), provided=form.cleaned_data["provided"], channel=Channel.ONLINE,
                    keep=form.cleaned_data["keep"], files=files.check(uploads(form, request.FILES)),
                    note=form.cleaned_data["note"], answers=answers(form),
                )  # fmt: skip
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                return redirect("affairs:joint_progress", token=joint.token)
    parts = bundle.parts.select_related("matter", "matter__department")
    return render(
        request,
        "affairs/public/apply_bundle.html",
        {
            "bundle": bundle,
            "parts": parts,
            "form": form,
            "materials": materials,
            "file_fields": file_fields(form),
            "answer_fields": answer_fields(form),
        },
    )


@never_cache
def track(request: HttpRequest) -> HttpResponse:
    form = TrackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ip = _ip(request)
        if exceeded(FAILED_LOOKUPS, ip):
            form.add_error(None, "查询失败次数过多，请一小时后再试或拨打 12345。")
        else:
            number = form.cleaned_data["number"].strip().upper()
            phone = read_phone(form.cleaned_data["phone"]) or ""
            app = Application.objects.filter(number=number, applicant__phone=phone).first() if phone else None
            joint = (
                Joint.objects.filter(number=number, applicant__phone=phone).first()
                if phone and app is None
                else None
            )
            if app is not None:
                return redirect("affairs:progress", token=app.token)
            if joint is not None:
                return redirect("affairs:joint_progress", token=joint.token)
            hit(FAILED_LOOKUPS, ip)
            form.add_error(None, "没有找到该办件，请核对办件编号和联系电话。")
    return render(request, "affairs/public/track.html", {"form": form})


def _by_token(token: str) -> Application:
    app = (
        Application.objects.select_related("matter", "department", "applicant", "joint")
        .filter(token=token)
        .first()
    )
    if app is None:
        raise Http404("没有这个办件")
    return app


@never_cache
def progress(request: HttpRequest, token: str) -> HttpResponse:
    app = _by_token(token)
    correct_form = CorrectForm(app=app, with_files=True) if app.state == State.CORRECTING else None
    return render(
        request,
        "affairs/public/progress.html",
        {
            "app": app,
            "files": list(app.files.all()),
            "kept": reuse.kept_for(app, timezone.now()),
            "correct_files": file_fields(correct_form) if correct_form else [],
            "complaints": list(app.case_links.select_related("case")),
            "applicant": masked(app.applicant),
            "answers": shown_answers(app.matter_snapshot.get("fields") or [], app.answers, full=False),
            "events": events(app),
            "words": CITIZEN_WORDS,
            "deadline": services.CLOCKS.shown(app, timezone.now()),
            "correct_form": correct_form,
            "can_withdraw": app.state in {State.SUBMITTED, State.CORRECTING},
            "rate_form": RateForm() if app.state == State.DELIVERED else None,
        },
    )


@require_POST
def correct(request: HttpRequest, token: str) -> HttpResponse:
    app = _by_token(token)
    form = CorrectForm(request.POST, request.FILES, app=app, with_files=True)
    if form.is_valid():
        try:
            services.correct(
                app, provided=form.cleaned_data["provided"], token=token,
                files=files.check(uploads(form, request.FILES)),
            )  # fmt: skip
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "已提交补正材料，窗口将尽快受理。")
    return redirect("affairs:progress", token=token)


@require_POST
def rate(request: HttpRequest, token: str) -> HttpResponse:
    app = _by_token(token)
    form = RateForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请选择 1 至 5 星。")
        return redirect("affairs:progress", token=token)
    try:
        services.rate(app, rating=form.cleaned_data["rating"], note=form.cleaned_data["note"], token=token)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "感谢您的评价。")
    return redirect("affairs:progress", token=token)


@require_POST
def withdraw(request: HttpRequest, token: str) -> HttpResponse:
    app = _by_token(token)
    try:
        services.withdraw(app, token=token, reason=request.POST.get("reason", "")[:500])
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "已撤回申请。")
    return redirect("affairs:progress", token=token)


@never_cache
def joint_progress(request: HttpRequest, token: str) -> HttpResponse:
    joint = get_object_or_404(Joint.objects.select_related("bundle", "applicant"), token=token)
    parts = list(joint.parts.select_related("matter", "department").order_by("stage", "pk"))
    return render(
        request,
        "affairs/public/joint.html",
        {
            "joint": joint,
            "parts": parts,
            "rollup": rollup_label(parts),
            "asked": asked(parts),
            "applicant": masked(joint.applicant),
        },
    )


@require_POST
def withdraw_consent(request: HttpRequest, token: str) -> HttpResponse:
    """The applicant withdraws the consent to keep their materials: deleted, never offered again."""
    app = _by_token(token)
    count = reuse.withdraw_consent(app, now=timezone.now())
    messages.success(request, f"已撤回留存同意，删除留存材料 {count} 份，今后办事不再复用。")
    return redirect("affairs:progress", token=token)


@require_POST
def complain(request: HttpRequest, token: str) -> HttpResponse:
    """A complaint about this application: a 12345 case linked to it."""
    app = _by_token(token)
    if hit(SUBMISSIONS, _ip(request)) > SUBMISSIONS.configured().count:
        messages.error(request, "提交过于频繁，请稍后再试。")
        return redirect("affairs:progress", token=token)
    try:
        case = hotline.complain(app, text=request.POST.get("text", "")[:2000], token=token)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"已转 12345 热线受理，工单编号 {case.number}，办理结果将短信告知。")
    return redirect("affairs:progress", token=token)


@require_POST
def consult(request: HttpRequest, code: str) -> HttpResponse:
    """A question about a matter: a 12345 consultation answered from the matter's guide."""
    matter = get_object_or_404(Matter.objects.live().select_related("department", "guide"), code=code)
    form = ConsultForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请写明问题和正确的手机号码。")
    elif hit(SUBMISSIONS, _ip(request)) > SUBMISSIONS.configured().count:
        messages.error(request, "提交过于频繁，请稍后再试。")
    else:
        d = form.cleaned_data
        try:
            case = hotline.consult(matter, question=d["question"], name=d["name"], phone=d["phone"])
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"12345 已答复（工单 {case.number}）：{hotline.guide_answer(matter)}")
    return redirect("affairs:public_matter", code=code)
