"""The user's notifications, and the log of recorded SMS messages for the centre."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.models import Role
from accounts.privacy import audit, hide_links, mask_phone
from mochou.http import AuthenticatedHttpRequest
from notifications.models import Notification, SmsMessage

PAGE_SIZE = 50


@login_required
def notification_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    notifications = request.user.notifications.select_related("case")
    if request.GET.get("unread"):
        notifications = notifications.filter(read_at__isnull=True)
    page = Paginator(notifications, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/list.html",
        {"page": page, "only_unread": bool(request.GET.get("unread"))},
    )


@login_required
@require_POST
def mark_read(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    notification = get_object_or_404(request.user.notifications.select_related("case"), pk=pk)
    # Conditional: reading twice keeps the first reading time.
    Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=timezone.now())
    if request.POST.get("open") and notification.case is not None:  # select_related: no query
        return redirect("cases:detail", number=notification.case.number)
    if request.headers.get("HX-Request") == "true":
        notification.refresh_from_db()
        return render(request, "notifications/_row.html", {"n": notification})
    return redirect("notifications:list")


@login_required
@require_POST
def mark_all_read(request: AuthenticatedHttpRequest) -> HttpResponse:
    request.user.notifications.filter(read_at__isnull=True).update(read_at=timezone.now())
    return redirect("notifications:list")


@login_required
def sms_log(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    if not (user.is_superuser or user.is_centre_staff):
        raise PermissionDenied("只有热线中心人员可以查看短信记录。")
    # Full numbers only for administrators, who may need to trace a delivery with the carrier.
    unmasked = user.is_superuser or user.role == Role.ADMIN
    page = Paginator(SmsMessage.objects.select_related("case"), PAGE_SIZE).get_page(request.GET.get("page"))
    # The body as delivered stays in the row; staff read it without its links (accounts.privacy.
    # hide_links): a citizen's signed link would let whoever opens it rate the case as the citizen.
    rows = [
        {
            "sms": sms,
            "phone": sms.phone if unmasked else mask_phone(sms.phone),
            "body": hide_links(sms.body),
            "error": hide_links(sms.error),
        }
        for sms in page.object_list
    ]
    if unmasked:  # every unmasked view of a citizen's number by staff is audited
        for sms in page.object_list:
            if sms.case_id:
                audit(user, sms.case, fields="sms_phone", purpose="sms_log", request=request)
    return render(request, "notifications/sms.html", {"page": page, "rows": rows, "unmasked": unmasked})
