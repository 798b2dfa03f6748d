"""Another citizen's personal data is masked out of a reply; what the answer needs stays readable."""

from __future__ import annotations

import pytest

from portal.masking import mask_personal_text


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("请拨打13812345678", "请拨打138****5678"),
        ("电话138-1234-5678。", "电话138****5678。"),
        ("座机（0724）4221234", "座机（****）*******"),
        ("身份证号420881198001011234", "身份证号******************"),
        ("身份证号42088119800101123x", "身份证号******************"),
        ("旧证号420881800101123", "旧证号***************"),
        ("见工单2025092400001", "见工单*************"),
        ("住3-2-201，另502室", "住*-*-***，另***室"),
        ("邮箱zhang.xy@qq.com", "邮箱***@***"),
        ("张秀英您好，张女士请知悉", "张**您好，张*请知悉"),
    ],
)
def test_personal_data_is_masked(text: str, masked: str) -> None:
    assert mask_personal_text(text, names=["张秀英"]) == masked


def test_what_the_answer_needs_stays() -> None:
    text = "莫愁湖路12号门前道路已于2025年9月24日修复，费用3200元；如有疑问请拨打12345。"
    assert mask_personal_text(text, names=["张秀英"]) == text


def test_an_unknown_name_is_not_guessed() -> None:
    # Names are masked by value: a name the reply's citizen did not give cannot be found by shape.
    assert mask_personal_text("李四您好", names=[]) == "李四您好"
