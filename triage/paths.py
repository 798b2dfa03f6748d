"""The full category path of a case, chosen within a first-level category by the words of its text.

The model predicts only the first level (its labels have no other); the second and third come
from what the city itself wrote down: the names in the category tree (mochou.vocabulary's terms
and the tokenizer's search sub-words of them) and the keywords of the dispatch catalogue's entries
under each node. A term found in the text counts 1/df, df being how many sibling nodes list it, so
a word every sibling shares decides nothing. No evidence, no choice: the path stops where the
words stop (a person completes it); only inside a chosen second level does a leaf 其他 stand for
"this subject, nothing more specific".
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from cases.models import Category
from mochou.text import cut_for_search
from mochou.vocabulary import GENERIC_TERMS, category_terms

OTHER = "其他"

# Everyday words for subjects whose tree names citizens rarely use (公交 for 公共汽车, 户口 for
# 户籍), written from general knowledge of what each subject covers, by path (二级 or 三级). A
# third-level node's words count for its second level too. Checked on the dev rows of
# triage/data/real-categories-labelled.csv only (docs/dispatch-catalogue.md).
SUBJECT_TERMS: dict[str, str] = {
    "城乡建设/城市建设和市政管理/公共汽车": "公交 公交车 公交线路 公交站 车次 班次 乘车码 公交卡",
    "城乡建设/城市建设和市政管理/城市公共设施": "路灯 井盖 下水道 人行道 护栏 公厕 窨井",
    "城乡建设/城市建设和市政管理/基础设施": "道路 路面 修路 积水 排水 管网 市政",
    "城乡建设/城市建设和市政管理/自来水供应": "停水 自来水 水压 供水 水质",
    "城乡建设/城市建设和市政管理/电力供应": "停电 断电 供电 电压 跳闸 电网",
    "城乡建设/城市建设和市政管理/燃气供应": "燃气 天然气 煤气 液化气",
    "城乡建设/城市建设和市政管理/城管执法": "城管 占道 摊贩 摆摊",
    "城乡建设/城市建设和市政管理/环境卫生": "垃圾 环卫 清扫",
    "城乡建设/住房保障与房地产": "买房 购房 房产 房子 开发商 业主 楼盘 交房 二手房 过户 业委会 商品房",
    "城乡建设/住房保障与房地产/物业服务": "物业 物业费 物业公司",
    "城乡建设/城乡规划/违章建筑": "违建 违章 私搭乱建 乱搭乱建 搭建 违法建设",
    "城乡建设/城乡规划": "规划图 规划 选址",
    "城乡建设/工程质量": "偷工减料 质量问题 开裂 裂缝 渗水",
    "环境保护/环境污染/噪音污染": "噪音 噪声 扰民 吵",
    "环境保护/环境污染/大气污染": "臭气 废气 油烟 粉尘 烟尘 异味 气味",
    "环境保护/环境污染/水污染": "污水 排污 废水 河水 水体",
    "环境保护/环境污染": "污染 养殖场 排放",
    "政法/户籍证件/户籍管理": "户口 落户 迁户 分户 户籍 迁移证 迁出证",
    "政法/户籍证件/身份证管理": "身份证",
    "政法/交通管理/机动车和驾驶员管理": "驾照 驾驶证 科目三 科三 科目二 驾校 车管所 年检",
    "政法/交通管理/交通安全管理": "交警 停车 乱停 违停 信号灯 红绿灯 拥堵 堵车 路口 护栏 罚单",
    "政法/社会治安": "派出所 报警 打架 诈骗 赌博 治安",
    "政法/法律服务/法律援助": "法律援助",
    "民政/社会救助": "救助 低保 特困 大病救助",
    "民政/社会服务": "婚姻登记 殡葬 墓地 收养",
    "卫生计生/医政监管": "医院 诊所 医生 卫生院 看病",
    "卫生计生/医患纠纷": "医疗事故 误诊",
    "农村农业/水利水电": "河堤 堤坝 河道 水渠 灌溉 防汛 泵站",
    "农村农业/土地承包经营": "确权 承包地 宅基地 土地流转",
    "教育文体/教育行政管理": "幼儿园 放假 课业",
    "教育文体/教育收费": "收费 补课费 学费",
    "教育文体/教师队伍和待遇": "教师 老师 职称 代课",
    "教育文体/文化": "图书馆 文化馆 文艺",
    "教育文体/考试招生": "招生 录取 中考 高考",
    "教育文体/教育体制": "学位 入学 划片 升学",
    "劳动和社会保障/城镇职工社会保险": "养老保险 医保 社保 五险一金 两险",
    "劳动和社会保障/工资福利/工资发放": "工资 欠薪 讨薪",
    "劳动和社会保障/劳动关系": "劳动合同 辞退 解雇 突然关门",
    "交通运输/客货运输": "车站 客运 售票 班车 长途",
    "交通运输/建设管理": "公路 高速 国道 省道 村道",
    "经济管理/金融财税": "偷税 漏税 税务 发票 非法集资 理财",
    "商贸旅游/市场监管": "诱骗消费者 虚假宣传 传销 价格",
}


@dataclass(frozen=True)
class PathChoice:
    category: Category
    evidence: list[str] = field(default_factory=list)  # the words that chose it, for the dispatcher

    @property
    def is_full(self) -> bool:
        return self.category.level >= 3


@lru_cache(maxsize=4096)
def name_terms(name: str) -> frozenset[str]:
    """The words of one category name: its parts and their search sub-words (no generic ones)."""
    terms: set[str] = set()
    for term in category_terms(name):
        terms.add(term)
        terms.update(p for p in cut_for_search(term) if len(p) >= 2 and p not in GENERIC_TERMS)
    return frozenset(terms)


def keyword_terms(keywords: str) -> set[str]:
    """Every alternative of every group of a catalogue entry's keywords."""
    return {w for group in keywords.split() for w in group.split("|") if len(w) >= 2}


def _own_terms(node: Category, keywords: Mapping[int, Iterable[str]]) -> set[str]:
    words = set(name_terms(node.name)) if node.name != OTHER else set()
    words.update(SUBJECT_TERMS.get(node.path, "").split())
    for words_of in keywords.get(node.pk, ()):
        words |= keyword_terms(words_of)
    return words


def _best(
    nodes: Sequence[Category], terms: dict[int, set[str]], text: str
) -> tuple[Category | None, list[str]]:
    """The node whose terms weigh most in the text, with those terms; None on no evidence or a tie."""
    df = Counter(t for node in nodes for t in terms[node.pk])
    scored: list[tuple[float, Category, list[str]]] = []
    for node in nodes:
        found = sorted((t for t in terms[node.pk] if t in text), key=lambda t: (-len(t), t))
        # A word inside a longer found word of the same node counts once (施工 in 建筑施工).
        kept = [t for i, t in enumerate(found) if not any(t in longer for longer in found[:i])]
        score = sum(1.0 / df[t] for t in kept)
        if score > 0:
            scored.append((score, node, kept))
    if not scored:
        return None, []
    scored.sort(key=lambda s: (-s[0], s[1].path))
    if len(scored) > 1 and scored[0][0] == scored[1][0]:
        return None, []  # two subjects weigh the same: not ours to pick
    return scored[0][1], scored[0][2]


def refine(root: Category, text: str, keywords: Mapping[int, Iterable[str]] | None = None) -> PathChoice:
    """The deepest category under `root` (itself included) that the text gives evidence for.

    `keywords`: catalogue keywords per category id, counted for the node and its ancestors."""
    keywords = keywords or {}
    if root.level >= 3:
        return PathChoice(root)
    children = [c for c in root.children.all() if c.is_active]
    if not children:
        return PathChoice(root)
    terms: dict[int, set[str]] = {}
    for child in children:
        words = _own_terms(child, keywords)
        for leaf in child.children.all():
            if leaf.is_active:
                words |= _own_terms(leaf, keywords)
        terms[child.pk] = words
    chosen, evidence = _best(children, terms, text)
    if chosen is None:
        return PathChoice(root)
    if chosen.level >= 3:
        return PathChoice(chosen, evidence)
    deeper = refine(chosen, text, keywords)
    if deeper.category.pk != chosen.pk:
        return PathChoice(deeper.category, evidence + [w for w in deeper.evidence if w not in evidence])
    other = next((c for c in chosen.children.all() if c.is_active and c.name == OTHER), None)
    return PathChoice(other or chosen, evidence)
