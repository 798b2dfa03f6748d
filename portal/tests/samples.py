"""Small, real image files built in the tests with Pillow (no binary fixtures in the repository)."""

from __future__ import annotations

import io
import struct
import zlib

import pillow_heif
from PIL import Image

# Where the test photos were "taken": a spot in 钟祥 that must never reach a stored or served byte.
GPS_LATITUDE = (31.0, 10.0, 43.21)
GPS_LONGITUDE = (112.0, 35.0, 12.34)
CAMERA = "MochouTestPhone X1"  # also in the EXIF: the phone model is personal data too


def _picture(width: int, height: int) -> Image.Image:
    """A gradient rather than one colour, so that encoders have something to encode."""
    image = Image.new("RGB", (width, height))
    image.putdata(
        [
            ((x * 255) // max(1, width - 1), (y * 255) // max(1, height - 1), 128)
            for y in range(height)
            for x in range(width)
        ]
    )
    return image


def _saved(image: Image.Image, fmt: str, **options: object) -> bytes:
    out = io.BytesIO()
    image.save(out, format=fmt, **options)
    return out.getvalue()


def png(width: int = 4, height: int = 3) -> bytes:
    return _saved(_picture(width, height), "PNG")


def jpeg(width: int = 8, height: int = 6) -> bytes:
    return _saved(_picture(width, height), "JPEG")


def webp(width: int = 10, height: int = 7) -> bytes:
    return _saved(_picture(width, height), "WEBP", lossless=True)


def gps_exif(orientation: int = 1) -> Image.Exif:
    """EXIF as a phone writes it: camera model, orientation and a GPS position (GPS IFD)."""
    exif = Image.Exif()
    exif[0x0110] = CAMERA  # Model
    exif[0x0112] = orientation  # Orientation
    gps = exif.get_ifd(0x8825)  # GPSInfo
    gps.update({1: "N", 2: GPS_LATITUDE, 3: "E", 4: GPS_LONGITUDE})
    return exif


def jpeg_with_gps(width: int = 60, height: int = 40, orientation: int = 1) -> bytes:
    """A JPEG carrying the GPS EXIF above, an ICC profile and an XMP packet."""
    icc = b"\x00" * 128 + b"MochouICCProfileMarker"
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:Description GPSLatitude="31,10.72N"/></x:xmpmeta>'
    return _saved(
        _picture(width, height), "JPEG", exif=gps_exif(orientation).tobytes(), icc_profile=icc, xmp=xmp
    )


def heic(width: int = 64, height: int = 48) -> bytes:
    """An HEIC as an iPhone sends it (pillow-heif's encoder), with the GPS EXIF."""
    pillow_heif.register_heif_opener()
    return _saved(_picture(width, height), "HEIF", exif=gps_exif().tobytes(), quality=90)


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png_claiming(width: int, height: int) -> bytes:
    """A structurally whole PNG whose header claims the given size (a decompression-bomb shape)."""
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + _chunk(b"IEND", b"")
    )


def png_bomb(side: int = 12000) -> bytes:
    """A real decompression bomb: a side×side grey PNG whose zeros compress to a few hundred KB."""
    row = b"\x00" + b"\x00" * side  # filter byte + one byte per pixel (greyscale)
    compressor = zlib.compressobj(9)
    body = b"".join(compressor.compress(row) for _ in range(side)) + compressor.flush()
    header = struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", body) + _chunk(b"IEND", b"")
