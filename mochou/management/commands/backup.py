"""`mochou backup [PATH]`: the database and the uploaded files in one tar.gz that `mochou restore` reads.

The archive holds
- `manifest.json`: format, Mochou version, database vendor, time, the row count of every table and
  the number of uploaded files, all taken from the same snapshot as the data;
- `database.sqlite3` (SQLite's online backup API: a consistent copy while the server writes) or
  `database.pgdump` (pg_dump's custom format, read by pg_restore);
- `media/`: MEDIA_ROOT as it is (the citizens' photos and their thumbnails).

Not included: the huey queue (tasks are re-created by the sweeps) and the triage model (`mochou serve`
builds it when missing). This module also holds what `restore` shares with it.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import metadata
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.utils import timezone

FORMAT = 1
MANIFEST = "manifest.json"
MEDIA_DIR = "media"
DATABASE_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
# The rows restore must find again: named in the command's report.
KEY_TABLES = {"cases.case": "工单", "cases.caseevent": "工单事件", "portal.attachment": "照片"}


def vendor() -> str:
    if connection.vendor not in DATABASE_FILES:
        raise CommandError(f"不支持的数据库类型：{connection.vendor}（仅支持 SQLite 与 PostgreSQL）")
    return connection.vendor


def mochou_version() -> str:
    try:
        return metadata.version("mochou")
    except metadata.PackageNotFoundError:
        return "unknown"


def tables() -> dict[str, str]:
    """label → table of every model whose rows live in this database (no proxies, no unmanaged)."""
    found = {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.managed and not meta.proxy:
            found[meta.label_lower] = meta.db_table
    return dict(sorted(found.items()))


def count_rows(cursor: Any, table_names: dict[str, str], quote: Any) -> dict[str, int]:
    counts = {}
    for label, table in table_names.items():
        cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")  # noqa: S608 (table names from the models)
        counts[label] = int(cursor.fetchone()[0])
    return counts


def media_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.is_dir() else []


def pg_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise CommandError(
            f"找不到 {name}：PostgreSQL 的备份与恢复需要 PostgreSQL 客户端工具"
            f"（Debian：apt-get install postgresql-client，版本不低于服务器）。"
        )
    return path


def pg_environment() -> dict[str, str]:
    """libpq's variables for the database Django uses now (in tests: the test database)."""
    db = connection.settings_dict
    env = {**os.environ, "PGDATABASE": str(db["NAME"])}
    for key, variable in (
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
    ):
        if db.get(key):
            env[variable] = str(db[key])
    sslmode = (db.get("OPTIONS") or {}).get("sslmode")
    if sslmode:
        env["PGSSLMODE"] = str(sslmode)
    return env


def run_tool(command: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise CommandError(f"{Path(command[0]).name} 失败（{result.returncode}）：{result.stderr.strip()}")


def default_path() -> Path:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    return Path(settings.VAR_DIR) / "backups" / f"mochou-{stamp}.tar.gz"


@contextmanager
def sqlite_snapshot(workdir: Path) -> Iterator[tuple[Path, dict[str, int]]]:
    """A copy of the live SQLite database through the online backup API, and its row counts."""
    target = workdir / DATABASE_FILES["sqlite"]
    connection.ensure_connection()
    live: sqlite3.Connection = connection.connection
    copy = sqlite3.connect(target)
    try:
        live.backup(copy)
        # The copy would otherwise keep WAL mode and need its -wal file next to it.
        copy.execute("PRAGMA journal_mode=DELETE")
        counts = count_rows(copy.cursor(), tables(), connection.ops.quote_name)
    finally:
        copy.close()
    yield target, counts


@contextmanager
def postgresql_snapshot(workdir: Path) -> Iterator[tuple[Path, dict[str, int]]]:
    """pg_dump of one exported snapshot, and the row counts read in that same snapshot."""
    pg_dump = pg_tool("pg_dump")
    target = workdir / DATABASE_FILES["postgresql"]
    # A connection of its own: the snapshot lives as long as its transaction, which must not be
    # Django's (a caller may be inside atomic()).
    own = connection.get_new_connection(connection.get_connection_params())
    try:
        own.autocommit = False
        with own.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            run_tool(
                [pg_dump, "--format=custom", "--no-owner", "--no-privileges", f"--snapshot={snapshot}",
                 f"--file={target}"],
                pg_environment(),
            )  # fmt: skip
            counts = count_rows(cursor, tables(), connection.ops.quote_name)
        own.rollback()
    finally:
        own.close()
    yield target, counts


def add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(timezone.now().timestamp())
    info.mode = 0o600
    archive.addfile(info, io.BytesIO(data))


def write_backup(path: Path) -> dict[str, Any]:
    """Write the archive to `path` (through a temporary file: a failed backup leaves no archive)."""
    kind = vendor()
    media_root = Path(settings.MEDIA_ROOT)
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="mochou-backup-") as tmp:
        workdir = Path(tmp)
        snapshot = sqlite_snapshot if kind == "sqlite" else postgresql_snapshot
        with snapshot(workdir) as (database_file, counts):
            # The files after the rows: a photo row always finds its file (a file without a row
            # is harmless; a row without its file would be a lost photo).
            files = media_files(media_root)
            manifest = {
                "format": FORMAT,
                "mochou_version": mochou_version(),
                "created_at": timezone.localtime().isoformat(timespec="seconds"),
                "vendor": kind,
                "database_file": database_file.name,
                "counts": counts,
                "media_files": len(files),
            }
            partial = path.with_name(path.name + ".partial")
            with tarfile.open(partial, "w:gz") as archive:
                add_bytes(archive, MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2).encode())
                archive.add(database_file, arcname=database_file.name)
                for file in files:
                    archive.add(file, arcname=f"{MEDIA_DIR}/{file.relative_to(media_root).as_posix()}")
            partial.chmod(0o600)  # citizens' personal data: readable by the owner only
            partial.replace(path)
    return manifest


def read_manifest(path: Path) -> dict[str, Any]:
    try:
        with tarfile.open(path, "r:gz") as archive:
            member = archive.extractfile(MANIFEST)
            if member is None:
                raise KeyError(MANIFEST)
            manifest: dict[str, Any] = json.loads(member.read())
    except (OSError, tarfile.TarError, KeyError, ValueError) as error:
        raise CommandError(f"{path} 不是莫愁的备份文件：{error}") from error
    if manifest.get("format") != FORMAT or manifest.get("vendor") not in DATABASE_FILES:
        raise CommandError(f"{path} 的备份格式无法识别：{manifest.get('format')!r}")
    return manifest


def describe(counts: dict[str, int]) -> str:
    return "，".join(f"{name} {counts.get(label, 0)}" for label, name in KEY_TABLES.items())


class Command(BaseCommand):
    help = "备份数据库与上传文件（照片）到一个 tar.gz 文件；用 mochou restore 恢复。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", nargs="?", help="备份文件或目录（默认 var/backups/mochou-<时间>.tar.gz）")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"]) if options["path"] else default_path()
        if path.is_dir():
            path = path / default_path().name
        manifest = write_backup(path)
        created = dt.datetime.fromisoformat(manifest["created_at"])
        self.stdout.write(
            f"已备份到 {path}（{manifest['vendor']}，{created:%Y-%m-%d %H:%M:%S}）："
            f"{describe(manifest['counts'])}，上传文件 {manifest['media_files']} 个。"
        )
