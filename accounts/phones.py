"""The one reading of a Chinese phone number, on Google's libphonenumber metadata (`phonenumbers`).

Citizens, agents, trunks and API clients write the same number many ways: `+86 138 1234 5678`,
`0086-138…`, `139.1234.5678`, `(0724)4222345`, `0724 422 2345`, full-width `１３８…`. The library
knows China's numbering plan (which 1xx blocks are mobiles, how long each area code is), so a
number is valid only if it can really be dialled, and its area code is cut at the right place.

Stored form ("canonical"): mobiles as 11 digits (`13812345678`); landlines as the area code with
its leading 0, a dash, the local number (`0724-4222345`, `027-87654321`). Rows written before this
module may hold a landline without the dash (`07244222345`): `stored_spellings` gives both.
Service numbers (400/800, 95xxx, 12345) and foreign numbers are not a citizen's contact number.
"""

from __future__ import annotations

import re
import unicodedata

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumber, PhoneNumberType

from mochou.errors import InvalidInput

REGION = "CN"
_MOBILE_TYPES = frozenset({PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE})
_LANDLINE_TYPES = frozenset({PhoneNumberType.FIXED_LINE, PhoneNumberType.FIXED_LINE_OR_MOBILE})
# Longer than any number with its prefixes and separators: a paragraph is not a phone number.
_MAX_TYPED = 40
# What the library itself would skip anyway, plus the full-width brackets it does not know.
_STRIPPED = re.compile(r"[\s()（）\u200b-\u200d\u2060\ufeff]")
_TYPED = re.compile(r"\+?[0-9][0-9.\-]*", re.ASCII)

PHONE_INVALID = "联系电话格式不正确：手机号为11位数字，固定电话如 0724-4222345。"
PHONE_REQUIRED = "请填写联系电话。"
MOBILE_INVALID = "手机号格式不正确：应为1开头的11位数字。"
MOBILE_REQUIRED = "请填写手机号。"


def _parse(raw: str | None) -> PhoneNumber | None:
    """The valid Chinese number `raw` spells, or None."""
    text = _STRIPPED.sub("", unicodedata.normalize("NFKC", raw or ""))
    # Digits and the separators people type only: the library would read letters as a vanity
    # number's keypad digits (1381234ABCD), which no Chinese citizen means.
    if not text or len(text) > _MAX_TYPED or not _TYPED.fullmatch(text):
        return None
    try:
        number = phonenumbers.parse(text, REGION)
    except NumberParseException:
        return None
    # An extension (转801) would be lost in the stored form: refused rather than silently cut.
    if number.country_code != 86 or number.extension or not phonenumbers.is_valid_number(number):
        return None
    return number


def _canonical(number: PhoneNumber) -> str | None:
    digits = phonenumbers.national_significant_number(number)
    kind = phonenumbers.number_type(number)
    if kind in _MOBILE_TYPES and len(digits) == 11 and digits.startswith("1"):
        return digits
    area = phonenumbers.length_of_geographical_area_code(number)
    if kind in _LANDLINE_TYPES and area:
        return f"0{digits[:area]}-{digits[area:]}"
    return None


def read_phone(raw: str | None) -> str | None:
    """The canonical form of a mobile or a landline with its area code, or None when `raw` is none."""
    number = _parse(raw)
    return _canonical(number) if number is not None else None


def is_mobile(phone: str | None) -> bool:
    """Whether `phone` (stored or as typed) is a Chinese mobile number: one that can get an SMS."""
    canonical = read_phone(phone)
    return canonical is not None and "-" not in canonical


def normalize_phone(raw: str | None, *, required: bool = False) -> str:
    """A citizen's contact number in its stored form; "" for none when it is not required.

    Raises InvalidInput ("invalid_input.required" / "invalid_input.phone") for the citizen_phone field.
    """
    if not _STRIPPED.sub("", raw or ""):
        if required:
            raise InvalidInput(
                PHONE_REQUIRED, code="invalid_input.required", details={"field": "citizen_phone"}
            )
        return ""
    canonical = read_phone(raw)
    if canonical is None:
        raise InvalidInput(PHONE_INVALID, code="invalid_input.phone", details={"field": "citizen_phone"})
    return canonical


def normalize_mobile(raw: str | None, *, field: str = "mobile", required: bool = True) -> str:
    """A mobile number (11 digits) for the places that send SMS to it; landlines are refused."""
    if not _STRIPPED.sub("", raw or ""):
        if required:
            raise InvalidInput(MOBILE_REQUIRED, code="invalid_input.required", details={"field": field})
        return ""
    canonical = read_phone(raw)
    if canonical is None or "-" in canonical:
        raise InvalidInput(MOBILE_INVALID, code="invalid_input.phone", details={"field": field})
    return canonical


def stored_spellings(phone: str) -> set[str]:
    """Every form a row may hold this number in: the canonical one and, for a landline, the
    dashless one that was stored before numbers were normalised. Empty when it is no number."""
    canonical = read_phone(phone)
    if canonical is None:
        return set()
    return {canonical, canonical.replace("-", "")}


def searched_digits(text: str) -> str:
    """The digits of the full phone number a search box holds (`13812345678`, `07244222345`), or "".

    Searches compare digits so that any spelling of the query finds any stored spelling.
    """
    canonical = read_phone(text)
    return canonical.replace("-", "") if canonical else ""


def display_phone(phone: str) -> str:
    """For reading aloud and dialling: `138 1234 5678`, `0724-422 2345`; unknown text unchanged."""
    number = _parse(phone)
    if number is None:
        return phone
    canonical = _canonical(number)
    if canonical is None:
        return phone
    if "-" not in canonical:
        return f"{canonical[:3]} {canonical[3:7]} {canonical[7:]}"
    area, local = canonical.split("-")
    return f"{area}-{local[:-4]} {local[-4:]}"
