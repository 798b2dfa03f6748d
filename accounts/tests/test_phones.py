"""The one phone parser: every spelling of a Chinese mobile or landline, one stored form."""

from __future__ import annotations

import pytest

from accounts.phones import (
    display_phone,
    is_mobile,
    normalize_mobile,
    normalize_phone,
    read_phone,
    searched_digits,
    stored_spellings,
)
from accounts.privacy import mask_phone, searched_phone
from mochou.errors import InvalidInput


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("13812345678", "13812345678"),
        ("138 1234 5678", "13812345678"),
        ("138-1234-5678", "13812345678"),  # refused before: the pages accepted it, the services not
        ("139.1234.5678", "13912345678"),
        ("+86 138 1234 5678", "13812345678"),
        ("+8613812345678", "13812345678"),
        ("0086-138-1234-5678", "13812345678"),
        ("(138)12345678", "13812345678"),
        ("１３８１２３４５６７８", "13812345678"),
        ("＋８６ １３８ １２３４ ５６７８", "13812345678"),
        ("138\u200b1234\u200b5678", "13812345678"),
        ("013812345678", "13812345678"),  # a trunk's prefix before a non-local mobile
        ("0724-4222345", "0724-4222345"),
        ("07244222345", "0724-4222345"),
        ("0724 422 2345", "0724-4222345"),
        ("(0724)4222345", "0724-4222345"),
        ("（0724）4222345", "0724-4222345"),
        ("0724.4222345", "0724-4222345"),
        ("+86 724 4222345", "0724-4222345"),
        ("027-87654321", "027-87654321"),  # a 3-digit area code (Wuhan)
        ("01012345678", "010-12345678"),
        ("０７２４－４２２２３４５", "0724-4222345"),
    ],
)
def test_every_spelling_gives_the_stored_form(typed: str, stored: str) -> None:
    assert normalize_phone(typed) == stored
    assert read_phone(typed) == stored


@pytest.mark.parametrize(
    "typed",
    [
        "12345",  # the hotline itself
        "4222345",  # a local number without its area code
        "1381234567",  # ten digits
        "138123456789",
        "1381234ABCD",  # letters are no keypad digits here
        "0724-4222345转801",  # an extension would be lost
        "400-123-4567",  # a service number, not a citizen's
        "+1 650 253 0000",
        "2025092400001",  # a 受理编号
        "abc",
    ],
)
def test_what_is_not_a_citizens_number_is_refused_with_the_services_message(typed: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        normalize_phone(typed)
    assert caught.value.code == "invalid_input.phone"
    assert caught.value.details == {"field": "citizen_phone"}
    assert caught.value.message == "联系电话格式不正确：手机号为11位数字，固定电话如 0724-4222345。"
    assert read_phone(typed) is None


def test_an_empty_phone_is_fine_unless_required() -> None:
    assert normalize_phone(None) == normalize_phone("  ") == ""
    with pytest.raises(InvalidInput) as caught:
        normalize_phone(" ", required=True)
    assert (caught.value.code, caught.value.message) == ("invalid_input.required", "请填写联系电话。")
    assert caught.value.details == {"field": "citizen_phone"}


def test_mobiles_are_told_from_landlines() -> None:
    for mobile in ("13812345678", "+86 139.1234.5678"):
        assert is_mobile(mobile)
    for other in ("0724-4222345", "07244222345", "", None, "12345"):
        assert not is_mobile(other)
    assert not is_mobile("14061843691")  # a data-only (IoT) block: it gets no SMS


def test_a_mobile_only_field_refuses_landlines_and_names_its_field() -> None:
    assert normalize_mobile("138-1234-5678") == "13812345678"
    with pytest.raises(InvalidInput) as caught:
        normalize_mobile("0724-4222345", field="contact_mobile")
    assert (caught.value.code, caught.value.details) == ("invalid_input.phone", {"field": "contact_mobile"})
    with pytest.raises(InvalidInput) as caught:
        normalize_mobile("")
    assert caught.value.code == "invalid_input.required"
    assert normalize_mobile("", required=False) == ""


def test_both_stored_spellings_of_a_landline_are_searched() -> None:
    assert stored_spellings("0724 422 2345") == {"0724-4222345", "07244222345"}
    assert stored_spellings("07244222345") == {"0724-4222345", "07244222345"}
    assert stored_spellings("+86 138 1234 5678") == {"13812345678"}
    assert stored_spellings("12345") == set()


@pytest.mark.parametrize(
    ("query", "digits"),
    [
        ("+86 138 1234 5678", "13812345678"),
        ("139.1234.5678", "13912345678"),
        ("0724-4222345", "07244222345"),
        ("(0724) 422 2345", "07244222345"),
        ("20250924", ""),  # a case-number prefix
        ("1381234", ""),  # part of a number is not a number
        ("路灯", ""),
    ],
)
def test_a_search_box_reads_a_full_number_only(query: str, digits: str) -> None:
    assert searched_digits(query) == searched_phone(query) == digits


def test_display_and_mask() -> None:
    assert display_phone("13812345678") == "138 1234 5678"
    assert display_phone("07244222345") == "0724-422 2345"
    assert display_phone("不详") == "不详"
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("0724-4222345") == "0724-****345"
    assert mask_phone("") == ""
