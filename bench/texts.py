"""Texts and weights the generated cases are drawn from (Chinese, as the hotline writes them)."""

from __future__ import annotations

from cases.models import Channel, Kind, Satisfaction, SuspensionReason

CHANNELS = [
    (Channel.HOTLINE, 70),
    (Channel.WEB, 9),
    (Channel.MOBILE, 10),
    (Channel.OPEN311, 2),
    (Channel.ENTERPRISE, 3),
    (Channel.MAILBOX, 4),
    (Channel.WINDOW, 2),
]
KINDS = [
    (Kind.COMPLAINT, 35),
    (Kind.HELP, 25),
    (Kind.CONSULT, 25),
    (Kind.REPORT, 5),
    (Kind.SUGGESTION, 8),
    (Kind.PRAISE, 2),
]
SATISFACTION = [(Satisfaction.SATISFIED, 85), (Satisfaction.BASICALLY, 10), (Satisfaction.UNSATISFIED, 5)]
TRANSFER_TARGETS = [
    "荆门市12345热线",
    "湖北省12345热线",
    "京山市12345热线",
    "沙洋县12345热线",
    "天门市12345热线",
]

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程魏苏吕丁任沈姚卢"
)
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂英华玉兰萍红建国志文斌浩鹏婷琳"
REPLY_TEMPLATES = [
    "经{unit}核实，您反映的问题属实。我单位已安排工作人员到现场处理，目前问题已整改到位，感谢您对我们工作的监督。",
    "您好，关于您反映的问题，{unit}高度重视，已会同相关单位进行调查处理，并与您电话沟通了处理结果，您表示认可。",
    "经{unit}调查，您反映的情况部分属实。我们已责成责任单位限期整改，并将持续跟踪督促，确保问题得到解决。",
    "您咨询的问题，{unit}答复如下：相关政策按现行规定执行，具体办理流程已电话告知，如有疑问可到窗口咨询。",
    "{unit}收到工单后第一时间联系了您，并派员现场核查。经协调，相关方已承诺整改，我们将加强日常巡查。",
    "经{unit}核查，您反映的问题不属实或已于此前处理完毕，工作人员已向您当面解释说明，感谢您的理解与支持。",
]
RETURN_REASONS = [
    "该事项不属于我单位职责范围，请重新派单",
    "诉求地址位于其他乡镇辖区，建议转属地处理",
    "该问题由供水公司负责，请改派",
    "事项涉及多部门，建议由属地牵头办理",
]
DISPUTE_REJECTIONS = [
    "根据派单目录，该事项属本单位职责，请按时限办理",
    "诉求地址在本单位辖区内，退单理由不成立，请属地办理",
    "经审核，退单理由不充分，请牵头办理，需要配合的单位可申请协办",
]
EXTENSION_REASONS = [
    "需协调多个部门现场会商，办理时间较长，申请延期",
    "涉及资金审批流程，需延期办理",
    "天气原因无法施工，申请延期",
]
CONTACTS = ["已电话联系诉求人，约定现场核查时间", "已与诉求人沟通，告知办理进度", "已联系诉求人核实诉求地点"]
CONTACTS_MISSED = ["电话无人接听，稍后再联系", "诉求人电话关机"]
CONTRIBUTIONS = ["我单位已配合现场核查，情况已反馈主办单位", "已按职责提供相关资料，请主办单位统一答复"]
REJECT_NOTES = ["答复内容过于简单，请补充处理过程", "请补充与诉求人沟通的情况", "办理结果不明确，请重新核实"]
SUPERVISE_NOTES = [
    "该工单已超期，请加快办理并于期限内反馈",
    "群众多次来电催办，请主要负责人亲自过问",
    "请于两个工作日内反馈办理进展",
]
CALLBACK_NOTES = ["", "", "诉求人表示问题已解决", "诉求人对处理结果认可", "诉求人希望加强后续管理"]
UNSATISFIED_CLOSE = ["诉求人要求超出政策规定，已做好解释工作", "问题已按规定处理，诉求人仍不认可，作结案处理"]
# 挂起: (reason, 情况说明, 依据文书), each reason with the kind of document it rests on.
SUSPENSIONS = [
    (
        SuspensionReason.COURT,
        "诉求涉及的合同纠纷已由人民法院受理，需待判决后依法处理",
        "法院受理案件通知书（2026）鄂0881民初{n}号",
    ),
    (
        SuspensionReason.SURVEY,
        "需委托第三方对房屋安全状况进行鉴定，鉴定结论出具后方能处理",
        "房屋安全鉴定委托书 钟鉴〔2026〕{n}号",
    ),
    (
        SuspensionReason.CITIZEN_DOCUMENTS,
        "已一次性告知诉求人需补充的材料，待其提交后继续办理",
        "补正材料告知书 第{n}号",
    ),
    (
        SuspensionReason.OTHER_REGION,
        "诉求涉及外地企业，需商请属地主管部门协助调查",
        "协助调查函 钟函〔2026〕{n}号",
    ),
    (
        SuspensionReason.FORCE_MAJEURE,
        "受强降雨影响现场无法施工，待天气条件允许后继续处理",
        "气象灾害预警信息（第{n}期）",
    ),
]
SUSPENSION_REFUSALS = ["所述情形不属于中止计时事由，请按期办结", "依据文书不充分，请补充后再申请"]
RESUME_NOTES = ["", "鉴定结论已出具，恢复办理", "诉求人已补齐材料", "相关程序已结束，恢复计时"]
REPIN_REASONS = ["按市政府新规定的办理时限重算", "依诉求人申请按现行时限重新计算期限"]
