"""What counts as a photo: the format from the bytes, the size from the header, whole files only."""

from __future__ import annotations

import pytest

from portal.images import MAX_SIDE, BadImage, inspect
from portal.tests import samples


@pytest.mark.parametrize(
    ("data", "fmt", "size", "ext"),
    [
        (samples.png(4, 3), "png", (4, 3), "png"),
        (samples.jpeg(640, 480), "jpeg", (640, 480), "jpg"),
        (samples.webp(1200, 900), "webp", (1200, 900), "webp"),
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
        (samples.png()[:-20], "不完整或已损坏"),  # truncated PNG
        (samples.png()[:40], "不完整或已损坏"),
        (samples.png()[:30] + b"\x00" + samples.png()[31:], "不完整或已损坏"),  # a flipped byte: bad CRC
        (samples.jpeg()[:-10], "不完整或已损坏"),  # cut in the scan: no end-of-image marker
        (b"\xff\xd8\xff\xd9", "不完整或已损坏"),
        (samples.webp()[:-6], "不完整或已损坏"),
        (samples.png_claiming(MAX_SIDE + 1, 10), "尺寸过大"),
        (samples.png_claiming(20000, 20000), "尺寸过大"),
        (samples.png_claiming(0, 10), "尺寸过大"),
        (samples.png() + b"\x00" * (5 * 1024 * 1024), "不能超过 5MB"),
    ],
)
def test_bad_files_are_refused_with_a_reason(data: bytes, message: str) -> None:
    with pytest.raises(BadImage, match=message):
        inspect(data)
