"""The demo's 派单目录: what each of 钟祥's units is responsible for, as version 1 of the catalogue.

Built through the catalogue's own models and loop.versions, from three sources:

1. **The category tree**: every first- and second-level category, and every third-level one
   whose unit differs from its parent's, gets a city-wide entry for the department the taxonomy
   names (cases/taxonomy.py's default units), with that department's duty as its basis.
2. **属地 matters** the townships handle themselves (village affairs, land contracts, community
   building, 控违): one entry per township, the department co-handling.
3. **Matters described in words** (keywords, time of day): construction noise at night, social
   noise, industrial noise, wage arrears on building sites, power, water and gas outages … — the
   centre's 派单口径 written into the catalogue (`basis` names the guide they come from).

The duty texts are plausible 三定 wording for a county-level city in 湖北 after the 2019 reform,
written for the demo; they are not quotations of 钟祥's published 三定 documents.

The categories a county city does not use (地铁, 冬季采暖 …) are switched off through
triage.amend.deactivate_categories, audited like any change.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time

from django.utils import timezone

from cases.models import Category
from loop.versions import first_version
from org.models import Unit
from triage.amend import deactivate_categories
from triage.models import DispatchCatalogue, DispatchRule

# What a department is responsible for (its 三定 in one line): the basis of its entries.
DUTIES: dict[str, str] = {
    "D-ZFB": "三定：承担市政府综合协调，督促检查政府工作部署落实",
    "D-ZJJ": "三定：负责建筑工程施工现场、建筑市场、房地产市场、物业服务和市政设施的监督管理",
    "D-CGJ": "三定：负责市容环境卫生、园林绿化、占道经营和户外广告的管理与综合执法",
    "D-ZRZY": "三定：负责国土空间规划、自然资源确权登记、耕地保护和林业管理",
    "D-STHJ": "三定：负责大气、水、土壤、噪声等环境污染防治的监督管理和生态环境执法",
    "D-JTJ": "三定：负责公路、水路运输、出租车、客运站场和农村公路的行业管理",
    "D-SLJ": "三定：负责水资源、河湖、水利工程、农田水利和水库移民的管理",
    "D-NYJ": "三定：负责农业农村发展、农资农技、动物防疫、惠农补贴和农村改革",
    "D-JYJ": "三定：负责各级各类学校的教育行政管理、招生考试、教育收费和校外培训监管",
    "D-WJJ": "三定：负责医疗机构和医疗服务监管、公共卫生、人口家庭和医患纠纷调处",
    "D-RSJ": "三定：负责就业、社会保险、劳动关系、工资福利和劳动保障监察",
    "D-YBJ": "三定：负责医疗保险、生育保险和医疗救助的经办与监管",
    "D-MZJ": "三定：负责社会救助、养老服务、社会组织、区划地名、殡葬和社区建设",
    "D-SCJ": "三定：负责市场主体登记、食品药品安全、产品质量、价格和消费维权监管",
    "D-GAJ": "三定：负责治安管理、刑事侦查、户籍证件、道路交通安全管理",
    "D-SFJ": "三定：负责法治建设、法律服务、人民调解、行政复议和社区矫正",
    "D-YJJ": "三定：负责安全生产综合监管、防灾减灾救灾和应急救援",
    "D-WLJ": "三定：负责文化、旅游、体育、文物保护和文化市场执法",
    "D-SWJ": "三定：负责商贸流通、市场运行、招商引资和对外经贸",
    "D-FGJ": "三定：负责国民经济和社会发展规划、价格管理、能源和重大项目",
    "D-JXJ": "三定：负责工业和信息化、企业服务、企业改制破产和科技创新",
    "D-CZJ": "三定：负责财政收支、政府采购、国有资产和金融工作",
    "D-TYJ": "三定：负责退役军人移交安置、优抚褒扬和服务保障",
    "D-ZSJ": "三定：负责政务服务、12345热线、电子政务和大数据",
    "D-JW": "党内法规：负责党风廉政监督、审查调查党员干部违纪违法和职务违法犯罪",
    "D-GD": "供电营业规则：负责供电营业区内的供电服务、抢修和电费",
    "D-ZLS": "供水协议：负责城区供水、水质、水压和供水管网抢修",
    "D-RQ": "燃气经营许可：负责管道燃气供应、安全检查和抢修",
}

TOWNSHIP_DUTY = "三定（乡镇）：负责辖区村（社区）事务、土地承包、村镇建设、违法建设巡查和矛盾纠纷化解"

# 属地 matters: (category path, the department that co-handles). The township leads.
LOCAL_MATTERS: tuple[tuple[str, str], ...] = (
    ("农村农业/村务管理", "D-NYJ"),
    ("农村农业/土地承包经营", "D-NYJ"),
    ("民政/基层选举和社区建设", "D-MZJ"),
    ("城乡建设/村镇建设", "D-ZJJ"),
)


@dataclass(frozen=True)
class Matter:
    """A matter described in words (and perhaps by time of day), city-wide or per township."""

    name: str  # shown to the dispatcher: "夜间建筑施工噪声"
    path: str
    keywords: str
    lead: str  # a unit code, or "township": the township of the case
    co: tuple[str, ...] = ()
    hours: tuple[time, time] | None = None
    basis: str = ""


NOISE_GUIDE = "派单口径：噪音类诉求的派单单位"
NIGHT = (time(22, 0), time(6, 0))
CONSTRUCTION_NOISE = "施工|工地|打桩|搅拌|浇筑|渣土车 噪|吵|轰鸣|扰民"
MATTERS: tuple[Matter, ...] = (
    Matter("夜间建筑施工噪声", "环境保护/环境污染/噪音污染", CONSTRUCTION_NOISE, "D-ZJJ", ("D-STHJ",),
           NIGHT, NOISE_GUIDE),
    Matter("建筑施工噪声", "环境保护/环境污染/噪音污染", CONSTRUCTION_NOISE, "D-ZJJ", (),
           None, DUTIES["D-ZJJ"]),
    Matter("社会生活噪声", "环境保护/环境污染/噪音污染", "广场舞|喇叭|音响|商铺|酒吧|KTV 噪|吵|扰民",
           "township", ("D-GAJ",), None, NOISE_GUIDE),
    Matter("工业企业噪声", "环境保护/环境污染/噪音污染", "工厂|厂区|企业|车间|机器 噪|吵|轰鸣",
           "D-STHJ", (), None, NOISE_GUIDE),
    Matter("违法建设", "城乡建设/城乡规划/违章建筑", "违建|违章建筑|私搭乱建|乱搭乱建|违法建设",
           "township", ("D-ZRZY",), None, TOWNSHIP_DUTY),
    Matter("建筑工地拖欠农民工工资", "劳动和社会保障/工资福利/工资发放",
           "工地|项目|施工 欠薪|拖欠工资|讨薪|工资", "D-RSJ", ("D-ZJJ",), None, DUTIES["D-RSJ"]),
    Matter("拖欠工资", "劳动和社会保障/工资福利/工资发放", "欠薪|拖欠工资|讨薪|不发工资", "D-RSJ"),
    Matter("停电与电力抢修", "城乡建设/城市建设和市政管理/电力供应", "停电|断电|跳闸|电压|供电", "D-GD"),
    Matter("停水与供水", "城乡建设/城市建设和市政管理/自来水供应", "停水|断水|水压|自来水|供水", "D-ZLS"),
    Matter("燃气供应与安全", "城乡建设/城市建设和市政管理/燃气供应",
           "燃气|天然气|煤气|液化气 停气|没气|断气|漏气|泄漏|气压|安检|报装|开户|燃气费", "D-RQ"),
    Matter("路灯井盖等市政设施", "城乡建设/城市建设和市政管理/城市公共设施",
           "路灯|井盖|下水道|窨井|排水管|人行道", "D-ZJJ"),
    Matter("占道经营", "城乡建设/城市建设和市政管理/城管执法", "占道|流动摊贩|乱摆摊|摆摊", "D-CGJ"),
    Matter("生活垃圾清运", "城乡建设/城市建设和市政管理/环境卫生", "垃圾 清运|堆放|没人管|成堆", "D-CGJ"),
    Matter("物业服务", "城乡建设/住房保障与房地产/物业服务", "物业", "D-ZJJ"),
    Matter("校外培训", "教育文体/教育行政管理/校外机构管理", "培训机构|培训班|校外培训|补课班", "D-JYJ"),
    Matter("食品安全", "卫生计生/食品药品监管/食品安全",
           "食品|餐馆|饭店|外卖|食堂 过期|变质|发霉|异物|吃坏|卫生", "D-SCJ"),
    Matter("出租车与网约车", "交通运输/出租车管理/行业监管", "出租车|的士|网约车", "D-JTJ"),
    Matter("交通信号与违停处罚", "政法/交通管理/交通安全管理", "红绿灯|信号灯|违停|罚单|驾照|驾驶证",
           "D-GAJ"),
)  # fmt: skip

# Categories a county city in 湖北 does not use: no metro, no central heating, no sea, no grassland.
NOT_FOR_A_COUNTY_CITY: tuple[str, ...] = (
    "城乡建设/城市建设和市政管理/地铁城铁",
    "城乡建设/城市建设和市政管理/冬季采暖",
    "国土资源/海洋气象地震/海洋",
    "农村农业/草原草场",
)


def seed_rules() -> int:
    """Switch off the categories a county city does not use, then publish the demo catalogue as
    version 1 when there is no catalogue yet; returns how many entries the catalogue in force
    has. A second load changes nothing (later catalogues come as new versions)."""
    deactivate_categories(NOT_FOR_A_COUNTY_CITY, reason="县级市不适用的事项分类（演示数据）")
    if not DispatchCatalogue.objects.exists():
        _publish_first_catalogue()
    current = DispatchCatalogue.in_force(timezone.now())
    return current.rules.count() if current is not None else 0


def _publish_first_catalogue() -> None:
    """Version 1, in force since always (loop.versions.first_version)."""
    with first_version(DispatchCatalogue, note="演示派单目录：按三定职责和派单口径编制") as version:
        if version is None:
            return
        units = {u.code: u for u in Unit.objects.filter(is_active=True)}
        townships = list(Unit.objects.townships().order_by("sort_order", "code"))
        categories = {
            c.path: c for c in Category.objects.filter(is_active=True).select_related("default_unit")
        }
        _tree_entries(version, categories)
        _local_entries(version, categories, units, townships)
        _matter_entries(version, categories, units, townships)


def _entry(
    version: DispatchCatalogue, category: Category, lead: Unit, co: list[Unit], **fields: object
) -> None:
    rule = DispatchRule.objects.create(version=version, category=category, lead_unit=lead, **fields)
    if co:
        rule.co_units.set(co)


def _nearest_default(category: Category | None) -> Unit | None:
    while category is not None:
        if category.default_unit_id:
            return category.default_unit
        category = category.parent
    return None


def _tree_entries(version: DispatchCatalogue, categories: dict[str, Category]) -> None:
    """City-wide entries from the tree: levels 1 and 2 always, level 3 where its unit differs."""
    for _, category in sorted(categories.items()):
        unit = _nearest_default(category)
        if unit is None:
            continue
        if category.level == 3 and _nearest_default(category.parent) == unit:
            continue
        _entry(version, category, unit, [], basis=DUTIES.get(unit.code, ""))


def _local_entries(
    version: DispatchCatalogue, categories: dict[str, Category], units: dict[str, Unit], townships: list[Unit]
) -> None:
    for path, co_code in LOCAL_MATTERS:
        category, co = categories.get(path), units.get(co_code)
        if category is None:
            continue
        for township in townships:
            _entry(version, category, township, [co] if co else [], township=township, basis=TOWNSHIP_DUTY)


def _matter_entries(
    version: DispatchCatalogue, categories: dict[str, Category], units: dict[str, Unit], townships: list[Unit]
) -> None:
    for matter in MATTERS:
        category = categories.get(matter.path)
        if category is None:
            continue
        co = [units[c] for c in matter.co if c in units]
        hours = {"hours_from": matter.hours[0], "hours_to": matter.hours[1]} if matter.hours else {}
        common = {"keywords": matter.keywords, "note": matter.name, **hours}
        if matter.lead == "township":
            for township in townships:
                basis = matter.basis or TOWNSHIP_DUTY
                _entry(version, category, township, co, township=township, basis=basis, **common)
        elif matter.lead in units:
            basis = matter.basis or DUTIES.get(matter.lead, "")
            _entry(version, category, units[matter.lead], co, basis=basis, **common)
