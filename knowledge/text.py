"""Chinese text → search terms for the guide index (no Django imports).

Three kinds of term come out of a text, each in its own namespace so they never collide:
- words: jieba's search-mode segmentation (long words and their dictionary sub-words),
  lower-cased, full-width folded, stopwords and punctuation dropped — ``身份证``;
- concepts: one term per synonym group found in the text as a substring — ``~身份证`` for
  身份证/居民身份证/二代证 — so 社会保险 finds 社保 and 最低生活保障 finds 低保 whatever jieba
  makes of the longer form;
- grams: character bigrams of each run of Chinese characters — ``#身份`` — which catch partial
  words typed so far (公积 → 公积金) and words jieba splits differently in query and guide.

jieba is loaded once, lazily, in a private Tokenizer (the global one and triage's are left alone),
with its logger quiet.
"""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
from collections.abc import Iterable

import jieba

jieba.setLogLevel(logging.WARNING)

# Synonym groups: the first form names the concept. Kept to forms a citizen or a clerk would
# really use for the same thing; a group that is only "related" would blur the ranking.
SYNONYMS: tuple[tuple[str, ...], ...] = (
    ("身份证", "居民身份证", "二代证", "身份证件"),
    ("户口", "户籍", "户口本", "户口簿"),
    ("社保", "社会保险", "社会保障"),
    ("医保", "医疗保险", "医保卡"),
    ("公积金", "住房公积金"),
    ("营业执照", "工商登记", "工商执照", "市场主体登记"),
    ("驾驶证", "驾照", "驾驶执照", "机动车驾驶证"),
    ("低保", "最低生活保障"),
    ("新生儿", "刚出生", "出生", "宝宝", "婴儿"),
    ("孩子", "小孩", "子女", "儿童", "娃"),
    ("入学", "上学", "读书", "上小学", "上初中", "报名"),
    ("补办", "丢了", "丢失", "遗失", "掉了", "补领", "补证"),
    ("迁移", "迁入", "迁出", "迁到", "迁回", "转户口", "迁户口"),
    ("不动产", "房产证", "房本", "房产", "不动产权证"),
    ("结婚", "婚姻登记", "结婚证", "领证"),
    ("年检", "年审", "车检", "检验"),
    ("养犬", "养狗", "狗", "犬"),
    ("噪音", "噪声", "吵", "扰民"),
    ("违建", "违章建筑", "违法建设", "违法建筑", "私搭乱建", "乱搭乱建"),
    ("占道经营", "摆摊", "流动摊贩", "占道"),
    ("残疾证", "残疾人证"),
    ("老年证", "老年人优待证", "老人证"),
    ("燃气", "天然气", "煤气"),
    ("自来水", "用水", "水表", "水费"),
    ("电费", "用电", "供电", "电表"),
    ("失业", "下岗", "没工作", "失去工作", "辞退", "辞了", "裁员", "开除"),
    ("欠薪", "拖欠工资", "欠工资", "工钱", "讨薪", "克扣工资", "不发工资"),
    ("发票", "开票"),
    ("报销", "结算"),
    ("异地就医", "外地就医", "外地看病", "外地住院", "转外就医"),
    ("物业", "物业公司", "物业费", "业委会"),
    ("建房", "盖房", "宅基地", "自建房"),
    ("退役军人", "退伍军人", "退伍", "转业"),
    ("贷款", "借款", "贴息"),
    ("养老保险", "养老金", "退休金"),
    ("高龄津贴", "高龄补贴", "老人补贴"),
    ("个体户", "个体工商户"),
    ("居住证", "暂住证"),
    ("投诉", "举报", "反映"),
    ("退休", "退了休"),
)

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

_lock = threading.Lock()
_tokenizer: jieba.Tokenizer | None = None


def _domain_words() -> Iterable[str]:
    for group in SYNONYMS:
        yield from (w for w in group if len(w) > 1)
    yield from (  # noqa: SIM905 — a word list reads better as text
        "社保卡 异地就医 居住证 不动产登记 营业执照 个体户 食品经营许可 新生儿 落户 结婚登记 低保 残疾证 "
        "高龄津贴 义务教育 驾驶证 换证 机动车 年检 燃气开户 过户 退役军人 优待证 失业登记 就业补贴 "
        "创业担保贷款 税务登记 老年证 养犬登记 占道经营 物业纠纷 违建 农村建房 公积金 提取 医保 报销 "
        "备案 养老保险 灵活就业 12345"
    ).split()


def tokenizer() -> jieba.Tokenizer:
    global _tokenizer
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                tok = jieba.Tokenizer()
                tok.initialize()
                for word in _domain_words():
                    tok.add_word(word, 20000)
                _tokenizer = tok
    return _tokenizer


def normalize(text: str) -> str:
    """Full-width to half-width (NFKC), lower case."""
    return unicodedata.normalize("NFKC", text or "").lower()


def words(text: str) -> list[str]:
    """Search-mode words, without stopwords, punctuation or spaces."""
    out = []
    for token in tokenizer().lcut_for_search(normalize(text)):
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


def grams(text: str) -> list[str]:
    """Character bigrams of each run of Chinese characters, ``#``-prefixed."""
    out: list[str] = []
    for run in _CJK_RUN.findall(normalize(text)):
        out.extend("#" + run[i : i + 2] for i in range(len(run) - 1))
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
