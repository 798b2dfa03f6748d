"""Static files with hashed names and a year-long cache (issue 17, docs/deploy.md).

`mochou serve` runs collectstatic at each start: STATIC_ROOT then holds every file twice, as it is
(css/mochou.css) and under a name carrying a hash of its content (css/mochou.3f2a9c1b7d4e.css),
gzipped too, with the manifest that maps the one to the other. `{% static %}` writes the hashed
name, so a browser may keep that file for a year: a changed file gets a new name. A file asked for
by its plain name (a link from outside, a stale page) gets WhiteNoise's short cache (60 s).

Without a manifest (a management command, or the huey worker, on a machine where `mochou serve`
never ran), or for a file the manifest does not know yet, the storage falls back to the plain name
rather than failing the page: the files are still served from the apps' folders
(WHITENOISE_USE_FINDERS).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from whitenoise.middleware import WhiteNoiseMiddleware  # type: ignore[import-untyped]
from whitenoise.storage import CompressedManifestStaticFilesStorage  # type: ignore[import-untyped]

ONE_YEAR = 365 * 24 * 60 * 60


class HashedStaticFilesStorage(CompressedManifestStaticFilesStorage):
    def stored_name(self, name: str) -> str:
        if not self.hashed_files:  # no manifest yet: collectstatic has not run on this machine
            return name
        try:
            return str(super().stored_name(name))
        except ValueError:
            # Not in the manifest: a file added since the last collection, seen by a process that
            # started before it (the worker). Its plain name is served too; a 500 would not help.
            return name


class StaticFilesMiddleware(WhiteNoiseMiddleware):
    # WhiteNoise's own "forever" is ten years; a year is the customary ceiling (RFC 2616 §14.21,
    # and what the issue asks for), and a hashed name never changes content anyway.
    FOREVER = ONE_YEAR


# ------------------------------------------------------------------ collecting at each start

STAMP = ".mochou-sources"  # in STATIC_ROOT: the fingerprint of the sources last collected


def hashed_names_in_use() -> bool:
    from django.contrib.staticfiles.storage import staticfiles_storage

    return isinstance(staticfiles_storage, HashedStaticFilesStorage)


def sources_fingerprint() -> str:
    """Every static source file's name, size and modification time, as one digest."""
    from django.apps import apps
    from django.contrib.staticfiles import finders

    ignore = apps.get_app_config("staticfiles").ignore_patterns  # type: ignore[attr-defined]
    entries = []
    for finder in finders.get_finders():
        for path, storage in finder.list(ignore):
            stat = os.stat(storage.path(path))
            prefix = getattr(storage, "prefix", None) or ""
            entries.append(f"{prefix}/{path}\0{stat.st_size}\0{stat.st_mtime_ns}")
    return hashlib.sha256("\n".join(sorted(entries)).encode()).hexdigest()


def collect_static() -> bool:
    """Collect the static files into STATIC_ROOT with hashed names, unless nothing changed since
    the last time (a restart then costs nothing; a first collection takes a few seconds).
    True when it collected."""
    from django.conf import settings
    from django.core.management import call_command

    if not hashed_names_in_use():
        return False  # tests and DEBUG: plain names, straight from the apps' folders
    root = Path(settings.STATIC_ROOT)
    stamp = root / STAMP
    fingerprint = sources_fingerprint()
    if (root / "staticfiles.json").exists() and stamp.exists() and stamp.read_text() == fingerprint:
        return False
    call_command("collectstatic", interactive=False, verbosity=0)
    stamp.write_text(fingerprint)
    return True
