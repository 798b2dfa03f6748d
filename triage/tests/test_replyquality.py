"""The reply checks on real replies of the contest corpus, and the evaluator's figures."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mochou.datasets import REPLIES_FULL_CSV, read_replied_messages
from triage import replyquality as rq
from triage import replyquality_eval as ev

DOC = Path(__file__).resolve().parents[2] / "docs" / "reply-quality.md"


@pytest.fixture(scope="session")
def corpus() -> dict[str, object]:
    return {m.id: m for m in read_replied_messages(REPLIES_FULL_CSV)}


@pytest.fixture(scope="session")
def stats(tmp_path_factory: pytest.TempPathFactory) -> rq.ReplyStats:
    """The corpus statistics, built once (about half a minute: the tokenizer over 5,610 texts)."""
    return rq.corpus_stats(REPLIES_FULL_CSV, tmp_path_factory.mktemp("reply-stats"))


def _codes(corpus: dict[str, object], message_id: str, stats: rq.ReplyStats | None) -> list[str]:
    m = corpus[message_id]
    return rq.check_reply(m.title, m.body, m.reply, stats).codes  # type: ignore[attr-defined]


@pytest.mark.parametrize("with_corpus", [False, True], ids=["builtin", "corpus"])
def test_a_bare_forwarding_reply_is_flagged_as_only_forwarded(corpus, stats, with_corpus) -> None:
    # 74462: "您的留言已收悉。关于您反映的问题，已转市城管局调查处理。" and nothing else.
    m = corpus["74462"]
    report = rq.check_reply(m.title, m.body, m.reply, stats if with_corpus else None)
    assert report.codes == ["forwarded"]
    assert report.checks[0].text == "只说明已转办或请诉求人另找部门，未答复办理情况（“已转市城管局调查处理”）"


@pytest.mark.parametrize("with_corpus", [False, True], ids=["builtin", "corpus"])
def test_concrete_replies_with_a_date_or_a_basis_are_not_flagged(corpus, stats, with_corpus) -> None:
    # 8776: inspected on 5月17日, opening hours limited to 23:30; 16708: gas connected in 8、9月;
    # 7398: the buy-back policy and its price formula.
    for message_id in ("8776", "16708", "7398"):
        assert _codes(corpus, message_id, stats if with_corpus else None) == [], message_id


def test_an_empty_answer_and_an_off_topic_answer_say_why(corpus, stats) -> None:
    assert _codes(corpus, "12011", stats) == ["boilerplate"]  # "网友：您好！留言已收悉"
    m = corpus["4507"]  # asks about a school's holiday classes; answered about a building site
    report = rq.check_reply(m.title, m.body, m.reply, stats)
    assert report.codes == ["irrelevant"]
    assert "补课" in report.checks[0].detail


def test_the_signing_date_is_not_a_timeline() -> None:
    report = rq.check_reply(
        "我家门口的路灯什么时候修？",
        "莫愁湖路12号门口的路灯坏了一个月了，请问什么时候能修好？",
        "您好！您反映的莫愁湖路12号门口路灯问题，我局正在协调维修单位，将尽快处理。2024年9月2日",
    )
    assert "no_date" in report.codes
    assert "no_action" in report.codes
    dated = rq.check_reply(
        "我家门口的路灯什么时候修？",
        "莫愁湖路12号门口的路灯坏了一个月了，请问什么时候能修好？",
        "您好！经现场查看，莫愁湖路12号门口路灯系线路老化，已于9月5日更换线路，路灯已恢复照明。2024年9月6日",
    )
    assert dated.codes == []


def test_a_filled_in_template_with_its_own_content_is_not_boilerplate() -> None:
    body = (
        "尊敬的张女士：您好！您反映的“小区门口下水道堵塞”问题已收悉。经现场查看，系管道被建筑垃圾堵塞，"
        "市政养护队已于9月25日上午疏通，现已恢复正常排水。感谢您对我们工作的支持！"
    )
    assert rq.check_reply("小区门口下水道堵塞", "莫愁湖路12号小区门口的下水道堵塞好几天了", body).codes == []


def test_a_check_is_fast_enough_for_the_request(corpus, stats) -> None:
    import time

    m = corpus["2549"]
    rq.check_reply(m.title, m.body, m.reply, stats)  # the tokenizer is loaded
    t0 = time.perf_counter()
    for _ in range(5):
        rq.check_reply(m.title, m.body, m.reply, stats)
    assert (time.perf_counter() - t0) / 5 < 0.05


def _table_row(markdown: str, section: str, system: str) -> list[str]:
    part = markdown.split(f"### {section}", 1)[1].split("###", 1)[0]
    line = next(ln for ln in part.splitlines() if ln.startswith(f"| {system} |"))
    return [c.strip() for c in line.strip("|").split("|")]


def test_the_published_figures_equal_a_recomputation(corpus, stats) -> None:
    """docs/reply-quality.md's rows for the method and the length baseline, recounted here from the
    labels and the checks (an independent count, not the evaluator's own scores())."""
    assert DOC.is_file(), "docs/reply-quality.md is missing: run `mochou triage evaluate-replies`"
    md = DOC.read_text(encoding="utf-8")
    rows = ev.load_labelled()
    evidence = {r.id: rq.measure(r.title, r.body, r.reply, stats) for r in rows}
    dev = [r for r in rows if r.split == "dev"]
    assert ev.tune([evidence[r.id] for r in dev], [r.flag for r in dev]) == rq.DEFAULT
    lengths = {r.id: evidence[r.id].features["chars"] for r in rows}
    length_t = ev.tune_length([lengths[r.id] for r in dev], [r.flag for r in dev])
    assert f"短于 {length_t} 字即标记" in md
    for section, sample in (("测试集·随机样本", "random"), ("测试集·候选样本", "candidate")):
        test = [r for r in rows if r.split == "test" and r.sample == sample]
        for system, flagged in (
            ("本方法（分项检查）", lambda r: bool(rq.decide(evidence[r.id]))),
            ("基线：答复长度阈值", lambda r: lengths[r.id] < length_t),
        ):
            tp = sum(1 for r in test if flagged(r) and r.flag)
            fp = sum(1 for r in test if flagged(r) and not r.flag)
            fn = sum(1 for r in test if not flagged(r) and r.flag)
            cells = _table_row(md, section, system)
            assert int(cells[1]) == tp + fp
            assert cells[2].startswith(f"{tp / (tp + fp):.3f}")
            assert cells[3].startswith(f"{tp / (tp + fn):.3f}")
            assert cells[4].startswith(f"{2 * tp / (2 * tp + fp + fn):.3f}")
            lo, hi = ev.wilson(tp, tp + fp)
            assert f"[{lo:.3f}, {hi:.3f}]" in cells[2]
    header = re.search(r"随机样本（代表语料）：(\d+) 条，其中应退回 (\d+) 条", md)
    assert header is not None
    random_test = [r for r in rows if r.split == "test" and r.sample == "random"]
    assert (int(header[1]), int(header[2])) == (len(random_test), sum(r.flag for r in random_test))


def test_wilson_interval_matches_the_textbook_value() -> None:
    lo, hi = ev.wilson(8, 10)  # the standard worked example: 0.490 – 0.943
    assert (round(lo, 3), round(hi, 3)) == (0.49, 0.943)
