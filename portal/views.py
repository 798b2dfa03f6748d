"""The citizens' pages under /m/: submit a request, look up its progress, read the answer, rate it.

Every write goes through cases.services with the mobile channel's user. Rate limits are checked
before anything is written; a form with a mistake comes back with the message next to the field
and the citizen's input kept (files cannot be kept by a browser).
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.masking import Audience, mask_address, mask_personal_text
from accounts.privacy import audit
from cases import services
from cases.models import Case, Channel, Reply, ReplyAttachment
from cases.views.attachments import file_response
from mochou.errors import DomainError, TransitionNotAllowed
from mochou.http import AuthenticatedHttpRequest
from mochou.images import MAX_BYTES
from portal import access, ratelimit
from portal.forms import LookupForm, RatingForm, SubmitForm
from portal.links import read_token
from portal.models import Attachment
from portal.photos import MAX_PHOTOS, open_photo, save_photo
from portal.progress import citizen_view

log = logging.getLogger(__name__)

TOO_MANY = "提交过于频繁，请稍后再试。如有紧急情况，请直接拨打12345热线。"
TOO_MANY_LOOKUPS = "查询过于频繁，请稍后再试。也可拨打12345热线查询。"
# Failed-lookup limits may be used up by someone else guessing: the SMS link does not need them.
LOOKUPS_LOCKED = (
    "查询错误次数过多，暂时不能查询。"
    "如已收到答复短信，可直接点击短信中的链接查看和评价；也可拨打12345热线查询。"
)
RATE_BY_SMS_LINK = "请通过短信中的链接评价。"
WRONG_PAIR = "受理编号或手机号不正确。"
BOT_REFUSED = "提交失败，请刷新页面后重试。"
# The whole upload, before Django parses it: three photos at the limit plus the form's text.
MAX_REQUEST_BYTES = MAX_PHOTOS * MAX_BYTES + 256 * 1024
# services' input errors name their field the way the API does; the form names it our way.
FIELD_OF = {"content": "content", "citizen_phone": "mobile", "citizen_name": "name", "address": "address"}
DONE_KEY = "portal_done"


def _page(request: HttpRequest, template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    return render(request, f"portal/{template}", context, status=status)


# ---------------------------------------------------------------- submit


def _no_response(request: HttpRequest) -> HttpResponse:
    return HttpResponse()


def _csrf_checked(request: HttpRequest) -> HttpResponse:
    """Stands for the submit view in CSRF's check: process_view reads a view only for its
    csrf_exempt flag, and this one (unlike the decorated submit) is not exempt."""
    return HttpResponse()


@never_cache
@csrf_exempt  # not exempt: checked below, once the size is known to be sane
@require_http_methods(["GET", "POST"])
def submit(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return _page(request, "submit.html", {"form": SubmitForm()})
    ip = ratelimit.client_ip(request)
    if _too_big(request):
        # Refused unread: CSRF's check would parse the body, streaming gigabytes to a temp file.
        return _page(
            request,
            "submit.html",
            {"form": SubmitForm(), "error": f"上传内容过大：最多{MAX_PHOTOS}张照片，每张不超过5MB。"},
            status=413,
        )
    csrf_refusal = CsrfViewMiddleware(_no_response).process_view(request, _csrf_checked, (), {})
    if csrf_refusal is not None:
        return csrf_refusal
    # Taken (counted atomically) before the form is even parsed; a submission that does not
    # happen gives its submit-ip count back, every post keeps its post-ip count.
    submission = ratelimit.Reservation([(ratelimit.SUBMISSIONS_PER_IP, ip)])
    if ratelimit.take((ratelimit.POSTS_PER_IP, ip), (ratelimit.SUBMISSIONS_PER_IP, ip)).refused:
        # Unchecked, the input is only given back (an unbound form shows no errors).
        kept = {k: v for k, v in request.POST.dict().items() if k not in ("website", "csrfmiddlewaretoken")}
        return _refused(request, SubmitForm(initial=kept), TOO_MANY)
    form = SubmitForm(request.POST, request.FILES)
    if form.is_bot:
        submission.release()
        # Filled by a bot (people never see the field): refuse without saying why.
        return _page(request, "submit.html", {"form": SubmitForm(), "error": BOT_REFUSED}, status=400)
    if not form.is_valid():
        submission.release()
        return _page(request, "submit.html", {"form": form, "error": "请按提示修改后再提交。"}, status=422)
    data = form.cleaned_data
    per_phone = ratelimit.take((ratelimit.SUBMISSIONS_PER_PHONE, data["mobile"]))
    if per_phone.refused:
        submission.release()
        return _refused(request, form, "该手机号提交过于频繁，请一小时后再试，或直接拨打12345热线。")
    try:
        case = services.register_case(
            actor=services.channel_user(Channel.MOBILE),
            channel=Channel.MOBILE,
            kind=data["kind"],
            content=data["content"],
            citizen_name=data["name"],
            citizen_phone=data["mobile"],
            address=data["address"],
            township=data["township"],
        )
    except DomainError as exc:
        submission.release()
        per_phone.release()
        field = FIELD_OF.get(exc.details.get("field", ""))
        if field:
            form.add_error(field, exc.message)
            return _page(request, "submit.html", {"form": form, "error": "请按提示修改后再提交。"}, 422)
        return _page(request, "submit.html", {"form": form, "error": exc.message}, status=exc.status)
    saved, failed = _save_photos(case, data["photos"])
    access.grant(request, case, may_rate=True)  # the browser that submitted it
    request.session[DONE_KEY] = {"number": case.number, "photos": saved, "failed": failed}
    return redirect("portal:done")


def _too_big(request: HttpRequest) -> bool:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0) > MAX_REQUEST_BYTES
    except ValueError:
        return True


def _refused(request: HttpRequest, form: SubmitForm, message: str) -> HttpResponse:
    return _page(request, "submit.html", {"form": form, "error": message}, status=429)


def _save_photos(case: Case, photos: list) -> tuple[int, int]:
    """The case exists already: a photo that cannot be stored is reported, never a reason to fail."""
    saved = failed = 0
    for photo in photos:
        try:
            save_photo(case, photo)
            saved += 1
        except Exception:
            log.exception("photo of case %s not stored", case.number)
            failed += 1
    return saved, failed


@never_cache
def done(request: HttpRequest) -> HttpResponse:
    info = request.session.get(DONE_KEY)
    if not info:
        return redirect("portal:submit")
    return _page(request, "done.html", info)


def privacy(request: HttpRequest) -> HttpResponse:
    return _page(request, "privacy.html", {})


# ---------------------------------------------------------------- lookup and the citizen's case page


@never_cache
@require_http_methods(["GET", "POST"])
def track(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return _page(request, "track.html", {"form": LookupForm()})
    ip = ratelimit.client_ip(request)
    form = LookupForm(request.POST)
    if ratelimit.take((ratelimit.LOOKUPS_PER_IP, ip)).refused:
        return _page(request, "track.html", {"form": form, "error": TOO_MANY_LOOKUPS}, status=429)
    if not form.is_valid():
        return _page(request, "track.html", {"form": form, "error": "请按提示修改后再查询。"}, status=422)
    number, phone = form.cleaned_data["number"], form.cleaned_data["mobile"]
    # Every attempt is counted as a failure before the query (atomic: a parallel burst cannot
    # pass together) and given back if it matches. A full limit refuses even the right pair.
    failures = ratelimit.take(
        (ratelimit.FAILED_LOOKUPS_PER_NUMBER_IP, f"{number}|{ip}"),
        (ratelimit.FAILED_LOOKUPS_PER_NUMBER, number),
        (ratelimit.FAILED_LOOKUPS_PER_PHONE, phone),
        (ratelimit.FAILED_LOOKUPS_PER_IP, ip),
    )
    if failures.refused:
        return _page(request, "track.html", {"form": form, "error": LOOKUPS_LOCKED}, status=429)
    case = _find_case(number, phone)
    if case is None:
        # The same answer for an unknown number and a wrong phone: nothing reveals a case.
        return _page(request, "track.html", {"form": form, "error": WRONG_PAIR}, status=404)
    failures.release()
    access.grant(request, case)  # read only: number + phone may be known to others
    return redirect("portal:case", number=case.number)


def _find_case(number: str, phone: str) -> Case | None:
    return Case.objects.filter(number=number, citizen_phone=phone).first()


@never_cache
def case_page(request: HttpRequest, number: str) -> HttpResponse:
    case = access.granted_case(request, number)
    if case is None:
        return redirect("portal:track")
    return _case_response(request, case)


def _case_response(
    request: HttpRequest, case: Case, *, form: RatingForm | None = None, error: str = "", status: int = 200
) -> HttpResponse:
    view = citizen_view(case)
    own = access.may_rate(request, case)
    # A lookup needs only the number and the phone, which neighbours and family may know: that
    # reader gets the street without house numbers and the request's text through the same
    # masker (it usually repeats the address, sometimes a phone or an ID); the answer keeps its
    # street but loses flats and numbers, as a merged case's answer does. The browser that
    # submitted the case, or the citizen's own SMS link, reads them in full.
    if not own:
        view = replace(
            view,
            reply_body=mask_personal_text(view.reply_body, audience=Audience.CITIZEN),
            reply_result=mask_personal_text(view.reply_result, audience=Audience.CITIZEN),
        )
    context = {
        "view": view,
        "case": case,
        "address": case.address if own else mask_address(case.address),
        "content": case.content if own else mask_personal_text(case.content),
        "photo_count": case.attachments.count(),
        # The files the unit attached to the answer (cases.attachments), once it is approved.
        "reply_files": _reply_files(view.reply),
        "form": form or RatingForm(),
        "may_rate": own,
        "rate_hint": RATE_BY_SMS_LINK,
        "error": error,
        "rated": request.session.pop("portal_rated", False),
    }
    return _page(request, "case.html", context, status=status)


def _reply_files(reply: Any) -> list[ReplyAttachment]:
    if reply is None or reply.status != Reply.Status.APPROVED:
        return []
    return list(reply.attachments.all())


@require_GET
def reply_file(request: HttpRequest, number: str, pk: int) -> FileResponse:
    """An attachment of the approved answer, to whoever may read this case on the portal."""
    case = access.granted_case(request, number)
    if case is None:
        raise Http404("没有这个附件")
    found = [f for f in _reply_files(citizen_view(case).reply) if f.pk == pk]
    if not found:
        raise Http404("没有这个附件")
    return file_response(found[0])


@require_POST
def rate(request: HttpRequest, number: str) -> HttpResponse:
    case = access.granted_case(request, number)
    if case is None:
        return redirect("portal:track")
    if not access.may_rate(request, case):
        # Read through a lookup: the rating is the callback and must come from the citizen.
        return _case_response(request, case, error=RATE_BY_SMS_LINK, status=403)
    form = RatingForm(request.POST)
    if not form.is_valid():
        return _case_response(request, case, form=form, error="请按提示选择后再提交。", status=422)
    data = form.cleaned_data
    try:
        services.callback(
            case,
            actor=services.channel_user(Channel.MOBILE),
            reached=True,
            resolved=data["resolved"] == "yes",
            satisfaction=data["satisfaction"],
            comment=data["comment"],
        )
    except TransitionNotAllowed:
        return _case_response(request, case, error="该诉求目前不能评价（可能已经评价过）。", status=409)
    except DomainError as exc:
        return _case_response(request, case, form=form, error=exc.message, status=exc.status)
    request.session["portal_rated"] = True
    return redirect("portal:case", number=case.number)


@never_cache
def link(request: HttpRequest, token: str) -> HttpResponse:
    """The SMS link: a valid token opens the case's page in this browser."""
    case_id = read_token(token)
    case = Case.objects.filter(pk=case_id).first() if case_id is not None else None
    if case is None:
        return _page(request, "link_expired.html", {}, status=410)
    access.grant(request, case, may_rate=True)  # the link reached the citizen's own phone
    return redirect("portal:case", number=case.number)


# ---------------------------------------------------------------- staff: the photos


@login_required
def photo(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    """A citizen's photo, for staff who may see its case (everyone else: 404)."""
    return _photo_response(request, pk, thumbnail=False)


@login_required
def photo_thumbnail(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    """Its thumbnail, for the pages that list photos; the same rule and the same audit."""
    return _photo_response(request, pk, thumbnail=True)


def _photo_response(request: AuthenticatedHttpRequest, pk: int, *, thumbnail: bool) -> FileResponse:
    attachment = get_object_or_404(Attachment.objects.select_related("case"), pk=pk)
    if not Case.objects.visible_to(request.user).filter(pk=attachment.case_id).exists():
        raise Http404("没有这张照片")
    try:
        handle, content_type = open_photo(attachment, thumbnail=thumbnail)
    except FileNotFoundError:
        raise Http404("照片文件缺失") from None
    # A citizen's photo can show their face, home or plate: each staff view is audited like a phone.
    fields = f"photo:{attachment.pk}" + (":thumbnail" if thumbnail else "")
    audit(request.user, attachment.case, fields=fields, purpose="photo", request=request)
    response = FileResponse(handle, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = f'inline; filename="{attachment.case.number}-{attachment.pk}"'
    response["Cache-Control"] = "private, max-age=3600"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
