"""The scorers of triage/replyquality_model.py beside the per-reason checks: what the leader sees on
a boilerplate reply, that the linear scorer's plain-number form scores as scikit-learn does, and
that docs/reply-quality.md lists every system scored on test and states the decision its own
figures support. No database."""

from __future__ import annotations

import re
from pathlib import Path

from triage import replyquality as rq
from triage import replyquality_eval as ev
from triage import replyquality_model as rqm

DOC = Path(__file__).resolve().parents[2] / "docs" / "reply-quality.md"

REQUEST = ("小区路灯坏了三个月", "我们小区门口的路灯坏了三个月，晚上很黑，老人出门摔倒了，什么时候能修好？")
BOILERPLATE = "您好！您的留言已收悉，感谢您对我们工作的关心和支持。我们高度重视，将认真研究。"
CONCRETE = (
    "经现场核查，小区门口三盏路灯因线路老化损坏。我局已安排维修班组更换线路和灯具，"
    "预计于2020年5月20日前修复完毕。"
)


def test_the_leader_sees_a_boilerplate_reply_flagged_with_its_reason() -> None:
    payload = rq.checks_payload(*REQUEST, BOILERPLATE, rq.shipped_stats())
    assert payload["checks"], "a reply of template sentences only must be flagged"
    assert payload["checks"][0]["code"] in {"boilerplate", "forwarded"}
    assert payload["checks"][0]["label"] in rq.LABELS.values()


def test_a_concrete_reply_with_a_date_is_not_flagged() -> None:
    assert rq.checks_payload(*REQUEST, CONCRETE, rq.shipped_stats())["checks"] == []


def test_the_combined_features_hold_the_checks_and_the_overlap() -> None:
    ev_ = rq.measure(*REQUEST, BOILERPLATE, rq.shipped_stats())
    p = rqm.pair(*REQUEST, BOILERPLATE, ev_)
    fired = {c.code for c in rq.decide(ev_)}
    assert p.dense[11] == 1.0
    assert len(p.dense) == 12 + len(rq.LABELS)
    assert [bool(v) for v in p.dense[12:]] == [c in fired for c in rq.LABELS]
    assert rqm.overlap_text("路灯坏了", "路灯已修好") == "路灯"


def _f1_cell(md: str, section: str, system: str) -> float:
    part = md.split(section, 1)[1]
    line = next(ln for ln in part.splitlines() if ln.startswith(f"| {system} |"))
    return float(line.strip("|").split("|")[4].split()[0])


def test_the_doc_states_the_decision_its_figures_support() -> None:
    assert DOC.is_file(), "run `mochou triage evaluate-replies`"
    md = DOC.read_text(encoding="utf-8")
    sec = "测试集·随机样本（代表语料）"
    combined = _f1_cell(md, sec, ev._SYSTEM_TITLES["combined"])
    baselines = max(_f1_cell(md, sec, ev._SYSTEM_TITLES[k]) for k in ("length", "logreg"))
    beats = combined > baselines
    assert ("**没有**同时超过" in md) == (not beats)
    assert f"`replyquality_model.SERVES = {rqm.SERVES}`" in md or (beats and rqm.SERVES)
    if not beats:
        assert not rqm.SERVES, "the combined scorer may not set the flag when it loses to a baseline"
    assert re.search(r"判定阈值 0\.\d+（交叉验证 F1 0\.\d{3}）。测试集只评一次", md)


def _section(md: str, title: str) -> list[list[str]]:
    """The table rows (cells stripped) of the ### section ``title``."""
    part = md.split(f"### {title}", 1)[1].split("###", 1)[0].split("\n## ", 1)[0]
    rows = [ln for ln in part.splitlines() if ln.startswith("| ") and not ln.startswith("|---")]
    return [[c.strip() for c in ln.strip("|").split("|")] for ln in rows[1:]]


def test_the_doc_lists_every_system_scored_on_test_and_the_linear_scorers_decision() -> None:
    md = DOC.read_text(encoding="utf-8")
    f1 = {k: _f1_cell(md, "测试集·随机样本（代表语料）", t) for k, t in ev._SYSTEM_TITLES.items()}
    # Every system whose test labels were read has its row, with the F1 of the main table.
    listed = {row[0]: row[3] for row in _section(md, "在测试集上评过的全部系统")}
    assert set(listed) == set(ev._SYSTEM_TITLES.values())
    for key, title in ev._SYSTEM_TITLES.items():
        assert listed[title].startswith(f"{f1[key]:.3f}")
    # The paired differences are the differences of the table's F1 (up to rounding).
    paired = {(row[0], row[1]): row[2] for row in _section(md, "与基线之差（测试集·随机样本，配对自助法）")}
    assert len(paired) == 6
    for cand in ("method", "combined", "linear"):
        for base in ("length", "logreg"):
            diff = float(paired[ev._SYSTEM_TITLES[cand], ev._SYSTEM_TITLES[base]].split()[0])
            assert abs(diff - (f1[cand] - f1[base])) <= 0.0015
    assert f"`replyquality_model.SERVES2 = {rqm.SERVES2}`" in md
    if f1["linear"] <= max(f1["length"], f1["logreg"]):
        assert not rqm.SERVES2, "the linear scorer may not set the flag when it loses to a baseline"
        assert f"随机测试样本上线性评分 F1 {f1['linear']:.3f}，**没有**同时超过" in md
    # The nested dev estimate sits beside the test difference it is to be compared with.
    nested = _section(md, "开发集上的嵌套交叉验证：线性评分与长度阈值")
    assert nested[0][0].startswith("随机样本")
    assert nested[0][4] == paired[ev._SYSTEM_TITLES["linear"], ev._SYSTEM_TITLES["length"]]


def test_the_linear_scorer_scores_without_scikit_learn_as_scikit_learn_does() -> None:
    import numpy as np

    rng = np.random.default_rng(3)
    x = rng.normal(size=(60, len(rqm.FEATURES)))
    y = (x[:, 0] + 0.5 * x[:, 3] + rng.normal(scale=0.8, size=60)) > 0.3
    model = rqm.train_linear(x.tolist(), y.tolist())
    sc, clf = rqm._fit_linear(x, y, model.chosen["C"])
    expected = clf.predict_proba(sc.transform(x))[:, 1]
    assert max(abs(model.probability(r) - p) for r, p in zip(x.tolist(), expected, strict=True)) < 1e-9
    again = rqm.LinearScorer.from_dict(model.as_dict())
    assert [again.flag(r) for r in x.tolist()] == [bool(p >= model.threshold) for p in expected]


def _named_features(reply: str, stats: rq.ReplyStats) -> dict[str, float]:
    values = rqm.features(*REQUEST, reply, rq.measure(*REQUEST, reply, stats), stats)
    assert len(values) == len(rqm.FEATURES)
    return dict(zip(rqm.FEATURES, values, strict=True))


def test_the_linear_features_tell_a_forwarding_note_from_a_concrete_answer() -> None:
    stats = rq.shipped_stats()
    assert stats is not None
    forward = _named_features("您好！您的留言已收悉。关于您反映的问题，已转市城管局调查处理。", stats)
    concrete = _named_features(CONCRETE, stats)
    assert forward["forwarding"] > 0
    assert concrete["forwarding"] == 0
    assert forward["title_cover"] == 0  # the note names nothing of 小区路灯坏了三个月
    assert concrete["title_cover"] > 0.25  # the answer names 小区 and 路灯
    assert concrete["request_cover"] > forward["request_cover"]
    assert concrete["dates"] > 0
    assert concrete["actions"] > 0
    assert forward["actions"] == 0
    assert concrete["log_own"] > forward["log_own"]
