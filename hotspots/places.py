"""Where a request is about: the named places of its title and text (no Django imports).

The contest's texts anonymise the administrative units (A市, A2区, A7县) but keep the names
below them: estates (丽发新城, 伊景园滨河苑), roads (黄兴路), villages (金鼎村), schools, parks,
markets. A place here is such a name: a run of 2–8 characters ending in a place word (小区, 路,
村, 学校 …), cut on the left at punctuation, the anonymised units and the words that start a
sentence rather than a name (反映, 关于, 位于 …). The hotline's cases add their 地址 and 乡镇.

Two requests share a place when a name of one contains a name of the other (丽发新城 and
丽发新城小区); names of the county or district level alone (A市, 钟祥市) are not places.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from mochou.text import cut, tokenizer
from triage.normalize import normalize

# jieba's frequency from which a leading word is taken for a common word, not part of a name.
COMMON_FREQ = 2000

# Longest first, so that 小区 wins over 区 and 幼儿园 over 园.
_SUFFIXES = sorted(
    [
        "小区",
        "花园",
        "新城",
        "新村",
        "山庄",
        "家园",
        "公寓",
        "大厦",
        "广场",
        "华府",
        "华庭",
        "公馆",
        "名苑",
        "雅苑",
        "嘉园",
        "花苑",
        "苑",
        "园",
        "府",
        "郡",
        "湾",
        "社区",
        "街道",
        "村",
        "组",
        "镇",
        "乡",
        "大道",
        "路",
        "街",
        "巷",
        "学校",
        "小学",
        "中学",
        "大学",
        "学院",
        "幼儿园",
        "医院",
        "公园",
        "市场",
        "车站",
        "高铁站",
        "搅拌站",
        "工业园",
        "产业园",
        "商场",
        "超市",
        "酒店",
        "宾馆",
        "大桥",
        "隧道",
        "立交",
        "水库",
        # Not 湖/河 alone: 梅溪湖 and 松雅湖 name whole districts, and they would cut 莫愁湖路 short.
    ],
    key=len,
    reverse=True,
)
# Anonymised or county-level units: the contest's A市/A2区/A7县/B市, and real ones like 钟祥市.
_ADMIN = re.compile(r"[A-Za-z]\d*(?:省|市|区|县)|[\u4e00-\u9fff]{1,4}(?:省|自治区)|钟祥市|荆门市|湖北省")
# Words that begin a sentence or a phrase, never a place name: a name is cut after them.
_LEADS = re.compile(
    "|".join(
        [
            "反映",
            "投诉",
            "举报",
            "咨询",
            "请问",
            "建议",
            "关于",
            "要求",
            "希望",
            "恳请",
            "请求",
            "强烈",
            "位于",
            "地处",
            "坐落",
            "座落",
            "靠近",
            "附近",
            "旁边",
            "门口",
            "对面",
            "周边",
            "周围",
            "我们",
            "我是",
            "本人",
            "业主",
            "居民",
            "村民",
            "市民",
            "家住",
            "住在",
            "来自",
            "所在",
            "所属",
            "我家",
            "我们",
            "一个",
            "这个",
            "那个",
            "目前",
            "现在",
            "今天",
            "近期",
            "最近",
            "长期",
            "一直",
            "已经",
            "还是",
            "为什么",
            "何时",
            "什么",
            "是否",
            "能否",
            "如何",
            "怎么",
            "整个",
            "整治",
            "解决",
            "处理",
            "存在",
            "出现",
            "进行",
            "没有",
            "不是",
            "就是",
            "以及",
            "还有",
            "或者",
            "并且",
            "而且",
            "但是",
            "因为",
            "所以",
            "由于",
            "对于",
            "通过",
            "导致",
            "严重",
            "非常",
            "多次",
            "上午",
            "下午",
            "晚上",
            "夜间",
            "凌晨",
            "每天",
            "小时",
            "车辆",
            "噪音",
            "污染",
            "问题",
            "情况",
            "施工",
            "违建",
            "违章",
            "占道",
            "的",
            "在",
            "于",
            "是",
            "了",
            "和",
            "与",
            "及",
            "对",
            "把",
            "被",
            "向",
            "从",
            "到",
            "给",
            "让",
            "由",
            "将",
            "其",
            "该",
            "此",
            "这",
            "那",
            "我",
            "你",
            "他",
            "她",
            "它",
            "有",
            "无",
            "也",
            "都",
            "就",
            "又",
            "再",
            "很",
            "太",
            "更",
            "最",
            "已",
            "未",
            "不",
            "没",
            "要",
            "能",
            "会",
            "可",
            "请",
            "为",
            "因",
            "从",
            "至",
            "等",
            "各",
            "每",
            "某",
            "个",
            "里",
            "内",
            "外",
            "上",
            "下",
            "前",
            "后",
            "旁",
        ]
    )
)
_SPAN = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]{1,8}?(?:" + "|".join(_SUFFIXES) + ")")
_GENERIC = frozenset(
    [
        "小区",
        "花园",
        "社区",
        "街道",
        "村",
        "组",
        "镇",
        "乡",
        "路",
        "街",
        "巷",
        "学校",
        "小学",
        "中学",
        "大学",
        "幼儿园",
        "医院",
        "公园",
        "市场",
        "车站",
        "广场",
        "公路",
        "道路",
        "马路",
        "水泥路",
        "马路边",
        "城区",
        "主城区",
        "老城区",
        "新城区",
        "农村",
        "乡村",
        "城乡",
        "乡镇",
        "城镇",
        "该小区",
        "本小区",
        "我们小区",
        "整个小区",
        "各小区",
        "老小区",
        "新小区",
        "商品房小区",
        "高速公路",
        "人行道",
        "主干道",
        "街道办",
        "门面",
        "一条路",
    ]
)
_DIGITS_ONLY = re.compile(r"^[\dA-Za-z]+")
# Words that end in a place word without naming a place (车贷老板跑路, 解决思路, 公交线路 …).
_NOT_PLACES = (
    "政府", "跑路", "出路", "思路", "套路", "走路", "线路",
    "网路", "退路", "半路", "一路", "门路", "销路", "电路",
)  # fmt: skip


@lru_cache(maxsize=65536)
def _clean(span: str) -> str:
    """The name inside a span, or "" when none is left.

    The leading words of a sentence and stray letters/digits (G2栋 …) are cut first; then
    leading words that jieba knows as common (购买, 进入, 造成 …: frequency ≥ :data:`COMMON_FREQ`)
    while a name of three characters or more remains (魅力之城 keeps 魅力: what would remain, 之城,
    is too short)."""
    parts = _LEADS.split(span)
    name = _DIGITS_ONLY.sub("", parts[-1] if parts else span)
    if name.endswith(_NOT_PLACES):
        return ""
    freq = tokenizer().FREQ
    words = cut(name)
    while len(words) > 1 and freq.get(words[0], 0) >= COMMON_FREQ:
        rest = "".join(words[1:])
        if rest in _GENERIC:
            return ""  # a common word before 小区/学校: "造成小区", not a name
        if len(rest) < 3:
            break
        words = words[1:]
        name = rest
    return name


def places(*texts: str | None, limit: int = 12) -> tuple[str, ...]:
    """The place names of the texts, in order of first mention, at most ``limit``."""
    seen: dict[str, None] = {}
    for text in texts:
        chunk = _ADMIN.sub("，", normalize(text))
        for m in _SPAN.finditer(chunk):
            name = _clean(m.group(0))
            if len(name) < 3 or name in _GENERIC:
                continue
            seen.setdefault(name, None)
            if len(seen) >= limit:
                return tuple(seen)
    return tuple(seen)


def share_place(a: Iterable[str], b: Iterable[str]) -> bool:
    """Whether a name of one set contains a name of the other (丽发新城 ⊂ 丽发新城小区)."""
    bs = list(b)
    return any(x == y or x in y or y in x for x in a for y in bs)


def main_place(names_per_item: Iterable[Iterable[str]]) -> str:
    """The name mentioned by most items (ties: the longer, then the first seen); "" if none."""
    counts: dict[str, int] = {}
    for names in names_per_item:
        for name in set(names):
            counts[name] = counts.get(name, 0) + 1
    if not counts:
        return ""
    return max(counts, key=lambda n: (counts[n], len(n)))
