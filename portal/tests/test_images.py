"""What counts as a photo, and what is kept of it: Pillow opens and verifies every upload, refuses
bombs and broken files, turns it upright and re-encodes it without any metadata."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from mochou.images import MAX_PIXELS, MAX_SIDE, BadImage, clean_photo, inspect
from portal.tests import samples


@pytest.mark.parametrize(
    ("data", "fmt", "size", "ext"),
    [
        (samples.png(4, 3), "png", (4, 3), "png"),
        (samples.jpeg(640, 480), "jpeg", (640, 480), "jpg"),
        (samples.webp(1200, 900), "webp", (1200, 900), "webp"),
        (samples.heic(64, 48), "jpeg", (64, 48), "jpg"),  # HEIC/HEIF from iPhones is stored as JPEG
    ],
)
def test_accepted_formats_report_their_size(data: bytes, fmt: str, size: tuple[int, int], ext: str) -> None:
    info = inspect(data)
    assert (info.format, (info.width, info.height), info.extension) == (fmt, size, ext)
    assert info.content_type == f"image/{fmt}"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"just some text, renamed to photo.jpg\n" * 3, "不是有效的图片"),
        (b"GIF89a" + b"\x00" * 40, "不是有效的图片"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", "不是有效的图片"),
        (samples.png(64, 64)[:-20], "不完整或已损坏"),  # truncated PNG
        (samples.png(64, 64)[:60], "不完整或已损坏"),
        (samples.png(64, 64)[:30] + b"\x00" + samples.png(64, 64)[31:], "不完整或已损坏"),  # bad CRC
        (samples.jpeg(64, 64)[:-100], "不完整或已损坏"),  # cut in the scan
        (b"\xff\xd8\xff\xd9", "不完整或已损坏"),
        (samples.webp(64, 64)[:-6], "不完整或已损坏"),
        (samples.png_claiming(MAX_SIDE + 1, 10), "尺寸过大"),
        (samples.png_claiming(20000, 20000), "尺寸过大"),
        (samples.png_claiming(0, 10), "不完整或已损坏"),  # a canvas of no width is no picture
        (samples.png() + b"\x00" * (5 * 1024 * 1024), "不能超过 5MB"),
    ],
)
def test_bad_files_are_refused_with_a_reason(data: bytes, message: str) -> None:
    with pytest.raises(BadImage, match=message):
        inspect(data)


def test_a_decompression_bomb_is_refused_before_it_is_decoded() -> None:
    bomb = samples.png_bomb()  # 12000×12000 pixels in a few hundred kilobytes
    assert len(bomb) < 1024 * 1024
    assert Image.MAX_IMAGE_PIXELS == MAX_PIXELS  # set on purpose, not Pillow's default
    with pytest.raises(BadImage, match="照片尺寸过大（像素过多）"):
        clean_photo(bomb)


def _metadata_of(data: bytes) -> tuple[dict[int, object], set[str]]:
    with Image.open(io.BytesIO(data)) as image:
        return dict(image.getexif()), {str(key) for key in image.info}


@pytest.mark.parametrize("make", [samples.jpeg_with_gps, samples.heic])
def test_nothing_but_pixels_is_kept(make: object) -> None:
    sent = make()  # type: ignore[operator]
    assert samples.CAMERA.encode() in sent  # the upload does carry it
    clean = clean_photo(sent)
    for data in (clean.data, clean.thumbnail):
        assert samples.CAMERA.encode() not in data
        assert b"Exif" not in data
        assert b"MochouICC" not in data
        assert b"xmpmeta" not in data
        exif, info = _metadata_of(data)
        assert exif == {}
        assert not info & {"exif", "icc_profile", "xmp", "XML:com.adobe.xmp", "photoshop", "comment"}


def test_the_exif_orientation_is_applied_then_dropped() -> None:
    # Orientation 6: the phone was held upright, the sensor wrote the picture lying on its side.
    clean = clean_photo(samples.jpeg_with_gps(60, 40, orientation=6))
    assert (clean.info.width, clean.info.height) == (40, 60)
    with Image.open(io.BytesIO(clean.data)) as image:
        assert image.size == (40, 60)
        assert 0x0112 not in image.getexif()


def test_a_thumbnail_is_small_and_keeps_the_shape() -> None:
    clean = clean_photo(samples.jpeg(1600, 1200))
    with Image.open(io.BytesIO(clean.thumbnail)) as thumbnail:
        assert (thumbnail.format, thumbnail.size) == ("JPEG", (320, 240))


def test_a_transparent_png_stays_a_png_and_its_thumbnail_is_flattened() -> None:
    out = io.BytesIO()
    Image.new("RGBA", (20, 10), (255, 0, 0, 0)).save(out, format="PNG")
    clean = clean_photo(out.getvalue())
    assert clean.info.format == "png"
    with Image.open(io.BytesIO(clean.thumbnail)) as thumbnail:
        assert thumbnail.mode == "RGB"
        assert thumbnail.getpixel((0, 0)) == (255, 255, 255)
