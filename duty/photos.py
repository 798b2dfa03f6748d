"""Photos filed with an incident report (初报/续报/终报): every upload through mochou.images (the
one image checker: opened by Pillow, re-encoded without EXIF — a phone's GPS and serial go),
stored under MEDIA_ROOT/duty-photos/ with random names and no public URL; served by a view that
asks who may see the incident (as enforcement.photos does for violations)."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import IO

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from duty.access import in_duty_chain
from duty.models import IncidentPhoto, IncidentReport
from duty.services.common import require
from mochou.errors import InvalidInput
from mochou.images import MAX_BYTES, BadImage, CleanImage, clean_photo

MAX_PHOTOS = 9  # per report


def storage() -> FileSystemStorage:
    return FileSystemStorage(location=Path(settings.MEDIA_ROOT) / "duty-photos", base_url=None)


def check(uploads: Sequence[bytes]) -> list[CleanImage]:
    """Each photo cleaned, or InvalidInput with the checker's message (field "photos")."""
    if not uploads:
        raise InvalidInput("请选择照片。", code="invalid_input.photos", details={"field": "photos"})
    if len(uploads) > MAX_PHOTOS:
        raise InvalidInput(
            f"每份报告最多{MAX_PHOTOS}张照片。", code="invalid_input.photos", details={"field": "photos"}
        )
    cleaned = []
    for n, data in enumerate(uploads, start=1):
        try:
            cleaned.append(clean_photo(data))
        except BadImage as error:
            raise InvalidInput(
                f"第{n}张照片：{error}", code="invalid_input.photo", details={"field": "photos"}
            ) from None
    return cleaned


def read(files: Sequence[IO[bytes]]) -> list[bytes]:
    return [f.read(MAX_BYTES + 1) for f in files]


def attach(
    report: IncidentReport, uploads: Sequence[bytes], *, actor: User, now: datetime | None = None
) -> list[IncidentPhoto]:
    """The reporting unit (or the duty chain) adds photos to a report it filed; at most
    MAX_PHOTOS a report. Not a step of the loop: the report's text and time stay as filed."""
    now = now or timezone.now()
    incident = report.incident
    require(
        actor.unit_id == incident.unit_id or in_duty_chain(actor),
        "只有报送单位或应急值班室可以上传现场照片。",
    )
    photos = check(uploads)
    if report.photos.count() + len(photos) > MAX_PHOTOS:
        raise InvalidInput(
            f"每份报告最多{MAX_PHOTOS}张照片。", code="invalid_input.photos", details={"field": "photos"}
        )
    local = timezone.localtime(now)
    rows = []
    with transaction.atomic():
        for image in photos:
            stem = f"{local:%Y}/{local:%m}/{secrets.token_urlsafe(18)}"
            path = storage().save(f"{stem}.{image.info.extension}", ContentFile(image.data))
            thumb = storage().save(f"{stem}-t.jpg", ContentFile(image.thumbnail))
            rows.append(
                IncidentPhoto.objects.create(
                    report=report,
                    path=path,
                    thumbnail_path=thumb,
                    content_type=image.info.content_type,
                    sha256=hashlib.sha256(image.data).hexdigest(),
                    taken_by=actor,
                    created_at=now,
                )
            )
    return rows


def open_photo(photo: IncidentPhoto, *, thumbnail: bool = False) -> IO[bytes]:
    return storage().open(photo.thumbnail_path if thumbnail else photo.path, "rb")
