"""The one masker of personal data in free text: what a citizen or an agent typed, before someone
who may not see it reads it (the Open311 publication, a merged case's reply, exports).

People write numbers every which way: `139.1234.5678`, `138 1234 5678`, `+86…`, full-width
`１３８…`, with zero-width spaces between the digits, in Chinese numerals (`一三八…`, `幺`), an ID
as `420881 19900101 123X` or `4208.8119.9001.0112.3X`, a bank card as `6222 0212 3456 7890 128`.
The patterns run over a *view* of the text in which all of these read as ASCII digits: NFKC for
full-width and other compatibility forms, invisible characters dropped, runs of Chinese numerals
read as digits. The view remembers where each of its characters came from, so the masks land on
the original text: Chinese punctuation stays as typed, only the personal characters become `*`.

Layers, in order (a masked span reads as `*` to the later ones, which match none of them):
1. e-mail addresses;
2. resident ID numbers (GB 11643): 18 characters whose check digit is right, in any grouping, or
   the 6-8-4 shape whatever the check; 15-digit IDs of the old kind with a birth date inside;
3. bank-card numbers: 13-19 digits in any grouping that pass the Luhn check, and any other grouped
   run of twelve or more digits that is not a phone number;
4. mobiles and landlines by Mochou's own patterns (any one separator between any two digits),
   then whatever `phonenumbers.PhoneNumberMatcher` finds that they did not — leniency VALID:
   POSSIBLE also takes dates and 12345, STRICT_GROUPING misses `13912 345678`;
5. house numbers (the public) or flats (another citizen), see `Audience`;
6. any other run of seven or more digits (a local number, a case number, an account).
Names are masked by value (the citizens the text may name), and `张女士`-style address by surname.
"""

from __future__ import annotations

import enum
import re
import unicodedata
from collections.abc import Callable, Iterable
from functools import cache

import phonenumbers
from phonenumbers import Leniency

from accounts.phones import REGION, read_phone
from accounts.privacy import mask_name


class Audience(enum.Enum):
    """Who reads the masked text; each keeps what its reader needs and nothing that identifies.

    PUBLIC: anyone (Open311's public GET, a map): numbers keep their kind (138****5678,
    420881********123X, 0724-****345) and every house number goes (莫愁湖路**号).
    CITIZEN: another citizen, reading a reply written to the case it was merged into: the street
    address of the answer stays (莫愁湖路12号门前), flats and every digit of other numbers go.
    """

    PUBLIC = "public"
    CITIZEN = "citizen"


MASK = "*"
# Characters that carry nothing visible: dropped from the view, so they cannot split a number.
_INVISIBLE = frozenset(
    "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b\u200c\u200d\u200e\u200f"
    "\u202a\u202b\u202c\u202d\u202e\u2060\u2061\u2062\u2063\u2064\u2066\u2067\u2068\u2069\u3164\ufeff"
)
# The dash-like characters people type between digit groups; NFKC leaves most of them alone.
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d\u30fc"
# Chinese numerals as people dictate numbers (幺 for 1, 两 for 2); 〇 and 零 for 0.
_NUMERALS = dict(zip("〇零一二三四五六七八九幺两壹贰叁肆伍陆柒捌玖", "0012345678912123456789", strict=True))
# A run of numerals (with digits or separators inside) long enough to be a personal number.
_NUMERAL_RUN = re.compile(rf"[0-9{''.join(_NUMERALS)}](?:[\s.\-]?[0-9{''.join(_NUMERALS)}]){{6,}}")

_SEP = r"[ \t.\-_/·]?"  # one separator between two digits: spaces, dots, dashes, slashes
_RUN = re.compile(rf"(?<![0-9])[0-9](?:{_SEP}[0-9])*(?:{_SEP}[Xx])?(?![0-9])", re.ASCII)
_ID_SHAPE = re.compile(r"[0-9]{6}[\s\-.]?[0-9]{8}[\s\-.]?[0-9]{3}[0-9Xx]", re.ASCII)
_MOBILE = re.compile(rf"(?<![0-9])(?:(?:\+|00)?86{_SEP})?1[3-9][0-9](?:{_SEP}[0-9]){{8}}(?![0-9])", re.ASCII)
# A landline with its area code (0724-4222345, 0724 4222345, (0724)4222345); local numbers start 2-9.
_LANDLINE = re.compile(
    rf"(?<![0-9])(?:\(0[0-9]{{2,3}}\)|0[0-9]{{2,3}}){_SEP}[2-9](?:{_SEP}[0-9]){{6,7}}(?![0-9])", re.ASCII
)
# ASCII only: \w would swallow the Chinese words before the address (邮箱zhang@…).
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
_HOUSE_NUMBER = re.compile(
    # a number right before 号/栋/单元/室…: 12号, 3栋, 2单元, 401室
    r"[0-9]+(?=\s*(?:号|栋|幢|单元|室|楼|层|户|弄|组|门))"
    # a number right after a building or unit: B栋1203, 3单元401, 5号楼1203, A座1203
    r"|(?:(?<=[栋幢室座])|(?<=单元)|(?<=号楼))[\s-]*[0-9]+"
    # a 12-3-401 style door number (but not a date such as 2025-09-24)
    r"|(?<![0-9-])(?!(?:19|20)[0-9][0-9]-[0-9]{1,2}(?:-[0-9]{1,2})?(?![0-9]))[0-9]+(?:-[0-9]+){1,3}"
)
# A flat inside a building: 3-2-201, 201室 (a reply's street number stays readable).
_FLAT = re.compile(r"(?<![0-9])[0-9]{1,3}-[0-9]{1,2}-[0-9]{3,4}(?![0-9])|(?<![0-9])[0-9]{3,4}(?=室)")
_LONG_NUMBER = re.compile(r"[0-9]{7,}", re.ASCII)
# A grouped run this long is personal whatever it is; shorter grouped runs are dates and the like.
_LONG_GROUPED = 12
# How replies address a citizen by surname: 刘先生, 张女士 …
_HONORIFICS = "先生|女士|小姐|师傅|老师|同志|阿姨|大爷|大妈|大姐|大哥"

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def id_check_digit_ok(number: str) -> bool:
    """GB 11643-1999: the 18th character of a resident ID from the weighted sum of the first 17."""
    if not re.fullmatch(r"[0-9]{17}[0-9Xx]", number, re.ASCII):
        return False
    total = sum(int(d) * w for d, w in zip(number[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11] == number[17].upper()


def _old_id_shape(digits: str) -> bool:
    """A 15-digit ID of before 1999: region code, then yymmdd of a birth date, then 3 digits."""
    if len(digits) != 15 or digits[0] not in "12345678":
        return False
    month, day = int(digits[8:10]), int(digits[10:12])
    return 1 <= month <= 12 and 1 <= day <= 31


def luhn_ok(digits: str) -> bool:
    """The Luhn (mod 10) check that bank cards, UnionPay's included, carry in their last digit."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char) * (2 if position % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


@cache
def _fold_table() -> dict[int, str]:
    """Single characters that NFKC turns into one ASCII character, plus dashes (one to one)."""
    table: dict[int, str] = {}
    for block in (range(0x80, 0x2500), range(0x3000, 0x3001), range(0xFE50, 0xFFF0), range(0x1D400, 0x1D800)):
        for code in block:
            form = unicodedata.normalize("NFKC", chr(code))
            if len(form) == 1 and form.isascii():
                table[code] = form
    table.update({ord(dash): "-" for dash in _DASHES})
    return table


class _View:
    """The text as the patterns see it, mapped back character by character to what is shown."""

    def __init__(self, text: str) -> None:
        table = _fold_table()
        self.out = list(text)  # what is shown, one piece per original character
        self.seen: list[str] = []  # what the patterns match; masked spans become MASK
        self.origin: list[int] = []  # for each character of `seen`, its index in `text`
        for index, char in enumerate(text):
            if char in _INVISIBLE:
                continue
            if not char.isascii():
                digit = unicodedata.decimal(char, None)  # Arabic-Indic and other decimal digits
                char = str(digit) if digit is not None else table.get(ord(char), char)
            self.seen.append(char)
            self.origin.append(index)
        self._read_numerals()

    def _read_numerals(self) -> None:
        for match in _NUMERAL_RUN.finditer("".join(self.seen)):
            if any(char in _NUMERALS for char in match.group()):
                for offset in range(match.start(), match.end()):
                    self.seen[offset] = _NUMERALS.get(self.seen[offset], self.seen[offset])

    def text(self) -> str:
        return "".join(self.seen)

    def mask(self, start: int, end: int, hidden: Iterable[int] | str) -> None:
        """Star the given offsets of seen[start:end] (or replace the whole span by a text)."""
        if isinstance(hidden, str):
            first, last = self.origin[start], self.origin[end - 1]
            self.out[first : last + 1] = [hidden] + [""] * (last - first)
        else:
            for offset in hidden:
                self.out[self.origin[start + offset]] = MASK
        self.seen[start:end] = MASK * (end - start)

    def apply(self, pattern: re.Pattern[str], hide: Callable[[str], Iterable[int] | str | None]) -> None:
        """hide(span) → offsets to star, a replacement text, or None to leave it to later layers."""
        for match in pattern.finditer(self.text()):
            hidden = hide(match.group())
            if hidden is not None:
                self.mask(match.start(), match.end(), hidden)

    def shown(self) -> str:
        return "".join(self.out)


def _digit_offsets(span: str) -> list[int]:
    return [i for i, char in enumerate(span) if char.isdigit() or char in "Xx"]


def _only_digits(span: str) -> str:
    return "".join(char for char in span if char.isdigit() or char in "Xx")


def _mobile_mask(audience: Audience) -> Callable[[str], list[int] | str]:
    def hide(span: str) -> list[int] | str:
        if audience is Audience.CITIZEN:
            digits = _only_digits(span)[-11:]
            return f"{digits[:3]}****{digits[-4:]}"
        return _digit_offsets(span)[-8:-4]  # the last 11 digits are the number: its middle four

    return hide


def _landline_mask(audience: Audience) -> Callable[[str], list[int]]:
    def hide(span: str) -> list[int]:
        offsets = _digit_offsets(span)
        return offsets if audience is Audience.CITIZEN else offsets[-7:-3]

    return hide


def _grouped_number(audience: Audience) -> Callable[[str], list[int] | None]:
    """An ID (by check digit or by shape) or a bank card (by Luhn) in any grouping, or None."""

    def hide(span: str) -> list[int] | None:
        digits, offsets = _only_digits(span), _digit_offsets(span)
        if len(digits) < _LONG_GROUPED:
            return None  # a date, an amount, a house number: later layers decide
        if len({char for char in span if not (char.isdigit() or char in "Xx")}) > 1:
            return None  # a date, then a phone: not one number (people group one number one way)
        everything = audience is Audience.CITIZEN
        if len(digits) == 18 and (id_check_digit_ok(digits) or _ID_SHAPE.fullmatch(span)):
            return offsets if everything else offsets[6:14]  # the birth date
        if len(digits) == 15 and digits.isdigit() and _old_id_shape(digits):
            return offsets if everything else offsets[6:12]
        if not digits.isdigit() or read_phone(digits) or read_phone(f"+{digits}"):
            return None  # a phone (with its 86 or 0086): the phone layers show what kind it was
        if 13 <= len(digits) <= 19 and digits[0] in "3456" and luhn_ok(digits):
            return offsets if everything else offsets[:-4]  # a bank card keeps its last four
        if len(digits) >= _LONG_GROUPED:
            return offsets  # an account, a mistyped card or ID: too long to be anything public
        return None

    return hide


def _library_phones(view: _View, audience: Audience) -> None:
    """What libphonenumber's matcher recognises that Mochou's own patterns did not."""
    for match in phonenumbers.PhoneNumberMatcher(view.text(), REGION, leniency=Leniency.VALID):
        span = match.raw_string
        national = phonenumbers.national_significant_number(match.number)
        is_mobile = len(national) == 11 and national.startswith("1")
        hide = _mobile_mask(audience) if is_mobile else _landline_mask(audience)
        view.mask(match.start, match.end, hide(span))


def _mask_names(text: str, names: Iterable[str]) -> str:
    for name in sorted({n.strip() for n in names if n and n.strip()}, key=len, reverse=True):
        if len(name) < 2:
            continue  # one character is found everywhere: not a name by value
        text = text.replace(name, mask_name(name))
        surname = name[0]
        if "\u4e00" <= surname <= "\u9fff":
            text = re.sub(rf"{re.escape(surname)}(?:{_HONORIFICS})", mask_name(surname + "某"), text)
    return text


def mask_personal_text(text: str, *, names: Iterable[str] = (), audience: Audience = Audience.PUBLIC) -> str:
    """`text` with every personal number, e-mail, house number or flat, and `names`, masked."""
    if not text:
        return text
    view = _View(_mask_names(text, names))
    view.apply(_EMAIL, lambda span: "***@***")
    view.apply(_RUN, _grouped_number(audience))
    view.apply(_MOBILE, _mobile_mask(audience))
    view.apply(_LANDLINE, _landline_mask(audience))
    _library_phones(view, audience)
    view.apply(_HOUSE_NUMBER if audience is Audience.PUBLIC else _FLAT, _digit_offsets)
    view.apply(_LONG_NUMBER, _digit_offsets)
    return view.shown()


def mask_address(address: str) -> str:
    """A caller's address for a public map: the street stays, every personal number goes."""
    return mask_personal_text(address, audience=Audience.PUBLIC)
