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
    )
    assert title == "钟祥市郢中街道的问题"
    assert body.startswith("钟祥市政府、钟祥城、")
    assert body.endswith("湖北省")
    assert "K市" not in body


def test_localise_keeps_every_place_in_the_case_township() -> None:
    import random

    title, body = localise(["A3区的路灯", "A3区和B2区交界处"], random.Random(2), "石牌镇")  # noqa: S311
    assert title == "石牌镇的路灯"
    assert body == "石牌镇和石牌镇交界处"  # crude, but never another township


def test_written_requests_are_filled_and_stay_in_the_township() -> None:
    import random

    from cases.demo_texts import MATTERS, place_in, write_request

    rng = random.Random(3)  # noqa: S311
    for matter in MATTERS:
        assert len(matter.requests) >= 1
        place = place_in("客店镇", "420881113", rng)
        assert place.startswith("客店镇")
        title, content = write_request(matter, place, rng)
        assert "{" not in title + content
        assert place in content
