"""An uploaded photo through Pillow: opened, verified, turned upright, and re-encoded without metadata.

The one image checker of Mochou: the citizens' photos (portal) and the files a unit attaches to
its answer (cases.attachments) both go through it.

A phone's photo carries EXIF: the GPS position where the citizen stood (often their home), the
time, the phone's model and serial. Mochou keeps none of it, nor the uploaded bytes: only the
pixels, re-encoded (JPEG, PNG or WebP as sent; HEIC/HEIF from iPhones becomes JPEG), and a
small JPEG thumbnail for the pages that list photos.

Pillow reads the format from the bytes (the browser's content type and the file name say nothing
reliable) and only the four decoders named here are tried. A decompression bomb (a small file
that claims a huge canvas) is refused before its pixels are decoded.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

import pillow_heif
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 5 * 1024 * 1024
MAX_SIDE = 8000
# Pillow's own guard, set on purpose rather than left at its default (about 89 MP): no photo we
# accept has more pixels than MAX_SIDE² allows, and above this Pillow refuses to decode at all.
MAX_PIXELS = MAX_SIDE * MAX_SIDE
Image.MAX_IMAGE_PIXELS = MAX_PIXELS
THUMBNAIL_SIDE = 320
JPEG_QUALITY = 85
THUMBNAIL_QUALITY = 75

pillow_heif.register_heif_opener()
# Pillow's names of the formats we accept, and what each one is stored as.
_STORED_AS = {"JPEG": "jpeg", "MPO": "jpeg", "PNG": "png", "WEBP": "webp", "HEIF": "jpeg"}
_DECODERS = ["JPEG", "PNG", "WEBP", "HEIF"]  # MPO (a JPEG with a second frame) is opened by JPEG's

NOT_AN_IMAGE = "文件不是有效的图片，仅支持 JPEG、PNG、WebP、HEIC 格式的照片。"
DAMAGED = "图片文件不完整或已损坏，请重新拍摄或选择其他照片。"


class BadImage(ValueError):
    """The bytes are not a photo we accept; the message is for the citizen."""


@dataclass(frozen=True)
class ImageInfo:
    format: str  # what is stored: "jpeg" | "png" | "webp"
    width: int
    height: int

    @property
    def extension(self) -> str:
        return "jpg" if self.format == "jpeg" else self.format

    @property
    def content_type(self) -> str:
        return f"image/{self.format}"


@dataclass(frozen=True)
class CleanImage:
    """The photo as Mochou stores it: re-encoded pixels, no metadata, and its thumbnail (JPEG)."""

    data: bytes
    info: ImageInfo
    thumbnail: bytes
    source_format: str  # what the citizen sent, e.g. "HEIF"


def _looks_like_a_photo(data: bytes) -> bool:
    """Only to word the refusal: a file that starts like a photo but does not open is damaged."""
    return (
        data.startswith((b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n"))
        or (data[:4] == b"RIFF" and data[8:12] == b"WEBP")
        or (data[4:8] == b"ftyp" and data[8:12] in (b"heic", b"heix", b"mif1", b"msf1", b"heif"))
    )


def _too_big(width: int, height: int) -> BadImage:
    return BadImage(f"照片尺寸过大（{width}×{height}），长和宽都不能超过 {MAX_SIDE} 像素。")


def _open(data: bytes) -> Image.Image:
    """Opened (header only) and verified; the canvas size checked before anything is decoded."""
    with warnings.catch_warnings():
        # Above MAX_IMAGE_PIXELS Pillow only warns (it raises at twice that): refuse it at once.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            probe = Image.open(io.BytesIO(data), formats=_DECODERS)
        except (UnidentifiedImageError, ValueError):
            raise BadImage(DAMAGED if _looks_like_a_photo(data) else NOT_AN_IMAGE) from None
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise BadImage(f"照片尺寸过大（像素过多），长和宽都不能超过 {MAX_SIDE} 像素。") from None
        except (OSError, SyntaxError, EOFError):
            raise BadImage(DAMAGED) from None
    width, height = probe.size
    if not (1 <= width <= MAX_SIDE and 1 <= height <= MAX_SIDE):
        raise _too_big(width, height)
    try:
        probe.verify()  # structure and checksums (PNG CRCs); the object is unusable afterwards
    except Exception:  # Pillow raises many kinds of errors for bad files
        raise BadImage(DAMAGED) from None
    image = Image.open(io.BytesIO(data), formats=_DECODERS)
    try:
        image.load()  # every pixel decoded: a file cut short fails here
    except Exception:  # a decoder error of any kind is a damaged file
        raise BadImage(DAMAGED) from None
    return image


def _pixels_only(image: Image.Image, stored: str) -> Image.Image:
    """Upright pixels in a mode the stored format takes, with no metadata left on the object."""
    upright = ImageOps.exif_transpose(image) or image
    if stored == "jpeg":
        clean = _flattened(upright) if upright.mode not in ("RGB", "L") else upright.copy()
    elif upright.mode in ("RGB", "RGBA", "L", "LA"):
        clean = upright.copy()
    else:
        transparent = "A" in upright.getbands() or "transparency" in upright.info
        clean = upright.convert("RGBA" if transparent else "RGB")
    # Savers fall back to info["exif"], ["icc_profile"], ["xmp"] … when no argument is given.
    clean.info = {}
    return clean


def _flattened(image: Image.Image) -> Image.Image:
    """Transparency onto white (JPEG has none); any other mode (CMYK, P, I;16) to RGB."""
    if "A" in image.getbands() or "transparency" in image.info:
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, "white")
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")


def _encode(image: Image.Image, stored: str) -> bytes:
    out = io.BytesIO()
    if stored == "jpeg":
        image.save(out, format="JPEG", quality=JPEG_QUALITY, optimize=True, exif=b"")
    elif stored == "png":
        image.save(out, format="PNG", optimize=True)
    else:
        image.save(out, format="WEBP", quality=JPEG_QUALITY, exif=b"", xmp=b"")
    return out.getvalue()


def _thumbnail(image: Image.Image) -> bytes:
    small = _flattened(image) if image.mode not in ("RGB", "L") else image.copy()
    small.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE))
    small.info = {}
    out = io.BytesIO()
    small.save(out, format="JPEG", quality=THUMBNAIL_QUALITY, exif=b"")
    return out.getvalue()


def clean_photo(data: bytes) -> CleanImage:
    """The upload re-encoded without metadata, or BadImage with a message in Chinese."""
    if len(data) > MAX_BYTES:
        raise BadImage(f"照片不能超过 {MAX_BYTES // (1024 * 1024)}MB。")
    image = _open(data)
    source = image.format or ""
    stored = _STORED_AS.get(source)
    if stored is None:
        raise BadImage(NOT_AN_IMAGE)
    try:
        image.seek(0)  # an animated or multi-frame file: its first picture only
        clean = _pixels_only(image, stored)
        encoded = _encode(clean, stored)
        thumbnail = _thumbnail(clean)
    except (OSError, ValueError) as exc:
        raise BadImage(DAMAGED) from exc
    return CleanImage(
        data=encoded,
        info=ImageInfo(stored, clean.width, clean.height),
        thumbnail=thumbnail,
        source_format=source,
    )


def inspect(data: bytes) -> ImageInfo:
    """The stored format and upright size of an upload (see clean_photo), or BadImage."""
    return clean_photo(data).info
