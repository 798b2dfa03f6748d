"""Measure the urgency detector on triage/data/urgency-testset.csv and write docs/urgency.md.

    python -m triage.urgency_eval            # print the report and write docs/urgency.md
    python -m triage.urgency_eval --dev      # print only the development part's errors (for tuning)
    python -m triage.urgency_eval --no-write # print, do not write

The test set is split deterministically by id: a row is in the *development* part when the first
8 hex digits of SHA-256(id) modulo 10 are < 3 (≈ 30 %); the rest is *held out*. The lexicon was
tuned looking only at development errors; held-out figures are the honest ones. No Django imports.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import statistics
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from triage.urgency import _RULES_SRC, CATEGORIES, REASONS, assess_urgency

REPO_ROOT = Path(__file__).resolve().parent.parent
TESTSET = REPO_ROOT / "triage" / "data" / "urgency-testset.csv"
DOC = REPO_ROOT / "docs" / "urgency.md"
DEV_SHARE = 3  # out of 10


@dataclass(frozen=True)
class Example:
    id: str
    title: str
    body: str
    urgent: bool
    category: str
    source: str

    @property
    def dev(self) -> bool:
        return is_dev(self.id)


def is_dev(example_id: str) -> bool:
    return int(hashlib.sha256(example_id.encode("utf-8")).hexdigest()[:8], 16) % 10 < DEV_SHARE


def read_testset(path: str | Path = TESTSET) -> list[Example]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return [
            Example(
                id=r["id"],
                title=r["title"],
                body=r["body"],
                urgent=r["urgent"].strip() == "1",
                category=r["category"].strip(),
                source=r["source"].strip(),
            )
            for r in csv.DictReader(fh)
        ]


@dataclass
class Scores:
    n: int
    urgent: int
    tp: int
    fp: int
    fn: int

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def score(examples: list[Example], predictions: dict[str, bool]) -> Scores:
    tp = sum(1 for e in examples if e.urgent and predictions[e.id])
    fp = sum(1 for e in examples if not e.urgent and predictions[e.id])
    fn = sum(1 for e in examples if e.urgent and not predictions[e.id])
    return Scores(n=len(examples), urgent=sum(e.urgent for e in examples), tp=tp, fp=fp, fn=fn)


def predict(examples: list[Example]) -> dict[str, object]:
    return {e.id: assess_urgency(e.title, e.body) for e in examples}


SHORT = 500  # characters of title + body: a typical hotline call transcript is shorter


def _pcts(times: list[float]) -> tuple[float, float, float]:
    times = sorted(times)
    return times[len(times) // 2], times[min(len(times) - 1, int(len(times) * 0.99))], statistics.mean(times)


def latency_ms(examples: list[Example], repeats: int = 5) -> dict[str, tuple[int, float, float, float]]:
    """Per-message time of assess_urgency in ms, best of `repeats` runs of each message (removes
    scheduler/GC noise): {bucket: (n, p50, p99, mean)}, plus "all, every run" (raw, noisy)."""
    assess_urgency("预热", "")
    best: dict[str, list[float]] = {"all": [], f"≤ {SHORT} characters": [], f"> {SHORT} characters": []}
    raw: list[float] = []
    for e in examples:
        runs = []
        for _ in range(repeats):
            t0 = time.perf_counter()
            assess_urgency(e.title, e.body)
            runs.append((time.perf_counter() - t0) * 1000)
        raw.extend(runs)
        best["all"].append(min(runs))
        short = len(e.title) + len(e.body) <= SHORT
        best[f"≤ {SHORT} characters" if short else f"> {SHORT} characters"].append(min(runs))
    out = {k: (len(v), *_pcts(v)) for k, v in best.items() if v}
    out["all, every single run (raw)"] = (len(raw), *_pcts(raw))
    return out


def _short(text: str, n: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def build_report(examples: list[Example]) -> str:
    preds = predict(examples)
    flags = {k: v.urgent for k, v in preds.items()}
    dev = [e for e in examples if e.dev]
    held = [e for e in examples if not e.dev]
    parts = {"held-out (70 %)": held, "development (30 %)": dev, "whole set": examples}
    lat = latency_ms(examples)
    sha = hashlib.sha256(Path(TESTSET).read_bytes()).hexdigest()
    src = Counter((e.source, e.urgent) for e in examples)

    out: list[str] = []
    w = out.append
    w("# Urgency: danger to life or property, and public-opinion risk")
    w("")
    w("<!-- Generated by `python -m triage.urgency_eval`; edit triage/urgency_eval.py, not this file. -->")
    w("")
    w("`triage.urgency.assess_urgency(title, body) -> UrgencyAssessment` marks a citizen message")
    w("**urgent** (it jumps the queue) with the reasons, the categories and the phrases that matched, or")
    w("**normal**. No Django imports, no model file, no network; pure Python regular expressions.")
    w("")
    w("```python")
    w("from triage.urgency import assess_urgency")
    w('a = assess_urgency("楼道里煤气味很重", "三楼没人在家，味道越来越大")')
    w("a.urgent, a.level      # True, 'urgent'")
    w("a.reasons              # ['燃气泄漏：危及生命财产安全']")
    w("a.categories, a.matched  # ['gas'], ['煤气味']")
    w("```")
    w("")
    w("## What counts as urgent")
    w("")
    w("Urgent = a danger to life or property that is **happening now or imminent**, or a")
    w("**public-opinion risk**. Categories and the reason shown to the dispatcher:")
    w("")
    w("| category | reason | examples |")
    w("|---|---|---|")
    examples_by_cat = {
        "gas": "闻到煤气味/臭鸡蛋味, 液化气罐冒气, 燃气管挖断, 烧炭头晕",
        "fire": "着火, 冒黑烟, 焦糊味, 电瓶车炸了",
        "collapse": "墙裂了好宽的缝, 挡土墙鼓出, 路面塌陷, 后山往下滑, 广告牌快掉下来",
        "flood": "水漫进屋, 车库进水, 堤坝渗浑水/管涌, 山洪, 积水一米多深有人被困",
        "electric": "电线掉在路上冒火花, 漏电, 有人触电, 配电箱冒烟",
        "child_alone": "孩子一个人在家哭了一下午, 车里锁着小孩, 小孩爬上窗台, 孩子走丢",
        "vulnerable": "独居老人几天没出门, 老年痴呆老人走失, 老人晕倒/摔倒无人照看",
        "self_harm": "不想活了, 喝了农药, 站在桥栏杆外, 发遗书, 死在政府门口",
        "violence": "拿刀砍人, 家暴, 讨债威胁卸腿, 围殴学生, 绑架",
        "public_opinion": "找媒体/发抖音曝光, 上访/进京/去省里, 集体上访, 聚集/堵路/拉横幅/静坐, 热搜",
    }
    for c in CATEGORIES:
        w(f"| `{c}` | {REASONS[c]} | {examples_by_cat[c]} |")
    w("")
    w("**Hazards are ordinary.** A reported hazard with no danger *now* — 消防通道被占用, 楼道堆放杂物")
    w("存在火灾隐患, 工地无安全防护措施, 路口没有红绿灯, 危房改造申请 — is a normal case for the")
    w("responsible department (消防/住建/交警) on the normal time limit: it is important but not an")
    w("emergency, and letting every 隐患 jump the queue would bury the real emergencies. It becomes urgent")
    w("when the message says the danger is materialising: smoke, a smell of gas, cracks widening, a wall")
    w("leaning over a path people use, water coming in. Past events (去年曾经着火, 2008年垮塌) and")
    w("consultations about fees, licences and subsidies (燃气费, 消防证办理, 防汛物资采购) are ordinary.")
    w("Hyperbole (烦死了, 气死我了, 跳楼价) is ordinary. A message is not urgent only because it is angry.")
    w("")
    w("**Public-opinion risk (舆情风险)** = the writer threatens or plans media/internet exposure, going")
    w("to higher levels (越级上访: 省里, 北京, 一级一级上访), or collective action; or the message reports")
    w("collective action (聚众维权, 群体性, 聚集, 堵路, 横幅, 静坐, 罢工/停运) or that the matter is already")
    w("spreading online (热搜, 传疯了). A single past media report mentioned as background, or a question")
    w('about where the 信访局 is, is ordinary. Conditional threats ("如果不解决就去北京") count.')
    w("")
    w("## Method")
    w("")
    w("1. **Normalisation**: `triage.normalize.normalize` of `title + '。' + body` (NFKC, HTML removed,")
    w("   phone numbers / ID numbers / e-mails masked) — the same as the category model.")
    n_strong = sum(1 for _, wgt, _ in _RULES_SRC if wgt >= 1)
    w(f"2. **Lexicon** (`triage/urgency.py`, `_RULES_SRC`): {len(_RULES_SRC)} regular expressions in")
    w(f"   {len(CATEGORIES)} categories, written from general knowledge of hotline emergencies.")
    w(f"   {n_strong} are *strong* (weight 1 — enough on their own, e.g. `煤气味`, `着火`, `不想活`,")
    w("   `上访`); the others are *weak* (weight 0.5, e.g. `异味`, `危房`, `电话打不通`, `讨说法`): they")
    w("   need a second pattern of the same category, or an immediacy cue (现在/正在/马上/刚才/还在/")
    w("   越来越/赶紧/救命/急/今天 …) in the same sentence. Each pattern counts once; a category with")
    w("   score ≥ 1 makes the message urgent. Categories are listed by score.")
    w("3. **Discarding a match** — looked at in its clause (the text between two commas/full stops):")
    w("   - negation just before it: 没有/没/未/无/不存在/并无/不是/排除/不会/未发现/不要/防止/避免")
    w("     (`没有燃气泄漏`, `未发现漏气`);")
    w("   - for the physical-danger categories, a past-time marker before it (去年/前年/曾经/以前/上次/")
    w("     `20xx年`/往年 …) unless the clause also says 现在/正在/还在/又/今天/刚才 (`去年曾经着火` is")
    w("     dropped, `去年修的墙现在裂了好宽的缝` is not);")
    w("   - for the physical-danger categories, a hypothetical or hazard word in the clause: 一旦/万一/")
    w("     如果/假如/以免/防止/预防/隐患/可能会/容易/是否/担心 (`一旦引发火灾`, `存在火灾隐患`).")
    w("     Not for public opinion: a conditional threat *is* the signal.")
    w("   - for the physical-danger categories, a resolution after it in the same sentence: 已经修好/")
    w("     已处理/已排除/已扑灭/没有危险/不存在隐患 (`墙面裂缝已经修好`);")
    w("   - fixed exclusions inside patterns: 火灾隐患, 危房改造, 跳楼价/跳楼机, 上访人 (a signature),")
    w("     `孩子一个人在外地上学`.")
    w("   - **consultations**: when the title asks about fees, subsidies, procedures, policy or dates")
    w("     (咨询/请问/如何/政策/补贴/资金/收费/流程/手续/何时 …), a physical-danger category counts only if")
    w("     an immediacy cue is in the sentence of one of its matches (`咨询危房改造资金` describing old")
    w("     cracks is normal; `请问…现在楼道里全是煤气味` is urgent).")
    w("4. **Output**: `UrgencyAssessment(urgent, level, reasons, categories, matched, score)`;")
    w("   `reasons` are Chinese sentences such as `燃气泄漏：危及生命财产安全`; `matched` the phrases.")
    w("")
    w("## Test set")
    w("")
    w(f"`triage/data/urgency-testset.csv` — {len(examples)} rows, SHA-256 `{sha}`;")
    w("columns `id,title,body,urgent,category,source`.")
    w("")
    w("| source | urgent | ordinary |")
    w("|---|---:|---:|")
    for s in ("real", "written"):
        w(f"| {s} | {src[(s, True)]} | {src[(s, False)]} |")
    w("")
    w("- **real** (`lab-…`, `rep-…`): every message of `mochou/data/messages-labelled.csv` (395 after")
    w("  dropping one repeated id) and of `shared/data/gov-messages/messages-with-replies.csv` (120):")
    w("  real citizen messages to a city's 问政 platform (2020 泰迪杯 sample, see its PROVENANCE.md),")
    w("  whitespace collapsed. Each was labelled by hand *before* the lexicon existed: the titles of all")
    w("  were read, and every message containing one of about 100 broad danger, petition and media")
    w("  words (a wider net than the lexicon) was read in context. 14 real messages were labelled")
    w("  urgent (3 collapse, 2 violence, 1 self-harm, 8 public opinion — threats of collective or")
    w('  higher-level petitioning, 聚众维权 with national media coverage, "不想活了…死也要死在交警总队").')
    w('  Borderline real messages labelled *ordinary*: chronic hazards (boiler "like a bomb", blocked fire')
    w("  lanes, building sites without nets), past accidents already treated, workers stranded without")
    w("  pay (`lab-41544`), background mentions of media reports.")
    w("- **written** (`w-u…` urgent, `w-n…` ordinary): the real data contain almost no emergencies, so")
    w(f"  {src[('written', True)]} urgent hotline transcripts were written for this test set — colloquial,")
    w("  Hubei-flavoured (伢儿, 冇得, 么样, 克), short and long, set in 钟祥's townships — covering every")
    w("  category and including indirect phrasings (闻到一股臭鸡蛋的味道, 孩子一个人在家哭了一下午,")
    w("  活着没意思, 墙裂了好宽的缝, 说她要走了); plus")
    w(f"  {src[('written', False)]} hard ordinary negatives that use danger words without an emergency")
    w("  (燃气费, 消防验收, 防汛物资采购, 去年曾经着火, 没有燃气泄漏, 不存在安全隐患, 烦死了, 跳楼价,")
    w("  媒体报道说要建高铁站, 信访局地址).")
    w("- **Order of work**: the whole CSV was written and frozen first; then the lexicon was written from")
    w("  general knowledge; then it was tuned by looking only at the errors on the **development** part")
    w("  (rows whose `int(sha256(id)[:8], 16) % 10 < 3`, ≈ 30 %). The held-out part was evaluated")
    w("  afterwards, once; the lexicon was **not changed after that** (the held-out errors listed below")
    w("  are left as they are, so the held-out figures stay honest). The development part scores 1.000")
    w("  by construction (it was tuned until it had no errors); the gap to the held-out part is the")
    w("  overfitting. The written examples and the lexicon share an author, so even the held-out recall")
    w("  is optimistic for real calls: treat it as a regression floor, not a field estimate.")
    w("")
    w("## Results")
    w("")
    w("Command: `.venv/bin/python -m triage.urgency_eval` (writes this file).")
    w("")
    w("| part | messages | urgent | TP | FP | FN | recall | precision | F1 |")
    w("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name, part in parts.items():
        s = score(part, flags)
        w(
            f"| {name} | {s.n} | {s.urgent} | {s.tp} | {s.fp} | {s.fn} | {s.recall:.3f} | "
            f"{s.precision:.3f} | {s.f1:.3f} |"
        )
    real = [e for e in examples if e.source == "real"]
    s_real = score(real, flags)
    n_real_ord = sum(not e.urgent for e in real)
    fpr_real = s_real.fp / max(1, n_real_ord)
    w("")
    w(
        f"On the {len(real)} real messages alone: recall {s_real.recall:.3f} ({s_real.tp}/{s_real.urgent}), "
        f"precision {s_real.precision:.3f}, false-positive rate among real ordinary messages "
        f"{fpr_real:.3f} ({s_real.fp}/{sum(not e.urgent for e in real)})."
    )
    w("")
    w("### Recall by category (urgent rows; category = the labelled main one)")
    w("")
    w("| category | held-out | whole set |")
    w("|---|---:|---:|")
    for c in CATEGORIES:
        cells = []
        for part in (held, examples):
            rows = [e for e in part if e.urgent and e.category == c]
            hit = sum(flags[e.id] for e in rows)
            cells.append(f"{hit}/{len(rows)} = {hit / len(rows):.2f}" if rows else "–")
        w(f"| `{c}` | {cells[0]} | {cells[1]} |")
    neg = [e for e in examples if not e.urgent and e.source == "written"]
    w("")
    w(
        f"Hard written negatives flagged urgent: {sum(flags[e.id] for e in neg)}/{len(neg)}. "
        "Category of the flagged urgent messages agrees with the label for "
        f"{sum(1 for e in examples if e.urgent and flags[e.id] and e.category in preds[e.id].categories)}"
        f"/{sum(1 for e in examples if e.urgent and flags[e.id])} true positives "
        "(any of the listed categories)."
    )
    w("")
    w("### Latency")
    w("")
    w("`assess_urgency` per message (normalisation included), best of 5 runs of each row, one CPU")
    w("thread of the (shared, slowish) machine that generated this file; the last line is every run:")
    w("")
    w("| messages | n | p50 ms | p99 ms | mean ms |")
    w("|---|---:|---:|---:|---:|")
    for k, (n, p50, p99, mean) in lat.items():
        w(f"| {k} | {n} | {p50:.3f} | {p99:.3f} | {mean:.3f} |")
    w("")
    w("Time grows linearly with length (~60 regular-expression scans plus `normalize`, whose NFKC pass")
    w("alone takes about 1 ms on a 3,700-character message here). Short messages — phone transcripts —")
    w("stay well under 1 ms; long letters (up to 3,700 characters) take up to about 1.5 ms. Single runs")
    w("on this shared machine occasionally take several ms (scheduler and GC noise, last line).")
    for name, pred_true, label in (("False negatives", False, True), ("False positives", True, False)):
        w("")
        w(f"### {name} (whole set; `dev` = development part)")
        w("")
        rows = [e for e in examples if e.urgent == label and flags[e.id] == pred_true]
        if not rows:
            w("None.")
            continue
        w("| id | part | category | title | detector |")
        w("|---|---|---|---|---|")
        for e in rows:
            a = preds[e.id]
            det = ", ".join(a.categories) + (f" ({'、'.join(a.matched[:4])})" if a.matched else "")
            part = "dev" if e.dev else "held-out"
            w(
                f"| {e.id} | {part} | {e.category or '–'} | {_cell(_short(e.title, 40))} | "
                f"{_cell(det) or '–'} |"
            )
    w("")
    w("## Caveats")
    w("")
    w("- Recall on *written* urgent examples measures coverage of the phrasings someone thought of;")
    w("  real callers will phrase things in ways nobody wrote down. Review the misses of the live system")
    w("  (urgent cases found by people but not by the detector) and add them to the test set *before*")
    w("  changing the lexicon.")
    w(f"- Only {s_real.urgent} real urgent messages exist; the real-data figures rest on them.")
    w("- Keyword methods do not understand who is in danger or when; expect false positives on long")
    w("  complaints that narrate past violence or quote threats, and misses on very indirect language.")
    w("  Urgent flags should be confirmed by the dispatcher; the reasons and phrases are shown for that.")
    w('- A message mentioning an emergency to *another* service ("已经报了119") is still urgent: the')
    w("  hotline should confirm and coordinate.")
    w("- The dataset's place names are anonymised (A市, B3区); 钟祥 place names appear only in the")
    w("  written examples.")
    w("- The real data are letters to a 问政 web platform, longer and more formal than phone-call")
    w(f"  transcripts; {s_real.fp} of their {n_real_ord} ordinary messages are flagged ({fpr_real:.1%}),")
    w("  mostly long complaints that")
    w("  narrate a past event (塌方, 起火, 被打) or mention 上访 in passing. Precision on real traffic")
    w(f"  depends on how rare emergencies are there: with {s_real.urgent} real urgent messages it is")
    w(f"  {s_real.precision:.2f} here.")
    w("- `triage/data/` (the test-set folder) sits next to the module `triage/data.py`; Python still")
    w("  imports the module (a folder without `__init__.py` loses to a module of the same name), but")
    w("  the CSV is not package data — it is read from the source tree.")
    return "\n".join(out) + "\n"


def dev_errors(examples: list[Example]) -> str:
    lines = []
    for e in examples:
        if not e.dev:
            continue
        a = assess_urgency(e.title, e.body)
        if a.urgent != e.urgent:
            kind = "FN" if e.urgent else "FP"
            lines.append(f"{kind} {e.id} [{e.category}] {e.title} | {a.categories} {a.matched}")
            if kind == "FN":
                lines.append(f"    {_short(e.body, 200)}")
    dev = [e for e in examples if e.dev]
    s = score(dev, {e.id: assess_urgency(e.title, e.body).urgent for e in dev})
    lines.append(f"dev: recall {s.recall:.3f} precision {s.precision:.3f} (TP {s.tp} FP {s.fp} FN {s.fn})")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--testset", default=str(TESTSET))
    ap.add_argument("--dev", action="store_true", help="print only the development part's errors")
    ap.add_argument("--no-write", action="store_true", help="do not write docs/urgency.md")
    ap.add_argument("--output", default=str(DOC))
    args = ap.parse_args(argv)
    examples = read_testset(args.testset)
    if args.dev:
        sys.stdout.write(dev_errors(examples) + "\n")
        return 0
    report = build_report(examples)
    sys.stdout.write(report)
    if not args.no_write:
        Path(args.output).write_text(report, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
