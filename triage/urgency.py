"""Urgency of a citizen message: danger to life or property, or public-opinion risk (no Django imports).

``assess_urgency(title, body)`` marks a message *urgent* when it describes

* a present or imminent danger to life or property — gas leak, fire, collapse, flooding, electrical
  hazard (fallen live wire …), a child alone or lost, a vulnerable adult alone / missing / collapsed,
  self-harm or suicide, violence or threats of violence; or
* a public-opinion risk (舆情风险) — threats of media or internet exposure, collective action
  (群体性: gatherings, blocking roads, banners, sit-ins, strikes) and petitions to higher levels
  (越级上访: 省里, 北京, 进京 …).

Method: a hand-written lexicon of regular expressions grouped by category, matched on the
normalised text (``triage.normalize.normalize``) of title + body. Each pattern is *strong* (weight
1, enough on its own) or *weak* (weight 0.5: needs a second pattern of the same category or an
immediacy cue such as 现在/正在/马上/刚才/还在/越来越/赶紧/救命 in the same sentence). A match is
discarded when, in its clause (text between commas/full stops) and shortly before it, there is

* a negation (没有燃气泄漏, 不存在安全隐患, 未发现 …);
* a past-time marker without an immediacy cue (去年曾经着火, 2008年垮塌, 上次 …) — for the
  physical-danger categories;
* a hypothetical / hazard marker (一旦引发火灾, 以免倒塌, 存在火灾隐患, 可能会爆炸 …) — for the
  physical-danger categories only: "如果不解决就去北京上访" is exactly the public-opinion signal.

Policy: a reported *hazard* (消防通道被占, 楼道堆物存在火灾隐患, 无安全防护措施) is ordinary: it is
handled by the responsible department on the normal schedule; it becomes urgent only when the danger
is happening now (smoke, smell of gas, cracks widening, water coming in …). See docs/urgency.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from triage.normalize import normalize

__all__ = ["CATEGORIES", "REASONS", "UrgencyAssessment", "assess_urgency"]

# category -> reason shown to the dispatcher (Chinese).
REASONS: dict[str, str] = {
    "gas": "燃气泄漏：危及生命财产安全",
    "fire": "火情：危及生命财产安全",
    "collapse": "房屋或构筑物垮塌、塌陷风险：危及生命财产安全",
    "flood": "洪涝、进水险情：危及生命财产安全",
    "electric": "触电或电力设施险情：危及生命安全",
    "child_alone": "儿童无人看护、被困或走失：危及人身安全",
    "vulnerable": "老人或弱势人员独处、失联或倒地：危及人身安全",
    "self_harm": "自伤自杀倾向：危及生命安全",
    "violence": "暴力或人身威胁：危及人身安全",
    "outage": "大范围停水停电：基本生活保障正在中断",
    "public_opinion": "舆情风险：媒体曝光、群体性事件或越级上访",
}
CATEGORIES: tuple[str, ...] = tuple(REASONS)
_PHYSICAL = frozenset(CATEGORIES) - {"public_opinion"}

NEAR = 20  # characters either side of a weak match where an immediacy cue counts
STRONG = 1.0
WEAK = 0.5
THRESHOLD = 1.0

_KID = r"(?:孩子|小孩|伢儿?|娃儿?|婴儿|宝宝|儿童|小女孩|小男孩|幼儿|孩)"
_OLD = r"(?:老人|老年人|大爷|大妈|婆婆|奶奶|爷爷|老太太?|老头|我爸|我妈|父亲|母亲|残疾人)"
_MEDIA = r"(?:媒体|记者|电视台|报社|抖音|快手|微博|朋友圈|网上|网络|头条|微信群|视频号|自媒体)"
_HIGHER = r"(?:省里|省委|省政府|省信访|省纪委|北京|中央|国务院|国家信访|荆门市?里|荆门)"

# (category, weight, pattern) — written from general knowledge of hotline emergencies.
_RULES_SRC: list[tuple[str, float, str]] = [
    # --- gas -------------------------------------------------------------------------------------
    (
        "gas",
        STRONG,
        r"(?:燃气|煤气|天然气|液化气)(?:管道?|罐|瓶|表|阀门?|灶)?[^，。！？]{0,6}(?:泄漏|泄露|漏气|漏了|喷|冒气)",
    ),
    ("gas", STRONG, r"漏气|泄漏的?(?:燃气|煤气|天然气)"),
    ("gas", STRONG, r"(?:煤气|燃气|天然气|液化气|臭鸡蛋)的?(?:味|气味|臭味)"),
    (
        "gas",
        STRONG,
        r"(?:燃气|天然气|煤气)(?:管道?|管子)?[^，。]{0,4}(?:挖断|撞断|破裂|断了)|(?:挖断|撞坏|撞歪)[^，。]{0,6}(?:燃气|天然气|调压)",
    ),
    ("gas", STRONG, r"(?:煤气|一氧化碳)中毒|烧炭[^。]{0,20}(?:头晕|想吐|呕吐|晕|中毒)"),
    ("gas", WEAK, r"怪味|异味|刺鼻|(?:一|有)股[^，。]{0,4}(?:气味|味道|味)"),
    ("gas", WEAK, r"(?:燃气|煤气|天然气|液化气)(?:管道?|表|罐|瓶|灶|阀门?)|头晕|头疼|头痛|想吐|恶心"),
    # --- fire ------------------------------------------------------------------------------------
    ("fire", STRONG, r"着火|起火|失火|着了火|烧起来|烧着了|燃起来|火烧|火苗|明火|火势|火光"),
    ("fire", STRONG, r"冒(?:黑|浓|白|青)?烟|浓烟|黑烟|烟雾弥漫|全是烟|烟子"),  # not pollution: _CHRONIC_SMOKE
    ("fire", STRONG, r"(?:焦糊|烧焦|焦臭|糊)的?味"),
    ("fire", WEAK, r"(?<!会)(?<!可能)(?:爆炸|炸了|爆燃)"),
    ("fire", WEAK, r"火灾(?!隐患)"),
    # --- collapse ----------------------------------------------------------------------------------
    (
        "collapse",
        STRONG,
        r"倒塌|垮塌|坍塌|塌陷|塌方|塌了|垮了|垮下来|塌下来|(?:要|快|会)(?:垮|塌)|滑坡|泥石流|山体[^，。]{0,4}(?:滑|垮|崩)",
    ),
    (
        "collapse",
        STRONG,
        (
            r"(?:墙|墙体|墙身|房子?|屋|楼|房梁|梁|天花板|楼板|地基|路面|地面|桥面?|"
            r"桥墩)[^，。！？]{0,6}(?:倾斜|歪了|往外歪|下沉|鼓出|咔咔|冲空)"
        ),
    ),
    # A crack alone is, on the real messages, a building-quality complaint about one flat: it
    # needs a second sign or an immediacy cue (越来越, 现在 …).
    (
        "collapse",
        WEAK,
        r"(?:墙|墙体|墙身|房子?|屋|楼|房梁|梁|天花板|楼板|地基|路面|地面|桥面?|桥墩)[^，。！？]{0,6}"
        r"(?:裂了|裂开|开裂|裂缝|裂口|掉灰)",
    ),
    # Things falling onto people: facade tiles, objects from high floors.
    (
        "collapse",
        STRONG,
        r"高空坠物|(?:外墙|瓷砖|墙砖|墙皮|玻璃|广告牌|招牌)[^，。！？]{0,8}(?:脱落|掉落|掉下|坠落|砸到|砸伤|砸中)",
    ),
    # A broken or missing manhole cover in a street is a hazard to passers-by now.
    ("collapse", STRONG, r"井盖[^，。！？]{0,6}(?:裂开|裂了|破了|坏了|破损|丢失|丢了|没了|缺失|被偷|塌|翻)"),
    (
        "collapse",
        STRONG,
        r"裂缝[^，。]{0,8}(?:越来越大|越来越宽|好宽|好大|很宽|很大|加大|变大)|缝[^，。]{0,4}一天比一天大",
    ),
    ("collapse", STRONG, r"(?:往下掉|掉下来|砸下来|摇摇晃晃|往下滑|滚下来)"),
    ("collapse", STRONG, r"(?:承重墙)[^，。]{0,6}(?:打掉|拆掉|砸掉)"),
    ("collapse", WEAK, r"危房(?!改造)"),
    # --- flood -------------------------------------------------------------------------------------
    (
        "flood",
        STRONG,
        # Water over a road or pavement (a blocked drain's sewage) is an ordinary complaint; water
        # reaching into homes, or to the knees, is an emergency.
        r"(?:水)[^，。！？]{0,6}(?:漫进|灌进|冲进|淹到|淹了|进屋|到膝盖|齐腰|过了车窗"
        r"|(?:漫到|漫过)(?!路面|路上|马路|人行道|路边|街上|地面))",
    ),
    ("flood", STRONG, r"被淹|淹了|淹没|进水了|山洪|洪水(?:来了|下来|冲)|决口|决堤|溃坝|溃堤|管涌"),
    ("flood", STRONG, r"(?:堤|坝|防洪墙|河堤)[^，。]{0,8}(?:渗水|冒水|漏水|裂|垮|水柱)"),
    ("flood", STRONG, r"水位?[^，。]{0,4}(?:涨得|暴涨|猛涨|上涨很快|涨得飞快)"),
    ("flood", STRONG, r"积水[^，。]{0,6}(?:一米|齐腰|过膝|膝盖|半米|没过)|(?:水管|主管)[^，。]{0,4}爆"),
    ("flood", WEAK, r"被困[^，。]{0,4}(?:车里|水里|水中)|(?:井盖)[^，。]{0,6}冲开"),
    # --- electric ----------------------------------------------------------------------------------
    ("electric", STRONG, r"触电|电麻|被电(?:到|了|击)|电击|漏电"),
    (
        "electric",
        STRONG,
        r"(?:电线|电缆|高压线|电线杆)[^，。]{0,8}(?:掉|断了|断落|落在|落到|垂|倒了|冒火|火花|泡在水)",
    ),
    ("electric", STRONG, r"(?:冒火花|冒火星|火花四溅|打火花)"),
    (
        "electric",
        STRONG,
        r"(?:配电箱|电表箱|电箱|变压器|电闸)[^，。]{0,6}(?:冒烟|着火|起火|爆|冒火|滋滋|进水)",
    ),
    # --- child alone / lost --------------------------------------------------------------------------
    (
        "child_alone",
        STRONG,
        _KID + r"[^。！？]{0,10}(?:一个人在家|一个人在|独自在家|单独在家|被锁在|"
        r"锁在(?:屋|家|车)|关在(?:屋|家)|被一个人关)(?!外地|上学|读书|住校)",
    ),
    ("child_alone", STRONG, r"(?:车里|车内)[^，。]{0,6}(?:锁着|关着|有)[^，。]{0,4}" + _KID),
    (
        "child_alone",
        STRONG,
        _KID + r"[^，。]{0,6}(?:爬到|站在|坐在|趴在)[^，。]{0,4}(?:窗台|阳台|窗户外|窗外)",
    ),
    (
        "child_alone",
        STRONG,
        _KID + r"[^。！？]{0,12}(?:走丢|走失|失踪|找不到|没回家|还没回家|联系不上|找不到妈妈|找不到家)",
    ),
    (
        "child_alone",
        STRONG,
        _KID + r"[^。！？]{0,12}(?:周围|旁边|身边)?没(?:有)?大人|没(?:有)?大人[^。]{0,6}" + _KID,
    ),
    (
        "child_alone",
        STRONG,
        _KID
        + r"[^。！？]{0,8}(?:哭了一下午|哭了一天|哭了很久|一直在哭|一个人在哭|一个人坐在|喊饿|玩打火机|玩火)",
    ),
    ("child_alone", WEAK, r"(?:陌生(?:男|女|人))[^。]{0,12}(?:带走|抱走|拉走)"),
    # --- vulnerable adult ----------------------------------------------------------------------------
    (
        "vulnerable",
        STRONG,
        r"(?:独居|空巢|一个人住)[^。！？]{0,16}(?:好几天|几天|没出门|没见|没人应|没有?反应|联系不上|没人接)",
    ),
    (
        "vulnerable",
        STRONG,
        _OLD + r"[^。！？]{0,10}(?:摔倒|晕倒|倒在地|倒地|叫不醒|昏迷|走失|走丢|没回来|找不到)",
    ),
    ("vulnerable", WEAK, r"(?:晕倒|昏倒|叫不醒|不省人事|昏迷)"),
    (
        "vulnerable",
        STRONG,
        r"(?:老年痴呆|阿尔茨海默|失智|精神不太?正常|精神病)[^。]{0,24}(?:走失|没回来|找不到|马路中间|国道|路中间)",
    ),
    ("vulnerable", WEAK, r"(?:电话|手机)[^，。]{0,8}(?:没人接|打不通|关机)"),
    ("vulnerable", WEAK, r"(?:叫他|叫她|喊他|喊她)?没有?反应|没人应"),
    # --- self-harm -----------------------------------------------------------------------------------
    (
        "self_harm",
        STRONG,
        r"不想活|活不下去|活着没(?:有)?意思|不活了|轻生|自杀|寻短见|寻死|一死了之|死了算了|同归于尽|大不了一起死",
    ),
    (
        "self_harm",
        STRONG,
        r"跳楼(?!价|机)|跳河|跳江|跳下去|喝了?农药|喝药|吞药|吃了?安眠药|割腕|手腕[^，。]{0,4}(?:割|划)伤?|上吊",
    ),
    (
        "self_harm",
        STRONG,
        r"(?:烧炭|买好了?炭|把门窗都?封)|遗书|(?:药|绳子)[^，。]{0,4}(?:都)?准备好|准备好了?(?:药|绳子)",
    ),
    ("self_harm", STRONG, r"死(?:也要死)?在[^，。]{0,10}(?:门口|这里|那里|政府|面前|大厅)"),
    ("self_harm", STRONG, r"(?:站|坐|爬)在?[^，。]{0,6}(?:栏杆外|楼顶|天台|边边上|护栏外)"),
    (
        "self_harm",
        WEAK,
        r"对不起(?:全家|家人|我们|大家|爸妈|爸爸妈妈|你们)|活着拖累|拖累(?:我们|家人|大家|你们)|留了?(?:一)?张纸条|说(?:她|他)要走了",
    ),
    # --- violence ------------------------------------------------------------------------------------
    (
        "violence",
        STRONG,
        r"(?:拿|持|提|握)着?(?:刀|菜刀|砍刀|棍子?|钢管|砖头|斧头|铁棍|铁锹)|砍人|捅人|追着砍|砍死|杀了|打死|弄死|往死里打",
    ),
    (
        "violence",
        STRONG,
        r"卸[^，。]{0,4}(?:腿|胳膊)|打断[^，。]{0,4}(?:腿|手)|泼硫酸|绑架|被绑|撕票|家暴|家庭暴力",
    ),
    # A fight told in a long complaint is usually past (real dev: mahjong parlours, quarrels):
    # weak, it needs a second sign or an immediacy cue.
    (
        "violence",
        WEAK,
        r"(?:打人|打我(?!电话|手机|的电话)|殴打|打伤|被打|围殴|围着[^，。]{0,4}打|打起来|打架|打得[^，。]{0,3}(?:狠|凶|厉害)|打砸)",
    ),
    ("violence", WEAK, r"恐吓|扬言"),
    ("violence", WEAK, r"涉黑|黑社会|社会人员|打手"),
    (
        "violence",
        STRONG,
        r"(?:威胁|扬言|恐吓)[^，。]{0,8}(?:杀了|砍死|砍人|弄死|打死|要你的?命|要他的?命|卸)",
    ),
    ("violence", WEAK, r"砸(?:东西|车|门|窗|了)|惨叫|流血|头破|倒在地上不动"),
    ("violence", WEAK, r"威胁(?:我|我们|要|说)"),
    # --- public opinion ------------------------------------------------------------------------------
    ("public_opinion", STRONG, r"进京|越级|(?:要|就|准备|只能|只好|集体|继续|一起)去?上访|上访到底"),
    # 上访 mentioned in passing (real dev: "多次上访无果", a past petition) is weak.
    ("public_opinion", WEAK, r"上访(?!人)"),
    ("public_opinion", STRONG, r"(?:要|就|准备|只能|只好|集体|一起)(?:去|到|找|跑)" + _HIGHER + r"(?!的)"),
    ("public_opinion", WEAK, r"(?:去|到|找|上|跑)" + _HIGHER + r"(?!的)"),
    (
        "public_opinion",
        STRONG,
        r"群体性|聚众|集体(?:上访|去|到|请愿|维权|反映)|拉横幅|举横幅|打横幅|挂横幅|静坐|堵(?:路|马路|门)|把路堵|罢工|(?:集体|全部|司机|罢工)[^，。]{0,4}停运|爬上塔吊|跪求政府",
    ),
    (
        "public_opinion",
        STRONG,
        r"(?:人|群众|居民|村民|业主|工人|家长|民工|司机|家属)[^，。]{0,8}聚集|聚集[^，。]{0,4}(?:着)?(?:几十|上百|几百|上千|很多|大量|一群)?(?:人|群众)",
    ),
    (
        "public_opinion",
        STRONG,
        r"(?:曝光|发到|发在|发上|传到|放到|捅到)[^，。]{0,8}"
        + _MEDIA
        + r"|"
        + _MEDIA
        + r"[^，。]{0,6}(?:曝光|传疯|传开|热搜|转载|采访)",
    ),
    (
        "public_opinion",
        STRONG,
        r"(?:找|联系|求助于?|反映给|反映到|告诉|寄给|投给|发给)了?(?:新闻)?(?:媒体|记者|电视台|报社|人民日报|焦点访谈|央视|中央电视台)|热搜|传疯了|中央巡视组",
    ),
    (
        "public_opinion",
        STRONG,
        r"(?:媒体|记者|自媒体)[^，。]{0,4}(?:在写|要写|要报道|在报道|来采访|要来|发出来)",
    ),
    (
        "public_opinion",
        STRONG,
        r"(?:人|我们|大家|全村|全组)[^，。]{0,6}都(?:到|去)[^，。]{0,4}(?:市里|市政府|镇里|镇政府|县里)",
    ),
    # --- outage (many households without water or power now) -------------------------------------
    (
        "outage",
        STRONG,
        r"(?:停水|断水|没水|没有水|停电|断电|没电)[^，。！？]{0,10}"
        r"(?:\d+|[一二三四五六七八九十两几半]+)多?(?:天|日|个?多?小时|周|星期)",
    ),
    (
        "outage",
        STRONG,
        r"(?:停水|断水|停电|断电)(?:已经|已|都)?(?:好几天|多天|一周|至今|到现在|了?[一二三四五六七八九十两几]+天)"
        r"|(?:至今|目前|现在|仍然|还是|一直)(?:还|都)?(?:在)?(?:遭遇|处于)?(?:停水|断水|没水|停电|断电|没电)",
    ),
    ("outage", WEAK, r"无水可用|没有?水用|没水喝|吃不上水|用不上水|无电可用"),
    (
        "outage",
        WEAK,
        r"(?:小区|全村|整栋|全楼|上千户|几百户|居民|住户)[^，。！？]{0,8}(?:停水|断水|没水|停电|断电|没电)",
    ),
    # --- public opinion (continued) --------------------------------------------------------------
    ("public_opinion", WEAK, r"围住|围堵|(?:一直|就)坐在(?:那里|那儿|门口)|不走了"),
    ("public_opinion", WEAK, r"讨(?:个)?说法|情绪(?:很|非常)?激动|几十个人|几百人|上百户?人?|上千人"),
]


# normalize() turns full-width ，！？；： into half-width: the "not a clause/sentence end" classes
# written above as [^，。] / [^。！？] are widened to both forms here.
_NOT_CLAUSE_END = "[^，,。！？!?；;]"
_NOT_SENT_END = "[^。！？!?；;]"


def _widen(pattern: str) -> str:
    for narrow in ("[^，。！？]", "[^，。]"):
        pattern = pattern.replace(narrow, _NOT_CLAUSE_END)
    for narrow in ("[^。！？]", "[^。]"):
        pattern = pattern.replace(narrow, _NOT_SENT_END)
    return pattern


_RULES = [(cat, w, re.compile(_widen(p))) for cat, w, p in _RULES_SRC]

_CLAUSE_END = re.compile(r"[，,。！？!?；;、:：\n]")
_SENT_END = re.compile(r"[。！？!?；;\n]")
_NEGATION = re.compile(
    r"(?:没有|没|未|无|不存在|并无|并未|不是|排除|不会|未发现|没发现|不要|防止|避免)[^，,。]{0,4}$"
)
# "…裂缝已经修好了", "…鉴定没有危险": the danger is over (physical categories; same sentence, after it).
_RESOLVED = re.compile(
    r"(?:已经?|都)(?:修好|修补好|处理好|处理完|排除|解决|扑灭|灭了)|没有危险|无危险|不存在(?:安全)?隐患"
)
# A consultation (fees, subsidies, procedures): physical dangers need an immediacy cue to count.
_CONSULT_TITLE = re.compile(
    r"咨询|请问|如何|怎么(?:办理|申请|办)|政策|补贴|资金|费用|收费|流程|手续|标准|材料|多少钱|何时|什么时候"
    # A title that reports a hazard, a quality defect or a proposal (real dev: 消防隐患, 偷工减料,
    # 建议…排查, 反对…建设) treats its physical dangers the same way: they need an immediacy cue.
    r"|隐患|消防|质量|偷工减料|建议|反对|改造|升级|规划"
)
_PAST = re.compile(
    r"(?:去年|前年|曾经|以前|当年|那年|上次|早年|年前|多年前|(?:19|20)\d{2}年|上个月|往年|历史上)"
)
_HYPOTHETICAL = re.compile(
    r"(?:一旦|一但|万一|如果|假如|若是|防止|以免|避免|预防|隐患|可能会|容易|会不会|是否|担心|面临|怎么办"
    r"|后果不堪设想|排查|检查|整改|风险)"
)
# A hazard word anywhere in the sentence (not only the clause) makes a physical match a hazard
# report, not an emergency (real dev: "电表箱装在门口…一旦漏电", "消防通道…出了火灾怎么办").
_HAZARD_SENTENCE = re.compile(r"怎么办|后果不堪设想")
# Fees, deposits, prices in the clause: a gas bottle's deposit is not a gas leak.
_MONEY = re.compile(r"押金|退还|退钱|费用|收费|缴费|价格|多少钱|充值|开户|安装费|燃气费|煤气费|补贴|赔偿")
# Danger elsewhere or in the news ("全国各地机动车起火事故频发"), not at the writer's place now.
_ELSEWHERE = re.compile(r"全国各地|各地|频发|新闻|报道|媒体上")
# Smoke from a factory, a chimney or burning rubbish is pollution, a chronic complaint.
_CHRONIC_SMOKE = re.compile(r"排放|污染|烟囱|工厂|[^一]厂|焚烧|烧垃圾|油烟|扬尘|尾气|环保")
_STILL = re.compile(r"现在|正在|还在|今天|刚才|刚刚|目前还")
_IMMEDIATE = re.compile(
    r"现在|正在|马上|刚才|刚刚|此刻|还在|一直在|越来越|赶紧|赶快|快来|快点|救命|急|今天|今晚|今早|昨晚|半个钟头|一下午"
)


@dataclass(frozen=True)
class UrgencyAssessment:
    urgent: bool
    level: Literal["urgent", "normal"]
    reasons: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    matched: list[str] = field(default_factory=list)
    score: float = 0.0


def _bounds(text: str, start: int, end: int, pattern: re.Pattern[str]) -> tuple[int, int]:
    """Start of the clause/sentence containing [start, end) and the end of it."""
    left = 0
    for m in pattern.finditer(text, 0, start):
        left = m.end()
    after = pattern.search(text, end)
    return left, (after.start() if after else len(text))


def _discarded(text: str, cat: str, start: int, end: int) -> bool:
    c_left, c_right = _bounds(text, start, end, _CLAUSE_END)
    before = text[c_left:start]
    if _NEGATION.search(before[-8:]):
        return True
    if cat in _PHYSICAL:
        clause = text[c_left:c_right]
        if _PAST.search(before) and not _STILL.search(clause):
            return True
        if _HYPOTHETICAL.search(clause) or _MONEY.search(clause) or _ELSEWHERE.search(clause):
            return True
        s_left, s_right = _bounds(text, start, end, _SENT_END)
        sentence = text[s_left:s_right]
        if _HAZARD_SENTENCE.search(sentence) and not _STILL.search(sentence):
            return True
        if cat == "fire" and "烟" in text[start:end] and _CHRONIC_SMOKE.search(sentence):
            return True
        if _RESOLVED.search(text, end, s_right):
            return True
    return False


def _immediate_near(text: str, start: int) -> bool:
    """An immediacy cue (现在, 正在, 越来越 …) in the sentence containing position ``start``."""
    s_left, s_right = _bounds(text, start, start, _SENT_END)
    # Within a window of the match, not a whole long sentence: in the real letters "现在" far away
    # in the same sentence is usually about the writer ("我现在承担着房贷"), not the danger.
    lo, hi = max(s_left, start - NEAR), min(s_right, start + NEAR)
    return _IMMEDIATE.search(text, lo, hi) is not None


def assess_urgency(title: str, body: str) -> UrgencyAssessment:
    """Classify one message as urgent or normal, with Chinese reasons and the matched phrases."""
    text = normalize(f"{title or ''}。{body or ''}")
    scores: dict[str, float] = {}
    weak_hits: dict[str, list[int]] = {}
    hit_starts: dict[str, list[int]] = {}
    matched: dict[str, list[str]] = {}
    for cat, weight, rx in _RULES:
        counted = False
        for m in rx.finditer(text):
            if _discarded(text, cat, m.start(), m.end()):
                continue
            if not counted:  # each rule counts once …
                counted = True
                scores[cat] = scores.get(cat, 0.0) + weight
                phrase = m.group(0)
                if phrase not in matched.setdefault(cat, []):
                    matched[cat].append(phrase)
            hit_starts.setdefault(cat, []).append(m.start())
            if weight < STRONG:
                # … but every place it matches may have its immediacy cue (a crack named in the
                # title and "还在往外歪" in the body).
                weak_hits.setdefault(cat, []).append(m.start())
            else:
                break
    if _CONSULT_TITLE.search(normalize(title or "")):
        # A consultation: a physical danger counts only with an immediacy cue next to one of its matches.
        for cat in _PHYSICAL & scores.keys():
            if not any(_immediate_near(text, s) for s in hit_starts[cat]):
                scores[cat] = min(scores[cat], WEAK)
                weak_hits.pop(cat, None)
    for cat, starts in weak_hits.items():
        if scores[cat] >= THRESHOLD:
            continue
        for s in starts:
            if _immediate_near(text, s):
                scores[cat] += WEAK
                break
    hit = sorted(
        (c for c, s in scores.items() if s >= THRESHOLD), key=lambda c: (-scores[c], CATEGORIES.index(c))
    )
    urgent = bool(hit)
    return UrgencyAssessment(
        urgent=urgent,
        level="urgent" if urgent else "normal",
        reasons=[REASONS[c] for c in hit],
        categories=hit,
        matched=[p for c in hit for p in matched[c]],
        score=max(scores.values(), default=0.0),
    )
