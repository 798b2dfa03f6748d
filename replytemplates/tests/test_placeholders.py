from __future__ import annotations

from datetime import date

import pytest

from mochou.errors import InvalidInput
from replytemplates import placeholders, services
from replytemplates.models import TemplateKind
from tests.factories import accepted_case


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("张女士", "尊敬的张女士"),
        ("王先生", "尊敬的王先生"),
        ("李某某", "尊敬的李女士/先生"),
        ("刘建国", "尊敬的刘女士/先生"),
        ("欧阳某", "尊敬的欧阳女士/先生"),
        ("", "尊敬的市民"),
        ("匿名", "尊敬的市民"),
        ("钟祥市莫愁食品有限公司", "尊敬的钟祥市莫愁食品有限公司"),
    ],
)
def test_salutation_from_the_recorded_name(name: str, expected: str) -> None:
    assert placeholders.salutation(name) == expected


def test_fields_are_filled_from_the_case(city, clock) -> None:
    case = accepted_case(city, citizen_name="王某某")
    body = "{称呼}：您于{登记日期}反映的“{诉求标题}”（{受理编号}）由{承办单位}办理，{今天}答复。{{原样}}"
    filled = placeholders.fill(body, placeholders.case_values(case, today=date(2025, 9, 26)))
    assert filled == (
        f"尊敬的王女士/先生：您于2025年9月24日反映的“小区门口下水道堵塞”（{case.number}）"
        "由钟祥市住房和城乡建设局办理，2025年9月26日答复。{原样}"
    )


def test_an_unknown_placeholder_is_refused_when_saving(city) -> None:
    with pytest.raises(InvalidInput) as refused:
        services.create_template(
            actor=city.users["dispatcher"],
            data={"title": "错误模板", "kind": TemplateKind.REPLY, "body": "{姓名}您好，{称呼}"},
        )
    assert "不认识的占位符：{姓名}" in refused.value.message
    assert "{称呼}" in refused.value.message  # the message lists what may be used
    assert refused.value.details["field"] == "body"


def test_a_lone_brace_is_refused() -> None:
    with pytest.raises(InvalidInput, match="单独的花括号"):
        placeholders.check("您好 {称呼", placeholders.CASE_FIELDS)


def test_sms_fields_depend_on_the_sms() -> None:
    placeholders.check(
        "{称呼}，编号{受理编号}：{查看链接}", placeholders.allowed_fields("sms", "case_received")
    )
    with pytest.raises(InvalidInput):  # a deadline notice has no case to take a salutation from
        placeholders.check("{称呼}{提醒内容}", placeholders.allowed_fields("sms", "deadline_notice"))
    with pytest.raises(InvalidInput):  # a reply has no link field
        placeholders.check("{查看链接}", placeholders.allowed_fields("reply"))
