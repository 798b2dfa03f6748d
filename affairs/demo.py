"""The 一网通办 demo: the 事项清单, two 一件事 packages, and applications in every state of the loop.

Everything goes through the app's services (catalogue import, the verbs), so the event logs and
deadlines are what a real day would leave. Idempotent: the catalogue is refreshed, the
applications are made once.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from accounts.masking import id_check_digit_ok
from accounts.models import Role, User
from affairs import catalogue, services
from affairs.demo_catalogue import BUNDLES, FIELDS, HALL, MATTERS, DemoMatter
from affairs.formfields import parse_fields
from affairs.models import Application, Bundle, BundlePart, Matter, Partner, PartnerKind
from affairs.office import office_unit
from affairs.services.applications import ApplicantData
from affairs.workflow import Channel
from knowledge.models import Guide
from org.models import Unit

SURNAMES = "张王李刘陈杨黄赵周吴徐孙胡朱高林何郭马罗"
GIVEN = ("小英", "建国", "丽华", "志强", "海燕", "国庆", "秀兰", "明", "伟", "芳", "桂英", "俊杰")


def _values(item: DemoMatter, unit: Unit, guide: Guide | None) -> dict[str, Any]:
    return {
        "name": item.name,
        "category": item.category,
        "department": unit,
        "kind": item.kind,
        "statutory_days": item.statutory,
        "promised_days": item.promised,
        "materials": catalogue.parse_materials(item.materials),
        "fields": parse_fields(FIELDS.get(item.code, "")),
        "steps": catalogue.parse_steps(item.steps),
        "fee": item.fee,
        "online": item.online,
        "at_window": True,
        "visits": item.visits,
        "how": item.how,
        "location": HALL,
        "legal_basis": item.legal_basis,
        "guide": guide,
    }


def seed_catalogue() -> dict[str, Matter]:
    units = {u.code: u for u in Unit.objects.filter(code__in={m.unit for m in MATTERS})}
    guides = {g.slug: g for g in Guide.objects.filter(slug__in={m.guide for m in MATTERS if m.guide})}
    matters: dict[str, Matter] = {}
    for item in MATTERS:
        unit = units.get(item.unit)
        if unit is None:
            continue
        matter, _ = catalogue.import_matter(
            actor=None, code=item.code, values=_values(item, unit, guides.get(item.guide))
        )
        matters[item.code] = matter
    for b in BUNDLES:
        bundle, _ = Bundle.objects.update_or_create(
            code=b.code, defaults={"name": b.name, "description": b.description}
        )
        for code, stage in b.parts:
            if code in matters:
                BundlePart.objects.update_or_create(
                    bundle=bundle, matter=matters[code], defaults={"stage": stage}
                )
    return matters


def _person(rng: random.Random, n: int) -> ApplicantData:
    name = rng.choice(SURNAMES) + rng.choice(GIVEN)
    born = f"{1950 + rng.randrange(55)}{rng.randrange(1, 13):02d}{rng.randrange(1, 28):02d}"
    body = f"420881{born}{rng.randrange(100, 999)}"
    return ApplicantData(name=name, id_number=_valid_id(body), phone=f"139{rng.randrange(10**8):08d}")


# Plausible answers to the demo matters' form fields (demo_catalogue.FIELDS); other keys by kind.
SAMPLE_ANSWERS = {
    "baby_name": "李沐阳", "birth_hospital": "钟祥市人民医院", "birth_weight": "3350",
    "mother_name": "王丽华", "father_name": "李建国", "hukou_address": "钟祥市郢中街道莫愁村 3 组 12 号",
    "company_name": "钟祥市莫愁湖茶饮有限公司", "registered_capital": "50",
    "business_scope": "餐饮服务；食品销售；茶叶零售", "company_address": "钟祥市郢中街道莫愁湖路 18 号",
    "legal_rep_name": "周海燕", "staff_count": "6", "move_to_address": "钟祥市郢中街道阳春大街 66 号",
    "household_size": "3", "monthly_income": "1800", "spouse_name": "刘芳",
}  # fmt: skip


def _rng(seed: int) -> random.Random:
    return random.Random(seed)  # noqa: S311 (demo data, not a secret)


def _answers(fields: list[dict[str, Any]], rng: random.Random, now: datetime) -> dict[str, str]:
    out: dict[str, str] = {}
    for f in fields:
        kind, key = f["kind"], f["key"]
        if key in SAMPLE_ANSWERS:
            out[key] = SAMPLE_ANSWERS[key]
        elif kind == "choice":
            out[key] = f["options"][0]
        elif kind == "date":
            out[key] = (timezone.localdate(now) - timedelta(days=rng.randrange(3, 20))).isoformat()
        elif kind == "id_number":
            born = f"19{rng.randrange(70, 99)}0{rng.randrange(1, 10)}1{rng.randrange(10)}"
            out[key] = _valid_id(f"420881{born}{rng.randrange(1000):03d}")
        elif kind == "phone":
            out[key] = f"139{rng.randrange(10**8):08d}"
        elif kind == "number":
            out[key] = str(rng.randrange(1, 10))
        else:
            out[key] = "见申请说明"
    return out


def _valid_id(first17: str) -> str:
    """The demo's IDs carry a right check digit: the forms refuse any other (accounts.masking)."""
    return next(first17 + c for c in "0123456789X" if id_check_digit_ok(first17 + c))


# 跨域通办 partners of the demo: the other counties of 荆门 and a 省内通办 partner. No key: they are
# shown, not used, until the two sides agree a key (a partner without one is never sent anything).
PARTNERS = (
    ("420821", "京山市", PartnerKind.JINGMEN, "https://zw.jingshan.example.gov.cn"),
    ("420822", "沙洋县", PartnerKind.JINGMEN, "https://zw.shayang.example.gov.cn"),
    ("420802", "东宝区", PartnerKind.JINGMEN, "https://zw.dongbao.example.gov.cn"),
    ("420804", "掇刀区", PartnerKind.JINGMEN, "https://zw.duodao.example.gov.cn"),
    ("420984", "汉川市", PartnerKind.PROVINCE, "https://zw.hanchuan.example.gov.cn"),
)


def seed_partners() -> None:
    """The partner regions, once (an administrator configures their address and key)."""
    for code, name, kind, url in PARTNERS:
        Partner.objects.get_or_create(code=code, defaults={"name": name, "kind": kind, "base_url": url})


def _staff(unit_id: int, role: str) -> User | None:
    return User.objects.filter(unit_id=unit_id, role=role, is_active=True).order_by("username").first()


def seed_affairs(*, seed: int, now: datetime) -> None:
    """Seed the demo through the app's services; idempotent."""
    matters = seed_catalogue()
    seed_partners()
    office = office_unit()
    if office is None or not matters or Application.objects.exists():
        return
    window = _staff(office.pk, Role.CLERK)
    if window is None:
        return
    rng = random.Random(seed)  # noqa: S311 (demo data, not a secret)
    count = 0

    def person() -> ApplicantData:
        nonlocal count
        count += 1
        return _person(rng, count)

    def apply(code: str, *, missing: int = 0, online: bool = True, days_ago: float = 6) -> Application:
        m = matters[code]
        names = [x["name"] for x in m.materials]
        provided = names[: len(names) - missing] if missing else names
        when = now - timedelta(days=days_ago)
        answers = _answers(m.fields, rng, when)
        if online:
            return services.submit(
                m, person(), provided=provided, channel=Channel.ONLINE, answers=answers, now=when
            )
        return services.submit(
            m, person(), provided=provided, channel=Channel.WINDOW, actor=window, answers=answers, now=when
        )

    def staff(app: Application) -> tuple[User | None, User | None]:
        return _staff(app.department_id, Role.CLERK), _staff(app.department_id, Role.UNIT_LEADER)

    def through(app: Application, *, last: str, at: datetime) -> Application:
        """Take an accepted application through its steps up to `last` (step, grant, deny)."""
        clerk, leader = staff(app)
        step_at = at
        while not app.is_last_step:
            step_at += timedelta(hours=3)
            who = clerk if (app.current_step or {}).get("role") == Role.CLERK else leader
            if who is None:
                return app
            app = services.approve_step(app, actor=who, opinion="材料审核通过", now=step_at)
            if last == "step":
                return app
        step_at += timedelta(hours=3)
        role = (app.current_step or {}).get("role")
        who = window if app.is_immediate else (clerk if role == Role.CLERK else leader)
        if who is None or last == "step":
            return app
        if last == "deny":
            return services.deny(
                app, actor=who, opinion="经核查不符合申请条件：申请人名下已有住房。", now=step_at
            )
        return services.grant(app, actor=who, opinion="准予", now=step_at)

    # 待预审: complete and incomplete, online and at the window.
    apply("GAJ-JZZ-01", days_ago=0.1)
    apply("RSJ-YL-02", missing=1, days_ago=0.2)
    apply("SCJ-SP-01", online=False, days_ago=0.05)
    # 待补正: one 一次性告知.
    app = apply("ZRZY-BDC-01", missing=2, days_ago=2)
    services.notify(
        app,
        actor=window,
        items=app.missing,
        note="请一次性补齐以上材料，可网上上传。",
        now=now - timedelta(days=1.9),
    )
    # 补正后待受理.
    app = apply("JYJ-ZZ-01", missing=1, days_ago=3)
    app = services.notify(app, actor=window, items=app.missing, now=now - timedelta(days=2.9))
    services.correct(app, provided=app.missing, token=app.token, now=now - timedelta(days=1))
    # 审批中: first step, a later step, one overdue.
    for code, ago, last in (("ZJJ-GJJ-01", 0.5, "none"), ("MZJ-DB-01", 3, "step"), ("RSJ-CY-01", 9, "none")):
        app = apply(code, days_ago=ago + 0.1)
        when = now - timedelta(days=ago)
        app = services.accept(app, actor=window, now=when)
        if last == "step":
            through(app, last="step", at=when)
    # 不予受理.
    app = apply("NYJ-JF-01", missing=1, days_ago=4)
    services.refuse(
        app,
        actor=window,
        reason="申请人户籍不在本集体经济组织，不符合宅基地申请条件。",
        now=now - timedelta(days=3.8),
    )
    # 准予（待出件）, 不予许可（待送达）, 已出件 (window, post), a 即办件 done while waiting, 撤回.
    outcomes = (
        ("MZJ-GL-01", 8, "grant", None),
        ("JYJ-RX-01", 7, "deny", "post"),
        ("JYJ-JS-01", 5, "deny", None),
        ("ZJJ-SG-01", 10, "grant", "window"),
        ("RSJ-SY-01", 6, "grant", "post"),
        ("YBJ-YD-01", 1, "grant", "window"),
    )
    for code, ago, last, delivery in outcomes:
        app = apply(code, days_ago=ago + 0.05, online=code != "YBJ-YD-01")
        when = now - timedelta(days=ago)
        app = through(services.accept(app, actor=window, now=when), last=last, at=when)
        if delivery and app.state in {"granted", "denied"}:
            tracking = f"EMS{rng.randrange(10**9, 10**10)}" if delivery == "post" else ""
            services.deliver(
                app, actor=window, delivery=delivery, tracking_number=tracking, now=when + timedelta(hours=8)
            )
    # 好差评: a 好评, and a 差评 under rectification.
    rated = Application.objects.filter(state="delivered").order_by("delivered_at", "pk")[:2]
    for app, (level, remark) in zip(
        rated, ((5, ""), (2, "等候时间较长，取号后排队一个多小时")), strict=False
    ):
        when = (app.delivered_at or now) + timedelta(hours=2)
        services.rate(app, rating=level, note=remark, token=app.token, now=when)
    app = apply("RSJ-SBK-01", days_ago=0.3)
    services.withdraw(
        app, token=app.token, reason="已在手机上办理电子社保卡。", now=now - timedelta(days=0.2)
    )
    _seed_reuse(matters, window, now)
    _seed_joints(matters, window, person, now)
    _seed_cross_region(matters, window, person(), now)


# The demo's one partner with a key (京山市): a second demo instance can be run against it with
# MOCHOU_AFFAIRS_REGION=420821 and this key on its side (docs/affairs.md). Not a real key.
DEMO_PARTNER, DEMO_KEY = "420821", "demo-only-shared-key-jingshan-zhongxiang"


def _seed_cross_region(
    matters: dict[str, Matter], window: User, applicant: ApplicantData, now: datetime
) -> None:
    """跨域通办: a 户口 matter received here for 京山市, forwarded; 京山市 has reported its 受理."""
    matter = matters.get("GAJ-HJ-02")
    partner = Partner.objects.filter(code=DEMO_PARTNER).first()
    if matter is None or partner is None:
        return
    if not partner.key:
        # Not a loop state: the partner's configuration (the demo's agreed key).
        Partner.objects.filter(pk=partner.pk).update(key=DEMO_KEY, base_url="http://127.0.0.1:8102")
        partner.refresh_from_db()
    app = services.submit(
        matter, applicant, provided=[m["name"] for m in matter.materials], channel=Channel.WINDOW,
        actor=window, partner=partner, answers=_answers(matter.fields, _rng(1), now),
        now=now - timedelta(days=2),
    )  # fmt: skip
    app = services.forward(app, actor=window, now=now - timedelta(days=1.9))
    services.record_remote(
        app, action="accept", label="已受理", remote_number="ZW202501010001", now=now - timedelta(days=1.5)
    )


def _seed_reuse(matters: dict[str, Matter], window: User, now: datetime) -> None:
    """Materials once: a transfer of a flat granted with consent, then the same applicant's 户口迁移
    finds the ID card and the new property certificate on file (only the 户口簿 is asked for)."""
    if "ZRZY-BDC-01" not in matters or "GAJ-HJ-02" not in matters:
        return
    buyer = ApplicantData(name="陈海燕", id_number="420881198805051232", phone="13972880011")
    estate = matters["ZRZY-BDC-01"]
    app = services.submit(
        estate, buyer, provided=[m["name"] for m in estate.materials], channel=Channel.WINDOW, actor=window,
        keep=True, now=now - timedelta(days=11),
    )  # fmt: skip
    when = now - timedelta(days=10.9)
    app = services.accept(app, actor=window, now=when)
    clerk, leader = _staff(app.department_id, Role.CLERK), _staff(app.department_id, Role.UNIT_LEADER)
    if clerk is None or leader is None:
        return
    app = services.approve_step(app, actor=clerk, now=when + timedelta(hours=2))
    app = services.grant(
        app, actor=leader, licence_number="鄂(2025)钟祥市不动产权第0012345号", now=when + timedelta(hours=5)
    )
    services.deliver(app, actor=window, delivery="window", now=when + timedelta(days=1))
    move = matters["GAJ-HJ-02"]
    services.submit(
        move, buyer, provided=[], channel=Channel.ONLINE, now=now - timedelta(hours=5),
        answers=_answers(move.fields, _rng(2), now),
    )  # fmt: skip


def _seed_joints(matters: dict[str, Matter], window: User, person: Any, now: datetime) -> None:
    """新生儿出生一件事 under way (one part back for 补正), 开办企业一件事 received at the window."""
    newborn = Bundle.objects.filter(code="newborn").first()
    if newborn is not None and newborn.parts.count() == 4:
        names = [m["name"] for part in newborn.parts.select_related("matter") for m in part.matter.materials]
        provided = [n for n in names if n != "结婚证"]
        joint = services.submit_joint(
            newborn, person(), provided=provided, channel=Channel.ONLINE, now=now - timedelta(days=3),
            answers=_answers(services.union_form(newborn), _rng(3), now - timedelta(days=3)),
        )  # fmt: skip
        for app in joint.parts.order_by("stage", "pk"):
            if app.stage == 1:
                app = services.accept(app, actor=window, now=now - timedelta(days=2.9))
                clerk = _staff(app.department_id, Role.CLERK)
                leader = _staff(app.department_id, Role.UNIT_LEADER)
                if clerk and leader:
                    app = services.approve_step(app, actor=clerk, now=now - timedelta(days=2.5))
                    services.grant(
                        app, actor=leader, licence_number="Q420881202500123", now=now - timedelta(days=2.4)
                    )
            elif app.missing:
                services.notify(
                    app,
                    actor=window,
                    items=app.missing,
                    note="请补交结婚证原件（可上传照片）。",
                    now=now - timedelta(days=2),
                )
            else:
                app = services.accept(app, actor=window, now=now - timedelta(days=1))
                if app.is_immediate:
                    services.grant(app, actor=window, now=now - timedelta(days=1))
    business = Bundle.objects.filter(code="open-business").first()
    if business is not None and business.parts.exists():
        names = [m["name"] for part in business.parts.select_related("matter") for m in part.matter.materials]
        services.submit_joint(
            business,
            ApplicantData(
                name="钟祥市莫愁湖茶饮有限公司",
                id_number="91420881MA4F0XYH1D",
                phone="0724-4221234",
                is_enterprise=True,
            ),
            provided=names,
            channel=Channel.WINDOW,
            actor=window,
            answers=_answers(services.union_form(business), _rng(4), now),
            now=now - timedelta(hours=2),
        )
