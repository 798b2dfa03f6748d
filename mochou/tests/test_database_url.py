"""DATABASE_URL as the settings read it: PostgreSQL's sessions run without JIT unless told."""

from __future__ import annotations

import pytest
from django.db import connection

from mochou.env import database_from_url


def test_a_postgresql_url_turns_jit_off_for_the_sessions():
    config = database_from_url("postgres://mochou:secret@db.example:5433/mochou", "unused.sqlite3")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["NAME"], config["USER"], config["HOST"], config["PORT"]) == (
        "mochou",
        "mochou",
        "db.example",
        "5433",
    )
    assert config["OPTIONS"] == {"options": "-c jit=off"}


def test_options_in_the_url_are_kept_as_given():
    config = database_from_url("postgres://db/mochou?options=-c%20jit%3Don&sslmode=require", "unused.sqlite3")
    assert config["OPTIONS"] == {"options": "-c jit=on", "sslmode": "require"}


def test_sqlite_has_no_postgresql_options():
    config = database_from_url("sqlite:////tmp/mochou-test.sqlite3", "unused.sqlite3")
    assert "options" not in config.get("OPTIONS", {})


@pytest.mark.django_db
def test_the_running_postgresql_session_has_jit_off():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: the CI's PostgreSQL phase runs it")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
