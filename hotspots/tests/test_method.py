"""The method on a known world (no database): its groups, their order and their figures."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import timedelta

import pytest

from hotspots.method import Item, Params, average_link, find_hotspots, heat_of
from hotspots.places import places, share_place
from hotspots.tests.world import EXPECTED, REQUESTS, when


def world(township: bool = True) -> list[Item]:
    return [
        Item(id=k, title=t, body=c, time=when(d), places=places(t, c), township=ts if township else "")
        for k, t, c, d, ts in REQUESTS
    ]


def test_the_known_world_gives_the_expected_groups_hottest_first() -> None:
    found = find_hotspots(world())
    assert [h.ids for h in found] == EXPECTED
    assert [h.heat for h in found] == [4.0, 3.0, 2.0]  # no window: the count alone, no votes
    sewer = found[0]
    assert sewer.title == "莫愁湖路阳光小区门口下水道堵塞"
    assert "阳光小区" in sewer.place or "莫愁湖路" in sewer.place
    assert sewer.township == "a"


def test_the_same_problem_in_two_known_townships_is_never_one_group() -> None:
    for h in find_hotspots(world()):
        assert len({REQUESTS[i - 1][4] for i in h.ids}) == 1  # type: ignore[operator]


def test_growth_against_the_window_before() -> None:
    items = world()
    # Two more sewer requests 40 days earlier: inside the window before a 30-day window.
    early = [
        replace(items[0], id=101, time=when(0) - timedelta(days=25)),
        replace(items[1], id=102, time=when(0) - timedelta(days=24)),
    ]
    params = replace(Params(), window_days=30)
    found = find_hotspots(items + early, params, end=when(7))
    sewer = next(h for h in found if 1 in h.ids)
    assert sewer.count == 4
    assert sewer.previous == 2
    assert sewer.previous_ids == [101, 102]
    assert sewer.growth == pytest.approx(math.log2(5 / 3), abs=1e-3)
    assert sewer.heat == pytest.approx(4 * (1 + 0.5 * math.log2(5 / 3)), abs=1e-3)
    fumes = next(h for h in found if 5 in h.ids)
    assert fumes.is_new
    assert fumes.growth == 2.0


def test_heat_formula() -> None:
    p = Params()
    assert heat_of(3, None, 0.0, 0.0, 0, p) == 3.0
    assert heat_of(3, 0, 0.0, 0.0, 0, p) == pytest.approx(3 * (1 + 0.5 * 2))
    assert heat_of(2, None, 0.5, 0.5, 0, p) == pytest.approx(4.0)
    assert heat_of(2, None, 0.0, 0.0, 7, p) == pytest.approx(2 + math.log2(8))
    assert heat_of(1, 100, 0.0, 0.0, 0, p) == pytest.approx(0.5)  # growth clipped at -1


def test_average_link_merges_on_the_mean_not_the_best_pair() -> None:
    # 0–1 strong, 1–2 strong, 0–2 absent: the mean of {0,1} with 2 is (0 + 0.9) / 2 = 0.45.
    scores = {(0, 1): 0.95, (1, 2): 0.9}
    assert average_link(3, scores, 0.5) == [[0, 1], [2]]
    assert average_link(3, scores, 0.4) == [[0, 1, 2]]
    assert average_link(4, {}, 0.1) == [[0], [1], [2], [3]]


def test_places_keep_names_and_drop_the_anonymised_units() -> None:
    names = places("A市A2区丽发新城小区附近建搅拌站噪音扰民")
    assert "丽发新城" in names
    assert not any(n.startswith(("A市", "A2区")) for n in names)
    assert places("请问A市加快国家中心城市建设有何具体行动？") == ()
    assert share_place(("丽发新城",), ("丽发新城小区",))
    assert not share_place(("丽发新城",), ("伊景园",))
