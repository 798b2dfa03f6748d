"""The city's own words, for the one tokenizer (:mod:`mochou.text`) and the features built on it.

No Django imports. Every word a module wants jieba to keep whole is listed here (or comes from the
shipped category tree), so the tokenizer's dictionary is the same in every process whatever was
imported first: a triage model trained from the command line cuts text exactly as in the server.

- :data:`SYNONYMS` — the knowledge base's concept groups (search matches any form as the first);
- :data:`DOMAIN_WORDS` — service and guide words a caller says as one word;
- :data:`SEED_TERMS` — triage's everyday words of each first-level category;
- :func:`category_terms` — the category tree's 二级/三级 names, split into terms.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

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

DOMAIN_WORDS: tuple[str, ...] = tuple(
    """
    社保卡 异地就医 居住证 不动产登记 营业执照 个体户 食品经营许可 新生儿 落户 结婚登记 低保 残疾证
    高龄津贴 义务教育 驾驶证 换证 机动车 年检 燃气开户 过户 退役军人 优待证 失业登记 就业补贴
    创业担保贷款 税务登记 老年证 养犬登记 占道经营 物业纠纷 违建 农村建房 公积金 提取 医保 报销
    备案 养老保险 灵活就业 12345
    """.split()  # noqa: SIM905 — a word list reads better as text
)

# Triage's prior knowledge, one entry per first-level category (see triage/lexicon.py).
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


def category_terms(name: str) -> list[str]:
    """The terms of a category name: split on 、/和/及/与, without one-character or generic ones."""
    return [t for t in _SPLIT.split(name) if len(t) >= 2 and t not in GENERIC_TERMS]


def seed_terms(label: str) -> list[str]:
    return SEED_TERMS.get(label, "").split()


def synonym_forms() -> Iterable[str]:
    """Every form of every synonym group that is a word (longer than one character)."""
    for group in SYNONYMS:
        yield from (w for w in group if len(w) > 1)
