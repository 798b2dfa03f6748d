"""The case loop knows nothing of the templates: it asks its hooks, this app answers."""

from __future__ import annotations

import ast
from pathlib import Path

import cases


def test_cases_imports_nothing_from_replytemplates() -> None:
    offenders = []
    for path in Path(cases.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{path}: {name}" for name in names if name.split(".")[0] == "replytemplates"]
    assert offenders == []
