"""A reply's attachment, for staff who may read the reply (the draft's only to those who see drafts)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from cases.attachments import open_file
from cases.models import Case, Reply, ReplyAttachment
from cases.timeline import sees_drafts
from mochou.http import AuthenticatedHttpRequest


def file_response(attachment: ReplyAttachment) -> FileResponse:
    """Images shown in the page; a PDF always downloaded (a browser's viewer runs what it finds)."""
    response = FileResponse(
        open_file(attachment),
        content_type=attachment.content_type,
        as_attachment=not attachment.is_image,
        filename=attachment.name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def reply_file(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    attachment = get_object_or_404(ReplyAttachment.objects.select_related("reply"), pk=pk)
    case = Case.objects.visible_to(request.user).filter(pk=attachment.reply.case_id).first()
    if case is None:
        raise Http404("没有这个附件")
    if attachment.reply.status != Reply.Status.APPROVED and not sees_drafts(request.user, case):
        raise Http404("没有这个附件")
    return file_response(attachment)
