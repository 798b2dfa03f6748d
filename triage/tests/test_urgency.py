"""Urgency detector: unit cases and floors measured on triage/data/urgency-testset.csv.

Run: .venv/bin/python -m pytest triage/tests/test_urgency.py -q -p no:django
"""

from __future__ import annotations

import pytest

from mochou.datasets import read_urgency_testset
from triage.normalize import normalize
from triage.urgency import CATEGORIES, REASONS, UrgencyAssessment, assess_urgency
from triage.urgency_eval import is_dev, score

# Written for these tests (not rows of the test set), one per category.
URGENT_CASES = [
    ("gas", "厨房有煤气味", "我在郢中街道，回家一开门就闻到很重的煤气味，我老婆在屋里有点头晕。"),
    ("gas", "楼道怪味", "楼道里闻到一股臭鸡蛋味，好冲，已经好几个钟头了。"),
    ("fire", "楼下着火了", "胡集镇街上一家饭馆着火了，火苗从窗户往外窜。"),
    ("collapse", "老屋墙开裂", "昨天下暴雨，我家后墙裂开了好大一条缝，还在往外歪，屋里有人住。"),
    ("flood", "水漫进屋了", "柴湖镇这边雨下了一夜，水已经漫进屋里了，快到小腿了。"),
    ("electric", "电线掉在地上", "风把电线刮断了，电线掉在人行道上还在打火花。"),
    ("child_alone", "孩子一个人在家", "隔壁的孩子一个人在家哭了一下午，敲门没有大人应。"),
    ("vulnerable", "独居老人", "楼上独居的老太太好几天没出门了，敲门没有反应。"),
    ("self_harm", "活不下去", "工资一直不发，我真的不想活了。"),
    ("violence", "有人打人", "我家门口有人拿着刀在吵，说要弄死对方。"),
    ("public_opinion", "找媒体", "再不给我们解决，我们就去省里上访，还要把视频发到抖音上。"),
]

NORMAL_CASES = [
    ("燃气费咨询", "请问钟祥的燃气费每立方多少钱？"),
    ("燃气表检查", "燃气公司来检查过了，没有燃气泄漏，只是表走得快。"),
    ("消防证办理", "开饭店要办消防手续，请问去哪里办理？"),
    ("消防通道被占", "小区消防通道长期被私家车占用，请督促物业整改。"),
    ("楼道杂物", "楼道堆放杂物，存在火灾隐患，希望物业清理。"),
    ("火车站", "火车站出租车不打表。"),
    ("安全头盔", "骑电动车必须戴安全头盔吗？"),
    ("房屋鉴定", "我家房子经鉴定不存在安全隐患，为什么还要拆？"),
    ("去年火灾补助", "去年我们村曾经着火烧了两间房，重建补助什么时候发？"),
    ("防汛物资", "咨询防汛物资采购政策。"),
    ("转学", "孩子一个人在外地上学，想转回钟祥读书，要什么手续？"),
    ("快递", "快递三天没送，气死我了。"),
    ("广告", "步行街的店天天喊跳楼价，太吵了。"),
    ("信访局", "请问市信访局的地址和上班时间？"),
    ("危房改造", "农村危房改造补贴怎么申请？"),
]


@pytest.fixture(scope="module")
def testset():
    return read_urgency_testset()


@pytest.mark.parametrize(("category", "title", "body"), URGENT_CASES)
def test_urgent_with_reason(category, title, body):
    a = assess_urgency(title, body)
    assert isinstance(a, UrgencyAssessment)
    assert a.urgent
    assert a.level == "urgent"
    assert category in a.categories
    assert REASONS[category] in a.reasons
    assert a.matched
    assert all(m in normalize(f"{title}。{body}") for m in a.matched)  # phrases of the normalised text


def test_gas_reason_text():
    a = assess_urgency("燃气泄漏", "楼道里天然气泄漏了")
    assert a.reasons[0] == "燃气泄漏：危及生命财产安全"
    assert a.categories[0] == "gas"


@pytest.mark.parametrize(("title", "body"), NORMAL_CASES)
def test_normal_mentions(title, body):
    a = assess_urgency(title, body)
    assert not a.urgent, (a.categories, a.matched)
    assert a.level == "normal"
    assert a.reasons == []
    assert a.categories == []


def test_negation_and_history_lower_a_match():
    assert assess_urgency("", "现在楼道里有燃气泄漏").urgent
    assert not assess_urgency("", "检查过了，没有燃气泄漏").urgent
    assert not assess_urgency("", "去年曾经着火，房子已经修好。").urgent
    assert assess_urgency("", "去年修的房子，现在又着火了！").urgent


def test_weak_pattern_needs_context():
    assert not assess_urgency("", "小区有异味").urgent
    assert assess_urgency("", "小区现在有股刺鼻的异味，越来越重，燃气管就在旁边").urgent


def test_hazard_is_not_an_emergency_but_materialised_danger_is():
    assert not assess_urgency("", "仓库存在火灾隐患，一旦引发火灾后果不堪设想").urgent
    assert assess_urgency("", "仓库冒黑烟了，里面还有人").urgent


def test_empty_and_none_safe():
    a = assess_urgency("", "")
    assert not a.urgent
    assert a.score == 0.0
    # None on purpose: untyped callers (templates, old rows) may pass it, and it must not raise.
    assert not assess_urgency(None, None).urgent  # type: ignore[arg-type]


def test_categories_and_reasons_aligned():
    a = assess_urgency("", "着火了，有人被困，还有人说不想活了")
    assert a.categories == [c for c in a.categories if c in CATEGORIES]
    assert a.reasons == [REASONS[c] for c in a.categories]


def test_testset_shape(testset):
    urgent = [e for e in testset if e.urgent]
    ordinary = [e for e in testset if not e.urgent]
    assert len(urgent) >= 100
    assert len([e for e in ordinary if e.source == "real"]) >= 300
    assert {e.source for e in testset} == {"real", "written"}
    assert len({e.id for e in testset}) == len(testset)
    # Outages were added for the real messages; the written set has none.
    assert {e.category for e in urgent} == set(CATEGORIES) - {"outage"}
    held = [e for e in testset if not is_dev(e.id)]
    assert 0.6 < len(held) / len(testset) < 0.8


# Floors a little under the figures of this synthetic set (docs/urgency.md) after the lexicon was
# retuned on the real dev rows: held-out recall 0.896, precision 0.878; whole set recall 0.923,
# precision 0.904 (before that retuning: 0.906, 0.870, 0.937, 0.912).
HELD_OUT_RECALL_FLOOR = 0.88
HELD_OUT_PRECISION_FLOOR = 0.85
WHOLE_RECALL_FLOOR = 0.91
WHOLE_PRECISION_FLOOR = 0.89


def _flags(examples):
    return {e.id: assess_urgency(e.title, e.body).urgent for e in examples}


def test_held_out_recall_and_precision_floor(testset):
    held = [e for e in testset if not is_dev(e.id)]
    s = score(held, _flags(held))
    assert s.recall >= HELD_OUT_RECALL_FLOOR, s
    assert s.precision >= HELD_OUT_PRECISION_FLOOR, s


def test_whole_set_floor(testset):
    s = score(testset, _flags(testset))
    assert s.recall >= WHOLE_RECALL_FLOOR, s
    assert s.precision >= WHOLE_PRECISION_FLOOR, s


def test_hard_negatives_not_flagged(testset):
    hard = [e for e in testset if e.source == "written" and not e.urgent]
    flagged = [e.id for e in hard if assess_urgency(e.title, e.body).urgent]
    assert len(flagged) <= 2, flagged
