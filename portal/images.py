"""Recognise a citizen's photo from its bytes: JPEG, PNG or WebP, whole, of sane dimensions.

The browser's content type and the file's name say nothing reliable, so the format is read from
the magic bytes and the dimensions from the format's own header. The structure is walked far
enough to notice a truncated or damaged file (PNG chunk CRCs, JPEG end-of-image marker, WebP
RIFF sizes). Pillow is not a dependency; when it happens to be installed it checks the file too.
"""

from __future__ import annotations

import importlib.util
import io
import struct
import zlib
from dataclasses import dataclass

MAX_BYTES = 5 * 1024 * 1024
MAX_SIDE = 8000


class BadImage(ValueError):
    """The bytes are not a photo we accept; the message is for the citizen."""


@dataclass(frozen=True)
class ImageInfo:
    format: str  # "jpeg" | "png" | "webp"
    width: int
    height: int

    @property
    def extension(self) -> str:
        return "jpg" if self.format == "jpeg" else self.format

    @property
    def content_type(self) -> str:
        return f"image/{self.format}"


NOT_AN_IMAGE = "文件不是有效的图片，仅支持 JPEG、PNG、WebP 格式的照片。"
DAMAGED = "图片文件不完整或已损坏，请重新拍摄或选择其他照片。"


def inspect(data: bytes) -> ImageInfo:
    """The image's format and size, or BadImage with a message in Chinese."""
    if len(data) > MAX_BYTES:
        raise BadImage(f"照片不能超过 {MAX_BYTES // (1024 * 1024)}MB。")
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        info = _png(data)
    elif data.startswith(b"\xff\xd8\xff"):
        info = _jpeg(data)
    elif data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        info = _webp(data)
    else:
        raise BadImage(NOT_AN_IMAGE)
    if not (1 <= info.width <= MAX_SIDE and 1 <= info.height <= MAX_SIDE):
        raise BadImage(f"照片尺寸过大（{info.width}×{info.height}），长和宽都不能超过 {MAX_SIDE} 像素。")
    _pillow_verify(data)
    return info


def _png(data: bytes) -> ImageInfo:
    pos, width, height, seen_idat = 8, 0, 0, False
    while True:
        if pos + 12 > len(data):
            raise BadImage(DAMAGED)  # ran out before IEND: truncated
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        end = pos + 8 + length
        if end + 4 > len(data):
            raise BadImage(DAMAGED)
        body = data[pos + 8 : end]
        (crc,) = struct.unpack(">I", data[end : end + 4])
        if zlib.crc32(kind + body) != crc:
            raise BadImage(DAMAGED)
        if pos == 8:
            if kind != b"IHDR" or length != 13:
                raise BadImage(DAMAGED)
            width, height = struct.unpack(">II", body[:8])
        elif kind == b"IDAT":
            seen_idat = True
        elif kind == b"IEND":
            if not seen_idat:
                raise BadImage(DAMAGED)
            return ImageInfo("png", width, height)
        pos = end + 4


# Start-of-frame markers carry the dimensions; C4 (DHT), C8 (JPG) and CC (DAC) share the range.
_SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}
_STANDALONE = {0x01, *range(0xD0, 0xD8)}


def _jpeg(data: bytes) -> ImageInfo:
    pos, size = 2, None
    while True:
        if pos + 4 > len(data) or data[pos] != 0xFF:
            raise BadImage(DAMAGED)
        while pos < len(data) and data[pos] == 0xFF:  # fill bytes before a marker
            pos += 1
        if pos >= len(data):
            raise BadImage(DAMAGED)
        marker = data[pos]
        pos += 1
        if marker in _STANDALONE:
            continue
        if marker == 0xD9:  # end of image before any scan
            raise BadImage(DAMAGED)
        if pos + 2 > len(data):
            raise BadImage(DAMAGED)
        (length,) = struct.unpack(">H", data[pos : pos + 2])
        if length < 2 or pos + length > len(data):
            raise BadImage(DAMAGED)
        if marker in _SOF:
            if length < 7:
                raise BadImage(DAMAGED)
            height, width = struct.unpack(">HH", data[pos + 3 : pos + 7])
            size = (width, height)
        if marker == 0xDA:  # start of scan: compressed data follows up to the end-of-image marker
            if size is None:
                raise BadImage(DAMAGED)
            # A cut-off photo has no EOI after its scan (an EXIF thumbnail's EOI lies before it).
            if data.rfind(b"\xff\xd9", pos + length) < 0:
                raise BadImage(DAMAGED)
            return ImageInfo("jpeg", size[0], size[1])
        pos += length


def _webp(data: bytes) -> ImageInfo:
    (riff_size,) = struct.unpack("<I", data[4:8])
    if riff_size < 4 or 8 + riff_size > len(data) or len(data) < 30:
        raise BadImage(DAMAGED)
    end = 8 + riff_size
    pos, info = 12, None
    while pos + 8 <= end:  # every chunk must fit inside the RIFF container
        kind = data[pos : pos + 4]
        (length,) = struct.unpack("<I", data[pos + 4 : pos + 8])
        body = data[pos + 8 : pos + 8 + length]
        if pos + 8 + length > end:
            raise BadImage(DAMAGED)
        if info is None:
            info = _webp_first_chunk(kind, body)
        pos += 8 + length + (length & 1)  # chunks are padded to even sizes
    if info is None:
        raise BadImage(DAMAGED)
    return info


def _webp_first_chunk(kind: bytes, body: bytes) -> ImageInfo:
    if kind == b"VP8 " and len(body) >= 10 and body[3:6] == b"\x9d\x01\x2a":
        width, height = struct.unpack("<HH", body[6:10])
        return ImageInfo("webp", width & 0x3FFF, height & 0x3FFF)
    if kind == b"VP8L" and len(body) >= 5 and body[0] == 0x2F:
        (bits,) = struct.unpack("<I", body[1:5])
        return ImageInfo("webp", (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1)
    if kind == b"VP8X" and len(body) >= 10:
        width = int.from_bytes(body[4:7], "little") + 1
        height = int.from_bytes(body[7:10], "little") + 1
        return ImageInfo("webp", width, height)
    raise BadImage(DAMAGED)


def _pillow_verify(data: bytes) -> None:
    """A second opinion when Pillow is installed (it is not a dependency)."""
    if importlib.util.find_spec("PIL") is None:
        return
    from PIL import Image  # type: ignore[import-not-found]

    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
    except Exception as exc:  # Pillow raises many kinds of errors for bad files
        raise BadImage(DAMAGED) from exc
