"""The 店小二 forms read mobiles with the one phone parser (accounts.phones)."""

from __future__ import annotations

import pytest

from enterprises.forms import ContactForm


@pytest.mark.parametrize(
    "typed", ["13912345678", "139 1234 5678", "139.1234.5678", "+86 139-1234-5678", "１３９１２３４５６７８"]
)
def test_a_liaison_mobile_in_any_spelling_is_stored_as_11_digits(typed: str) -> None:
    form = ContactForm({"name": "王强", "mobile": typed})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["mobile"] == "13912345678"


@pytest.mark.parametrize("typed", ["0724-4222345", "12345", "1391234567"])
def test_what_gets_no_sms_is_refused_with_the_pages_message(typed: str) -> None:
    form = ContactForm({"name": "王强", "mobile": typed})
    assert not form.is_valid()
    assert form.errors["mobile"] == ["手机号格式不正确：应为1开头的11位数字。"]
