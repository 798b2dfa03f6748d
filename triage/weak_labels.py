"""Weak first-level labels from the department that answered a message (no Django imports).

A government reply (答复意见, ``messages-with-replies-full.csv``) usually names the unit that
answers it in its first lines: "经市教育局调查核实…", "现将市公安局的答复…". The unit's line of
work names a first-level category of the tree — 教育局 → 教育文体, 公安局 → 政法 — so the reply
gives a *weak* label: noisy (a district government or a 街道办 answers everything and names no
subject; a 教育局 may answer about a road in front of a school), but free, and drawn from the
real stream. Labels of the 8 subjects the labelled data do not cover (政法, 民政, 国土资源 …) are
the out-of-scope examples of :mod:`triage.scope`.

The table is written from what each department handles (the category tree's second levels),
not fitted to any labelled message. Ambiguous units are left out on purpose: 自然资源和规划局
(land or planning?), 文化和旅游局 (教育文体 or 商贸旅游?), 医疗保障局, 交警 (政法's 交通管理, but
citizens write about roads), 街道/区政府 (everything).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

# (pattern of a unit name, its first-level category). Order does not matter: the unit named
# FIRST in the reply wins (the answering unit comes before the units it mentions).
DEPARTMENTS: tuple[tuple[str, str], ...] = (
    (r"教育局|教育厅|教体局|教育委员会|教委|教育和体育局", "教育文体"),
    (r"体育局|文体局|广电局|新闻出版", "教育文体"),
    (r"人力资源和社会保障|人社局|人社厅|社保局|社会保险|劳动监察|就业服务|劳动保障", "劳动和社会保障"),
    (r"卫生健康|卫健委|卫健局|卫计委|卫生计生|卫生局|计生局|疾控中心|疾病预防控制", "卫生计生"),
    (r"交通运输局|交通运输厅|交通局|运管|公路局|公交公司|客运|邮政管理", "交通运输"),
    (
        r"住房和城乡建设|住建局|住建委|城乡建设局|城乡规划局|规划局|规划分局|城管局|城市管理|"
        r"住房保障|房产局|房屋征收|市政局|建设局|物业办",
        "城乡建设",
    ),
    (r"生态环境|环保局|环境保护局|环保分局|环境局", "环境保护"),
    (r"商务局|工商局|工商分局|市场监督管理|市场监管|旅游局|质监局|质量技术监督|粮食局", "商贸旅游"),
    # The subjects outside the 7 labels.
    (r"公安局|公安分局|派出所|司法局|法院|检察院|信访局", "政法"),
    (r"民政局|民政厅|残联|退役军人", "民政"),
    (r"国土资源|国土局|国土分局|不动产登记", "国土资源"),
    (r"农业农村|农业局|农委|林业局|水利局|水务局|扶贫办|畜牧", "农村农业"),
    (r"纪委|监委|监察委员会", "纪检监察"),
    (r"发改委|发展和改革|财政局|财政厅|税务局|统计局|国资委|金融办|供电公司|电力公司", "经济管理"),
    (r"工信局|工业和信息化|科技局|通信管理|电信公司|移动公司|联通公司", "科技与信息产业"),
    (r"组织部|宣传部|统战部|机关事务|编办|外事侨务", "党务政务"),
)
_PATTERNS = [(re.compile(p), label) for p, label in DEPARTMENTS]
HEAD_CHARS = 300  # the answering unit is named in the reply's first lines


def weak_label(reply: str) -> str | None:
    """The first-level category of the unit named first in the reply's head, or None."""
    head = (reply or "")[:HEAD_CHARS]
    best: tuple[int, str] | None = None
    for pattern, label in _PATTERNS:
        m = pattern.search(head)
        if m and (best is None or m.start() < best[0]):
            best = (m.start(), label)
    return best[1] if best else None


@dataclass(frozen=True)
class WeakExample:
    id: str
    title: str
    body: str
    label: str  # one of the 15 first-level categories


def weak_examples(messages: Iterable[object], exclude_ids: Sequence[str] = ()) -> list[WeakExample]:
    """Weakly labelled examples of messages with a ``reply`` (``RepliedMessage``); ids in
    ``exclude_ids`` (e.g. a test set's) are skipped so that no test message is trained on."""
    skip = set(exclude_ids)
    out: list[WeakExample] = []
    for m in messages:
        mid, reply = str(getattr(m, "id", "")), str(getattr(m, "reply", ""))
        if mid in skip:
            continue
        label = weak_label(reply)
        if label:
            out.append(WeakExample(mid, str(getattr(m, "title", "")), str(getattr(m, "body", "")), label))
    return out
