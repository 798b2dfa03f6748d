"""Masking personal data in free text before the public GET answers publish it.

Citizens and agents write numbers every which way: `139 0000 1111`, `138-1234-5678`,
`+8613912345678`, full-width `１３８…`, an ID card as `420881 19900101 123X`, a landline as
`0724-4222345`, a flat as `莫愁湖路12号3栋401室` or `阳光小区B栋1203`. The patterns run over an
NFKC-normalised copy of the text (full-width digits, letters, spaces and dashes become ASCII), so
one pattern catches every spelling. That copy is built character by character and keeps every
position, so the masks are applied to the original text: the published description keeps its
Chinese punctuation (NFKC would turn `，` into `,`), only the personal digits become `*`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import cache

from accounts.privacy import mask_name

# The dash-like characters people type between digit groups; NFKC leaves most of them alone.
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"
# Blocks holding characters that NFKC maps to one ASCII character: Latin-1 and general punctuation
# (superscripts, ①), the ideographic space, small and full-width forms, mathematical digits.
_NFKC_RANGES = (range(0x80, 0x2500), range(0x3000, 0x3001), range(0xFE50, 0xFFF0), range(0x1D400, 0x1D800))

_SEP = r"[\s-]?"
_ID_NUMBER = re.compile(rf"(?<![\dA-Za-z])\d{{6}}{_SEP}\d{{8}}{_SEP}\d{{3}}[\dXx](?![\dA-Za-z])")
_MOBILE = re.compile(rf"(?<!\d)(?:(?:\+|00)?86{_SEP})?1[3-9]\d(?:{_SEP}\d){{8}}(?!\d)")
# A landline with its area code (0724-4222345, 0724 4222345, (0724)4222345); local numbers start 2-9.
_LANDLINE = re.compile(rf"(?<!\d)(?:\(0\d{{2,3}}\)|0\d{{2,3}}){_SEP}[2-9]\d{{6,7}}(?!\d)")
# ASCII only: \w would swallow the Chinese words before the address (邮箱zhang@…).
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
_HOUSE_NUMBER = re.compile(
    # a number right before 号/栋/单元/室…: 12号, 3栋, 2单元, 401室
    r"\d+(?=\s*(?:号|栋|幢|单元|室|楼|层|户|弄|组|门))"
    # a number right after a building or unit: B栋1203, 3单元401, 5号楼1203, A座1203
    r"|(?:(?<=[栋幢室座])|(?<=单元)|(?<=号楼))[\s-]*\d+"
    # a 12-3-401 style door number (but not a date such as 2025-09-24)
    r"|(?<![\d-])(?!(?:19|20)\d\d-\d{1,2}(?:-\d{1,2})?(?!\d))\d+(?:-\d+){1,3}"
)
_MASKED = "*"  # also what later patterns see over a masked span: it matches none of them


@cache
def _nfkc_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for block in _NFKC_RANGES:
        for code in block:
            form = unicodedata.normalize("NFKC", chr(code))
            if len(form) == 1 and form.isascii():
                table[code] = form
    table.update({ord(dash): "-" for dash in _DASHES})
    return table


def normalise(text: str) -> str:
    """NFKC for the characters that NFKC turns into one ASCII character: same length as `text`."""
    return text if text.isascii() else text.translate(_nfkc_table())


class _Masker:
    def __init__(self, text: str) -> None:
        self.seen = list(normalise(text))  # what the patterns match; masked spans become "*"
        self.out = list(text)  # what is published, one piece per original character

    def apply(self, pattern: re.Pattern[str], mask: Callable[[str], list[int] | str]) -> None:
        """mask(span) → the span's positions to star, or a text replacing the whole span."""
        for match in pattern.finditer("".join(self.seen)):
            start, end = match.span()
            hidden = mask(match.group())
            if isinstance(hidden, str):
                self.out[start:end] = [hidden] + [""] * (end - start - 1)
            else:
                for offset in hidden:
                    self.out[start + offset] = _MASKED
            self.seen[start:end] = _MASKED * (end - start)

    def text(self) -> str:
        return "".join(self.out)


def _digits(span: str) -> list[int]:
    return [i for i, char in enumerate(span) if char.isdigit() or char in "Xx"]


def scrub(text: str, citizen_name: str = "") -> str:
    """Mask ID, mobile and landline numbers, e-mail addresses, house numbers and the citizen's name.

    What stays shows what kind of thing it was (138****5678, 420881********123X, 0724-****345,
    莫愁湖路**号) without identifying anyone. IDs go first: a spaced ID holds a mobile-like run.
    """
    masker = _Masker(text)
    masker.apply(_ID_NUMBER, lambda span: _digits(span)[6:14])
    masker.apply(_MOBILE, lambda span: _digits(span)[-8:-4])  # the last 11 digits are the number
    masker.apply(_LANDLINE, lambda span: _digits(span)[-7:-3])
    masker.apply(_EMAIL, lambda span: "***@***")
    masker.apply(_HOUSE_NUMBER, _digits)
    result = masker.text()
    if len(citizen_name) >= 2:
        result = result.replace(citizen_name, mask_name(citizen_name))
    return result


def mask_address(address: str) -> str:
    """A caller's address for the map: the street stays, every personal number goes."""
    return scrub(address)
