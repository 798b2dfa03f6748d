"""A web process starts without scikit-learn and SciPy: they cost ~85 MB a process
(docs/performance.md, Serving) and only the worker's triage and the duplicate warning use them,
which import them where they run (hotspots.method, triage.duplicates). NumPy is not checked:
openpyxl brings it (the xlsx exports), about 16 MB."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("sklearn", "scipy")
CODE = (
    "import django, sys; django.setup(); "
    "from django.urls import get_resolver; get_resolver().url_patterns; "
    f"print(' '.join(m for m in {HEAVY!r} if m in sys.modules))"
)


def test_loading_the_apps_and_every_url_imports_no_model_library() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MOCHOU_", "DJANGO_"))}
    env["DJANGO_SETTINGS_MODULE"] = "mochou.settings"
    done = subprocess.run(  # noqa: S603 (our own interpreter, fixed code)
        [sys.executable, "-c", CODE], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == ""
