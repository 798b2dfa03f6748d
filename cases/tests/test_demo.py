"""The case seeder's text handling (the whole demo city is tested in mochou/tests/test_seed_demo.py)."""

from __future__ import annotations

from cases.demo import clean_text, localise


def test_clean_text_and_localise() -> None:
    import random

    assert (
        clean_text("\n\t\t\u3000\u3000第一段_x000D_\n\u3000\u3000第二段\xa0好\n\t\t") == "第一段\n第二段 好"
    )
    title, body = localise(
        ["A市A3区的问题", "A市A3区政府、A7县城、K市医院，西地省"],
        random.Random(1),  # noqa: S311
        "郢中街道",
        ["郢中街道", "胡集镇"],
    )
    assert title == "钟祥市郢中街道的问题"
    assert body.startswith("钟祥市政府、钟祥城、")
    assert body.endswith("湖北省")
    assert "K市" not in body
