"""Another citizen's personal data is masked out of a reply; what the answer needs stays readable."""

from __future__ import annotations

import pytest

from accounts.masking import Audience, id_check_digit_ok, luhn_ok, mask_personal_text


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
    assert mask_personal_text(text, names=["张秀英"], audience=Audience.CITIZEN) == masked


def test_what_the_answer_needs_stays() -> None:
    text = "莫愁湖路12号门前道路已于2025年9月24日修复，费用3200元；如有疑问请拨打12345。"
    assert mask_personal_text(text, names=["张秀英"], audience=Audience.CITIZEN) == text


def test_an_unknown_name_is_not_guessed() -> None:
    # Names are masked by value: a name the reply's citizen did not give cannot be found by shape.
    assert mask_personal_text("李四您好", names=[], audience=Audience.CITIZEN) == "李四您好"


# ---------------------------------------------------------------- spellings that leaked (issue 8)

# A valid resident ID (GB 11643 check digit X) and a valid UnionPay card number (Luhn).
ID = "42088119900101123X"
CARD = "6222021234567890128"

# (typed, what the public sees, what another citizen sees)
SPELLINGS = [
    ("电话139.1234.5678，晚上打", "电话139.****.5678，晚上打", "电话139****5678，晚上打"),
    ("电话139\u200b1234\u200b5678", "电话139\u200b****\u200b5678", "电话139****5678"),
    (
        "电话1\u200b3\u200c9\u200d1\u20602\ufeff345678",
        "电话1\u200b3\u200c9\u200d*\u2060*\ufeff**5678",
        "电话139****5678",
    ),
    ("电话１３８．１２３４．５６７８", "电话１３８．****．５６７８", "电话138****5678"),
    ("电话１３８\u3000１２３４\u3000５６７８", "电话１３８\u3000****\u3000５６７８", "电话138****5678"),
    ("电话86-138-1234-5678", "电话86-138-****-5678", "电话138****5678"),
    ("电话一三八一二三四五六七八", "电话一三八****五六七八", "电话138****5678"),
    ("电话幺三八 幺二三四 五六七八", "电话幺三八 **** 五六七八", "电话138****5678"),
    ("电话壹叁捌壹贰叁肆伍陆柒捌", "电话壹叁捌****伍陆柒捌", "电话138****5678"),
    ("座机(0724) 422-2345", "座机(0724) ***-*345", "座机(****) ***-****"),
    ("座机027-87654321", "座机027-8****321", "座机***-********"),
    ("座机０７２４－４２２２３４５", "座机０７２４－****３４５", "座机****－*******"),
    ("座机0724.4222345", "座机0724.****345", "座机****.*******"),
    (f"身份证{ID[:6]}.{ID[6:14]}.{ID[14:]}", "身份证420881.********.123X", "身份证******.********.****"),
    ("身份证4208 8119 9001 0112 3X", "身份证4208 81** **** **12 3X", "身份证**** **** **** **** **"),
    ("身份证4208-8119-9001-0112-3X", "身份证4208-81**-****-**12-3X", "身份证****-****-****-****-**"),
    ("旧证号 420881 800101 123", "旧证号 420881 ****** 123", "旧证号 ****** ****** ***"),
    ("卡号6222 0212 3456 7890 128", "卡号**** **** **** ***0 128", "卡号**** **** **** **** ***"),
    (f"卡号{CARD}", "卡号***************0128", "卡号*******************"),
    ("卡号6222-0212-3456-7890", "卡号****-****-****-****", "卡号****-****-****-****"),  # no Luhn: still
]


@pytest.mark.parametrize(("typed", "public", "citizen"), SPELLINGS)
def test_every_spelling_of_a_personal_number_is_masked(typed: str, public: str, citizen: str) -> None:
    assert mask_personal_text(typed, audience=Audience.PUBLIC) == public
    assert mask_personal_text(typed, audience=Audience.CITIZEN) == citizen


@pytest.mark.parametrize("audience", list(Audience))
def test_numbers_that_identify_nobody_stay(audience: Audience) -> None:
    text = "一楼三号窗口，2025年9月24日、2025-09-24至2025-10-01，费用3200元，拨打12345，二〇二五年"
    assert mask_personal_text(text, audience=audience) == text


def test_the_public_loses_house_numbers_another_citizen_only_flats() -> None:
    text = "莫愁湖路12号3-2-201"
    assert mask_personal_text(text, audience=Audience.PUBLIC) == "莫愁湖路**号*-*-***"
    assert mask_personal_text(text, audience=Audience.CITIZEN) == "莫愁湖路12号*-*-***"


@pytest.mark.parametrize("audience", list(Audience))
def test_names_are_masked_by_value_and_by_surname_for_every_audience(audience: Audience) -> None:
    masked = mask_personal_text("张秀英反映，张女士请知悉", names=["张秀英"], audience=audience)
    assert masked == "张**反映，张*请知悉"


def test_a_one_character_name_is_not_searched_everywhere() -> None:
    assert mask_personal_text("张家湾", names=["张"]) == "张家湾"


def test_two_phones_side_by_side_are_both_masked() -> None:
    masked = mask_personal_text("电话13812345678、13912345678")
    assert masked == "电话138****5678、139****5678"


@pytest.mark.parametrize(
    ("number", "valid"),
    [(ID, True), ("42088119900101123x", True), ("420881199001011234", False), ("4208811990010112", False)],
)
def test_the_resident_id_check_digit(number: str, valid: bool) -> None:
    assert id_check_digit_ok(number) is valid


@pytest.mark.parametrize(
    ("number", "valid"), [(CARD, True), ("6222021234567890", False), ("4111111111111111", True)]
)
def test_the_luhn_check(number: str, valid: bool) -> None:
    assert luhn_ok(number) is valid
