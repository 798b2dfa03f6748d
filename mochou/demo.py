"""The whole demo city, across every app: the working-day calendar, 钟祥's units, the categories,
the demo users, the guides of 莫愁指南, the triage rules and model, n cases in every state of the
loop, and the 店小二 enterprises with their appeals.

It lives here, above the apps, because it spans them all: each app seeds only its own data
(`org.demo`, `accounts.demo`, `cases.demo` for the cases, `knowledge.demo`, `triage.demo`,
`enterprises.demo`), and `cases` imports none of the apps built on it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from accounts.demo import seed_users
from affairs.demo import seed_affairs
from cases.demo import WINDOW_DAYS, seed_cases
from cases.models import Case
from cases.taxonomy import load_taxonomy
from duty.demo import seed_duty
from enforcement.demo import seed_enforcement
from enterprises.demo import EnterpriseDemoReport, seed_enterprises
from hall.demo import seed_hall
from intermediaries.demo import seed_intermediaries
from investment.demo import seed_investment
from knowledge.demo import seed_guides
from org.demo import seed_org
from replytemplates.demo import seed_reply_templates
from supervision.demo import seed_notices, seed_supervision
from triage.demo import seed_rules
from triage.services import ensure_model, suggestions_only
from worktime.seeding import add_weekend_year, known_years, seed_available_years


@dataclass
class DemoReport:
    calendar_years: list[int]
    provisional_years: list[int]
    units: dict[str, int]
    categories: dict[int, int]
    users: int
    cases: Counter[str] | None  # None when skipped because cases already existed
    enterprises: EnterpriseDemoReport | None = None


def seed_demo(
    n: int = 300, *, seed: int = 42, force: bool = False, now: datetime | None = None
) -> DemoReport:
    """Calendar, units, categories, users, then n cases — unless cases exist already (and not force).

    Everything but the cases is idempotent and always brought up to date.
    """
    moment = timezone.localtime(now or timezone.now())
    years = seed_available_years()
    # Deadlines run up to a few months ahead: a year the package does not know yet gets the
    # provisional weekends-only calendar that an admin corrects once the State Council's notice is out.
    needed = {
        (moment - timedelta(days=WINDOW_DAYS + 10)).year,
        moment.year,
        (moment + timedelta(days=120)).year,
    }
    provisional = sorted(year for year in needed if year not in known_years())
    for year in provisional:
        add_weekend_year(year)

    units = seed_org()
    seed_guides()
    categories = load_taxonomy()
    users = seed_users()
    seed_rules()
    seed_reply_templates()  # after the categories: templates hang on them
    cases = None
    if force or not Case.objects.exists():
        if settings.MOCHOU_TRIAGE:
            ensure_model()
        # Triage records its suggestions on the demo cases, but the seeder decides every
        # dispatch itself, so the demo spreads over all states as planned.
        with suggestions_only():
            cases = seed_cases(n, seed=seed, now=moment)
        # The case demo issued its 督办单 (cases.hooks.supervise): signed, answered, escalated here.
        seed_notices(seed=seed, now=moment)
    # After the cases: its first run files a few appeals, which would count as "cases exist".
    enterprises = seed_enterprises()
    # The loops built on the loop core after the hotline, each through its own services.
    seed_duty(seed=seed, now=moment)
    seed_enforcement(seed=seed, now=moment)
    seed_affairs(seed=seed, now=moment)
    seed_investment(seed=seed, now=moment)
    seed_intermediaries(seed=seed, now=moment)  # after the projects: they post the needs
    seed_hall(seed=seed, now=moment)  # after the matters: tickets are taken by matter
    seed_supervision(seed=seed, now=moment)  # 督查室: the meeting's decisions and the 八大计划
    return DemoReport(years, provisional, units, categories, len(users), cases, enterprises)
