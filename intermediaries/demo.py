"""The 莫愁超市 demo: twelve agencies (one with an expired 资质) and needs in every state on the
investment demo's projects — all through the services, at past times where time has passed.

Agencies are fictitious (credit codes 91420881MA4971xxx + check character: valid, nobody's).
Registered by the market office's clerk (`zsj_clerk`), checked by its leader (`zsj_leader`); the
needs are posted and followed by the 招商局's clerk (`zszx_clerk`). Idempotent: agencies are
matched on their credit code; needs are added only when there are none.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from accounts.models import User
from enterprises.creditcode import make
from investment.models import Project

from . import services
from .models import Agency, Need
from .workflow import ServiceType

T = ServiceType
# (name, service types, price range 万元)
AGENCIES: tuple[tuple[str, tuple[str, ...], tuple[str, str]], ...] = (
    ("湖北楚清环境科技有限公司", (T.EIA, T.SOIL), ("3", "40")),
    ("荆门绿源环保咨询有限公司", (T.EIA,), ("2", "25")),
    ("湖北安信安全技术评价有限公司", (T.SAFETY,), ("2", "20")),
    ("武汉节能评估中心（有限公司）", (T.ENERGY,), ("1.5", "15")),
    ("钟祥市郢都测绘有限公司", (T.SURVEY, T.LAND), ("0.5", "10")),
    ("荆门天元测绘地理信息有限公司", (T.SURVEY,), ("0.8", "12")),
    ("湖北汉江建筑设计院有限公司", (T.DESIGN,), ("10", "200")),
    ("湖北中审工程造价咨询有限公司", (T.COST,), ("1", "30")),
    ("荆门诚信工程监理有限公司", (T.SUPERVISION,), ("5", "80")),
    ("湖北谱测检验检测有限公司", (T.TESTING,), ("0.5", "20")),
    ("湖北正衡资产评估有限公司", (T.APPRAISAL,), ("1", "25")),
    ("湖北地勘地质灾害评估有限公司", (T.GEOLOGY,), ("2", "15")),
)
EXPIRED = 1  # 荆门绿源: its 资质 lapsed last month, so it cannot respond any more

# (service type, scope, budget, limit days, final state, [(agency index, price, days)], pick, days taken)
NEEDS: tuple[tuple[str, str, tuple[str, str], int, str, list[tuple[int, str, int]], int, int], ...] = (
    (
        T.EIA,
        "项目环境影响报告书编制及技术评审配合",
        ("15", "30"),
        40,
        "rated",
        [(0, "22", 35), (1, "18", 38)],
        0,
        30,
    ),
    (T.SURVEY, "项目用地1:500地形图测绘", ("1", "3"), 10, "rated", [(4, "1.8", 8), (5, "2.2", 7)], 0, 9),
    (T.SAFETY, "安全预评价报告编制", ("5", "12"), 30, "rated", [(2, "9", 25)], 0, 28),
    (T.COST, "厂房及配套工程预算编制", ("3", "8"), 20, "delivered", [(7, "5", 15)], 0, 18),
    (T.ENERGY, "固定资产投资项目节能报告编制", ("3", "8"), 20, "delivered", [(3, "6", 18)], 0, 24),
    (T.DESIGN, "生产厂房施工图设计", ("40", "80"), 60, "serving", [(6, "65", 55)], 0, 0),
    (T.SUPERVISION, "一期工程施工监理", ("20", "50"), 120, "serving", [(8, "38", 120)], 0, 0),
    (T.TESTING, "厂区土壤环境质量检测", ("2", "6"), 15, "selected", [(9, "4.5", 12)], 0, 0),
    (T.LAND, "用地勘测定界", ("0.5", "2"), 10, "selected", [(4, "1.2", 8)], 0, 0),
    (T.EIA, "扩建项目环境影响报告表编制", ("5", "12"), 30, "responding", [(0, "9", 25)], 0, 0),
    (T.GEOLOGY, "地质灾害危险性评估报告", ("3", "8"), 25, "responding", [(11, "6", 20)], 0, 0),
    (T.APPRAISAL, "拟收购资产评估", ("2", "6"), 20, "published", [], 0, 0),
    (T.SOIL, "水土保持方案报告书编制", ("2", "6"), 20, "published", [], 0, 0),
    (T.SURVEY, "厂区竣工测量", ("0.5", "2"), 8, "withdrawn", [], 0, 0),
    (T.APPRAISAL, "土地使用权价值评估", ("1", "3"), 15, "failed", [], 0, 0),
)
RATINGS = {0: (5, "报告质量高，评审一次通过"), 1: (4, ""), 2: (2, "报告修改多次，沟通不及时")}


def _credit(n: int) -> str:
    return make(f"91420881MA4971{n:03d}")


def _at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time()) + timedelta(hours=10))


def seed_intermediaries(*, seed: int, now: datetime) -> None:
    """Seed the demo through the app's services; idempotent."""
    users = {
        u.username: u for u in User.objects.filter(username__in=["zsj_clerk", "zsj_leader", "zszx_clerk"])
    }
    if len(users) < 3:
        return  # no demo users (or units) to act
    clerk, checker, owner = users["zsj_clerk"], users["zsj_leader"], users["zszx_clerk"]
    today = timezone.localdate(now)
    agencies: list[Agency] = []
    for n, (name, kinds, (low, high)) in enumerate(AGENCIES, start=1):
        agency = Agency.objects.filter(credit_code=_credit(n)).first()
        if agency is None:
            agency = services.register_agency(
                actor=clerk,
                name=name,
                credit_code=_credit(n),
                contact_name="业务负责人",
                contact_mobile=f"1387240{n:04d}",
                address="湖北省钟祥市",
                now=now,
            )
            for kind in kinds:
                services.set_service(agency, actor=clerk, service_type=kind, price_min=low, price_max=high)
                expires = today + timedelta(days=-30 if n - 1 == EXPIRED else 400 + 30 * n)
                services.add_qualification(
                    agency,
                    actor=clerk,
                    service_type=kind,
                    name=f"{ServiceType(kind).label}资质",
                    number=f"ZJ-{n:02d}-{kind.upper()}",
                    expires_on=expires,
                )
            agency = services.check_agency(agency, actor=checker, now=now)
        agencies.append(agency)
    projects = list(Project.objects.order_by("number")[: len(NEEDS)])
    if Need.objects.exists() or len(projects) < len(NEEDS):
        return
    contacts = [a.contacts.filter(is_active=True).first() for a in agencies]
    rated = 0
    for project, (kind, scope, (low, high), limit, final, offers, pick, taken) in zip(
        projects, NEEDS, strict=True
    ):
        done = final in ("rated", "delivered", "serving", "selected")
        posted = today - timedelta(days=90 if final in ("rated", "delivered") else 30 if done else 2)
        respond_by = posted + timedelta(days=10 if done else 7)
        data = {
            "service_type": kind,
            "scope": scope,
            "budget_min": Decimal(low),
            "budget_max": Decimal(high),
            "time_limit_days": limit,
            "respond_by": respond_by,
        }
        need = services.publish(project, actor=owner, data=data, now=_at(posted))
        responses = []
        for index, price, days in offers:
            contact = contacts[index]
            if contact is not None:
                responses.append(
                    services.respond(
                        need, contact=contact, price=price, days=days, now=_at(posted + timedelta(days=1))
                    )
                )
        if final == "withdrawn":
            services.withdraw(
                need,
                actor=owner,
                reason="设计方案调整，暂不需要竣工测量",
                now=_at(posted + timedelta(days=1)),
            )
        elif final == "failed":
            services.fail(
                need, actor=owner, reason="截止时无机构响应", now=_at(respond_by + timedelta(days=1))
            )
        if not done or not responses:
            continue
        chosen = respond_by + timedelta(days=1)
        picked = responses[pick]
        # Not the cheapest needs its reason written down (the service refuses otherwise).
        lowest = services.cheapest(need)  # the service's own rule, so the demo cannot drift from it
        reason = "" if lowest is None or picked.price <= lowest else "工期更短，同类项目评审一次通过率高"
        services.select(need, actor=owner, response=picked, reason=reason, now=_at(chosen))
        if final == "selected":
            continue
        services.start(need, actor=owner, started_on=chosen, now=_at(chosen))
        if final == "serving":
            continue
        delivered = services.due_date(chosen, taken)
        services.deliver(need, actor=owner, delivered_on=delivered, now=_at(delivered))
        if final == "rated":
            rating, note = RATINGS[rated]
            rated += 1
            services.rate(need, actor=owner, rating=rating, note=note, now=_at(delivered + timedelta(days=2)))
