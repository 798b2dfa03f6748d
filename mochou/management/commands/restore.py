"""`mochou restore PATH --yes`: put back a `mochou backup` archive, database and uploaded files.

Refuses an archive of the other database vendor (a SQLite copy cannot go into PostgreSQL, nor a
pg_dump into SQLite), and overwrites nothing without --yes. Afterwards it counts every table again
and fails if a count differs from the manifest. Stop the server and the worker first: a request
written while the restore runs would be lost or would spoil the check.
"""

from __future__ import annotations

import shutil
import sqlite3
import tarfile
import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, connections

from mochou.management.commands.backup import (
    MEDIA_DIR,
    count_rows,
    describe,
    pg_environment,
    pg_tool,
    read_manifest,
    run_tool,
    tables,
    vendor,
)

VENDOR_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


def extract(path: Path, workdir: Path) -> None:
    with tarfile.open(path, "r:gz") as archive:
        # The "data" filter refuses absolute paths, "..", links out of the directory and devices:
        # an archive from elsewhere cannot write outside workdir.
        archive.extractall(workdir, filter="data")


def restore_sqlite(database_file: Path) -> None:
    connections.close_all()
    connection.ensure_connection()
    live: sqlite3.Connection = connection.connection
    source = sqlite3.connect(database_file)
    try:
        # Page by page into the live database, under its lock: other connections see the old
        # database or the new one, never a mixture.
        source.backup(live)
    finally:
        source.close()


def restore_postgresql(database_file: Path) -> None:
    pg_restore = pg_tool("pg_restore")
    connections.close_all()  # an idle connection of ours would hold no lock, but be safe
    run_tool(
        [pg_restore, "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
         "--exit-on-error", f"--dbname={pg_environment()['PGDATABASE']}", str(database_file)],
        pg_environment(),
    )  # fmt: skip


def restore_media(extracted: Path, media_root: Path) -> int:
    """Replace MEDIA_ROOT by the archive's files: the new tree is built beside it, then swapped."""
    media_root.parent.mkdir(parents=True, exist_ok=True)
    incoming = Path(tempfile.mkdtemp(prefix=".restore-", dir=media_root.parent))
    source = extracted / MEDIA_DIR
    if source.is_dir():
        shutil.copytree(source, incoming, dirs_exist_ok=True)
    old = media_root.with_name(media_root.name + ".before-restore")
    if old.exists():
        shutil.rmtree(old)
    if media_root.exists():
        media_root.rename(old)
    incoming.rename(media_root)
    shutil.rmtree(old, ignore_errors=True)
    return sum(1 for p in media_root.rglob("*") if p.is_file())


class Command(BaseCommand):
    help = "从 mochou backup 生成的备份文件恢复数据库与上传文件（会覆盖当前数据，须加 --yes）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="备份文件（.tar.gz）")
        parser.add_argument("--yes", action="store_true", help="确认覆盖当前数据库与上传文件")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        if not path.is_file():
            raise CommandError(f"找不到备份文件：{path}")
        manifest = read_manifest(path)
        here = vendor()
        if manifest["vendor"] != here:
            raise CommandError(
                f"备份来自 {VENDOR_NAMES[manifest['vendor']]}，当前数据库是 {VENDOR_NAMES[here]}："
                "不能跨数据库类型恢复。"
            )
        counts: dict[str, int] = manifest["counts"]
        if not options["yes"]:
            raise CommandError(
                f"恢复将覆盖当前数据库（{connection.settings_dict['NAME']}）与上传文件目录"
                f"（{settings.MEDIA_ROOT}）。备份时间 {manifest['created_at']}，{describe(counts)}。"
                "确认后请加 --yes 重新运行。"
            )
        media_root = Path(settings.MEDIA_ROOT)
        with tempfile.TemporaryDirectory(prefix="mochou-restore-") as tmp:
            workdir = Path(tmp)
            extract(path, workdir)
            database_file = workdir / manifest["database_file"]
            if not database_file.is_file():
                raise CommandError(f"{path} 中缺少数据库文件 {manifest['database_file']}")
            if here == "sqlite":
                restore_sqlite(database_file)
            else:
                restore_postgresql(database_file)
            files = restore_media(workdir, media_root)
        self.check_counts(counts, files, manifest["media_files"])
        self.stdout.write(f"已从 {path} 恢复：{describe(counts)}，上传文件 {files} 个。")

    def check_counts(self, expected: dict[str, int], files: int, expected_files: int) -> None:
        with connection.cursor() as cursor:
            # Only the tables the backup knew: a newer code's new tables are migrate's business.
            known = {label: table for label, table in tables().items() if label in expected}
            found = count_rows(cursor, known, connection.ops.quote_name)
        wrong = [
            f"{label} {found[label]}≠{count}"
            for label, count in expected.items()
            if label in known and found[label] != count
        ]
        if files != expected_files:
            wrong.append(f"上传文件 {files}≠{expected_files}")
        if wrong:
            raise CommandError("恢复后的数据与备份清单不符：" + "，".join(wrong))
