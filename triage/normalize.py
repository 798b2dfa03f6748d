"""Text normalisation for citizen messages (no Django imports).

* Unicode NFKC: full-width letters/digits/punctuation become half-width.
* HTML entities are unescaped and tags removed; runs of white space collapse to one space.
* Personal data are masked with placeholder tokens so that they never become features:
  e-mail addresses, 18-digit resident ID numbers, mobile numbers (``1[3-9]\\d{9}``) and
  landline numbers (``0xx(x)-xxxxxxx(x)``, optionally with parentheses / extension).
* Traditional → simplified conversion is NOT done (it would need an extra dictionary download);
  the messages of the platform are in simplified Chinese.
"""

from __future__ import annotations

import html
import re
import unicodedata

EMAIL_TOKEN = " EMAILTOKEN "  # noqa: S105 (a placeholder, not a password)
IDCARD_TOKEN = " IDTOKEN "  # noqa: S105
MOBILE_TOKEN = " PHONETOKEN "  # noqa: S105
LANDLINE_TOKEN = " TELTOKEN "  # noqa: S105

_TAG = re.compile(r"<[^>]{0,200}>")
_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}")
# 18-digit ID: 6-digit region, birth date 18xx/19xx/20xx, 3 digits, check digit or X.
_IDCARD = re.compile(
    r"(?<!\d)[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx](?!\d)"
)
_MOBILE = re.compile(r"(?<!\d)(?:\+?86[- ]?)?1[3-9]\d{9}(?!\d)")
# Landline with area code: 0724-4221234, (0724)4221234, 0724 4221234, 07244221234, optional extension.
_LANDLINE_AREA = re.compile(r"(?<!\d)(?:\(0\d{2,3}\)|0\d{2,3})[- ]?[2-9]\d{6,7}(?:(?:-|转)\d{1,5})?(?!\d)")
# Bare 7–8 digit number only right after a phone keyword (a bare 8-digit run may be a date).
_LANDLINE_KEYWORD = re.compile(
    r"((?:电话|座机|固话|热线|联系方式|手机|号码|tel|Tel|TEL)[:：是为 ]{0,3})[2-9]\d{6,7}(?!\d)"
)
_SPACE = re.compile(r"\s+")


def mask_personal_data(text: str) -> str:
    """Replace e-mails, ID numbers, mobile and landline numbers with placeholder tokens."""
    text = _EMAIL.sub(EMAIL_TOKEN, text)
    text = _IDCARD.sub(IDCARD_TOKEN, text)
    text = _MOBILE.sub(MOBILE_TOKEN, text)
    text = _LANDLINE_AREA.sub(LANDLINE_TOKEN, text)
    text = _LANDLINE_KEYWORD.sub(lambda m: m.group(1) + LANDLINE_TOKEN, text)
    return text


def normalize(text: str | None) -> str:
    """Return the normalised, masked text (``""`` for ``None``)."""
    if not text:
        return ""
    text = html.unescape(text)
    text = _TAG.sub(" ", text)
    text = unicodedata.normalize("NFKC", text)
    text = mask_personal_data(text)
    text = _SPACE.sub(" ", text).strip()
    return text
