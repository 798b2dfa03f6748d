"""统一社会信用代码 (unified social credit code), GB 32100-2015.

18 characters: 1 registration-authority code, 1 type code, 6 administrative-division digits,
9 organisation-code characters, 1 check character. The check character is what catches a mistyped
code; the authority/type codes are checked loosely (a known authority, a type digit 1–9) so that a
rare but real kind of organisation is never refused. No Django imports: pure and table-tested.
"""

from __future__ import annotations

import re

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # no I, O, S, V, Z
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
# 登记管理部门代码: 1 机构编制 2 外交 3 司法行政 4 文化 5 民政 6 旅游 7 宗教 8 工会 9 市场监管(工商)
# A 中央军委改革和编制办公室 N 农业 Y 其他.
AUTHORITIES = frozenset("123456789ANY")
LENGTH = 18


class CreditCodeError(ValueError):
    """The code is malformed; str(error) is a Chinese sentence for the person who typed it."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


def normalize(raw: str | None) -> str:
    """Upper-case, without the spaces and dashes people paste in."""
    return re.sub(r"[\s\-－—]", "", raw or "").upper()


def check_char(first17: str) -> str:
    """The 18th character for the first 17 (which must use CHARSET)."""
    total = sum(CHARSET.index(c) * w for c, w in zip(first17, WEIGHTS, strict=True))
    return CHARSET[(31 - total % 31) % 31]


def validate(raw: str | None) -> str:
    """Return the normalised code, or raise CreditCodeError with a Chinese message."""
    code = normalize(raw)
    if not code:
        raise CreditCodeError("请填写统一社会信用代码。", "credit_code.required")
    if len(code) != LENGTH:
        raise CreditCodeError(
            f"统一社会信用代码应为18位（现为{len(code)}位），请核对营业执照。", "credit_code.length"
        )
    bad = sorted({c for c in code if c not in CHARSET})
    if bad:
        shown = "、".join(f"“{c}”" for c in bad)
        raise CreditCodeError(
            f"统一社会信用代码不能含有{shown}（只用数字和除 I、O、S、V、Z 以外的大写字母）。",
            "credit_code.charset",
        )
    if code[0] not in AUTHORITIES:
        raise CreditCodeError("统一社会信用代码第1位（登记管理部门代码）不正确。", "credit_code.authority")
    if code[1] not in "123456789":
        raise CreditCodeError("统一社会信用代码第2位（机构类别代码）不正确。", "credit_code.type")
    if not code[2:8].isdigit():
        raise CreditCodeError("统一社会信用代码第3至8位应为行政区划代码（6位数字）。", "credit_code.division")
    if check_char(code[:17]) != code[17]:
        raise CreditCodeError(
            "统一社会信用代码校验位不正确，请逐位核对营业执照上的代码。", "credit_code.check"
        )
    return code


def make(first17: str) -> str:
    """A valid code from 17 characters (demo data and tests)."""
    return first17 + check_char(first17)
