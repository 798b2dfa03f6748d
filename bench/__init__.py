"""Benchmarks for Mochou at scale: a data generator (bench.generate) and a timing run (bench.run).

Not a Django app and not part of the test suite. Importing the package sets Django up, so
`python -m bench.generate` and `python -m bench.run` work from the project root without manage.py.
"""

from __future__ import annotations

import os

import django
from django.apps import apps

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mochou.settings")
if not apps.ready:
    django.setup()
