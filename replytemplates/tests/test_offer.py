"""What the reply form offers: published templates only, nearest category first, ranked by use
and by callback satisfaction, and nothing to someone who may not draft the reply."""

from __future__ import annotations

from cases import hooks, services
from cases.forms import ReplyForm
from cases.models import POOR_RATINGS, Category, Kind, Satisfaction
from replytemplates import services as template_services
from replytemplates.models import TemplateKind, TemplateUse
from replytemplates.ranking import records
from tests.factories import accepted_case

from .conftest import published


def _titles(case, user) -> list[str]:
    return [offer.title for offer in hooks.reply_templates(case, user)]


def _answer_from(city, template, satisfaction=None, *, body="已安排人员到现场处理，问题已经解决。"):
    """A case answered from the template; with a satisfaction, called back and closed."""
    case = accepted_case(city)
    services.submit_reply(case, actor=city.users["clerk"], body=body, template=template.pk)
    if satisfaction is not None:
        services.approve_reply(case, actor=city.users["unit_leader"])
        if satisfaction in POOR_RATINGS:  # a 差评 is rectified and called back again first
            services.callback(
                case, actor=city.users["agent"], reached=True, resolved=False, satisfaction=satisfaction
            )
            report = "已约谈经办人员并重新处理。"
            services.report_rectification(case, actor=city.users["clerk"], report=report)
            services.verify_rectification(case, actor=city.users["dispatcher"], accepted=True)
        services.callback(
            case, actor=city.users["agent"], reached=True, resolved=True, satisfaction=satisfaction
        )
        services.close(case, actor=city.users["agent"], note="已向诉求人解释政策规定")
    return case


def test_only_published_templates_are_offered(city, clerk) -> None:
    published(city, title="已发布")
    draft = template_services.create_template(
        actor=city.users["dispatcher"], data={"title": "草稿", "kind": TemplateKind.REPLY, "body": "草稿内容"}
    )
    template_services.submit_template(draft, actor=city.users["dispatcher"])  # in review, not live
    retired = published(city, title="已停用")
    template_services.retire_template(retired, actor=city.users["supervisor"])
    published(city, title="短信", kind=TemplateKind.SMS, name="case_received", body="{受理编号}")
    assert _titles(accepted_case(city), clerk) == ["已发布"]


def test_bodies_are_filled_and_the_form_carries_them(city, clerk) -> None:
    template = published(city, title="已修复", body="{称呼}：{诉求标题}已修复。")
    case = accepted_case(city)
    form = ReplyForm(case=case, user=clerk)
    [offer] = form.templates
    assert (offer.id, offer.body) == (template.pk, "尊敬的张女士：小区门口下水道堵塞已修复。")


def test_nearest_category_first_and_other_branches_and_kinds_left_out(city, clerk) -> None:
    leaf = city.category
    mid, top = leaf.parent, leaf.parent.parent
    other = Category.objects.create(name="环境保护", level=1, path="环境保护")
    published(city, title="任何分类")
    published(city, title="一级", category=top)
    published(city, title="三级", category=leaf)
    published(city, title="二级", category=mid)
    published(city, title="另一分类", category=other)
    published(city, title="咨询专用", category=leaf, case_kind=Kind.CONSULT)
    assert _titles(accepted_case(city), clerk) == ["三级", "二级", "一级", "任何分类"]


def test_ranked_by_use(city, clerk) -> None:
    rare, common = published(city, title="甲 少用"), published(city, title="乙 常用")
    _answer_from(city, common)
    _answer_from(city, common)
    _answer_from(city, rare)
    assert _titles(accepted_case(city), clerk) == ["乙 常用", "甲 少用"]


def test_ranked_by_callback_satisfaction_over_use(city, clerk) -> None:
    liked, disliked = published(city, title="乙 好评"), published(city, title="甲 差评")
    _answer_from(city, liked, Satisfaction.SATISFIED)
    _answer_from(city, liked, Satisfaction.BASICALLY)
    for _ in range(3):
        _answer_from(city, disliked, Satisfaction.UNSATISFIED if _ else Satisfaction.SATISFIED)
    known = records([liked.pk, disliked.pk])
    assert (known[liked.pk].rated, known[liked.pk].good) == (2, 2)
    assert (known[disliked.pk].uses, known[disliked.pk].rated, known[disliked.pk].good) == (3, 3, 1)
    assert _titles(accepted_case(city), clerk) == ["乙 好评", "甲 差评"]


def test_a_case_not_closed_yet_gives_no_rating(city) -> None:
    template = published(city, title="模板")
    case = _answer_from(city, template)
    services.approve_reply(case, actor=city.users["unit_leader"])
    assert records([template.pk])[template.pk].rated == 0


def test_a_clerk_of_another_unit_is_offered_none(city, outsider, clerk, dispatcher) -> None:
    published(city, title="模板")
    case = accepted_case(city)
    assert _titles(case, outsider) == []
    assert _titles(case, dispatcher) == []  # the centre does not draft a unit's answer
    assert _titles(case, clerk) == ["模板"]


def test_the_use_is_recorded_once_per_reply_and_a_forged_id_is_ignored(city) -> None:
    template = published(city, title="模板")
    case = _answer_from(city, template)
    use = TemplateUse.objects.get()
    assert (use.template_id, use.case_id) == (template.pk, case.pk)
    other = accepted_case(city)
    services.submit_reply(
        other, actor=city.users["clerk"], body="手写的答复内容，没有模板。", template=999_999
    )
    assert TemplateUse.objects.count() == 1
