"""Storing citizens' photos: random names under MEDIA_ROOT/case-photos/<yyyy>/<mm>/, never a URL.

Nothing here is reachable through MEDIA_URL: staff get the bytes from portal.views.photo, which
checks that they may see the case.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.utils import timezone

from cases.models import Case
from portal.images import ImageInfo
from portal.models import Attachment

MAX_PHOTOS = 3


@dataclass(frozen=True)
class Photo:
    """A checked upload, held in memory until its case exists."""

    data: bytes
    info: ImageInfo


def storage() -> FileSystemStorage:
    # Built per call so that a changed MEDIA_ROOT (tests) is honoured; no base_url: no public URL.
    return FileSystemStorage(location=Path(settings.MEDIA_ROOT) / "case-photos", base_url=None)


def save_photo(case: Case, photo: Photo) -> Attachment:
    """Write the file, then its row; a file without a row is harmless, a row without a file is not."""
    now = timezone.now()
    local = timezone.localtime(now)
    name = f"{local:%Y}/{local:%m}/{secrets.token_urlsafe(18)}.{photo.info.extension}"
    stored = storage().save(name, ContentFile(photo.data))
    return Attachment.objects.create(
        case=case,
        path=stored,
        content_type=photo.info.content_type,
        size=len(photo.data),
        width=photo.info.width,
        height=photo.info.height,
        sha256=hashlib.sha256(photo.data).hexdigest(),
        created_at=now,
    )


def open_photo(attachment: Attachment) -> object:
    return storage().open(attachment.path, "rb")
