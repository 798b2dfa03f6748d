"""A material's file: for staff who may see the application (audited as a plain view of personal
data), or for the applicant with the tracking code. Images shown, PDFs downloaded."""

from __future__ import annotations

import secrets

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from accounts.audit.services import record
from affairs.models import Application, MaterialFile
from affairs.services.files import open_file
from mochou.http import AuthenticatedHttpRequest


def _response(row: MaterialFile) -> FileResponse:
    response = FileResponse(
        open_file(row), content_type=row.content_type, as_attachment=not row.is_image, filename=row.name
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def staff_file(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    row = get_object_or_404(MaterialFile.objects.select_related("application"), pk=pk)
    if not Application.objects.visible_to(request.user).filter(pk=row.application_id).exists():
        raise Http404("没有这个文件")
    record(
        actor=request.user, action="affairs.material_file_view", target=row.application,
        new={"file": row.pk, "material": row.material}, request=request,
    )  # fmt: skip
    return _response(row)


@require_GET
def applicant_file(request: HttpRequest, token: str, pk: int) -> FileResponse:
    row = get_object_or_404(MaterialFile.objects.select_related("application"), pk=pk)
    if not secrets.compare_digest(token, row.application.token):
        raise Http404("没有这个文件")
    return _response(row)
