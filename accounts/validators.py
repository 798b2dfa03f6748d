"""Password rules beyond Django's own (GB/T 22239-2019 level 3: "口令应有复杂度要求")."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError

CLASS_NAMES = ("大写字母", "小写字母", "数字", "符号")


def character_classes(password: str) -> set[str]:
    """Which of upper case, lower case, digits and symbols the password uses.

    Only ASCII letters count as upper or lower case: a Chinese character has no case, and counting
    it as a "symbol" would let a password of Chinese characters and digits pass as three classes
    that a person would call two. Anything else that is not a digit is a symbol."""
    found: set[str] = set()
    for char in password:
        if "A" <= char <= "Z":
            found.add("大写字母")
        elif "a" <= char <= "z":
            found.add("小写字母")
        elif char.isdigit():
            found.add("数字")
        elif not char.isspace() and char.isascii():
            found.add("符号")
    return found


class CharacterClassesValidator:
    """At least `min_classes` of: upper-case letters, lower-case letters, digits, symbols."""

    def __init__(self, min_classes: int = 3) -> None:
        self.min_classes = min_classes

    def validate(self, password: str, user: Any = None) -> None:
        if len(character_classes(password)) < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self) -> str:
        return f"密码须至少包含大写字母、小写字母、数字、符号中的 {self.min_classes} 类。"


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's, with a Chinese error: Django 5.2's zh_Hans catalogue lacks this one message, so
    the change-password page would say "This password is too short" in English."""

    def get_error_message(self) -> str:
        return f"密码太短，至少需要 {self.min_length} 个字符。"

    def get_help_text(self) -> str:
        return f"密码至少需要 {self.min_length} 个字符。"
