"""Deployment safety: no serving on the published demo key, HTTPS settings from the environment."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
VAR_DIR = str(Path(tempfile.gettempdir()) / "mochou-settings-test")


def settings_of(env: dict[str, str], expr: str) -> str:
    """Evaluate an expression on freshly imported settings under the given environment."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("MOCHOU_", "SECRET_KEY", "DEBUG"))}
    clean.update({"DJANGO_SETTINGS_MODULE": "mochou.settings", "MOCHOU_VAR_DIR": VAR_DIR})
    clean.update(env)
    code = f"import django; django.setup(); from django.conf import settings as s; print({expr})"
    done = subprocess.run(  # noqa: S603 (our own interpreter, fixed code)
        [sys.executable, "-c", code], cwd=ROOT, env=clean, capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


CHECK = "__import__('mochou.checks', fromlist=['x']).insecure_secret_key()"


def test_without_a_secret_key_outside_the_demo_serving_is_refused() -> None:
    assert settings_of({}, CHECK) == "True"
    assert settings_of({"SECRET_KEY": "   "}, CHECK) == "True"  # an empty value is no key


@pytest.mark.parametrize("env", [{"MOCHOU_DEMO": "true"}, {"SECRET_KEY": "x" * 50}, {"DEBUG": "true"}])
def test_the_demo_a_real_key_or_debug_may_serve(env: dict[str, str]) -> None:
    assert settings_of(env, CHECK) == "False"


def test_demo_is_off_unless_asked_for() -> None:
    assert settings_of({}, "s.MOCHOU_DEMO") == "False"
    assert settings_of({}, "repr(s.MOCHOU_TELEPHONY_KEY)") == "''"  # no demo telephony key either


def test_https_turns_on_secure_cookies_and_hsts() -> None:
    expr = "(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS > 0, s.SECURE_SSL_REDIRECT)"
    assert settings_of({"MOCHOU_HTTPS": "true"}, expr) == "(True, True, True, True)"
    assert settings_of({}, expr) == "(False, False, False, False)"


def test_serve_refuses_the_demo_key_with_a_chinese_message() -> None:
    from django.core.management import CommandError, call_command
    from django.test import override_settings

    demo_key_only = override_settings(
        MOCHOU_DEMO=False, DEBUG=False, TESTING=False, USING_DEMO_SECRET_KEY=True
    )
    with demo_key_only, pytest.raises(CommandError, match="未设置 SECRET_KEY"):
        call_command("serve", "--no-worker", "--port", "1")
