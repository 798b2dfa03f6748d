"""The house rules hold over the whole tree (bench included), and the checks catch planted code."""

from __future__ import annotations

import pytest

from mochou.tests.structure import python_files, state_writes, tree_offences, upward_imports


def test_the_tree_is_read_bench_included() -> None:
    read = {path.parts[-2] for path in python_files()}
    assert {"bench", "cases", "loop", "triage"} <= read


def test_no_state_is_written_outside_the_loop_core_and_the_verbs() -> None:
    assert tree_offences(state_writes) == []


def test_no_core_app_imports_an_app_built_on_it() -> None:
    assert tree_offences(upward_imports) == []


PLANTED_STATE_WRITES = [
    "case.state = State.CLOSED",
    "parent.state: str = 'closed'",
    "Case.objects.filter(pk=1).update(\n    title='x',\n    state='closed',\n)",
    "qs.update(state=new)",
    "Case.objects.create(number='1', state=State.CLOSED)",
    "Case(number='1', state='closed').save()",
    "Case.objects.filter(pk=1).update(**{'state': 'closed'})",
    "Case.objects.bulk_update(rows, ['title', 'state'])",
    "Case.objects.bulk_update(rows, fields=('state',))",
    "setattr(case, 'state', 'closed')",
    "case.state, case.closed_at = State.CLOSED, now",
    "Case.objects.update_or_create(number='1', defaults={'state': 'closed'})",
]


@pytest.mark.parametrize("code", PLANTED_STATE_WRITES)
def test_a_planted_state_write_is_caught(code: str) -> None:
    assert state_writes(
        f"def view(case, qs, rows, new):\n    {code.replace(chr(10), chr(10) + '    ')}\n", "cases/views/x.py"
    )
    # bench is no exception: its generator takes states from the table, not by writing them.
    assert state_writes(code, "bench/generate.py")


def test_reads_and_the_verbs_own_writes_are_not_offences() -> None:
    reads = "Case.objects.filter(state='closed').exclude(state='merged').count()\nx = case.state\n"
    assert state_writes(reads, "cases/views/x.py") == []
    assert state_writes("case.state = to_state", "cases/services/dispatch.py") == []
    assert state_writes("call.state = event.state", "console/calls.py") == []
    assert state_writes("other.state = event.state", "console/calls.py")
    assert state_writes("Call.objects.create(state=s)\nCallEvent(state=s)", "console/calls.py") == []


@pytest.mark.parametrize(
    "code",
    [
        "from triage.services import triage_new_case",
        "def later():\n    from portal.links import rating_url\n",
        "import knowledge.search",
        "from mochou import demo",
        "from mochou.demo import seed_demo",
    ],
)
def test_a_planted_upward_import_is_caught(code: str) -> None:
    for rel in ("cases/services/intake.py", "org/models.py", "worktime/calendar.py", "accounts/x.py"):
        assert upward_imports(code, rel), rel


def test_the_core_serves_every_loop_without_knowing_the_cases() -> None:
    assert upward_imports("from cases.models import Case", "loop/verbs.py")
    assert upward_imports("from cases.models import Case", "cases/forms.py") == []
    assert upward_imports("from mochou.errors import DomainError", "cases/forms.py") == []
    assert upward_imports("from triage.services import x", "portal/views.py") == []


def test_every_app_is_core_base_or_built_on_the_core() -> None:
    from mochou.tests.structure import BASE_APPS, CORE_APPS, UPPER_APPS

    assert {"triage", "portal", "replytemplates"} <= UPPER_APPS
    assert not (UPPER_APPS & (CORE_APPS | BASE_APPS))
