"""`mochou backup` and `mochou restore`: a backup, a wiped database and media, a restore that finds
every case, event and photo again. Runs on the database of the run (SQLite, or PostgreSQL in
.ci/run's second pass, with pg_dump/pg_restore against the test database)."""

from __future__ import annotations

import io
import json
import shutil
import tarfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from pytest_django import Settings

from cases.models import Case, CaseEvent
from mochou.images import clean_photo
from portal.models import Attachment
from portal.photos import Photo, open_photo, save_photo
from portal.tests import samples
from tests.factories import City, closed_case, dispatched_case, make_case

# Committed data: pg_dump reads the database from a connection of its own.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def media(settings: Settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


def backup(path: Path) -> str:
    out = io.StringIO()
    call_command("backup", str(path), stdout=out)
    return out.getvalue()


def restore(path: Path, *extra: str) -> str:
    out = io.StringIO()
    call_command("restore", str(path), *extra, stdout=out)
    return out.getvalue()


def test_backup_wipe_restore_finds_every_case_event_and_photo(
    city: City, clock: object, tmp_path: Path, media: Path
) -> None:
    cases = [make_case(city), dispatched_case(city), closed_case(city)]
    photo = save_photo(cases[0], Photo(image=clean_photo(samples.png(40, 30))))
    photo_bytes = open_photo(photo)[0].read()
    events = sorted(CaseEvent.objects.values_list("pk", "case_id", "action"))
    numbers = sorted(Case.objects.values_list("number", "state"))
    archive = tmp_path / "mochou.tar.gz"

    report = backup(archive)

    assert "工单 3" in report
    assert "照片 1" in report
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))  # type: ignore[arg-type]
        names = tar.getnames()
    assert manifest["vendor"] == connection.vendor
    assert manifest["counts"]["cases.case"] == 3
    assert manifest["counts"]["cases.caseevent"] == len(events)
    assert manifest["counts"]["portal.attachment"] == 1
    assert manifest["media_files"] == 2  # the photo and its thumbnail
    assert f"media/case-photos/{photo.path}" in names
    assert archive.stat().st_mode & 0o077 == 0  # citizens' data: the owner's only

    # The disaster: every table emptied, the files deleted.
    call_command("flush", "--no-input")
    shutil.rmtree(media)
    assert not Case.objects.exists()
    assert not CaseEvent.objects.exists()
    assert not Attachment.objects.exists()

    report = restore(archive, "--yes")

    assert "工单 3" in report
    assert sorted(Case.objects.values_list("number", "state")) == numbers
    assert sorted(CaseEvent.objects.values_list("pk", "case_id", "action")) == events
    restored = Attachment.objects.get()
    assert restored.pk == photo.pk
    assert open_photo(restored)[0].read() == photo_bytes
    assert open_photo(restored, thumbnail=True)[0].read()
    # The database works on after the restore: a new case gets a new key.
    assert make_case(city).pk not in {c.pk for c in cases}


def test_restore_asks_for_yes_and_changes_nothing_without_it(
    city: City, clock: object, tmp_path: Path
) -> None:
    make_case(city)
    archive = tmp_path / "b.tar.gz"
    backup(archive)
    make_case(city)

    with pytest.raises(CommandError, match="--yes"):
        restore(archive)

    assert Case.objects.count() == 2


def test_restore_refuses_a_backup_of_the_other_database_vendor(city: City, tmp_path: Path) -> None:
    archive = tmp_path / "b.tar.gz"
    backup(archive)
    other = "postgresql" if connection.vendor == "sqlite" else "sqlite"
    forged = tmp_path / "other.tar.gz"
    with tarfile.open(archive) as source, tarfile.open(forged, "w:gz") as target:
        for member in source.getmembers():
            data = source.extractfile(member)
            if member.name == "manifest.json" and data is not None:
                manifest = json.load(data)
                manifest["vendor"] = other
                body = json.dumps(manifest).encode()
                member.size = len(body)
                target.addfile(member, io.BytesIO(body))
            else:
                target.addfile(member, data)

    with pytest.raises(CommandError, match="不能跨数据库类型恢复"):
        restore(forged, "--yes")


def test_restore_refuses_a_file_that_is_not_a_backup(db: None, tmp_path: Path) -> None:
    junk = tmp_path / "junk.tar.gz"
    junk.write_bytes(b"not a tar file")
    with pytest.raises(CommandError, match="不是莫愁的备份文件"):
        restore(junk, "--yes")


def test_backup_into_a_directory_names_the_file_by_time(db: None, tmp_path: Path) -> None:
    backup(tmp_path)
    assert [p.name.startswith("mochou-") for p in tmp_path.glob("*.tar.gz")] == [True]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_dump is used on PostgreSQL only")
def test_without_the_postgresql_tools_the_error_says_what_to_install(
    db: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(CommandError, match="postgresql-client"):
        backup(tmp_path / "b.tar.gz")
    assert not list(tmp_path.glob("*"))
    assert settings.MEDIA_ROOT  # nothing else touched
