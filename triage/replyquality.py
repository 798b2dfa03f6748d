"""Does a draft reply answer the request? Per-reason checks a unit leader reads before approving.

No Django imports: the case loop asks through ``cases.hooks.reply_checks`` (provided in
``TriageConfig.ready`` by :func:`checks_for_case`), and the evaluator (``triage/replyquality_eval.py``)
scores the contest's real replies with the very same :func:`check_reply`.

Each check is one reason a leader understands, with the words that made it fire:

- ``forwarded`` — the reply only says the message was passed on (已转…/交由…) or pushes the citizen
  elsewhere (不属于…管辖, 建议您向…反映, 不予受理), with little else;
- ``boilerplate`` — what is left once the frequent template sentences of 2,805 real replies
  (已收悉, 感谢您的支持, 将认真研究 …) are taken out is too short to answer anything;
- ``irrelevant`` — the request's key terms (the shared tokenizer, weighted by an IDF fitted on the
  unlabelled corpus) are mostly absent from the reply;
- ``incomplete`` — the request asks several things (question sentences, 是否/何时/为什么 …) and the
  reply mentions the terms of few of them;
- ``no_action`` — no concrete action, finding, figure or legal basis (经查, 已责令, 依据《…》 …);
- ``no_date`` — the request asks "when" (or waits for work) and the reply gives no date or timeline
  (the signing date at its foot does not count).

The thresholds were chosen on the DEV rows of ``triage/data/real-reply-quality.csv`` only (see
``docs/reply-quality.md``); the corpus statistics come from the unlabelled replies. Without the corpus
file's cached statistics the checks read the same statistics shipped with the package
(``triage/data/reply-template-sentences.txt`` and ``reply-term-idf.txt``, mined from
``mochou/data/messages-with-replies-full.csv``; rebuild: ``python -m triage.replyquality ship``), so a
fresh machine checks a reply as the evaluation did; only without those files do they fall back to
built-in template phrases and uniform term weights. :attr:`ReplyStats.source` says which.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import threading
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from mochou.datasets import read_replied_messages, sha256_of_files
from mochou.text import cut

VERSION = "rq-1"

# ---------------------------------------------------------------------- text pieces

_SENTENCE_SPLIT = re.compile(r"[。！？!?；;\n\r]+|\s{2,}|　+")
_ASK_SPLIT = re.compile(r"[。！？!?；;\n\r]+")
_QUOTED = re.compile(r"“[^”]{0,80}”|\"[^\"]{0,80}\"")
_USER_ID = re.compile(r"UU\d+|A\d{6,}")
_DIGITS = re.compile(r"\d+")
_SPACE = re.compile(r"\s+")

# Greetings, receipts, thanks, sign-offs: template text whatever the corpus says (the fallback
# when the corpus is missing, and a guard for phrasings too rare in it to be mined). They are cut
# out of a sentence; what is left is the sentence's own text.
_GENERIC_PHRASE = re.compile(
    r"(尊敬的)?(网友|市民|来信人|乘客|先生|女士)?[“\"][^”\"]{0,40}[”\"](网友)?|尊敬的(网友|市民)|网友|来信人"
    r"|您好|你好|[^，。：:]{0,24}(已|已经)?(收悉|收到)|感谢[^。！!，,；;]*|谢谢[^。！!，,；;]*"
    r"|现(将|就|对)?[^，。：:]{0,24}(回复|答复)(如下)?|特此(回复|答复)|欢迎[^。]{0,12}(监督|意见|建议)"
    r"|(我局|我们|我办|我中心|我镇|我区|我县)?(对此)?(非常|高度)重视|0年0月0日|0[-./]0[-./]0"
)
_SIGNATURE = re.compile(r"^[^，。]{0,16}(局|委|办|政府|办事处|中心|公司|街道|大队|分局|管理处|委员会)$")

# Passing the message on or pushing the citizen elsewhere (the annotators' "forward-only").
_FORWARD = re.compile(
    r"已?转(交|至|办|给|到|送|有关|相关|市|区|县|[A-Z]\d*[市区县])|交由|交(有关|相关)|正在交办|已?批转|作出批示|已?呈报"
    r"|(报告|转告)了?.{0,6}(领导|部门)"
)
_PUSH_BACK = re.compile(
    r"不予受理|不属于?.{0,12}(管辖|职权|职责|范围|受理)|不在.{0,10}(范围|职权|职责)"
    r"|(请|建议)您?(直接)?(向|到|与|咨询|致电|联系|拨打)|无法(核实|核查|了解|联系|得知)|未(提供|留下?)(具体|联系|详细)"
    r"|(请|敬请)(耐心)?(等待|关注|留意)"
)

# A concrete action, finding, figure or basis (what the annotators call concrete_action).
_ACTION = re.compile(
    r"经(查|核|调查|核实|了解|现场|排查|检测|研究|协调)|(现场|实地)(查看|勘察|核查|调查|检查)"
    r"|已(经)?(责令|要求|督促|安排|完成|安装|维修|修复|清理|清除|拆除|整改|处理|处罚|立案|开工|竣工|下达|约谈|更换|恢复|开通|发放|办理|组织|启动|制定|纳入|调整|查处|依法)"
    r"|责令|罚款|处罚|立案|行政处罚|限期|整改|下达.{0,6}(通知|决定)书?"
    r"|(依据|根据|按照|依照)[^，。]{0,20}(《|规定|条例|办法|文件|政策|标准|法)|《[^》]{2,40}》|第[一二三四五六七八九十百\d]+条"
    r"|\d+(\.\d+)?(元|万元|平方米|米|公里|户|人|台|辆|个|处|次|天|吨|%)"
)

# Promises without content: "将继续加强", "会尽快", "正在研究" (the annotators' vague promises).
_VAGUE = re.compile(
    r"(将|会|要)(继续|进一步|尽快|尽力|尽最大努力|认真|加强|积极|加大|密切|持续|充分|逐步|适时|统筹|督促)"
    r"|逐步(完善|解决|推进|调整|实施)|正在(研究|协调|审批|审核|论证|推进|加紧|积极|调研)|请(您)?耐心等待|待.{0,6}(后|时)再"
)

# A date, deadline or timeline (the reply's own signing date is removed before this is tested).
_DATE = re.compile(
    r"\d{4}年\d{1,2}月|\d{1,2}月(\d{1,2}日|底|初|中旬|上旬|下旬|份)|\d{4}年(底|内|初|上半年|下半年)"
    r"|\d{4}年度?[^，。]{0,8}(计划|完成|前|实施|开工|建成|启动)|纳入.{0,12}计划|(年|月)(底|内)前?|\d+个?(工作日|日|天|周|月)(内|之内|以内)|近日|日前|目前已|预计|计划于|争取(在|于)|今年|明年|下半年|上半年"
)
_TRAILING_DATE = re.compile(r"(\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|\d{4}[-./]\d{1,2}[-./]\d{1,2})\s*$")

# The request asks "when" or waits for something to be done.
_ASKS_WHEN = re.compile(
    r"什么时候|何时|多久|几时|啥时|哪一天|哪天|时间表|何日|还要等|多长时间|进度如何|进展如何"
)

# A sentence of the request that asks for something.
_ASK_CUE = re.compile(
    r"[？?]|请问|是否|能否|可否|能不能|可不可以|有没有|为什么|为何|怎么|如何|多少|哪些|哪里|什么时候|何时"
    r"|希望|建议|要求|恳请|请求|呼吁|请.{0,4}(解决|处理|查处|整治|落实|答复)"
)

# Words too common in requests to say what one is about (beyond what the IDF already discounts).
_STOP = frozenset(
    [
        "您好",
        "你好",
        "领导",
        "谢谢",
        "感谢",
        "问题",
        "反映",
        "希望",
        "建议",
        "要求",
        "请问",
        "我们",
        "你们",
        "他们",
        "现在",
        "目前",
        "已经",
        "没有",
        "什么",
        "这个",
        "那个",
        "一个",
        "如果",
        "但是",
        "因为",
        "所以",
        "可以",
        "不能",
        "进行",
        "相关",
        "部门",
        "政府",
        "市民",
        "群众",
        "情况",
        "时候",
        "是否",
        "能否",
        "为什么",
        "怎么",
        "如何",
        "请求",
        "恳请",
        "尊敬",
        "书记",
        "市长",
        "县长",
        "区长",
        "局长",
        "留言",
        "投诉",
        "咨询",
        "关于",
        "以及",
        "还是",
        "或者",
        "这样",
        "那么",
        "非常",
        "严重",
        "我家",
        "本人",
        "大家",
        "老百姓",
        "百姓",
        "处理",
        "解决",
        "一下",
        "一直",
        "多次",
        "今天",
        "今年",
        "去年",
    ]
)


def sentences(text: str) -> list[str]:
    """Sentences (or blocks between wide spaces) of a text, stripped, empty ones dropped."""
    return [s.strip() for s in _SENTENCE_SPLIT.split(text) if s.strip()]


def normalize_sentence(sentence: str) -> str:
    """The template form of a sentence: quoted titles, user ids, numbers and spaces flattened."""
    s = _QUOTED.sub("“”", sentence)
    s = _USER_ID.sub("", s)
    s = _DIGITS.sub("0", s)
    return _SPACE.sub("", s)


def strip_signature(reply: str) -> str:
    """The reply without the signing date at its foot (it says nothing of when work is done)."""
    return _TRAILING_DATE.sub("", reply.rstrip()).rstrip()


def _terms(text: str) -> list[str]:
    return [w for w in cut(text) if len(w) >= 2 and not w.isdigit() and w not in _STOP and not _ascii_code(w)]


def _ascii_code(word: str) -> bool:
    # "A2", "UU008173", "0731": codes and numbers, not what a request is about.
    return all(c.isascii() for c in word)


# ---------------------------------------------------------------------- corpus statistics


@dataclass
class ReplyStats:
    """What the checks learn from the unlabelled corpus: term IDF and the template sentences."""

    idf: dict[str, float] = field(default_factory=dict)
    default_idf: float = 1.0
    templates: frozenset[str] = frozenset()  # normalized sentences found in ≥ min_count replies
    source: str = "builtin"  # "corpus:<sha12>" when built from the replies file
    n_docs: int = 0

    def weight(self, term: str) -> float:
        return self.idf.get(term, self.default_idf)

    @classmethod
    def build(cls, pairs: Iterable[tuple[str, str]], *, source: str, min_count: int = 3) -> ReplyStats:
        """From (request, reply) texts: IDF over requests and replies, template sentences of replies."""
        df: Counter[str] = Counter()
        counts: Counter[str] = Counter()
        n = 0
        for request, reply in pairs:
            for text in (request, reply):
                n += 1
                df.update(set(_terms(text)))
            counts.update({normalize_sentence(s) for s in sentences(reply)})
        idf = {t: math.log((1 + n) / (1 + d)) + 1.0 for t, d in df.items() if d >= 2}
        templates = frozenset(s for s, c in counts.items() if c >= min_count and len(s) >= 4)
        return cls(idf=idf, default_idf=math.log(1 + n) + 1.0, templates=templates, source=source, n_docs=n)

    def save(self, path: Path) -> None:
        data = asdict(self)
        data["templates"] = sorted(self.templates)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        tmp.replace(path)  # a reader never sees half a file

    @classmethod
    def load(cls, path: Path) -> ReplyStats:
        data = json.loads(path.read_text(encoding="utf-8"))
        data["templates"] = frozenset(data["templates"])
        return cls(**data)


def corpus_stats(corpus_csv: Path, cache_dir: Path | None = None) -> ReplyStats:
    """The statistics of a replies CSV (附件4 layout), cached on disk by the file's hash."""
    sha = sha256_of_files(corpus_csv)[:12]
    cached = stats_path(corpus_csv, cache_dir) if cache_dir is not None else None
    if cached is not None and cached.is_file():
        return ReplyStats.load(cached)
    messages = read_replied_messages(corpus_csv)
    stats = ReplyStats.build(((m.title + "\n" + m.body, m.reply) for m in messages), source=f"corpus:{sha}")
    if cached is not None:
        stats.save(cached)
    return stats


# The corpus statistics shipped with the package (the evaluation's, on every machine).
DATA_DIR = Path(__file__).resolve().parent / "data"
SHIPPED_TEMPLATES = DATA_DIR / "reply-template-sentences.txt"
SHIPPED_IDF = DATA_DIR / "reply-term-idf.txt"
_SHIPPED_HEADER = """\
# The template sentences of the government replies: each sentence (normalize_sentence: quoted
# titles, user ids, numbers and spaces flattened) found in >= 3 of the replies of
# mochou/data/messages-with-replies-full.csv, at least 4 characters long, one per line, sorted.
# Mined by triage.replyquality.ReplyStats.build ({version}); the reply checks cut these sentences
# out of a reply before judging what is left. Rebuild: .venv/bin/python -m triage.replyquality ship
"""


def ship_stats(corpus_csv: Path, out_dir: Path = DATA_DIR) -> ReplyStats:
    """Mine ``corpus_csv`` and write the two shipped files into ``out_dir``: the template
    sentences (text, one a line, a header of how they were derived) and the term IDF (tab-separated text)."""
    stats = corpus_stats(corpus_csv)
    head = _SHIPPED_HEADER.format(version=VERSION)
    meta = f"# source\t{stats.source}\n# n_docs\t{stats.n_docs}\n"
    out_dir.mkdir(parents=True, exist_ok=True)
    lines = "".join(f"{t}\n" for t in sorted(stats.templates))
    (out_dir / SHIPPED_TEMPLATES.name).write_text(head + meta + lines, encoding="utf-8")
    idf_head = (
        "# The term weights of the reply checks: IDF of each tokenizer term over the requests and replies\n"
        "# of the same corpus (terms in >= 2 documents).\n"
        "# Rebuild: .venv/bin/python -m triage.replyquality ship\n"
        f"{meta}# default_idf\t{stats.default_idf!r}\n"
    )
    rows = "".join(f"{t}\t{v!r}\n" for t, v in sorted(stats.idf.items()))
    (out_dir / SHIPPED_IDF.name).write_text(idf_head + rows, encoding="utf-8")
    return stats


def _meta_and_rows(path: Path) -> tuple[dict[str, str], list[str]]:
    meta: dict[str, str] = {}
    rows: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# ") and "\t" in line:
            key, value = line[2:].split("\t", 1)
            meta[key] = value
        elif line and not line.startswith("#"):
            rows.append(line)
    return meta, rows


def shipped_stats(templates: Path = SHIPPED_TEMPLATES, idf: Path = SHIPPED_IDF) -> ReplyStats | None:
    """The statistics shipped with the package; None when the files are missing."""
    if not (templates.is_file() and idf.is_file()):
        return None
    meta, sentences_ = _meta_and_rows(templates)
    idf_meta, idf_rows = _meta_and_rows(idf)
    weights = {t: float(v) for t, v in (r.split("\t", 1) for r in idf_rows)}
    return ReplyStats(
        idf=weights,
        default_idf=float(idf_meta["default_idf"]),
        templates=frozenset(sentences_),
        source=meta["source"],  # the corpus they were mined from: "corpus:<sha12>"
        n_docs=int(meta["n_docs"]),
    )


# ---------------------------------------------------------------------- thresholds and result


@dataclass(frozen=True)
class Thresholds:
    """Where each check fires. The defaults are the ones ``replyquality_eval.tune`` chose on the DEV
    rows (``mochou triage evaluate-replies`` says whether they still agree)."""

    # forwarded / boilerplate: characters of specific text (not template, not forwarding) below this
    forward_specific: int = 80
    boilerplate_specific: int = 30
    # irrelevant: IDF-weighted share of the request's key terms found in the reply, and the share
    # of the title's character pairs found in it (1.01 = not used)
    relevance: float = 0.01
    title_overlap: float = 1.01
    # incomplete: at least this many asks, and at most this share of them touched by the reply
    min_asks: int = 4
    ask_coverage: float = 0.5
    # no_action: no action cue in a reply with at most this much specific text (-1 = not used) ...
    action_specific: int = -1
    # ... or no action cue and a vague promise ("将继续加强", "正在研究")
    vague_no_action: bool = True
    # no_date: the request asks "when" and the reply gives no date
    check_date: bool = True


DEFAULT = Thresholds()
KEY_TERMS = 10  # how many of the request's terms stand for it

LABELS: dict[str, str] = {
    "forwarded": "只说明已转办或请诉求人另找部门，未答复办理情况",
    "boilerplate": "多为套话，针对本诉求的内容很少",
    "irrelevant": "可能答非所问",
    "incomplete": "未回应诉求中的部分问题",
    "no_action": "缺少具体措施、核查结果或依据",
    "no_date": "诉求问及办理时间，答复未给出时限",
}


@dataclass(frozen=True)
class Check:
    """One reason a reply may not answer the request; ``detail`` says what made it fire."""

    code: str
    label: str
    detail: str = ""

    @property
    def text(self) -> str:
        return f"{self.label}（{self.detail}）" if self.detail else self.label


@dataclass(frozen=True)
class ReplyReport:
    checks: tuple[Check, ...]
    features: dict[str, float]
    version: str = VERSION
    stats_source: str = "builtin"

    @property
    def flagged(self) -> bool:
        return bool(self.checks)

    @property
    def codes(self) -> list[str]:
        return [c.code for c in self.checks]

    def as_payload(self) -> dict[str, Any]:
        """What an event records: enough to show again, and the version to recompute it."""
        return {
            "version": self.version,
            "stats": self.stats_source,
            "checks": [{"code": c.code, "label": c.label, "detail": c.detail} for c in self.checks],
        }


# ---------------------------------------------------------------------- the checks


_CLAUSE_SPLIT = re.compile(r"[，,、：:]")


def _echoes(quoted: str, request: str) -> bool:
    """A quoted span that repeats the request (its title, mostly): says nothing of the answer."""
    inner = quoted.strip('“”"')
    grams = {inner[i : i + 2] for i in range(len(inner) - 1)}
    return bool(grams) and sum(g in request for g in grams) / len(grams) >= 0.6


def own_text(sentence: str, stats: ReplyStats, request: str = "") -> str:
    """What a sentence says beyond templates and greetings ("" for a template sentence), without
    quotes that only repeat the request."""
    norm = normalize_sentence(sentence)
    if norm in stats.templates or _SIGNATURE.search(norm):
        return ""
    rest = _QUOTED.sub(lambda m: "" if _echoes(m.group(0), request) else m.group(0), sentence)
    rest = _GENERIC_PHRASE.sub("", rest)
    return rest if len(re.sub(r"[\W_\d年月日]", "", rest)) >= 4 else ""


def _split_forwarding(text: str) -> tuple[str, str]:
    """(forwarding clauses, the rest) of one sentence's own text."""
    fwd: list[str] = []
    rest: list[str] = []
    for clause in _CLAUSE_SPLIT.split(text):
        (fwd if _FORWARD.search(clause) or _PUSH_BACK.search(clause) else rest).append(clause)
    return "，".join(c for c in fwd if c), "，".join(c for c in rest if c)


def _ranked_terms(request_title: str, request_body: str, stats: ReplyStats) -> list[tuple[str, float]]:
    """The request's terms, most telling first: TF-IDF, title terms counted twice. The texts are
    cut once; an ask's terms are then picked from this list (cutting each ask again costs time)."""
    tf: Counter[str] = Counter()
    for t in _terms(request_title):
        tf[t] += 2
    tf.update(_terms(request_body))
    scored = sorted(((c * stats.weight(t), t) for t, c in tf.items()), key=lambda x: (-x[0], x[1]))
    return [(t, stats.weight(t)) for _, t in scored]


def _ask_terms(ask: str, ranked: Sequence[tuple[str, float]], k: int = 3) -> list[tuple[str, float]]:
    """An ask's k most telling terms, by IDF, among the request's terms it contains."""
    inside = [(t, w) for t, w in ranked if t in ask]
    return sorted(inside, key=lambda x: (-x[1], x[0]))[:k]


def _coverage(terms: Sequence[tuple[str, float]], reply: str) -> tuple[float, list[str]]:
    total = sum(w for _, w in terms)
    if total == 0:
        return 1.0, []
    found = sum(w for t, w in terms if t in reply)
    return found / total, [t for t, _ in terms if t not in reply]


_PLACE_CODE = re.compile(r"[A-Z]\d*(市|区|县)|关于|咨询|投诉|反映|建议|希望|请求|问题|的|了")


def _grams(text: str) -> set[str]:
    t = re.sub(r"[\W_\d]", "", text)
    return {t[i : i + 2] for i in range(len(t) - 1)}


def _asks(request_title: str, request_body: str) -> list[str]:
    """The request's asking sentences (the title counts when it asks)."""
    parts = [request_title, *_ASK_SPLIT.split(request_body)]
    seen: list[str] = []
    for p in (p.strip() for p in parts):
        if len(p) >= 6 and _ASK_CUE.search(p) and p not in seen:
            seen.append(p)
    return seen


@dataclass(frozen=True)
class Evidence:
    """What :func:`measure` found in a reply; :func:`decide` turns it into checks (cheap, so the
    thresholds can be tuned without cutting the texts again)."""

    features: dict[str, float]
    forwarding: str = ""  # the first forwarding clause, quoted to the leader
    missing: tuple[str, ...] = ()  # the request's key terms the reply does not mention
    uncovered: str = ""  # the first ask the reply does not touch
    stats_source: str = "builtin"


def measure(request_title: str, request_body: str, reply: str, stats: ReplyStats | None = None) -> Evidence:
    """The features of one reply against its request (title and body as the citizen wrote them)."""
    stats = stats or ReplyStats()
    body = strip_signature(reply)
    request = _SPACE.sub("", request_title + request_body)
    forwarding: list[str] = []
    specific: list[str] = []
    for sentence in sentences(body):
        own = own_text(sentence, stats, request)
        if own:
            fwd, rest = _split_forwarding(own)
            forwarding += [fwd] if fwd else []
            specific += [rest] if len(re.sub(r"[\W_\d]", "", rest)) >= 4 else []
    specific_text = "。".join(specific)
    n_specific = len(_SPACE.sub("", specific_text))
    answer = "。".join(specific + forwarding)  # relevance is judged on the reply's own words
    ranked = _ranked_terms(request_title, request_body, stats)
    keys = ranked[:KEY_TERMS]
    relevance, missing = _coverage(keys, answer)
    title_grams = _grams(_PLACE_CODE.sub("", request_title))
    title_overlap = sum(g in answer for g in title_grams) / len(title_grams) if title_grams else 1.0
    asks = _asks(request_title, request_body)
    covered = [a for a in asks if _coverage(_ask_terms(a, ranked), answer)[0] > 0]
    features = {
        "chars": float(len(_SPACE.sub("", body))),
        "specific_chars": float(n_specific),
        "forwarding": float(len(forwarding)),
        "relevance": relevance if keys else 1.0,
        "title_overlap": title_overlap,
        "asks": float(len(asks)),
        "ask_coverage": len(covered) / len(asks) if asks else 1.0,
        "action": float(bool(_ACTION.search(specific_text))),
        "vague": float(bool(_VAGUE.search(specific_text))),
        "date": float(bool(_DATE.search(specific_text))),
        "asks_when": float(bool(_ASKS_WHEN.search(request_title + request_body))),
    }
    uncovered = next((a for a in asks if a not in covered), "")
    return Evidence(features, forwarding[0] if forwarding else "", tuple(missing), uncovered, stats.source)


def decide(ev: Evidence, th: Thresholds = DEFAULT) -> tuple[Check, ...]:
    """The checks that fire on the evidence, in the order a leader reads them."""
    f = ev.features
    n_specific = int(f["specific_chars"])
    checks: list[Check] = []
    if f["forwarding"] and n_specific < th.forward_specific:
        checks.append(Check("forwarded", LABELS["forwarded"], f"“{_clip(ev.forwarding, 30)}”"))
    elif n_specific < th.boilerplate_specific:
        checks.append(Check("boilerplate", LABELS["boilerplate"], f"针对本诉求的文字仅 {n_specific} 字"))
    if checks:  # nothing of substance: the checks below judge what a reply says
        return tuple(checks)
    if f["relevance"] < th.relevance and f["title_overlap"] < th.title_overlap:
        checks.append(Check("irrelevant", LABELS["irrelevant"], "未提及诉求中的" + "、".join(ev.missing[:4])))
    if f["asks"] >= th.min_asks and f["ask_coverage"] <= th.ask_coverage:
        detail = f"如“{_clip(ev.uncovered, 30)}”" if ev.uncovered else ""
        checks.append(Check("incomplete", LABELS["incomplete"], detail))
    if not f["action"] and (n_specific <= th.action_specific or (th.vague_no_action and f["vague"])):
        checks.append(Check("no_action", LABELS["no_action"]))
    if th.check_date and f["asks_when"] and not f["date"]:
        checks.append(Check("no_date", LABELS["no_date"]))
    return tuple(checks)


def check_reply(
    request_title: str,
    request_body: str,
    reply: str,
    stats: ReplyStats | None = None,
    thresholds: Thresholds = DEFAULT,
) -> ReplyReport:
    """The checks of one reply against its request."""
    ev = measure(request_title, request_body, reply, stats)
    return ReplyReport(decide(ev, thresholds), ev.features, stats_source=ev.stats_source)


def _clip(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


# ---------------------------------------------------------------------- the case loop's provider

_lock = threading.Lock()
_config: dict[str, Path | None] = {"corpus": None, "cache": None}
_stats: dict[str, ReplyStats] = {}


def configure(corpus_csv: Path | None, cache_dir: Path | None) -> None:
    """Where the provider finds the corpus and its cached statistics (``TriageConfig.ready``)."""
    _config.update(corpus=corpus_csv, cache=cache_dir)
    _stats.clear()


def stats_path(corpus_csv: Path, cache_dir: Path) -> Path:
    return cache_dir / f"reply-stats-{VERSION}-{sha256_of_files(corpus_csv)[:12]}.json"


def serving_stats() -> ReplyStats:
    """The statistics the page uses: the cached statistics of the configured corpus when they were
    built (``mochou triage evaluate-replies`` or ``reply-stats``: about half a minute, too long for
    a request), else the statistics shipped with the package (the same corpus's, so a fresh
    machine checks as the evaluation did), else the built-in phrases. Which one was used is
    recorded with the checks (``stats``: the corpus's hash, or "builtin")."""
    corpus, cache = _config["corpus"], _config["cache"]
    key = f"{corpus}|{cache}"
    if key not in _stats:
        with _lock:
            if key not in _stats:
                stats: ReplyStats | None = None
                if corpus is not None and cache is not None and corpus.is_file():
                    path = stats_path(corpus, cache)
                    if path.is_file():
                        stats = ReplyStats.load(path)
                _stats[key] = stats or shipped_stats() or ReplyStats()
    return _stats[key]


def build_serving_stats() -> ReplyStats | None:
    """Build (or read) the cached corpus statistics at the configured place; None without a corpus."""
    corpus, cache = _config["corpus"], _config["cache"]
    if corpus is None or not corpus.is_file():
        return None
    stats = corpus_stats(corpus, cache)
    _stats.clear()
    return stats


_LONG_NUMBER = re.compile(r"\d{5,}")


def checks_payload(title: str, content: str, body: str, stats: ReplyStats | None = None) -> dict[str, Any]:
    """The checks of a reply as the case loop shows and records them (a JSON-ready dict)."""
    report = check_reply(title, content, body, stats or serving_stats())
    payload = report.as_payload()
    for item, check in zip(payload["checks"], report.checks, strict=True):
        # Quotes of the request may hold a phone or id number: not needed to see the problem.
        item["detail"] = _LONG_NUMBER.sub("…", item["detail"])
        item["text"] = f"{check.label}（{item['detail']}）" if item["detail"] else check.label
    payload["fingerprint"] = fingerprint(title, content, body)
    return payload


def case_checks(case: Any, body: str) -> dict[str, Any]:
    """``cases.hooks.reply_checks``: the checks of ``body`` as the answer to ``case``."""
    return checks_payload(case.title or "", case.content or "", body or "")


def fingerprint(title: str, body: str, reply: str) -> str:
    """A short hash of what was checked: an event's flags can be recomputed and compared."""
    return hashlib.sha256("\x1f".join((title, body, reply)).encode()).hexdigest()[:16]


if __name__ == "__main__":  # python -m triage.replyquality ship: rebuild the shipped statistics
    import sys

    from mochou.datasets import REPLIES_FULL_CSV

    if sys.argv[1:] != ["ship"]:
        raise SystemExit("usage: python -m triage.replyquality ship")
    built = ship_stats(REPLIES_FULL_CSV)
    print(f"{SHIPPED_TEMPLATES}: {len(built.templates)} sentences; {SHIPPED_IDF}: {len(built.idf)} terms")
