"""Each counter and rate of the known world (stats/tests/world.py), asserted by hand; the exact
path from the event log equal to the fact tables; the ledger's columns adding up to the page."""

from __future__ import annotations

from datetime import date

import pytest

from stats.build import rebuild_all, refresh
from stats.counting import Window
from stats.daily import count_units
from stats.exact import exact_counts
from stats.ledger import ledger, summed
from stats.periods import Period
from stats.queries import unit_rates
from stats.tests.world import build

PERIOD = Period(date(2025, 9, 22), date(2025, 10, 31))


@pytest.fixture
def world(city, clock):
    return build(city, clock)


def _shown(table, name):
    rows = {r.name: r for r in [*table.rows, table.centre, table.city]}
    return {code: v.shown for code, v in rows[name].rates.items()}


def test_housing_counts_its_returned_reopened_and_late_cases_as_the_rules_say(world):
    housing = _shown(unit_rates(PERIOD), "市住建局")
    # A on time; B accepted late (and answered late); E on time; C returned in time: not counted.
    assert housing["accept_on_time"] == "66.67%"
    # A, B (late), E and E's reopened spell: 3 of 4 on time, all 4 answered.
    assert housing["handle_on_time"] == "75.00%"
    assert housing["closure"] == "100.00%"
    # A and E responded; B was accepted late; E's reopened spell is not a new response.
    assert housing["response"] == "66.67%"
    # Final callbacks: A 满意 resolved, B 基本满意 unresolved, E 非常满意 resolved; E's 差评 went to
    # rectification (not final), then the case was reopened and rated again.
    assert housing["resolution"] == "66.67%"
    assert housing["satisfaction"] == "100.00%"
    assert housing["callback"] == "100.00%"
    assert housing["return"] == "25.00%"  # C of A, B, C, E
    assert housing["reopen"] == "25.00%"  # E's first answer of four answers
    assert housing["intake"] == "—"


def test_the_township_counts_the_case_the_department_returned_and_the_unreachable_citizen(world):
    township = _shown(unit_rates(PERIOD), "郢中街道")
    assert township["accept_on_time"] == "100.00%"
    assert township["handle_on_time"] == "100.00%"
    assert township["response"] == "100.00%"
    assert township["callback"] == "100.00%"  # unreachable after three attempts counts as called back
    assert township["resolution"] == "—"  # … but not as rated
    assert township["satisfaction"] == "—"


def test_an_open_overdue_case_and_a_late_return_count_against_the_unit(world):
    table = unit_rates(PERIOD)
    education = next(r for r in table.rows if r.name == "市教育局")
    # F never accepted: late at its deadline; H returned after its deadline: late; H back after the
    # rejected dispute, accepted at once: on time; H's fresh handling deadline has not come yet.
    assert education.counts["accept_due"] == 3
    assert education.counts["accepted_on_time"] == 1
    assert education.counts["handle_due"] == 1  # F only
    assert education.counts["handled"] == 0
    assert education.counts["dispatched"] == 3  # F, H, H again after the rejected dispute
    assert education.counts["returned"] == 1


def test_the_centre_answers_at_intake_and_the_merged_duplicate_counts_nowhere(world):
    table = unit_rates(PERIOD)
    centre = _shown(table, "12345热线中心")
    # G answered at intake; the centre disposed of A, B, C, E, F, H by dispatch (D was merged).
    assert centre["intake"] == "14.29%"  # 1 / 7
    assert table.centre.counts["disposed"] == 7
    assert centre["satisfaction"] == "100.00%"  # G
    assert centre["callback"] == "100.00%"  # every answer of the city was called back (6 of 6)
    assert table.centre.counts["callback_due"] == 6
    assert table.city.counts["rated"] == 4  # A, B, E, G (C unreachable)


def test_exact_recomputation_from_the_event_log_equals_the_tables(world):
    w = Window(PERIOD.since, PERIOD.as_of())
    assert count_units(w) == {}  # nothing folded yet: the tables are read only after a refresh
    assert refresh() == len(world.cases)
    assert count_units(w) == exact_counts(PERIOD)
    assert count_units(w)  # something was counted


def test_the_ledger_adds_up_to_the_page(world):
    rows = ledger(PERIOD, user=world.city.users["supervisor"])
    w = Window(PERIOD.since, PERIOD.as_of())
    assert summed(rows) == count_units(w)
    by_number = {}
    for r in rows:
        by_number.setdefault(r.title[:1], []).append(r)
    # C counts twice: its return to 市住建局, everything else to 郢中街道.
    assert sorted(r.unit for r in by_number["C"]) == ["郢中街道", "钟祥市住房和城乡建设局"]
    assert by_number["D"][0].counted.startswith("排除：重复件，已合并至")
    assert by_number["F"][0].accept == ["签收超时未签收"]
    assert by_number["F"][0].handle == ["超期未答复"]


def test_an_earlier_period_is_not_changed_by_what_happened_after_it(world):
    september = Period(date(2025, 9, 22), date(2025, 9, 30))
    table = unit_rates(september)
    housing = next(r for r in table.rows if r.name == "市住建局")
    # B was answered on 10-09: at the end of September it was due (09-30) and not answered.
    assert housing.counts["handle_due"] == 4
    assert housing.counts["handled"] == 3
    # B's callback (10-10) is October's: September rated A and E only.
    assert housing.counts["rated"] == 2
    assert exact_counts(september) == count_units(Window(september.since, september.as_of()))


def test_rebuilding_is_idempotent(world):
    refresh()
    w = Window(PERIOD.since, PERIOD.as_of())
    before = count_units(w)
    assert rebuild_all() == len(world.cases)
    assert rebuild_all() == len(world.cases)
    assert count_units(w) == before
