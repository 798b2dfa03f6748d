"""Demo enterprises of 钟祥市 for 店小二: fictitious names and clearly fictitious credit codes.

The names are invented (any likeness to a real company is chance); the credit codes all read
91420881MA490xxxx + check character — they pass GB 32100-2015 but belong to no one. Liaisons are
demo clerks of 市发改局, 市商务局, 市经信局 and of the two development zones (accounts.demo).

Idempotent: enterprises are matched on their credit code; contacts, visits and appeals are only
added to an enterprise that has none yet.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import TypedDict

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from cases.models import Kind
from enterprises import creditcode, services
from enterprises.models import Enterprise, EnterpriseContact
from enterprises.squad.demo import seed_squad
from org.models import Unit

KFQ = "湖北钟祥经济开发区"
HJ = "湖北钟祥胡集经济技术开发区"


@dataclass(frozen=True)
class DemoEnterprise:
    name: str
    industry: str
    park: str
    township: str  # NBS code
    address: str
    legal: str
    contact: str
    mobile: str
    liaison: str  # demo username (accounts.demo)


ENTERPRISES: tuple[DemoEnterprise, ...] = (
    DemoEnterprise(
        "钟祥市兰台农产品加工有限公司",
        "农副食品加工",
        KFQ,
        "420881400",
        "经济开发区兴业大道18号",
        "陈德明",
        "刘春燕",
        "13772400101",
        "kfq_clerk",
    ),
    DemoEnterprise(
        "钟祥市阳春香菇食品有限公司",
        "食品制造",
        KFQ,
        "420881400",
        "经济开发区承天大道66号",
        "黄建新",
        "张丽",
        "13772400102",
        "fgj_clerk",
    ),
    DemoEnterprise(
        "钟祥市汉水新材料科技有限公司",
        "新材料",
        KFQ,
        "420881400",
        "经济开发区科技路9号",
        "王志远",
        "李俊",
        "13772400103",
        "jxj_clerk",
    ),
    DemoEnterprise(
        "钟祥市郢中精密机械制造有限公司",
        "通用设备制造",
        KFQ,
        "420881400",
        "经济开发区工业园三路12号",
        "周国庆",
        "吴敏",
        "13772400104",
        "jxj_clerk",
    ),
    DemoEnterprise(
        "钟祥市胡集磷化工有限公司",
        "化学原料和化学制品",
        HJ,
        "420881461",
        "胡集经济技术开发区化工园路1号",
        "杨光辉",
        "赵磊",
        "13772400105",
        "hjkfq_clerk",
    ),
    DemoEnterprise(
        "钟祥市石城建材有限公司",
        "非金属矿物制品",
        HJ,
        "420881461",
        "胡集经济技术开发区建材路8号",
        "徐海涛",
        "孙静",
        "13772400106",
        "hjkfq_clerk",
    ),
    DemoEnterprise(
        "钟祥市莫愁湖商贸有限公司",
        "批发和零售",
        "",
        "420881001",
        "郢中街道莫愁大道120号",
        "马文斌",
        "朱晓芳",
        "13772400107",
        "swj_clerk",
    ),
    DemoEnterprise(
        "钟祥市承天物流有限公司",
        "道路货物运输",
        "",
        "420881002",
        "皇庄街道汉江大道88号",
        "胡永勇",
        "郭艳红",
        "13772400108",
        "swj_clerk",
    ),
    DemoEnterprise(
        "钟祥市柴湖纺织服饰有限公司",
        "纺织服装",
        "",
        "420881110",
        "柴湖镇工业园纺织路6号",
        "何建军",
        "林秀英",
        "13772400109",
        "fgj_clerk",
    ),
    DemoEnterprise(
        "钟祥市长寿村生态农业专业合作社",
        "农业",
        "",
        "420881101",
        "长寿镇长寿村三组",
        "罗海燕",
        "梁志强",
        "13772400110",
        "fgj_clerk",
    ),
)

# (enterprise index, kind, title, content) — submitted through the enterprise channel.
APPEALS: tuple[tuple[int, str, str, str], ...] = (
    (
        0,
        Kind.HELP,
        "园区道路夜间照明不足",
        "我公司门前兴业大道段路灯损坏多盏，夜间货车进出存在安全隐患，请协调修复。",
    ),
    (
        2,
        Kind.CONSULT,
        "高新技术企业认定申报咨询",
        "我公司拟申报高新技术企业，想了解申报时间、材料清单和研发费用归集口径。",
    ),
    (
        4,
        Kind.HELP,
        "厂区供电电压不稳",
        "近两周厂区电压频繁波动，影响生产设备运行，请供电部门帮助排查线路。",
    ),
    (
        6,
        Kind.SUGGESTION,
        "商圈停车位不足的建议",
        "莫愁大道沿线商户集中，顾客停车困难，建议在周边空地规划临时停车场。",
    ),
)

# (enterprise index, days ago, purpose, notes)
VISITS: tuple[tuple[int, int, str, str], ...] = (
    (0, 12, "了解一季度生产经营情况", "企业订单饱满，反映园区道路照明问题，已建议通过诉求链接提交。"),
    (4, 30, "安全生产政策宣讲", "企业安全管理制度健全，无其他诉求。"),
    (8, 5, "用工需求对接", "企业需招聘缝纫工30名，已对接市人社局招聘会。"),
)


def demo_credit_code(n: int) -> str:
    return creditcode.make(f"91420881MA490{n:04d}")


class EnterpriseDemoReport(TypedDict):
    enterprises: int
    appeals: int
    visits: int
    link: str  # the first contact's personal link ("" when it was issued before)


@transaction.atomic
def seed_enterprises() -> EnterpriseDemoReport:
    """Create or update the demo enterprises (units and users must exist); returns what it did.

    The first contact gets an access link on the first run only (the token is shown once: in the
    recorded SMS on /notifications/sms/ and in the returned "link").
    """
    admin = User.objects.filter(username="admin").first()
    users = {u.username: u for u in User.objects.filter(username__in={e.liaison for e in ENTERPRISES})}
    townships = {u.code: u for u in Unit.objects.townships()}
    enterprises: list[Enterprise] = []
    for n, demo in enumerate(ENTERPRISES, start=1):
        if demo.township not in townships:
            continue  # the township was removed by an admin: skip its enterprises
        enterprise, _ = Enterprise.objects.update_or_create(
            credit_code=demo_credit_code(n),
            defaults={
                "name": demo.name,
                "industry": demo.industry,
                "park": demo.park,
                "township": townships[demo.township],
                "address": demo.address,
                "legal_representative": demo.legal,
                "contact_name": demo.contact,
                "contact_mobile": demo.mobile,
                "liaison": users.get(demo.liaison),
                "is_active": True,
            },
        )
        EnterpriseContact.objects.get_or_create(
            enterprise=enterprise, mobile=demo.mobile, defaults={"name": demo.contact}
        )
        enterprises.append(enterprise)

    link = ""
    first = enterprises[0].contacts.first() if enterprises else None
    actor = (enterprises[0].liaison if enterprises else None) or admin
    if first is not None and actor is not None and not first.token_digest:
        link = services.access_path(services.issue_access_link(first, actor=actor))

    appeals = 0
    for index, kind, title, content in APPEALS:
        if index < len(enterprises) and not enterprises[index].appeals.exists():
            enterprise = enterprises[index]
            contact = enterprise.contacts.first()
            if contact is None:  # cannot happen: every demo enterprise got its contact above
                continue
            services.submit_appeal(enterprise, contact, kind=kind, title=title, content=content)
            appeals += 1

    visits = 0
    today = timezone.localdate()
    for index, days, purpose, notes in VISITS:
        visited = enterprises[index] if index < len(enterprises) else None
        if visited and visited.liaison and not visited.visits.exists():
            services.log_visit(
                visited,
                actor=visited.liaison,
                date=today - timedelta(days=days),
                purpose=purpose,
                notes=notes,
            )
            visits += 1
    # 莫愁小分队: its team and visits on request (enterprises/squad/demo.py).
    seed_squad()
    return {"enterprises": len(enterprises), "appeals": appeals, "visits": visits, "link": link}
