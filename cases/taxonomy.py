"""The 事项分类 tree, loaded from the shipped taxonomy (mochou/data/category-taxonomy.csv).

The CSV is a real city's three-level message taxonomy (517 leaves under 15 first-level subjects).
Each node is a Category with path "一级/二级/三级"; loading is idempotent (update_or_create on the
path) and also sets the time limits of the first-level categories and the default handling unit
of the first-, second- or third-level nodes, pointing at the demo departments of org.demo.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from cases.models import LIMIT_FIELDS, Category, CategoryLimit, LimitVersion
from loop.versions import first_version
from mochou.datasets import read_taxonomy as read_rows
from org.demo import DATA_DIR
from org.models import Unit

TAXONOMY_CSV = DATA_DIR / "category-taxonomy.csv"


@dataclass(frozen=True)
class Limits:
    accept_hours: int  # 签收时限, working hours
    handle_days: int  # 办理时限, working days
    urgent_accept_hours: int
    urgent_handle_days: int


# Time limits per first-level subject. Plausible values modelled on published county-level 12345
# rules (签收 within 2 working hours; 一般件 办结 within 5–15 working days depending on how much
# field work the subject needs; 紧急件 签收 within 1 hour and 办结 within 1–3 working days).
# Quick subjects (consumer complaints, health, public order) get short limits; subjects that need
# surveys, planning or land procedures (国土资源, 纪检监察) get longer ones. Second- and third-level
# categories inherit them (Category.limit walks up the tree). A 咨询 answered at intake needs none.
LIMITS: dict[str, Limits] = {
    "城乡建设": Limits(2, 15, 1, 3),
    "环境保护": Limits(2, 10, 1, 2),
    "交通运输": Limits(2, 10, 1, 3),
    "劳动和社会保障": Limits(2, 10, 1, 3),
    "教育文体": Limits(2, 10, 1, 3),
    "卫生计生": Limits(2, 7, 1, 2),
    "商贸旅游": Limits(2, 7, 1, 2),
    "政法": Limits(2, 10, 1, 1),
    "民政": Limits(2, 10, 1, 3),
    "农村农业": Limits(4, 15, 1, 3),
    "经济管理": Limits(4, 15, 1, 3),
    "科技与信息产业": Limits(4, 10, 1, 3),
    "国土资源": Limits(4, 20, 1, 5),
    "党务政务": Limits(4, 15, 2, 5),
    "纪检监察": Limits(4, 20, 2, 5),
}

# Default handling unit (org.demo department code) by path prefix: the longest prefix wins.
DEFAULT_UNITS: dict[str, str] = {
    "城乡建设": "D-ZJJ",
    "城乡建设/安全生产": "D-YJJ",
    "城乡建设/城乡规划": "D-ZRZY",
    "城乡建设/集体土地上房屋拆迁与补偿": "D-ZRZY",
    "城乡建设/城市建设和市政管理/园林绿化环卫": "D-CGJ",
    "城乡建设/城市建设和市政管理/园林绿化": "D-CGJ",
    "城乡建设/城市建设和市政管理/环境卫生": "D-CGJ",
    "城乡建设/城市建设和市政管理/城管执法": "D-CGJ",
    "城乡建设/城市建设和市政管理/公园管理": "D-CGJ",
    "城乡建设/城市建设和市政管理/公共汽车": "D-JTJ",
    "城乡建设/城市建设和市政管理/燃气供应": "D-RQ",
    "城乡建设/城市建设和市政管理/电力供应": "D-GD",
    "城乡建设/城市建设和市政管理/自来水供应": "D-ZLS",
    "环境保护": "D-STHJ",
    "交通运输": "D-JTJ",
    "劳动和社会保障": "D-RSJ",
    "教育文体": "D-JYJ",
    "教育文体/体育": "D-WLJ",
    "教育文体/文化": "D-WLJ",
    "教育文体/文物管理": "D-WLJ",
    "卫生计生": "D-WJJ",
    "卫生计生/食品药品监管": "D-SCJ",
    "商贸旅游": "D-SWJ",
    "商贸旅游/旅游管理": "D-WLJ",
    "商贸旅游/市场监管": "D-SCJ",
    "商贸旅游/质监检验检疫": "D-SCJ",
    "政法": "D-GAJ",
    "政法/法律服务": "D-SFJ",
    "政法/法制建设": "D-SFJ",
    "政法/行政复议": "D-SFJ",
    "政法/仲裁与调解": "D-SFJ",
    "政法/刑罚执行": "D-SFJ",
    "民政": "D-MZJ",
    "民政/复退安置": "D-TYJ",
    "民政/优抚": "D-TYJ",
    "农村农业": "D-NYJ",
    "农村农业/水利水电": "D-SLJ",
    "农村农业/水库移民": "D-SLJ",
    "农村农业/林业管理": "D-ZRZY",
    "国土资源": "D-ZRZY",
    "国土资源/海洋气象地震": "D-YJJ",
    "经济管理": "D-FGJ",
    "经济管理/安全生产": "D-YJJ",
    "经济管理/金融财税": "D-CZJ",
    "经济管理/国资监管": "D-CZJ",
    "经济管理/企业破产": "D-JXJ",
    "科技与信息产业": "D-JXJ",
    "科技与信息产业/信息化建设": "D-ZSJ",
    "科技与信息产业/知识产权": "D-SCJ",
    "党务政务": "D-ZFB",
    "纪检监察": "D-JW",
}


def read_taxonomy(path: Path = TAXONOMY_CSV) -> list[tuple[str, str, str]]:
    """The (一级, 二级, 三级) rows of the taxonomy CSV, stripped, in file order, without duplicates."""
    seen: dict[tuple[str, str, str], None] = {}
    for row in read_rows(path):  # mochou.datasets: the one reader of the shipped data
        names = (row.level1, row.level2, row.level3)
        if all(names):
            seen.setdefault(names, None)
    return list(seen)


def default_unit_code(path: str) -> str | None:
    """The department code for a category path: the longest configured prefix wins."""
    parts = path.split("/")
    for n in range(len(parts), 0, -1):
        code = DEFAULT_UNITS.get("/".join(parts[:n]))
        if code:
            return code
    return None


@transaction.atomic
def load_taxonomy(path: Path = TAXONOMY_CSV) -> dict[int, int]:
    """Create or update the Category tree from the CSV; returns {level: number of categories}.

    Every node gets the default unit of its longest configured path prefix, if that unit exists
    (run org.demo.seed_org first); without the demo units the tree loads with no default units.
    """
    units = {u.code: u for u in Unit.objects.filter(code__in=set(DEFAULT_UNITS.values()))}
    nodes: dict[str, Category] = {}

    def node(names: tuple[str, ...]) -> Category:
        key = "/".join(names)
        if key in nodes:
            return nodes[key]
        parent = node(names[:-1]) if len(names) > 1 else None
        defaults: dict[str, object] = {
            "name": names[-1],
            "level": len(names),
            "parent": parent,
            "default_unit": units.get(default_unit_code(key) or ""),
            "is_active": True,
        }
        category, _ = Category.objects.update_or_create(path=key, defaults=defaults)
        nodes[key] = category
        return category

    for names in read_taxonomy(path):
        node(names)
    tops = [(c, LIMITS[c.name]) for c in nodes.values() if c.level == 1 and c.name in LIMITS]
    seed_first_limits({c: {f: getattr(limits, f) for f in LIMIT_FIELDS} for c, limits in tops})
    return {level: sum(1 for c in nodes.values() if c.level == level) for level in (1, 2, 3)}


def seed_first_limits(limits: dict[Category, dict[str, int | None]]) -> LimitVersion | None:
    """Publish version 1 of the time limits when there is none yet; a second load changes nothing
    (later limits come as new versions, never by editing a published one)."""
    with first_version(LimitVersion, note="《12345热线事项分类及办理时限》初始时限") as draft:
        if draft is not None:
            CategoryLimit.objects.bulk_create(
                CategoryLimit(version=draft, category=c, **v) for c, v in limits.items()
            )
    return draft


def default_unit_for(category: Category) -> Unit | None:
    """The category's default unit, or its nearest ancestor's."""
    node: Category | None = category
    while node is not None:
        if node.default_unit_id:
            return node.default_unit
        node = node.parent
    return None
