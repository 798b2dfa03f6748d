"""The seed meeting's eight plans (钟祥市委六届七十一次常委会议, 2021-08-01) and their indicators.

The plans' names and commitments are the record's (supervision/data/records/, PROVENANCE.md).
Which unit leads each plan, the keywords that place a sentence under it, and the indicators'
baselines are the demo's, chosen to be plausible for a county-level city: the record gives two
numeric targets (园区工业总产值占比 ≥ 80% by 2023; projects of ≥ 10亿元); the other targets here
are illustrative and marked so in the demo (basis text).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class IndicatorSpec:
    code: str
    name: str
    measure_unit: str
    kind: str  # absolute / ratio / cumulative
    baseline: str
    baseline_date: str
    target: str
    due: str
    basis: str
    source: str
    frequency: str = "monthly"
    provider: str = ""


@dataclass(frozen=True)
class PlanSpec:
    number: int
    name: str
    keywords: str
    lead_unit: str  # org unit code
    indicators: tuple[IndicatorSpec, ...] = field(default=())


PLANS: tuple[PlanSpec, ...] = (
    PlanSpec(
        1,
        "“永动机”招商引资倍增计划",
        "招商、引项目、招引、10亿元",
        "D-ZSZX",
        (
            IndicatorSpec(
                "projects-10yi",
                "新签约10亿元以上主导产业项目",
                "个",
                "cumulative",
                "0",
                "2021-08-01",
                "12",
                "2023-12-31",
                "会议要求“着力引进投资10亿元以上的主导产业项目”；目标数为演示值",
                "市招商中心项目台账",
                provider="investment.projects_10yi",
            ),
        ),
    ),
    PlanSpec(
        2,
        "“头部+小巨人”龙头引领带动计划",
        "龙头、小巨人、产业链、4+1",
        "D-JXJ",
        (
            # 招引龙头 / 紧盯“小巨人”: the 招商 app's signings of projects flagged so (counted
            # by its rules), read from it, not typed. 培育龙头 (existing firms grown) is no
            # figure any app holds, so it has no indicator here.
            IndicatorSpec(
                "leading-projects",
                "新招引龙头企业项目",
                "个",
                "cumulative",
                "0",
                "2021-08-01",
                "20",
                "2023-12-31",
                "新签约的龙头企业项目（招商项目标注“龙头企业”，按签约计数规则：项目首次签约计一次，"
                "变更投资方为新签约）；目标数为演示值",
                "市招商中心项目台账",
                provider="investment.leading_signed_count",
            ),
            IndicatorSpec(
                "little-giant-projects",
                "新招引专精特新“小巨人”企业项目",
                "个",
                "cumulative",
                "0",
                "2021-08-01",
                "10",
                "2023-12-31",
                "新签约的专精特新“小巨人”企业项目（招商项目标注“小巨人”，计数规则同上）；目标数为演示值",
                "市招商中心项目台账",
                provider="investment.little_giant_signed_count",
            ),
        ),
    ),
    PlanSpec(
        3,
        "“金钥匙”技改提能计划",
        "技改、技术创新、高新技术企业",
        "D-JXJ",
        (
            IndicatorSpec(
                "hightech-firms",
                "高新技术企业数",
                "家",
                "absolute",
                "96",
                "2021-08-01",
                "150",
                "2023-12-31",
                "有效期内的国家高新技术企业；目标数为演示值",
                "市科技主管部门认定名单",
                frequency="quarterly",
            ),
            # 引导企业扩大技改投资, 加快技改投资落地见效: the 招商 app's 技改 projects, read from it.
            IndicatorSpec(
                "tech-upgrade-signed",
                "技改项目新签约投资额",
                "万元",
                "cumulative",
                "0",
                "2021-08-01",
                "500000",
                "2023-12-31",
                "标注“技改项目”的招商项目签约协议投资额，含增资扩产的增量（非统计口径的技改投资完成额）；"
                "目标数为演示值",
                "市招商中心项目台账",
                provider="investment.tech_upgrade_amount",
            ),
            IndicatorSpec(
                "tech-upgrade-funds",
                "技改项目到位资金",
                "万元",
                "cumulative",
                "0",
                "2021-08-01",
                "300000",
                "2023-12-31",
                "标注“技改项目”的招商项目逐月填报的到位资金之和；目标数为演示值",
                "市招商中心项目台账",
                provider="investment.tech_upgrade_funds",
            ),
        ),
    ),
    PlanSpec(4, "“压舱石”农业产业化强县计划", "农业、农产品、3+6", "D-NYJ"),
    PlanSpec(
        5,
        "“梧桐树”园区发展提质计划",
        "园区、开发区、筑巢引凤",
        "D-FGJ",
        (
            IndicatorSpec(
                "park-output-share",
                "园区工业总产值占全市工业总产值比重",
                "%",
                "ratio",
                "68",
                "2021-08-01",
                "80",
                "2023-12-31",
                "分子：五大工业园区规上工业总产值；分母：全市规上工业总产值（会议目标：到2023年达到80%以上）",
                "市统计局月报",
                # The share the 招商 app computes from the parks' and the city's monthly output
                # (investment.reports.park_share, year to date): entered once, there.
                provider="investment.park_output_share",
            ),
        ),
    ),
    PlanSpec(
        6,
        "“莫愁+”营商环境打造计划",
        "营商环境、莫愁、一网通办、12345、店小二",
        "D-ZSJ",
        (
            IndicatorSpec(
                "online-service-rate",
                "政务服务事项“一网通办”率",
                "%",
                "absolute",
                "80",
                "2021-08-01",
                "95",
                "2022-12-31",
                "可全程网办事项数/政务服务事项总数；目标为演示值",
                "市政数局",
            ),
        ),
    ),
    PlanSpec(7, "“新家园”城乡建管品质提升计划", "创文创卫、城市更新、擦亮小城镇、集镇", "D-ZJJ"),
    PlanSpec(8, "“烦心事”问题改善计划", "急难愁盼、历史遗留、污染、公共服务", "D-XFJ"),
)
