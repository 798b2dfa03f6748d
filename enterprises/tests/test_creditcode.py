"""统一社会信用代码: GB 32100-2015 check character and the clear messages for each mistake."""

from __future__ import annotations

import pytest

from enterprises import creditcode
from enterprises.forms import EnterpriseForm
from tests.factories import City


def test_known_code_passes_and_demo_codes_are_generated_valid() -> None:
    assert creditcode.validate("91350100M000100Y43") == "91350100M000100Y43"
    code = creditcode.make("91420881MA4900001")
    assert len(code) == 18
    assert creditcode.validate(code) == code


def test_lower_case_and_spaces_are_normalised() -> None:
    assert creditcode.validate(" 91350100m000100y43 ") == "91350100M000100Y43"
    assert creditcode.validate("9135 0100 M000 100Y 43") == "91350100M000100Y43"


@pytest.mark.parametrize(
    ("raw", "code", "words"),
    [
        ("91350100M000100Y44", "credit_code.check", "校验位不正确"),  # last character changed
        ("91350100M000101Y43", "credit_code.check", "校验位不正确"),  # one middle character changed
        ("91350100M000100Y4", "credit_code.length", "应为18位（现为17位）"),
        ("91350100M000100Y433", "credit_code.length", "应为18位（现为19位）"),
        ("91350100M0001O0Y43", "credit_code.charset", "“O”"),  # letter O for zero
        ("91350100I000100Y43", "credit_code.charset", "“I”"),
        ("91350100M000100Y4？", "credit_code.charset", "“？”"),
        ("01350100M000100Y43", "credit_code.authority", "第1位"),
        ("90350100M000100Y43", "credit_code.type", "第2位"),
        ("9135A100M000100Y43", "credit_code.division", "行政区划代码"),
        ("", "credit_code.required", "请填写"),
    ],
)
def test_wrong_codes_fail_with_a_clear_chinese_message(raw: str, code: str, words: str) -> None:
    with pytest.raises(creditcode.CreditCodeError) as caught:
        creditcode.validate(raw)
    assert caught.value.code == code
    assert words in caught.value.message
    assert "统一社会信用代码" in caught.value.message or code == "credit_code.required"


def test_every_single_character_typo_is_caught() -> None:
    """What the check character is for: change any one of the 17 characters and the code fails."""
    code = "91350100M000100Y43"
    for position in range(17):
        for replacement in "0A":
            if code[position] == replacement:
                continue
            typo = code[:position] + replacement + code[position + 1 :]
            with pytest.raises(creditcode.CreditCodeError):
                creditcode.validate(typo)


@pytest.mark.django_db
def test_the_enterprise_form_shows_the_message_next_to_the_field(city: City) -> None:
    form = EnterpriseForm(
        data={"name": "钟祥市某公司", "credit_code": "91350100M000100Y44", "township": city.township.pk}
    )
    assert not form.is_valid()
    assert form.errors["credit_code"] == ["统一社会信用代码校验位不正确，请逐位核对营业执照上的代码。"]
