"""The documents of a 复议/诉讼 (the application, the ruling) as uploaded files, not text alone.

Each file goes through the one check the answers' attachments use (cases.attachments.check_upload:
images re-encoded by mochou.images without EXIF/GPS, a PDF recognised by its signature and end
marker and refused with active content). Stored under MEDIA_ROOT/enforcement-appeals/ with random
names and no public URL; written through enforcement.photos.save, so a verb that fails or rolls
back leaves none behind.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import IO

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils import timezone

from accounts.models import User
from cases.attachments import MAX_FILES, BadFile, CleanFile, check_upload
from enforcement.models import AppealFile, Violation, ViolationEvent
from enforcement.photos import save
from mochou.errors import InvalidInput

# (the name the browser gave, the bytes): what the page and the API hand the verb.
Upload = tuple[str, bytes]


def storage() -> FileSystemStorage:
    return FileSystemStorage(location=Path(settings.MEDIA_ROOT) / "enforcement-appeals", base_url=None)


def check(uploads: Sequence[Upload], *, required: bool = True) -> list[CleanFile]:
    """Each file cleaned, or InvalidInput naming it (field "files")."""
    if required and not uploads:
        raise InvalidInput(
            "请上传复议/诉讼文书（图片或PDF）。", code="invalid_input.files", details={"field": "files"}
        )
    if len(uploads) > MAX_FILES:
        raise InvalidInput(
            f"每次最多上传{MAX_FILES}个文件。", code="invalid_input.files", details={"field": "files"}
        )
    cleaned = []
    for name, data in uploads:
        try:
            cleaned.append(check_upload(name, data))
        except BadFile as error:
            raise InvalidInput(str(error), code="invalid_input.file", details={"field": "files"}) from None
    return cleaned


def store(
    violation: Violation,
    event: ViolationEvent,
    stage: str,
    files: Sequence[CleanFile],
    *,
    actor: User,
    now: datetime | None = None,
) -> list[AppealFile]:
    now = now or timezone.now()
    local = timezone.localtime(now)
    rows = []
    for clean in files:
        path = save(
            storage(), f"{local:%Y}/{local:%m}/{secrets.token_urlsafe(18)}.{clean.extension}", clean.data
        )
        rows.append(
            AppealFile.objects.create(
                violation=violation,
                event=event,
                stage=stage,
                name=clean.name[:120],
                path=path,
                content_type=clean.content_type,
                size=len(clean.data),
                sha256=hashlib.sha256(clean.data).hexdigest(),
                uploaded_by=actor,
                created_at=now,
            )
        )
    return rows


def open_file(row: AppealFile) -> IO[bytes]:
    return storage().open(row.path, "rb")
