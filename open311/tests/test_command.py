"""`mochou open311-key NAME` prints a key that POST requests accepts; --revoke and --list manage keys."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from cases.models import Case
from open311.models import ApiKey


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("open311-key", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def post(client: Any, key: str, service: Any) -> Any:
    return client.post(
        "/open311/v2/requests.json",
        {"api_key": key, "service_code": str(service.pk), "lat": "31.17", "long": "112.59"},
    )


def test_printed_key_works_and_only_its_digest_is_stored(client: Any, clock: Any, service: Any) -> None:
    out, _ = run("市民通App")
    key = out.strip()
    assert out == key + "\n"  # only the key on stdout, for KEY=$(mochou open311-key …)
    assert key.startswith("o311_")
    row = ApiKey.objects.get()
    assert row.name == "市民通App"
    assert row.digest != key
    assert key.startswith(row.prefix)
    assert post(client, key, service).status_code == 200
    assert Case.objects.count() == 1


def test_revoke_by_prefix_stops_the_key(client: Any, clock: Any, service: Any) -> None:
    key = run("市民通App")[0].strip()
    other = run("网格员App")[0].strip()
    _, err = run("--revoke", key[:12])
    assert "已停用密钥" in err
    assert post(client, key, service).status_code == 403
    assert post(client, other, service).status_code == 200


def test_list_shows_prefixes_never_keys(db: None) -> None:
    key = run("市民通App")[0].strip()
    out, _ = run("--list")
    assert key[:12] in out
    assert key not in out
    assert "市民通App" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "请给出密钥用途"),
        (("--revoke", "o311_"), "至少8个字符"),
        (("--revoke", "o311_zzzzzzz"), "没有以 o311_zzzzzzz 开头的密钥"),
    ],
)
def test_command_errors_are_clear(db: None, args: tuple[str, ...], message: str) -> None:
    with pytest.raises(CommandError, match=message):
        run(*args)
