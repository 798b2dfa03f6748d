"""`mochou open311-key NAME`: issue an Open311 api_key and print it, once.

Only the key goes to stdout so scripts can capture it (`KEY=$(mochou open311-key 市民通App)`);
only its SHA-256 is stored, so it cannot be shown again. `--revoke PREFIX` deactivates a key
(the prefix is the first 12 characters, as `--list` shows); `--list` lists the keys.
"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from open311.models import PREFIX_LENGTH, ApiKey


class Command(BaseCommand):
    help = "签发 Open311 接口密钥（只显示一次），或停用、列出已有密钥。"

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("name", nargs="?", default="", help="密钥用途，例如“市民通App”")
        parser.add_argument("--revoke", metavar="PREFIX", help="停用以此前缀开头的密钥")
        parser.add_argument("--list", action="store_true", help="列出所有密钥（不显示密钥本身）")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["list"]:
            for key in ApiKey.objects.all():
                state = "有效" if key.is_active else "已停用"
                used = key.last_used_at.isoformat(timespec="seconds") if key.last_used_at else "从未使用"
                self.stdout.write(f"{key.prefix}\t{state}\t{key.name}\t{used}")
            return
        if options["revoke"]:
            self._revoke(options["revoke"].strip())
            return
        name = options["name"].strip()
        if not name:
            raise CommandError("请给出密钥用途，例如：mochou open311-key 市民通App")
        if len(name) > 100:
            raise CommandError("密钥用途不能超过100个字。")
        _, raw = ApiKey.issue(name)
        self.stdout.write(raw)

    def _revoke(self, prefix: str) -> None:
        if len(prefix) < 8:
            raise CommandError("请给出至少8个字符的密钥前缀（见 --list）。")
        # A full key works as well as its prefix: only the first characters are stored.
        matches = list(ApiKey.objects.filter(prefix__startswith=prefix[:PREFIX_LENGTH]))
        if not matches:
            raise CommandError(f"没有以 {prefix} 开头的密钥。")
        if len(matches) > 1:
            raise CommandError(f"有{len(matches)}个密钥以 {prefix} 开头，请给出更长的前缀。")
        key = matches[0]
        if len(prefix) > PREFIX_LENGTH and ApiKey.digest_of(prefix) != key.digest:
            raise CommandError(f"没有以 {prefix} 开头的密钥。")
        ApiKey.objects.filter(pk=key.pk).update(is_active=False)
        self.stderr.write(f"已停用密钥 {key.prefix}…（{key.name}）。")
