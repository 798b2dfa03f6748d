"""The `mochou` console script: Django's management commands under one name.

`mochou serve`, `mochou token USER`, `mochou triage …`, `mochou migrate` … all run here with
DJANGO_SETTINGS_MODULE defaulting to mochou.settings.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mochou.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv if argv is None else ["mochou", *argv])
    execute_from_command_line(args)


if __name__ == "__main__":
    main()
