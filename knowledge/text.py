"""Chinese text → search terms for the guide index (no Django imports).

Three kinds of term come out of a text, each in its own namespace so they never collide:
- words: jieba's search-mode segmentation (long words and their dictionary sub-words),
  lower-cased, full-width folded, stopwords and punctuation dropped — ``身份证``;
- concepts: one term per synonym group found in the text as a substring — ``~身份证`` for
  身份证/居民身份证/二代证 — so 社会保险 finds 社保 and 最低生活保障 finds 低保 whatever jieba
  makes of the longer form;
- grams: character bigrams of each run of Chinese characters — ``#身份`` — which catch partial
  words typed so far (公积 → 公积金) and words jieba splits differently in query and guide.

Words come from the platform's one tokenizer (:mod:`mochou.text`, shared with triage), whose
dictionary holds the synonym forms and domain words of :mod:`mochou.vocabulary`.
"""

from __future__ import annotations

import re
import unicodedata

# The tokenizer and the synonym table are the platform's (shared with triage); `tokenizer` is
# re-exported because `mochou serve` warms it through this module.
from mochou.text import cut_for_search
from mochou.text import tokenizer as tokenizer
from mochou.vocabulary import SYNONYMS

# Words that say nothing about which guide is meant: question words, pronouns, particles and
# the politeness of a phone call. 办/办理 stay: their low IDF already keeps them quiet.
STOPWORDS: frozenset[str] = frozenset(
    """
    的 了 吗 呢 啊 吧 呀 嘛 哦 哈 么 着 过 得 地 之 与 及 和 或 并 且 而 也 都 还 就 又 才 再 很 太
    我 我们 你 你们 您 他 她 它 他们 咱 自己 人家 大家 这 那 这个 那个 这些 那些 这里 那里 这边 那边
    是 在 有 没 没有 不 要 想 想要 需要 能 能不能 可以 可不可以 会 应该 该 得到 一下 一个 一些 个
    怎么 怎么办 怎样 怎么样 如何 咋 咋办 啥 什么 哪 哪里 哪儿 哪些 哪个 多少 几 多久 为什么 为啥 是否
    请问 请 你好 您好 麻烦 谢谢 问 问问 问一下 咨询 一下子 现在 今天 已经 刚 刚刚 到底 具体 相关 情况
    给 把 被 让 从 到 去 来 对 向 跟 为 以 于 上 下 里 中 后 前 时 时候 时间段 呗 嗯 喂
    """.split()  # noqa: SIM905 — a word list reads better as text
)

MAX_TERMS = 64  # a pasted essay is cut to its first terms: a query of a few words is the norm
GRAM_WEIGHT = 0.35  # a bigram match is weaker evidence than a word or a concept
SINGLE_CHAR_WEIGHT = 0.4
PREFIX_WEIGHT = 0.6  # a word the last, unfinished query word may be the start of

_CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")
_WORD = re.compile(r"[\u4e00-\u9fff]+|[a-z0-9]+")


def normalize(text: str) -> str:
    """Full-width to half-width (NFKC), lower case."""
    return unicodedata.normalize("NFKC", text or "").lower()


def words(text: str) -> list[str]:
    """Search-mode words, without stopwords, punctuation or spaces."""
    out = []
    for token in cut_for_search(normalize(text)):
        token = token.strip()
        if token and token not in STOPWORDS and _WORD.fullmatch(token):
            out.append(token)
    return out


def concepts(text: str) -> list[str]:
    """One ``~concept`` term per occurrence of the group's most frequent form in the text."""
    text = normalize(text)
    out: list[str] = []
    for group in SYNONYMS:
        count = max(text.count(form) for form in group)
        out.extend(["~" + group[0]] * count)
    return out


GRAM_PREFIX = "#"  # marks a bigram term, so that it never equals a word of the same two characters


def grams(text: str) -> list[str]:
    """Character bigrams of each run of Chinese characters, ``#``-prefixed."""
    out: list[str] = []
    for run in _CJK_RUN.findall(normalize(text)):
        out.extend(GRAM_PREFIX + run[i : i + 2] for i in range(len(run) - 1))
    return out


def terms(text: str) -> list[str]:
    """Every term of a text, as indexed: words, concepts and grams."""
    return words(text) + concepts(text) + grams(text)


def query_terms(text: str) -> dict[str, float]:
    """The terms of a query with their weights: grams count for less than words and concepts."""
    weights: dict[str, float] = {}
    for term in words(text):
        # A lone character (办, 补, 迁) says less than a word: it may not even be one.
        weights.setdefault(term, SINGLE_CHAR_WEIGHT if len(term) == 1 else 1.0)
    for term in concepts(text):
        weights.setdefault(term, 1.0)
    for term in grams(text):
        weights.setdefault(term, GRAM_WEIGHT)
    return dict(list(weights.items())[:MAX_TERMS])


def highlight_terms(text: str) -> list[str]:
    """The literal strings worth marking in a snippet: query words and every form of its concepts."""
    found = set(words(text))
    norm = normalize(text)
    for group in SYNONYMS:
        if any(form in norm for form in group):
            found.update(group)
    # Long ones first so 居民身份证 is marked whole, not as 身份证 inside it.
    return sorted((w for w in found if len(w) > 1 or not _CJK_RUN.fullmatch(w)), key=len, reverse=True)
