"""Files attached to an answer (答复附件): checked, cleaned and stored (issue 10, item 15).

A unit attaches photos of the work done or a PDF (a decision, a notice) to its draft answer; the
leader sees them when approving, the citizen on the portal once the answer is approved.
- Images go through mochou.images, the citizens' photos' checker: opened by Pillow from the
  bytes, verified, turned upright and re-encoded with no EXIF/GPS/XMP/ICC data.
- A PDF is recognised by its signature (%PDF-) and its end marker, and refused when it carries
  active content (JavaScript, launch actions, embedded files), which a viewer could run.
What the browser called the file, or its type, decides nothing. Files live under
MEDIA_ROOT/reply-files/<yyyy>/<mm>/ with random names and no public URL.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.utils import timezone

from cases.models import Reply, ReplyAttachment
from mochou.images import MAX_BYTES, BadImage, clean_photo

MAX_FILES = 5
MAX_IMAGE_BYTES = MAX_BYTES  # the citizens' photos' limit
MAX_PDF_BYTES = 10 * 1024 * 1024
ACCEPT = "image/jpeg,image/png,image/webp,image/heic,image/heif,application/pdf,.pdf,.heic"
PDF_TYPE = "application/pdf"
# Names a PDF uses for content a viewer runs or opens by itself.
_ACTIVE_PDF = re.compile(rb"/(JavaScript|JS|Launch|EmbeddedFile|OpenAction\s*<<[^>]*/S\s*/JavaScript)\b")
_UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]+")


class BadFile(ValueError):
    """The upload is not a file we accept; the message is for the clerk."""


@dataclass(frozen=True)
class CleanFile:
    name: str  # for people: the uploaded name, made harmless, with the stored extension
    data: bytes
    content_type: str
    extension: str


def _display_name(uploaded: str, extension: str) -> str:
    stem = _UNSAFE_NAME.sub("_", Path(uploaded or "附件").stem).strip(" ._") or "附件"
    return f"{stem[:100]}.{extension}"


def _check_pdf(data: bytes, name: str) -> CleanFile:
    if len(data) > MAX_PDF_BYTES:
        raise BadFile(f"“{name}”超过 {MAX_PDF_BYTES // (1024 * 1024)}MB，PDF 文件不能超过此大小。")
    if b"%%EOF" not in data[-2048:]:
        raise BadFile(f"“{name}”不是完整的 PDF 文件（文件不完整或已损坏），请重新导出后上传。")
    if _ACTIVE_PDF.search(data):
        raise BadFile(f"“{name}”含有脚本或内嵌文件，出于安全原因不能上传；请另存为普通 PDF 后再上传。")
    return CleanFile(_display_name(name, "pdf"), data, PDF_TYPE, "pdf")


def check_upload(name: str, data: bytes) -> CleanFile:
    """The file as it will be stored, or BadFile with a message in Chinese."""
    if data.startswith(b"%PDF-"):
        return _check_pdf(data, name)
    if len(data) > MAX_IMAGE_BYTES:
        raise BadFile(f"“{name}”超过 {MAX_IMAGE_BYTES // (1024 * 1024)}MB，图片不能超过此大小。")
    try:
        image = clean_photo(data)
    except BadImage as error:
        raise BadFile(f"“{name}”：{error}仅支持图片（JPEG、PNG、WebP、HEIC）和 PDF 文件。") from None
    return CleanFile(
        _display_name(name, image.info.extension), image.data, image.info.content_type, image.info.extension
    )


def read_upload(upload: IO[bytes], name: str) -> CleanFile:
    """Read at most one byte over the largest size allowed, then check (a huge file is not read)."""
    data = upload.read(max(MAX_PDF_BYTES, MAX_IMAGE_BYTES) + 1)
    return check_upload(name, data)


def storage() -> FileSystemStorage:
    # Built per call so that a changed MEDIA_ROOT (tests) is honoured; no base_url: no public URL.
    return FileSystemStorage(location=Path(settings.MEDIA_ROOT) / "reply-files", base_url=None)


def store(reply: Reply, files: Sequence[CleanFile], now: datetime | None = None) -> list[ReplyAttachment]:
    """Write the files, then their rows (a file without a row is harmless, the reverse is not)."""
    now = now or timezone.now()
    local = timezone.localtime(now)
    saved = []
    for clean in files:
        stored = storage().save(
            f"{local:%Y}/{local:%m}/{secrets.token_urlsafe(18)}.{clean.extension}", ContentFile(clean.data)
        )
        saved.append(
            ReplyAttachment.objects.create(
                reply=reply,
                name=clean.name,
                path=stored,
                content_type=clean.content_type,
                size=len(clean.data),
                sha256=hashlib.sha256(clean.data).hexdigest(),
                created_at=now,
            )
        )
    return saved


def open_file(attachment: ReplyAttachment) -> IO[bytes]:
    return storage().open(attachment.path, "rb")
