"""Masking another citizen's personal data out of free text.

A duplicate merged into another case is shown that case's approved reply, which was written to
ANOTHER citizen and may name them, give their phone, ID or flat. Before such a reply reaches the
duplicate's citizen it goes through `mask_personal_text`: structured identifiers are found by
shape (any citizen's), names by value (the citizens we know the reply may address).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from accounts.privacy import mask_name, mask_phone

# A mobile, possibly written 138 1234 5678 or 138-1234-5678.
_MOBILE = re.compile(r"(?<![\dA-Za-z])1[3-9]\d[ -]?\d{4}[ -]?\d{4}(?![\dA-Za-z])")
# A landline with its area code: 0724-4221234, (0724)4221234, 07244221234.
_LANDLINE = re.compile(r"(?<!\d)[(（]?0\d{2,3}[)）-]?\s?\d{7,8}(?!\d)")
# Any other run of 7+ digits: a local phone number, ID number (15 or 18 with X), bank card,
# 受理编号 of the other case. Numbers citizens need in an answer (12345, dates, amounts) are shorter.
_LONG_NUMBER = re.compile(r"(?<![\dA-Za-z])\d{7,}[Xx]?(?![\dA-Za-z])")
# A flat inside a building: 3-2-201, 201室.
_FLAT = re.compile(r"(?<!\d)\d{1,3}-\d{1,2}-\d{3,4}(?!\d)|(?<!\d)\d{3,4}(?=室)")
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")  # ASCII: \w matches 汉字
# How replies address a citizen by surname: 刘先生, 张女士 …
_HONORIFICS = "先生|女士|小姐|师傅|老师|同志|阿姨|大爷|大妈|大姐|大哥"


def _digits_masked(match: re.Match[str]) -> str:
    return re.sub(r"[\dXx]", "*", match.group(0))


def mask_personal_text(text: str, *, names: Iterable[str] = ()) -> str:
    """The text with phone numbers, ID and other long numbers, flats, e-mails and `names` masked."""
    if not text:
        return text
    for name in sorted({n.strip() for n in names if n and n.strip()}, key=len, reverse=True):
        text = text.replace(name, mask_name(name))
        surname = name[0]
        if "\u4e00" <= surname <= "\u9fff" and len(name) >= 2:
            text = re.sub(rf"{re.escape(surname)}(?:{_HONORIFICS})", mask_name(surname + "某"), text)
    text = _MOBILE.sub(lambda m: mask_phone(re.sub(r"[ -]", "", m.group(0))), text)
    text = _LANDLINE.sub(_digits_masked, text)
    text = _LONG_NUMBER.sub(_digits_masked, text)
    text = _FLAT.sub(_digits_masked, text)
    return _EMAIL.sub("***@***", text)
