"""The units of the demo city, 钟祥市: the 12345 centre, city departments, townships and their villages.

Townships come from the shipped NBS 2023 division codes (mochou/data/streets-zhongxiang.csv) and
are real; so are their 574 villages and communities (org/data/villages-zhongxiang.csv, the same
edition: see org/data/PROVENANCE.md), each a unit whose code is its 12-digit 统计用区划代码. The
departments are a plausible set for a county-level city in 湖北 after the 2019 institutional
reform; their codes (D-ZJJ…) are ours and stable.

Every function here is idempotent (update_or_create on the unit code).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

import mochou
from mochou.datasets import read_streets
from org.models import Unit, UnitKind

DATA_DIR = Path(mochou.__file__).resolve().parent / "data"
STREETS_CSV = DATA_DIR / "streets-zhongxiang.csv"
VILLAGES_CSV = Path(__file__).resolve().parent / "data" / "villages-zhongxiang.csv"
ZHONGXIANG = "420881"

CENTRE_CODE = "C12345"
CENTRE_NAME = "钟祥市12345热线中心"


@dataclass(frozen=True)
class DemoUnit:
    code: str
    name: str
    short_name: str
    slug: str  # ASCII abbreviation used in demo usernames, e.g. "zjj" → zjj_clerk
    phone: str = ""


# 市直部门 (and the utilities the hotline dispatches to as if they were departments).
DEPARTMENTS: tuple[DemoUnit, ...] = (
    DemoUnit("D-ZFB", "钟祥市人民政府办公室", "市政府办", "zfb"),
    DemoUnit("D-ZJJ", "钟祥市住房和城乡建设局", "市住建局", "zjj"),
    DemoUnit("D-CGJ", "钟祥市城市管理执法局", "市城管执法局", "cgj"),
    DemoUnit("D-ZRZY", "钟祥市自然资源和规划局", "市自然资源和规划局", "zrj"),
    DemoUnit("D-STHJ", "荆门市生态环境局钟祥分局", "市生态环境分局", "sthj"),
    DemoUnit("D-JTJ", "钟祥市交通运输局", "市交通运输局", "jtj"),
    DemoUnit("D-SLJ", "钟祥市水利和湖泊局", "市水利和湖泊局", "slj"),
    DemoUnit("D-NYJ", "钟祥市农业农村局", "市农业农村局", "nyj"),
    DemoUnit("D-JYJ", "钟祥市教育局", "市教育局", "jyj"),
    DemoUnit("D-WJJ", "钟祥市卫生健康局", "市卫健局", "wjj"),
    DemoUnit("D-RSJ", "钟祥市人力资源和社会保障局", "市人社局", "rsj"),
    DemoUnit("D-YBJ", "钟祥市医疗保障局", "市医保局", "ybj"),
    DemoUnit("D-MZJ", "钟祥市民政局", "市民政局", "mzj"),
    DemoUnit("D-SCJ", "钟祥市市场监督管理局", "市市场监管局", "scj"),
    DemoUnit("D-GAJ", "钟祥市公安局", "市公安局", "gaj"),
    DemoUnit("D-SFJ", "钟祥市司法局", "市司法局", "sfj"),
    DemoUnit("D-YJJ", "钟祥市应急管理局", "市应急管理局", "yjj"),
    DemoUnit("D-WLJ", "钟祥市文化和旅游局", "市文旅局", "wlj"),
    DemoUnit("D-SWJ", "钟祥市商务局", "市商务局", "swj"),
    DemoUnit("D-FGJ", "钟祥市发展和改革局", "市发改局", "fgj"),
    DemoUnit("D-JXJ", "钟祥市经济和信息化局", "市经信局", "jxj"),
    DemoUnit("D-CZJ", "钟祥市财政局", "市财政局", "czj"),
    DemoUnit("D-TYJ", "钟祥市退役军人事务局", "市退役军人事务局", "tyj"),
    DemoUnit("D-XFJ", "钟祥市信访局", "市信访局", "xfj"),
    DemoUnit("D-ZSJ", "钟祥市政务服务和大数据管理局", "市政数局", "zsj"),
    DemoUnit("D-SWUJ", "国家税务总局钟祥市税务局", "市税务局", "sw"),
    # The offices of the loops built after the hotline (investment, 城乡控违); 督查室 works at the
    # centre as the supervisor role, 应急值班 at 市应急管理局, 政务服务 at 市政数局.
    DemoUnit("D-ZSZX", "钟祥市招商服务中心", "市招商中心", "zszx"),
    DemoUnit("D-KWB", "钟祥市城乡违法建设治理办公室", "市控违办", "kwb"),
    DemoUnit("D-CL", "钟祥市残疾人联合会", "市残联", "cl"),
    DemoUnit("D-JW", "中共钟祥市纪律检查委员会 钟祥市监察委员会", "市纪委监委", "jw"),
    DemoUnit("D-GD", "国网湖北省电力有限公司钟祥市供电公司", "市供电公司", "gd"),
    DemoUnit("D-ZLS", "钟祥市水务集团有限公司（自来水公司）", "市自来水公司", "zls"),
    DemoUnit("D-RQ", "钟祥市燃气公司", "市燃气公司", "rq"),
)

# ASCII abbreviations of the 31 township-level units (for demo usernames), by NBS code.
TOWNSHIP_SLUGS: dict[str, str] = {
    "420881001": "yzjd",  # 郢中街道
    "420881002": "hzjd",  # 皇庄街道
    "420881100": "yzz",  # 洋梓镇
    "420881101": "csz",  # 长寿镇
    "420881102": "flz",  # 丰乐镇
    "420881103": "hjz",  # 胡集镇
    "420881104": "shz",  # 双河镇
    "420881105": "lkz",  # 磷矿镇
    "420881106": "wjz",  # 文集镇
    "420881107": "lsz",  # 冷水镇
    "420881108": "spz",  # 石牌镇
    "420881109": "jkz",  # 旧口镇
    "420881110": "chz",  # 柴湖镇
    "420881111": "ctz",  # 长滩镇
    "420881112": "dqz",  # 东桥镇
    "420881113": "kdz",  # 客店镇
    "420881114": "zjz",  # 张集镇
    "420881200": "jlx",  # 九里乡
    "420881400": "kfq",  # 湖北钟祥经济开发区
    "420881450": "gzh",  # 钟祥市官庄湖管理区
    "420881451": "nhyzc",  # 南湖原种场
    "420881452": "lhs",  # 罗汉寺种畜场
    "420881453": "sqyzc",  # 双桥原种场
    "420881454": "dyzcc",  # 东岳种畜场
    "420881455": "kqh",  # 康桥湖农场
    "420881456": "dklc",  # 大口林场
    "420881457": "psl",  # 盘石岭林场
    "420881458": "wxsk",  # 温峡水库
    "420881459": "smsk",  # 石门水库
    "420881460": "hpsk",  # 黄坡水库
    "420881461": "hjkfq",  # 湖北钟祥胡集经济技术开发区
}

# The seven illustrative communities the demo had before the real list shipped (codes of our own,
# no division code): retired by `seed_org` (inactive, kept for the records that name them).
RETIRED_VILLAGE_CODES = ("V-YZ-MCH", "V-YZ-WF", "V-YZ-YC", "V-YZ-LT", "V-HZ-HC", "V-HZ-LS", "V-HZ-SC")


@dataclass(frozen=True)
class Village:
    """A village-level unit (村委会/社区居委会) of 钟祥市 from the NBS 2023 division codes."""

    code: str  # 12-digit 统计用区划代码
    name: str  # as published: 连家沟社区居委会, 彭墩村村委会 …
    township_code: str  # the 9-digit code of its township-level unit (a prefix of `code`)

    @property
    def short_name(self) -> str:
        """The place, not its committee: 连家沟社区居委会 → 连家沟社区, 彭墩村委会 → 彭墩村 (the
        virtual units of the 场库, e.g. 温峡虚拟生活区, keep their name)."""
        for suffix, place in (("居委会", ""), ("村委会", "村")):
            if self.name.endswith(suffix) and len(self.name) > len(suffix):
                return self.name[: -len(suffix)] + place
        return self.name


def read_townships() -> list[tuple[str, str]]:
    """(NBS code, name) of 钟祥市's township-level units, from the shipped CSV."""
    return [(s.code, s.name) for s in read_streets(STREETS_CSV) if s.area_code == ZHONGXIANG]


def read_villages(path: Path = VILLAGES_CSV) -> list[Village]:
    """钟祥市's villages and communities, in file order (by code), from the shipped CSV."""
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return [
            Village(row["code"].strip(), row["name"].strip(), row["streetCode"].strip())
            for row in csv.DictReader(fh)
        ]


def short_township_name(name: str) -> str:
    """郢中街道 → 郢中街道; 钟祥市官庄湖管理区 → 官庄湖管理区; 湖北钟祥经济开发区 → 钟祥经济开发区."""
    for prefix in ("钟祥市", "湖北"):
        if name.startswith(prefix):
            name = name[len(prefix) :]
    return name


@transaction.atomic
def seed_org() -> dict[str, int]:
    """Create or update the demo units; returns how many of each kind exist afterwards."""
    Unit.objects.update_or_create(
        code=CENTRE_CODE,
        defaults={"name": CENTRE_NAME, "short_name": "12345中心", "kind": UnitKind.CENTRE, "phone": "12345"},
    )
    for order, dept in enumerate(DEPARTMENTS, start=1):
        Unit.objects.update_or_create(
            code=dept.code,
            defaults={
                "name": dept.name,
                "short_name": dept.short_name,
                "kind": UnitKind.DEPARTMENT,
                "sort_order": order,
                "phone": dept.phone,
            },
        )
    townships: dict[str, Unit] = {}
    for order, (code, name) in enumerate(read_townships(), start=1):
        short = short_township_name(name)
        townships[code], _ = Unit.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "short_name": short if short != name else "",
                "kind": UnitKind.TOWNSHIP,
                # The 12-digit 统计用区划代码 of a township-level unit is its 9-digit code + "000".
                "division_code": code + "000",
                "sort_order": order,
            },
        )
    _seed_villages(townships)
    return {kind: Unit.objects.filter(kind=kind).count() for kind in UnitKind.values}


def _seed_villages(townships: dict[str, Unit]) -> None:
    """One village unit per row of the shipped list, under its township: created, or its name,
    parent and order repaired; in bulk (574 rows), so a re-seed costs a few queries."""
    villages = read_villages()
    existing = {u.code: u for u in Unit.objects.filter(code__in=[v.code for v in villages])}
    new, changed = [], []
    for order, village in enumerate(villages, start=1):
        wanted = {
            "name": village.name,
            "short_name": village.short_name,
            "kind": UnitKind.VILLAGE,
            "parent": townships[village.township_code],
            "division_code": village.code,
            "sort_order": order,
            "is_active": True,
        }
        unit = existing.get(village.code)
        if unit is None:
            new.append(Unit(code=village.code, **wanted))
        elif any(getattr(unit, field) != value for field, value in wanted.items()):
            for field, value in wanted.items():
                setattr(unit, field, value)
            changed.append(unit)
    Unit.objects.bulk_create(new)
    Unit.objects.bulk_update(
        changed, ["name", "short_name", "kind", "parent", "division_code", "sort_order", "is_active"]
    )
    Unit.objects.filter(code__in=RETIRED_VILLAGE_CODES).update(is_active=False)


def unit_slug(unit: Unit) -> str | None:
    """The ASCII abbreviation of a demo unit (for usernames), or None for units we did not create."""
    for dept in DEPARTMENTS:
        if dept.code == unit.code:
            return dept.slug
    return TOWNSHIP_SLUGS.get(unit.code)
