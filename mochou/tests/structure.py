"""Two house rules read from the source itself (ast), so that neither can slip unseen:

- a loop item's state is written only by the loop core (`loop/`) and a loop's verbs (`*/services/`);
- the core apps (org, accounts, worktime, loop, cases) import nothing from the apps built on them.

Each check takes source text and returns the offences it finds, so the tests can prove on planted
code that they would catch a violation, not only that the tree is clean today.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

STATE_FIELDS = frozenset({"state"})
WRITE_METHODS = frozenset({"create", "update", "bulk_create", "get_or_create", "update_or_create"})
# Where state may be written: the loop core and each loop's verbs.
STATE_WRITERS = ("loop/", "cases/services/")
# Fields called `state` that belong to no loop: a phone call's line state, as the switch reports it.
NOT_LOOP_STATES = frozenset({("console/calls.py", "call.state")})
NOT_LOOP_MODELS = frozenset({"Call", "CallEvent"})
# Capitalised calls that read rather than write: a filter condition.
READ_EXPRESSIONS = frozenset({"Q"})

CORE_APPS = frozenset({"org", "accounts", "worktime", "loop", "cases"})
# Below everything: the project package (settings, errors, text) and messaging.
BASE_APPS = frozenset({"mochou", "notifications"})
# Every other app is built on the core: found by its apps.py, so a new app is covered the day it comes.
UPPER_APPS = frozenset(p.parent.name for p in ROOT.glob("*/apps.py")) - CORE_APPS - BASE_APPS
# The project package is below everything (settings, errors, text, data sets) except these,
# which gather every app: URLs, the API, the demo that spans the city, the command line.
UPPER_PROJECT_MODULES = ("mochou.urls", "mochou.api", "mochou.demo", "mochou.cli", "mochou.management")
SKIPPED_DIRS = frozenset({".venv", "migrations", "tests", "build", "node_modules", "docs", ".git"})


def python_files() -> Iterator[Path]:
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT)
        if set(rel.parts[:-1]) & SKIPPED_DIRS or rel.name.startswith("test_") or rel.name == "conftest.py":
            continue
        yield path


# ---------------------------------------------------------------- state writes


def _is_state_key(node: ast.expr | None) -> bool:
    return isinstance(node, ast.Constant) and node.value in STATE_FIELDS


def _root_name(node: ast.expr) -> str:
    while isinstance(node, ast.Attribute | ast.Call):
        node = node.value if isinstance(node, ast.Attribute) else node.func
    return node.id if isinstance(node, ast.Name) else ""


def _dict_sets_state(node: ast.expr) -> bool:
    return isinstance(node, ast.Dict) and any(_is_state_key(k) for k in node.keys)


def _call_writes_state(call: ast.Call) -> bool:
    func = call.func
    name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
    if name in READ_EXPRESSIONS or _root_name(func) in NOT_LOOP_MODELS:
        return False
    # An API response schema (DutyIncidentOut(state=incident.state)) reports the state, never a model.
    if isinstance(func, ast.Name) and name.endswith("Out"):
        return False
    if name == "setattr" and len(call.args) >= 2:
        return _is_state_key(call.args[1])
    if name == "bulk_update":
        fields = (
            call.args[1]
            if len(call.args) >= 2
            else next((k.value for k in call.keywords if k.arg == "fields"), None)
        )
        return isinstance(fields, ast.List | ast.Tuple | ast.Set) and any(
            _is_state_key(e) for e in fields.elts
        )
    # A write method, or a model's constructor (a capitalised name): Case(state=…).
    if name in WRITE_METHODS or (isinstance(func, ast.Name) and name[:1].isupper()):
        for keyword in call.keywords:
            if keyword.arg in ("defaults", "create_defaults") and _dict_sets_state(keyword.value):
                return True  # update_or_create(defaults={"state": …})
            if keyword.arg in STATE_FIELDS:
                return True
            if (
                keyword.arg is None
                and isinstance(keyword.value, ast.Dict)  # **{"state": …}
                and any(_is_state_key(k) for k in keyword.value.keys)
            ):
                return True
    return False


def _flat(targets: list[ast.expr]) -> Iterator[ast.expr]:
    """Assignment targets with tuples unpacked: `case.state, case.closed_at = …` writes the state."""
    for target in targets:
        if isinstance(target, ast.Tuple | ast.List):
            yield from _flat(list(target.elts))
        else:
            yield target


def state_writes(source: str, rel: str) -> list[str]:
    """Every write of a state field in `source` (the file at `rel`), as "rel:line: code"."""
    if rel.startswith(STATE_WRITERS):
        return []
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in _flat(targets):
                if (
                    isinstance(target, ast.Attribute)
                    and target.attr in STATE_FIELDS
                    and (rel, ast.unparse(target)) not in NOT_LOOP_STATES
                ):
                    found.append(f"{rel}:{node.lineno}: {ast.unparse(node)[:100]}")
        if isinstance(node, ast.Call) and _call_writes_state(node):
            found.append(f"{rel}:{node.lineno}: {ast.unparse(node)[:100]}")
    return found


# ---------------------------------------------------------------- import direction


def _imported_modules(tree: ast.AST) -> Iterator[tuple[int, str]]:
    for node in ast.walk(tree):  # walks into functions too: a lazy import is still an import
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.lineno, node.module
            for alias in node.names:  # from mochou import demo
                yield node.lineno, f"{node.module}.{alias.name}"


def _is_upper(module: str) -> bool:
    top = module.split(".")[0]
    return top in UPPER_APPS or any(module == m or module.startswith(m + ".") for m in UPPER_PROJECT_MODULES)


def upward_imports(source: str, rel: str) -> list[str]:
    """Imports of an upper app in a core app's module `rel`, as "rel:line imports module"."""
    app = rel.split("/")[0]
    if app not in CORE_APPS:
        return []
    found = []
    for line, module in _imported_modules(ast.parse(source)):
        # The core serves every loop: loop imports no cases module either.
        if _is_upper(module) or (app == "loop" and module.split(".")[0] == "cases"):
            found.append(f"{rel}:{line} imports {module}")
    return found


def tree_offences(check: object) -> list[str]:
    offences: list[str] = []
    for path in python_files():
        rel = path.relative_to(ROOT).as_posix()
        offences += check(path.read_text(encoding="utf-8"), rel)  # type: ignore[operator]
    return offences
