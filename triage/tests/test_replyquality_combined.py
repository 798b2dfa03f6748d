"""The combined reply scorer (triage/replyquality_model.py) beside the per-reason checks: what the
leader sees on a boilerplate reply, and that docs/reply-quality.md states the decision its own
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
