"""Category vocabulary used as prior-knowledge features (no Django imports).

Two sources, both independent of the labelled messages:

* the platform's three-level category tree (``category-taxonomy.csv``): every second- and
  third-level name of a first-level category, split on 、/和/及/与, plus its jieba
  search-mode sub-words (``民办学校`` → ``民办``, ``学校``, ``民办学校``);
* ``SEED_TERMS``: a short hand-written list of everyday words citizens use for the same subjects
  (``社保``, ``老师``, ``医院`` …), written from general knowledge of what each department handles.

Each message gets, per first-level category, ``log1p(Σ 1/df(term))`` over the category's terms
that occur in it (``df`` = number of categories that list the term), once for the title and once
for the body.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping

import numpy as np

from triage.segment import cut_for_search

_GENERIC = "其他 管理 问题 工作 处理 服务 政策 标准 时间 人员 发放 调整 使用 建设 办理"
GENERIC_TERMS = frozenset(_GENERIC.split(" "))

SEED_TERMS: dict[str, str] = {
    "劳动和社会保障": "社保 医保 养老金 养老保险 社会保险 工资 欠薪 拖欠工资 劳动合同 人社 人力资源 失业金 "
    "退休 工伤 农民工 招聘 五险一金 加班 辞退 劳动仲裁",
    "教育文体": "学校 老师 教师 学生 小学 中学 幼儿园 高中 初中 大学 教育局 上学 入学 学位 补课 培训机构 "
    "考试 校车 体育 文化 图书馆 课外 班主任 家长 学费",
    "卫生计生": "医院 医生 卫生院 诊所 护士 患者 病人 疫苗 药店 药品 计生 二胎 生育 卫健委 卫生局 看病 "
    "手术 医疗 食品安全 计划生育",
    "交通运输": "公交 公交车 出租车 的士 网约车 滴滴 驾校 驾照 车站 客运 高速 公路 快递 物流 交通 运管 "
    "班车 大巴 司机 乘客 收费站",
    "城乡建设": "物业 小区 业主 开发商 拆迁 征收 安置 违建 违章建筑 路灯 自来水 供水 停水 停电 燃气 "
    "天然气 住建 规划 施工 工地 市政 城管 房产证 绿化 房屋 电梯 下水道",
    "商贸旅游": "旅游 景区 游客 商家 商场 超市 消费者 价格 传销 市场监管 工商 假冒 产品质量 门票 酒店 "
    "导游 商户 商品 消费 市场",
    "环境保护": "污染 噪音 噪声 排放 废气 污水 臭味 粉尘 环保 环评 垃圾焚烧 化工 扰民 油烟 排污 异味 "
    "臭气 废水 环境",
}

_SPLIT = re.compile(r"[、和及与/（）()\s]+")


def class_terms(
    taxonomy: Iterable[tuple[str, str, str]],
    labels: Iterable[str],
    *,
    use_seed: bool = True,
) -> dict[str, frozenset[str]]:
    """Map each label to its set of vocabulary terms (taxonomy names, their sub-words, seed terms)."""
    out: dict[str, set[str]] = {label: set() for label in labels}
    for level1, level2, level3 in taxonomy:
        if level1 not in out:
            continue
        for name in (level2, level3):
            for term in _SPLIT.split(name):
                if len(term) < 2 or term in GENERIC_TERMS:
                    continue
                out[level1].add(term)
                out[level1].update(p for p in cut_for_search(term) if len(p) >= 2 and p not in GENERIC_TERMS)
    if use_seed:
        for label, words in SEED_TERMS.items():
            if label in out:
                out[label].update(words.split())
    return {label: frozenset(terms) for label, terms in out.items()}


class KeywordScorer:
    """Per-label keyword scores of a text (see module doc)."""

    def __init__(self, terms: Mapping[str, frozenset[str]], labels: list[str]):
        self.labels = list(labels)
        df = Counter(t for label in self.labels for t in terms.get(label, ()))
        # term -> list of (label index, weight)
        index: dict[str, list[tuple[int, float]]] = {}
        for j, label in enumerate(self.labels):
            for t in terms.get(label, ()):
                index.setdefault(t, []).append((j, 1.0 / df[t]))
        self._terms = sorted(index)
        self._index = index

    def scores(self, text: str) -> np.ndarray:
        out = np.zeros(len(self.labels))
        for t in self._terms:
            if t in text:
                for j, w in self._index[t]:
                    out[j] += w
        return np.log1p(out)

    def matches(self, text: str, label: str) -> list[str]:
        """Terms of ``label`` found in ``text``, longest first."""
        j = self.labels.index(label)
        found = [t for t in self._terms if t in text and any(k == j for k, _ in self._index[t])]
        return sorted(found, key=lambda t: (-len(t), t))
