"""System checks of the deployment (mochou.E001 …)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, register


def insecure_secret_key() -> bool:
    """Serving on the published demo key is only acceptable for the demo, in debug or in tests."""
    return bool(
        settings.USING_DEMO_SECRET_KEY and not (settings.MOCHOU_DEMO or settings.DEBUG or settings.TESTING)
    )


@register("security", deploy=True)
def check_secret_key(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    if insecure_secret_key():
        return [
            Error(
                "SECRET_KEY 未设置：使用公开的演示密钥会让任何人都能伪造登录与短信链接。",
                hint="设置环境变量 SECRET_KEY（一串足够长的随机字符），或仅在演示时设置 MOCHOU_DEMO=true。",
                id="mochou.E001",
            )
        ]
    return []
