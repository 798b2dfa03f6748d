"""Scoring schemes: the shipped examples, scores, grades, ranks, boards, the change from the
period before, and schemes as versioned configuration."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import pytest
from django.utils import timezone

from loop.versions import ReadOnlyVersion, new_draft, publish
from mochou.errors import InvalidInput
from stats.models import Scheme, SchemeVersion
from stats.periods import Period
from stats.queries import ranking
from stats.schemes import parse
from stats.scoring import competition_ranks, evaluate
from stats.store import scheme, shipped
from stats.tests.world import build

PERIOD = Period(date(2025, 9, 22), date(2025, 10, 31))


def counts(**rates: tuple[int, int]) -> Counter[str]:
    """Counters that give each named rate numerator/denominator."""
    from stats.rates import RATE_BY_CODE

    c: Counter[str] = Counter()
    for code, (num, den) in rates.items():
        rate = RATE_BY_CODE[code]
        c[rate.numerator], c[rate.denominator] = num, den
    return c


def test_every_shipped_scheme_parses_and_says_where_it_comes_from():
    raws = shipped()
    assert [r["code"] for r in raws] == ["three-rates", "lianyungang", "yulin", "yueyang", "bengbu"]
    assert [r["code"] for r in raws if r["is_default"]] == ["three-rates"]
    for raw in raws:
        parse(raw["definition"])
        assert "FORMULAS_AND_SCORING_NOTES" in raw["provenance"] or raw["code"] == "three-rates"
    default = next(r for r in raws if r["is_default"])
    weights = {i["rate"]: i["weight"] for i in default["definition"]["items"]}
    assert weights == {"response": 10, "resolution": 45, "satisfaction": 45}


@pytest.mark.django_db
def test_the_default_scheme_is_in_force_from_the_first_use():
    chosen, _definition = scheme()
    assert chosen.code == "three-rates"
    assert chosen.version.number == 1
    assert chosen.version.is_published
    assert Scheme.objects.filter(version=chosen.version).count() == 5
    chosen.name = "改名"
    with pytest.raises(ReadOnlyVersion):
        chosen.save()


def test_lianyungang_item_scores_match_the_published_points():
    d = parse(next(r for r in shipped() if r["code"] == "lianyungang")["definition"])
    items = {i.rate: i for i in d.group_of("department").items}
    assert items["handle_on_time"].score(0.80) == pytest.approx(5)
    assert items["handle_on_time"].score(0.8982) == pytest.approx(14.82)
    assert items["handle_on_time"].score(0.6667) == 0
    assert items["satisfaction"].score(0.75) == pytest.approx(13.5)
    assert items["satisfaction"].score(5 / 6) == pytest.approx(17.67, abs=0.005)  # 83.33 %
    assert items["satisfaction"].score(0.875) == pytest.approx(19.75)
    assert items["satisfaction"].score(0.50) == 12.5
    assert items["accept_on_time"].score(0.80) == 0
    assert items["accept_on_time"].score(0.7727) == 0
    assert d.group_of("township").max == 150
    assert d.group_of("department").max == 100


def test_lianyungang_groups_are_scored_out_of_150_and_100():
    d = parse(next(r for r in shipped() if r["code"] == "lianyungang")["definition"])
    perfect = counts(
        handle_on_time=(10, 10), satisfaction=(10, 10), accept_on_time=(10, 10), closure=(10, 10)
    )
    rows = evaluate(d, [(1, "甲镇", "township"), (2, "乙局", "department")], {1: perfect, 2: perfect})
    assert {r.name: r.score for r in rows} == {"甲镇": 150.0, "乙局": 100.0}


def test_ties_share_a_rank():
    assert competition_ranks([90, 85, 85, 70]) == [1, 2, 2, 4]


def test_yulin_red_board_per_group_and_black_board_over_all_units():
    d = parse(next(r for r in shipped() if r["code"] == "yulin")["definition"])
    units = [(i, f"镇{i}", "township") for i in range(1, 8)] + [
        (i, f"局{i}", "department") for i in range(11, 18)
    ]
    data = {}
    for pk, _name, _level in units:
        on_time = pk % 10  # 1…7: the higher the better
        data[pk] = counts(satisfaction=(on_time, 7), accept_on_time=(on_time, 7), handle_on_time=(on_time, 7),
                          **{"return": (0, 7), "reopen": (0, 7)})  # fmt: skip
    rows = evaluate(d, units, data)
    red = sorted(r.name for r in rows if "red" in r.boards)
    black = sorted(r.name for r in rows if "black" in r.boards)
    assert red == sorted([f"镇{i}" for i in range(3, 8)] + [f"局{i}" for i in range(13, 18)])
    # The bottom five of all units: the two 1s and the two 2s, and the tie at the fifth place (a 3)
    # is on the red board already, so it stays off the black one.
    assert black == ["局11", "局12", "镇1", "镇2"]


def test_yueyang_grades_and_the_change_from_the_previous_period():
    d = parse(next(r for r in shipped() if r["code"] == "yueyang")["definition"])
    units = [(1, "长岭", "department"), (2, "城建", "department")]
    now = {
        1: counts(handle_on_time=(75, 100), satisfaction=(70, 100)),
        2: counts(handle_on_time=(1, 1), satisfaction=(1, 1)),
    }
    before = {
        1: counts(handle_on_time=(60, 100), satisfaction=(70, 100)),
        2: counts(handle_on_time=(9, 10), satisfaction=(9, 10)),
    }
    rows = {r.name: r for r in evaluate(d, units, now, before)}
    assert rows["长岭"].score == 72.5
    assert rows["长岭"].grade == "C类"
    assert rows["长岭"].previous_grade == "D类"
    assert rows["长岭"].score_change == 7.5
    assert rows["城建"].grade == "A类"
    assert rows["城建"].rank == 1
    assert rows["城建"].rank_change == 0


def test_a_unit_with_no_cases_is_not_ranked_and_a_rate_without_data_is_left_out():
    d = parse(next(r for r in shipped() if r["code"] == "three-rates")["definition"])
    units = [(1, "甲局", "department"), (2, "乙局", "department")]
    rows = {r.name: r for r in evaluate(d, units, {1: counts(response=(1, 2))})}
    assert rows["乙局"].score is None
    assert rows["乙局"].rank is None
    assert rows["甲局"].score == 50.0  # 5 of 10 points, scaled to 100 over the one item with data


@pytest.mark.parametrize(
    "definition",
    [
        {"items": [{"rate": "speed", "weight": 10}]},
        {"items": [{"rate": "satisfaction", "weight": -1}]},
        {"items": [{"rate": "satisfaction", "weight": 10, "points": {"breaks": [[90, 1], [80, 2]]}}]},
        {"groups": [{"level": "village", "max": 100}], "items": [{"rate": "satisfaction", "weight": 1}]},
    ],
)
def test_a_malformed_scheme_is_refused_with_a_chinese_message(definition):
    with pytest.raises(InvalidInput, match="考核方案定义有误"):
        parse(definition)


def test_the_known_world_ranked_under_the_default_scheme(city, clock):
    build(city, clock)
    rows = {r.name: r for r in ranking(PERIOD).rows}
    # 市住建局: 10 × 2/3 + 45 × 2/3 + 45 × 1 = 81.67 (良好); 市教育局: only 响应率 has data, 0 of 1.
    assert (rows["市住建局"].score, rows["市住建局"].grade, rows["市住建局"].rank) == (81.67, "良好", 1)
    assert (rows["市教育局"].score, rows["市教育局"].grade, rows["市教育局"].rank) == (0.0, "不合格", 2)
    # 郢中街道: 响应率 100 %, its one citizen unreachable: scored on 响应率 alone.
    assert (rows["郢中街道"].score, rows["郢中街道"].grade, rows["郢中街道"].rank) == (100.0, "优秀", 1)


def test_an_administrator_publishes_new_weights_as_a_new_version(city, clock):
    admin = city.users["admin"]
    first, _ = scheme()
    starts = timezone.now() + timedelta(days=1)
    draft = new_draft(
        SchemeVersion, actor=admin, valid_from=starts, copy_from=first.version, note="满意率加权"
    )
    entry = draft.entries.get(code="three-rates")
    weights = {"response": 20, "resolution": 30, "satisfaction": 50}
    items = [{"rate": rate, "weight": weight} for rate, weight in weights.items()]
    entry.definition = {**entry.definition, "items": items}
    entry.save()
    publish(draft, actor=admin, reason="市政府办公室通知")
    assert scheme().__getitem__(0).version.number == 1  # today: still the first
    chosen, definition = scheme(at=starts + timedelta(hours=1))
    assert chosen.version.number == 2
    assert [i.weight for i in definition.group_of("township").items] == [20, 30, 50]
    assert SchemeVersion.objects.count() == 2  # the history
