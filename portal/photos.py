"""Storing citizens' photos: random names under MEDIA_ROOT/case-photos/<yyyy>/<mm>/, never a URL.

What is stored is mochou.images' clean re-encoding (no EXIF, GPS, XMP or ICC data) and its
thumbnail; the uploaded bytes are dropped once the form has read them. Nothing here is reachable
through MEDIA_URL: staff get the files from portal.views.photo, which checks that they may see
the case.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.utils import timezone

from cases.models import Case
from mochou.images import CleanImage
from portal.models import Attachment

MAX_PHOTOS = 3
THUMBNAIL_TYPE = "image/jpeg"


@dataclass(frozen=True)
class Photo:
    """A checked, cleaned upload, held in memory until its case exists."""

    image: CleanImage


def storage() -> FileSystemStorage:
    # Built per call so that a changed MEDIA_ROOT (tests) is honoured; no base_url: no public URL.
    return FileSystemStorage(location=Path(settings.MEDIA_ROOT) / "case-photos", base_url=None)


def save_photo(case: Case, photo: Photo) -> Attachment:
    """Write the files, then the row; a file without a row is harmless, a row without a file is not."""
    image = photo.image
    now = timezone.now()
    local = timezone.localtime(now)
    stem = f"{local:%Y}/{local:%m}/{secrets.token_urlsafe(18)}"
    files = storage()
    stored = files.save(f"{stem}.{image.info.extension}", ContentFile(image.data))
    thumbnail = files.save(f"{stem}.thumb.jpg", ContentFile(image.thumbnail))
    return Attachment.objects.create(
        case=case,
        path=stored,
        thumbnail_path=thumbnail,
        content_type=image.info.content_type,
        size=len(image.data),
        width=image.info.width,
        height=image.info.height,
        sha256=hashlib.sha256(image.data).hexdigest(),
        created_at=now,
    )


def open_photo(attachment: Attachment, *, thumbnail: bool = False) -> tuple[IO[bytes], str]:
    """The stored file and its content type; a photo from before thumbnails serves itself."""
    if thumbnail and attachment.thumbnail_path:
        return storage().open(attachment.thumbnail_path, "rb"), THUMBNAIL_TYPE
    return storage().open(attachment.path, "rb"), attachment.content_type
