"""Site photos of a violation: every upload through mochou.images (the portal's checker), stored
with random names under MEDIA_ROOT/enforcement-photos/ and no public URL (served by a view that
checks who may see the violation)."""

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
from django.utils import timezone

from accounts.models import User
from enforcement.models import Photo, Violation
from mochou.errors import InvalidInput
from mochou.images import MAX_BYTES, BadImage, CleanImage, clean_photo

MAX_PHOTOS = 9


def storage() -> FileSystemStorage:
    return FileSystemStorage(location=Path(settings.MEDIA_ROOT) / "enforcement-photos", base_url=None)


def check(uploads: Sequence[bytes]) -> list[CleanImage]:
    """Each photo cleaned, or InvalidInput with the checker's message (field "photos")."""
    if len(uploads) > MAX_PHOTOS:
        raise InvalidInput(
            f"每次最多上传{MAX_PHOTOS}张照片。", code="invalid_input.photos", details={"field": "photos"}
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


def store(
    violation: Violation,
    stage: str,
    photos: Sequence[CleanImage],
    *,
    actor: User,
    now: datetime | None = None,
) -> list[Photo]:
    now = now or timezone.now()
    local = timezone.localtime(now)
    rows = []
    for image in photos:
        stem = f"{local:%Y}/{local:%m}/{secrets.token_urlsafe(18)}"
        path = storage().save(f"{stem}.{image.info.extension}", ContentFile(image.data))
        thumb = storage().save(f"{stem}-t.jpg", ContentFile(image.thumbnail))
        rows.append(
            Photo.objects.create(
                violation=violation,
                stage=stage,
                path=path,
                thumbnail_path=thumb,
                content_type=image.info.content_type,
                sha256=hashlib.sha256(image.data).hexdigest(),
                taken_by=actor,
                created_at=now,
            )
        )
    return rows


def open_photo(photo: Photo, *, thumbnail: bool = False) -> IO[bytes]:
    return storage().open(photo.thumbnail_path if thumbnail else photo.path, "rb")
