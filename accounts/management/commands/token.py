"""`mochou token USERNAME [--name NAME]`: issue an API token and print it, once.

Only the token goes to stdout so scripts can capture it (`TOKEN=$(mochou token agent)`);
only its digest is stored, so it cannot be shown again.
"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from accounts.models import ApiToken, User


class Command(BaseCommand):
    help = "为用户签发一个 API 访问令牌（只显示一次）。"

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("username", help="用户名")
        parser.add_argument("--name", default="", help="令牌用途说明，例如“区县对接系统”")

    def handle(self, *args: Any, **options: Any) -> None:
        username: str = options["username"]
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"用户“{username}”不存在。")
        if not user.is_active:
            raise CommandError(f"用户“{username}”已停用，不能签发令牌。")
        token = ApiToken.issue(user, name=options["name"][:100])
        self.stdout.write(token)
