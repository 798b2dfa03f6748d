"""The rates: what each one counts, its formula and its counting rules, in one table.

The page, docs/stats.md, the ledger's headers and the API read this table; the counting itself is
stats.counting (SQL over the fact tables) and stats.ledger (row by row, the exact path). A rate is
numerator / denominator of two counters; an empty denominator is "no data" (—), never 0 % or 100 %.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Rate:
    code: str
    label: str
    numerator: str  # counter codes (stats.counting.COUNTERS)
    denominator: str
    formula: str
    rules: str
    higher_is_better: bool = True
    centre_only: bool = False


RATES: tuple[Rate, ...] = (
    Rate(
        "response",
        "响应率",
        "responded",
        "response_due",
        "响应率 = 按时响应数 ÷ 应响应数",
        "应响应：派单（或退单异议不成立后退回）给本单位、在统计期内到了办理期限或已答复的承办段；重办段不计"
        "（本单位已响应过该件）。按时响应：在签收时限内签收，且在办理时限内联系了诉求人。"
        "“联系诉求人”取本段中最早的一项：承办单位记录的“联系诉求人”且已联系上（未联系上的尝试不算），"
        "审核通过的答复（经短信送达诉求人），或以“待诉求人补充材料或配合”为由申请挂起（须先与诉求人联系）。",
    ),
    Rate(
        "resolution",
        "解决率",
        "resolved",
        "rated",
        "解决率 = 回访已解决数 ÷ 回访接通数",
        "按回访计：统计期内每件以最后一次回访为准（同一期内重办后再回访的，以后一次为准；差评转整改的那次不是"
        "最终结果，整改核实后的回访才是）。回访未接通（按规定次数仍未接通）的不计入分母。计入答复该件的单位；"
        "直接办结的计入热线中心。",
    ),
    Rate(
        "satisfaction",
        "满意率",
        "satisfied",
        "rated",
        "满意率 = （非常满意 + 满意 + 基本满意）数 ÷ 回访接通数",
        "五级评价中非常满意、满意、基本满意计为满意；不满意、非常不满意为不满意。回访的计入规则同解决率；"
        "已办结工单经“更正”改过满意度的，按更正后的计。",
    ),
    Rate(
        "accept_on_time",
        "按时签收率",
        "accepted_on_time",
        "accept_due",
        "按时签收率 = 按时签收数 ÷ 应签收数",
        "应签收：派单给本单位的承办段，在统计期内签收或到了签收期限。在期限内签收的为按时；超过期限未签收的，"
        "于期限到时计为未按时（之后再签收或退单也不改变）。在签收期限内退单的不计入（计入退单率）。重办段不计。",
    ),
    Rate(
        "handle_on_time",
        "按时办结率",
        "handled_on_time",
        "handle_due",
        "按时办结率 = 按时办结数 ÷ 应办结数（连云港口径：应结案数）",
        "应办结：本单位的承办段（含重办段），在统计期内答复审核通过、或到了办理期限仍未答复。办理期限为段内最后"
        "生效的期限（含批准的延期、挂起顺延、按现行时限重算）。期限内答复的为按时；未到期限的在办件不计入。"
        "退回的承办段不计入。",
    ),
    Rate(
        "closure",
        "结案率",
        "handled",
        "handle_due",
        "结案率 = 结案数 ÷ 应结案数（连云港口径）",
        "应结案同“应办结”；结案数为其中在统计期截止时已答复审核通过的（含超期答复）。",
    ),
    Rate(
        "callback",
        "回访率",
        "called_back",
        "callback_due",
        "回访率 = 已回访数 ÷ 应回访数",
        "应回访：统计期内审核通过的答复（含直接办结）。已回访：截至统计期末对该答复做了回访"
        "（接通，或按规定次数未接通）。合并的重复件不单独回访，不计入。",
    ),
    Rate(
        "return",
        "退单率",
        "returned",
        "dispatched",
        "退单率 = 退单数 ÷ 派单数",
        "派单数：统计期内派给本单位的承办段（派单与退单异议不成立后的退回）。退单数：其中截至期末被本单位退回的。"
        "退单后改派他单位的，退单计入退单单位，此后的签收、办结、回访计入新承办单位；异议不成立退回的，"
        "重新计一次派单。",
        higher_is_better=False,
    ),
    Rate(
        "reopen",
        "发回重办率",
        "reopened",
        "answered",
        "发回重办率 = 重办数 ÷ 答复数",
        "答复数：统计期内本单位审核通过的答复。重办数：其中截至期末被发回重办的。重办后的新承办段照常计入"
        "按时办结率，新答复的回访照常计入解决率、满意率。",
        higher_is_better=False,
    ),
    Rate(
        "intake",
        "直接答复率",
        "answered_at_intake",
        "disposed",
        "直接答复率 = 直接办结数 ÷ （直接办结数 + 首次派单数）",
        "热线中心的指标：统计期内中心处置的工单中，当场直接答复（直接办结）的比例。合并的重复件和转办外地的"
        "不计入。",
        centre_only=True,
    ),
)

RATE_BY_CODE = {r.code: r for r in RATES}

# Who counts and who does not, beyond each rate's own rules (the page and the docs show these).
GENERAL_RULES: tuple[tuple[str, str], ...] = (
    (
        "统计口径",
        "一律从工单事件日志计算：每项计数有它的计入时刻（签收、答复、回访、到期），统计期内的计入；"
        "统计期截止于所选日期的次日零时与当前时刻中较早者。已过去的统计期，结果不随以后发生的事改变"
        "（更正已办结工单的满意度除外）。",
    ),
    ("合并的重复件", "不计入任何比率（并入主工单，随主工单计）；台账中列为“排除：已合并”。"),
    ("转办外地", "不计入本市单位的比率；台账中列为“排除：已转办”。"),
    ("回访未接通", "计入回访率（已回访），不计入解决率、满意率。"),
    ("在办件", "未到期限的不计入签收、办结、响应；已超期的在到期时计为未按时。"),
    ("重办件", "重办计入原答复单位的发回重办率；重办段计入按时办结率；以最后一次回访计解决、满意。"),
    ("退单改派", "退单计入退单单位（退单率）；改派后的各项计入新承办单位。"),
    ("乡镇与部门", "乡镇（街道、场库）与市直部门分组考核、分组排名；派给村（社区）的计入其所属乡镇。"),
)
