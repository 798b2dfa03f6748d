"""Requests written for the demo, per common matter of a county city (路灯, 下水道, 噪音, 占道经营 …).

Each matter has a few requests written as a citizen would phone or type them, with slots for the
place ({place}: an address inside the case's own township, built by `place_in`) and the time
({time}: when the problem happens). They are our own texts, not substitutions into one template,
and each names the leaf of the category tree it belongs to; a matter whose category is switched
off (or missing) is not used.

Places: the townships are real (mochou/data/streets-zhongxiang.csv); no public source of 钟祥's
roads, communities and villages is shipped (the division codes' village file was not available),
so roads, estates and villages are written as 某某路 / 某某小区 / 某某村, which do not pretend to be
real names.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from cases.models import Kind

URBAN, RURAL, ANY = "urban", "rural", "any"
# Townships that are the city itself (街道); the others are towns, a 乡, farms, forests and reservoirs.
URBAN_TOWNSHIPS = frozenset({"420881001", "420881002"})


@dataclass(frozen=True)
class Matter:
    category: str  # the leaf's path in the category tree
    kind: str
    setting: str  # URBAN, RURAL or ANY: where such a request comes from
    times: tuple[str, ...]
    requests: tuple[tuple[str, str], ...]  # (title, content) with {place} and {time}
    spot: str = "any"  # in the city: "road" (a street or crossing), "estate" (a 小区), or "any"


MATTERS: tuple[Matter, ...] = (
    Matter(  # 路灯
        "城乡建设/城市建设和市政管理/城市公共设施",
        Kind.COMPLAINT,
        ANY,
        ("最近半个月", "从上周开始", "这一个多月"),
        (
            (
                "{place}路灯不亮",
                "{place}附近的路灯{time}晚上一直不亮，整条路黑漆漆的，老人小孩晚上出门很不安全，"
                "前几天还有人骑电动车摔了一跤，希望尽快派人来修。",
            ),
            (
                "反映{place}路灯损坏",
                "我住在{place}附近，{time}有三四盏路灯坏了，灯杆上的灯罩也掉了一个，"
                "晚上下班回家只能打手机电筒，请相关部门来看一下。",
            ),
        ),
        spot="road",
    ),
    Matter(  # 下水道
        "城乡建设/城市建设和市政管理/基础设施",
        Kind.COMPLAINT,
        ANY,
        ("一下雨", "这几天", "每次下大雨"),
        (
            (
                "{place}下水道堵塞污水外溢",
                "{place}门口的下水道堵了，{time}污水就往路面上冒，味道很大，"
                "商户和住户进出都要踩着脏水，请尽快安排疏通。",
            ),
            (
                "{place}窨井盖破损",
                "{place}人行道上有个窨井盖裂开了，{time}都有积水漫出来，"
                "晚上看不清容易踩空，麻烦来更换一下井盖并把下水道清一清。",
            ),
        ),
    ),
    Matter(  # 噪音
        "环境保护/环境污染/噪音污染",
        Kind.COMPLAINT,
        URBAN,
        ("每天晚上十点以后", "连续一个星期凌晨", "最近每天早上六点不到"),
        (
            (
                "{place}工地夜间施工噪音扰民",
                "{place}旁边的工地{time}还在打桩、浇混凝土，机器声音特别大，"
                "周边住户根本睡不着，家里还有要高考的孩子，请管一管夜间施工。",
            ),
            (
                "{place}广场舞音响声音太大",
                "{place}小广场{time}有人放广场舞音乐，音响开得很大，"
                "住在旁边楼上的老人和上夜班的人休息不好，希望能限制一下音量和时间。",
            ),
        ),
    ),
    Matter(  # 占道经营
        "城乡建设/城市建设和市政管理/城管执法",
        Kind.COMPLAINT,
        ANY,
        ("每天下午五点以后", "早上七八点", "周末"),
        (
            (
                "{place}流动摊贩占道经营",
                "{place}路边{time}摆满了卖菜卖水果的摊子，把人行道和半边车道都占了，"
                "车子过不去，垃圾也没人收拾，请城管来规范一下。",
            ),
            (
                "{place}门店占用人行道",
                "{place}几家门店把桌椅和货物摆到人行道上，{time}行人只能走到马路上，"
                "很危险，希望执法人员督促他们退店经营。",
            ),
        ),
        spot="road",
    ),
    Matter(  # 物业
        "城乡建设/住房保障与房地产/物业服务",
        Kind.COMPLAINT,
        URBAN,
        ("这两个月", "从今年开春起", "最近"),
        (
            (
                "{place}物业不作为",
                "我是{place}的业主，{time}小区电梯三天两头坏，垃圾也堆着没人清运，"
                "物业费照收不误，找物业反映了几次都没结果，请主管部门督促物业整改。",
            ),
            (
                "{place}物业乱收停车费",
                "{place}物业{time}突然要求业主每月交一百元地面停车费，"
                "没有公示收费依据，也没有开业主大会，想问一下这样收费是否合规。",
            ),
        ),
        spot="estate",
    ),
    Matter(  # 拖欠工资
        "劳动和社会保障/劳动关系/农民工权益",
        Kind.HELP,
        ANY,
        ("干了三个多月", "去年年底到现在", "从五月份干到八月份"),
        (
            (
                "{place}工地拖欠农民工工资",
                "我们十几个人在{place}的一个建筑工地做事，{time}，包工头一直拖着不发工资，"
                "现在人也联系不上，家里等着钱用，请政府帮我们讨回血汗钱。",
            ),
            (
                "求助追讨被拖欠的工资",
                "我在{place}一家加工厂上班，{time}，老板以资金周转困难为由一直欠着工资没发，"
                "一共一万多元，想请劳动监察部门帮忙处理。",
            ),
        ),
    ),
    Matter(  # 医保
        "劳动和社会保障/城镇居民社会保险/城镇居民医疗保险",
        Kind.CONSULT,
        ANY,
        ("今年", "下个月", "最近"),
        (
            (
                "咨询城乡居民医保缴费",
                "我家住{place}，{time}想给家里老人和小孩交城乡居民医保，"
                "请问今年的缴费标准是多少，在哪里交，能不能在手机上办理？",
            ),
            (
                "异地住院医保报销咨询",
                "我是{place}的居民，{time}在武汉住院做了手术，请问回来后医保怎么报销，"
                "需要带哪些材料，是不是要先办异地就医备案？",
            ),
        ),
    ),
    Matter(  # 社保
        "劳动和社会保障/城镇居民社会保险/城乡居民养老保险",
        Kind.CONSULT,
        ANY,
        ("今年", "明年", "这个月"),
        (
            (
                "咨询城乡居民养老保险领取",
                "我母亲住在{place}，{time}满六十周岁，交了十几年城乡居民养老保险，"
                "请问什么时候可以开始领养老金，需要去哪里办手续？",
            ),
            (
                "养老保险待遇认证问题",
                "家里老人在{place}，{time}收到通知说要做养老待遇资格认证，"
                "老人行动不便，请问能不能在手机上认证或者上门办理？",
            ),
        ),
    ),
    Matter(  # 学校
        "教育文体/教育行政管理/校园安全",
        Kind.SUGGESTION,
        ANY,
        ("每天上学放学时", "早上七点多", "下午放学"),
        (
            (
                "{place}学校门口交通拥堵",
                "{place}的学校门口{time}接送孩子的车辆和电动车挤成一团，"
                "没有人疏导，孩子过马路很危险，建议学校和交警在这个时段安排人员维持秩序。",
            ),
            (
                "建议在{place}学校周边设置减速带",
                "{place}学校旁边的路上车开得很快，{time}孩子们成群过马路，"
                "前段时间差点出事，建议设置减速带和人行横道。",
            ),
        ),
    ),
    Matter(  # 学校收费
        "教育文体/教育收费/乱收费",
        Kind.COMPLAINT,
        ANY,
        ("这学期开学", "最近", "上个星期"),
        (
            (
                "{place}学校要求统一购买教辅资料",
                "孩子在{place}一所学校读书，{time}班主任要求每人交两百多元统一买教辅资料，"
                "说是自愿其实不交不行，想问这种收费是否合规。",
            ),
        ),
    ),
    Matter(  # 农村道路
        "交通运输/建设管理/设施维护",
        Kind.COMPLAINT,
        RURAL,
        ("一下雨", "今年夏天以来", "这半年"),
        (
            (
                "{place}村级公路坑洼不平",
                "{place}通往集镇的村级公路破损严重，坑坑洼洼，{time}更是积水成潭，"
                "农用车和校车都不好走，村民出行很不方便，希望列入维修计划。",
            ),
            (
                "{place}道路塌方无人处理",
                "{place}有一段村道路基被水冲垮了一半，{time}一直只放了几块石头挡着，"
                "晚上经过很危险，请有关部门尽快处理。",
            ),
        ),
    ),
    Matter(  # 饮水
        "城乡建设/城市建设和市政管理/自来水供应",
        Kind.COMPLAINT,
        ANY,
        ("这一个星期", "每天上午", "最近几天"),
        (
            (
                "{place}自来水浑浊发黄",
                "{place}的自来水{time}放出来都是黄的，还有一股味道，不敢喝也不敢做饭，"
                "请供水部门检查一下水质和管网。",
            ),
            (
                "{place}经常停水",
                "{place}{time}经常停水，事先也没有通知，一停就是大半天，"
                "家里老人孩子生活很不方便，希望查明原因并提前公告。",
            ),
        ),
    ),
    Matter(  # 农村饮水
        "农村农业/水利水电/引水调水",
        Kind.HELP,
        RURAL,
        ("今年入夏以来", "这两个月", "干旱以来"),
        (
            (
                "{place}村民饮水困难",
                "{place}地势比较高，{time}水压不够，自来水经常上不来，"
                "几十户村民只能去挑水，希望能解决我们的安全饮水问题。",
            ),
        ),
    ),
    Matter(  # 秸秆焚烧
        "环境保护/环境污染/大气污染",
        Kind.REPORT,
        RURAL,
        ("这几天傍晚", "收割完以后", "每天晚上"),
        (
            (
                "举报{place}焚烧秸秆",
                "{place}附近的田里{time}有人焚烧秸秆，浓烟很大，呛得人睁不开眼，"
                "旁边就是公路和林地，存在安全隐患，请镇里和环保部门来制止。",
            ),
            (
                "{place}有人露天焚烧垃圾和秸秆",
                "{place}{time}总有人在田边烧秸秆和垃圾，烟味飘进家里，家里老人有气管炎受不了，希望加强巡查。",
            ),
        ),
    ),
    Matter(  # 环境卫生
        "城乡建设/城市建设和市政管理/环境卫生",
        Kind.COMPLAINT,
        ANY,
        ("好几天", "这一个星期", "最近"),
        (
            (
                "{place}垃圾堆放无人清运",
                "{place}的垃圾桶{time}都没人来清运，垃圾堆得满地都是，天气热了苍蝇蚊子很多，"
                "请环卫部门尽快处理。",
            ),
        ),
    ),
)


def setting_of(township_code: str) -> str:
    return URBAN if township_code in URBAN_TOWNSHIPS else RURAL


def matters_for(township_code: str, active_paths: set[str]) -> list[Matter]:
    """The matters such a township's citizens ask about whose category is in use."""
    setting = setting_of(township_code)
    return [m for m in MATTERS if m.category in active_paths and m.setting in (ANY, setting)]


def place_in(township_name: str, township_code: str, rng: random.Random, spot: str = "any") -> str:
    """An address inside the township (never another one's): a generic road, estate or village;
    `spot` narrows a city address to a road or an estate where the matter needs one."""
    if setting_of(township_code) == URBAN:
        road = (f"{township_name}某某路{rng.randint(1, 299)}号", f"{township_name}某某大道与某某路交叉口")
        estate = (f"{township_name}某某小区", f"{township_name}某某社区某某花园")
        choices = {"road": road, "estate": estate}.get(spot, (*road, *estate, f"{township_name}某某社区"))
        return rng.choice(choices)
    return rng.choice(
        (
            f"{township_name}某某村{rng.choice('一二三四五六七八')}组",
            f"{township_name}集镇某某街",
            f"{township_name}某某村村委会附近",
        )
    )


def write_request(matter: Matter, place: str, rng: random.Random) -> tuple[str, str]:
    """One of the matter's requests with its place and time filled in."""
    title, content = rng.choice(matter.requests)
    time = rng.choice(matter.times)
    return title.format(place=place, time=time), content.format(place=place, time=time)
