"""Site photos of a violation: every upload through mochou.images (the portal's checker), stored
with random names under MEDIA_ROOT/enforcement-photos/ and no public URL (served by a view that
checks who may see the violation)."""

from __future__ import annotations

import hashlib
import secrets
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime, timedelta
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

# The files written by the verb under way (see `kept_only_if_committed`).
_WRITTEN: ContextVar[list[tuple[FileSystemStorage, str]] | None] = ContextVar(
    "enforcement_files_written", default=None
)


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


@contextmanager
def kept_only_if_committed() -> Iterator[None]:
    """Around a verb's transaction: the photos are written before the rows that name them (so a
    committed row never points at a missing file), and deleted again when the verb fails or its
    transaction does not commit (so a refused or rolled-back action leaves no orphan file)."""
    written: list[tuple[FileSystemStorage, str]] = []
    token = _WRITTEN.set(written)
    try:
        yield
    except BaseException:
        for where, name in written:
            where.delete(name)
        raise
    finally:
        _WRITTEN.reset(token)


def save(where: FileSystemStorage, name: str, data: bytes) -> str:
    """Write one file, remembered by the verb under way (deleted again if it does not commit)."""
    stored = where.save(name, ContentFile(data))
    written = _WRITTEN.get()
    if written is not None:
        written.append((where, stored))
    return stored


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
        path = save(storage(), f"{stem}.{image.info.extension}", image.data)
        thumb = save(storage(), f"{stem}-t.jpg", image.thumbnail)
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


def sweep_orphans(*, older_than: timedelta = timedelta(days=1)) -> int:
    """Delete the files no row names, once older than `older_than`: what a verb wrote inside an
    outer transaction that then rolled back (its own failures are cleaned at once). A file newer
    than that may belong to a verb still under way, so it is left for the next run."""
    from enforcement.appeal_files import storage as appeal_storage
    from enforcement.models import AppealFile

    named = set(Photo.objects.values_list("path", flat=True))
    named |= set(Photo.objects.values_list("thumbnail_path", flat=True))
    named |= set(AppealFile.objects.values_list("path", flat=True))
    cutoff = time.time() - older_than.total_seconds()
    removed = 0
    for where in (storage(), appeal_storage()):
        root = Path(where.location)
        if not root.exists():
            continue
        for file in root.rglob("*"):
            name = file.relative_to(root).as_posix()
            if file.is_file() and name not in named and file.stat().st_mtime <= cutoff:
                where.delete(name)
                removed += 1
    return removed


def open_photo(photo: Photo, *, thumbnail: bool = False) -> IO[bytes]:
    return storage().open(photo.thumbnail_path if thumbnail else photo.path, "rb")
