"""Demo templates for the commonest subjects of a county hotline, published through the services
(import_template, logged as 导入): idempotent, so `seed_demo` may run again."""

from __future__ import annotations

from typing import Any

from cases.models import Category, Kind
from replytemplates.models import ReplyTemplate, TemplateKind
from replytemplates.services import import_template

REPLIES: list[dict[str, Any]] = [
    {
        "title": "市政设施已修复",
        "category": "城乡建设/城市建设和市政管理",
        "body": (
            "{称呼}：您好！您于{登记日期}反映的“{诉求标题}”（受理编号{受理编号}）收悉。"
            "{承办单位}接件后立即安排人员到现场核实，已于{今天}完成维修，现已恢复正常使用。"
            "今后如发现类似问题，欢迎继续拨打12345反映。感谢您对城市建设的关心和支持！"
        ),
    },
    {
        "title": "下水道堵塞已疏通",
        "category": "城乡建设/城市建设和市政管理/基础设施",
        "body": (
            "{称呼}：您好！关于您反映的“{诉求标题}”，{承办单位}已安排市政养护人员到现场疏通，"
            "并对周边管网进行了排查，目前排水已恢复正常。我们将加强日常巡查养护，感谢您的监督。"
        ),
    },
    {
        "title": "噪音扰民已现场处置",
        "category": "环境保护/环境污染/噪音污染",
        "case_kind": Kind.COMPLAINT,
        "body": (
            "{称呼}：您好！您于{登记日期}投诉的“{诉求标题}”，{承办单位}执法人员已到现场检查，"
            "责令噪声源单位立即整改，并告知其夜间（22时至次日6时）禁止产生噪声的施工作业。"
            "我们将持续跟踪复查，如再次发生请拨打12345或110反映。"
        ),
    },
    {
        "title": "欠薪问题已协调",
        "category": "劳动和社会保障/工资福利",
        "body": (
            "{称呼}：您好！关于您反映的“{诉求标题}”（受理编号{受理编号}），{承办单位}已约谈用人单位，"
            "督促其依法足额支付拖欠的劳动报酬。如对处理结果有异议，可携带劳动合同、工资条等材料"
            "到市劳动人事争议仲裁院申请仲裁。"
        ),
    },
    {
        "title": "政策咨询答复",
        "case_kind": Kind.CONSULT,
        "body": (
            "{称呼}：您好！您咨询的“{诉求标题}”，经{承办单位}核实答复如下：（请填写政策依据、办理条件、"
            "所需材料和办理地点）。如需进一步了解，可在工作日到相关窗口咨询。感谢您的来电！"
        ),
    },
    {
        "title": "建议已收悉并研究",
        "case_kind": Kind.SUGGESTION,
        "body": (
            "{称呼}：您好！感谢您于{登记日期}提出的宝贵建议“{诉求标题}”。{承办单位}已认真研究，"
            "将在下一步工作中统筹考虑。欢迎您继续为钟祥发展建言献策。"
        ),
    },
]

SMS: list[dict[str, Any]] = [
    {
        "title": "受理告知短信",
        "name": "case_received",
        "body": "{称呼}，您的诉求“{诉求标题}”已受理，受理编号{受理编号}，可点击查看办理进度：{查看链接}",
    },
]


def seed_reply_templates() -> int:
    """Publish the demo templates (categories must exist: cases.taxonomy.load_taxonomy); returns
    how many were created this time."""
    created = 0
    paths = {
        c.path: c
        for c in Category.objects.filter(path__in=[r["category"] for r in REPLIES if "category" in r])
    }
    for item in REPLIES:
        data = {"kind": TemplateKind.REPLY, **item, "category": paths.get(item.get("category", ""))}
        if "category" in item and data["category"] is None:
            continue  # a taxonomy without this subject: the template would apply everywhere
        created += import_template(data=data)[1]
    for item in SMS:
        if (
            ReplyTemplate.objects.published()
            .filter(kind=TemplateKind.SMS, name=item["name"])
            .exclude(title=item["title"])
            .exists()
        ):
            continue  # the centre has worded this SMS itself
        created += import_template(data={"kind": TemplateKind.SMS, **item})[1]
    return created
