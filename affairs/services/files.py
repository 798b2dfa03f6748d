"""The materials' files (材料上传): uploaded online or scanned at the window, checked, stored.

The check is the case replies' (cases.attachments.read_upload): an image goes through
mochou/images.py (re-encoded, no EXIF/GPS), a PDF is recognised by its signature and refused with
active content. Nothing here checks a file a second way. Files live under
MEDIA_ROOT/affairs-files/<yyyy>/<mm>/ with random names and no public URL; they are served by
affairs.views.files to whoever may see the application (staff) or holds its tracking code.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.utils import timezone

from affairs.models import Application, MaterialFile
from cases.attachments import BadFile, CleanFile, read_upload
from mochou.errors import InvalidInput

MAX_FILES = 20
WINDOW_SCAN = "窗口收件扫描件"


def storage() -> FileSystemStorage:
    # Built per call so that a changed MEDIA_ROOT (tests) is honoured; no base_url: no public URL.
    return FileSystemStorage(location=Path(settings.MEDIA_ROOT) / "affairs-files", base_url=None)


def check(uploads: Iterable[tuple[str, Any]]) -> list[tuple[str, CleanFile]]:
    """(material, upload) pairs → (material, cleaned file), or InvalidInput in Chinese. Checked
    before anything is recorded, so a bad file refuses the whole submission."""
    pairs = list(uploads)
    if len(pairs) > MAX_FILES:
        raise InvalidInput(f"一次最多上传 {MAX_FILES} 个文件。", code="affairs.too_many_files")
    cleaned = []
    for material, upload in pairs:
        try:
            cleaned.append((material, read_upload(upload, str(getattr(upload, "name", "") or "材料"))))
        except BadFile as error:
            raise InvalidInput(str(error), code="affairs.bad_file") from None
    return cleaned


def store(
    app: Application,
    files: Sequence[tuple[str, CleanFile]],
    *,
    actor: Any = None,
    now: datetime | None = None,
) -> list[MaterialFile]:
    """Write the files, then their rows (a file without a row is harmless, the reverse is not)."""
    now = now or timezone.now()
    local = timezone.localtime(now)
    rows = []
    for material, clean in files:
        stored = storage().save(
            f"{local:%Y}/{local:%m}/{secrets.token_urlsafe(18)}.{clean.extension}", ContentFile(clean.data)
        )
        rows.append(
            MaterialFile.objects.create(
                application=app,
                material=material[:100],
                name=clean.name,
                path=stored,
                content_type=clean.content_type,
                size=len(clean.data),
                sha256=hashlib.sha256(clean.data).hexdigest(),
                uploaded_by=actor,
                created_at=now,
            )
        )
    return rows


def reuse_files(app: Application, now: datetime) -> list[MaterialFile]:
    """A material reused from a kept document brings its file along (the same stored file)."""
    from affairs.models import KeptDocument

    rows = []
    for m in app.materials:
        source = m.get("reused_from")
        if not source:
            continue
        kept = (
            KeptDocument.objects.filter(source__number=source, name=m["name"], file__isnull=False)
            .select_related("file")
            .first()
        )
        if kept is not None and kept.file is not None:
            f = kept.file
            rows.append(
                MaterialFile.objects.create(
                    application=app,
                    material=m["name"],
                    name=f.name,
                    path=f.path,
                    content_type=f.content_type,
                    size=f.size,
                    sha256=f.sha256,
                    reused_from=f,
                    created_at=now,
                )
            )
    return rows


def share(app: Application, sources: dict[str, Application], now: datetime) -> list[MaterialFile]:
    """一件事: a material another part of the package received at its 补正 brings its files along
    (the same stored files), so the applicant uploads it once for every part asking for it."""
    rows = []
    for material, source in sources.items():
        for f in MaterialFile.objects.filter(application=source, material=material):
            rows.append(
                MaterialFile.objects.create(
                    application=app,
                    material=material,
                    name=f.name,
                    path=f.path,
                    content_type=f.content_type,
                    size=f.size,
                    sha256=f.sha256,
                    uploaded_by=f.uploaded_by,
                    reused_from=f,
                    created_at=now,
                )
            )
    return rows


def open_file(row: MaterialFile) -> IO[bytes]:
    return storage().open(row.path, "rb")
