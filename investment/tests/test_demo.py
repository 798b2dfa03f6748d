"""The demo seed: ~60 projects, every state of the loop, every review step, twice (idempotent)."""

from __future__ import annotations

import pytest

from conftest import WORKING_MORNING
from investment.demo import seed_investment
from investment.models import (
    ParkOutput,
    Project,
    ProjectProblem,
    ReportStatus,
    Signing,
    SigningKind,
    StageReport,
    StallExplanation,
    Target,
)
from investment.reports import park_share
from investment.workflow import State

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock", "calendar")]


def test_demo_seeds_every_state_and_review_step_once() -> None:
    from accounts.demo import seed_users
    from enterprises.demo import seed_enterprises
    from org.demo import seed_org

    seed_org()
    seed_users()
    seed_enterprises()
    seed_investment(seed=7, now=WORKING_MORNING)
    assert Project.objects.count() == 60
    assert set(Project.objects.values_list("state", flat=True)) == set(State.values)
    statuses = set(StageReport.objects.values_list("status", flat=True))
    assert statuses == {ReportStatus.DRAFT, ReportStatus.SUBMITTED, ReportStatus.PUBLISHED}
    assert StageReport.objects.filter(status=ReportStatus.DRAFT).exclude(review_note="").exists()  # sent back
    assert set(Signing.objects.values_list("kind", flat=True)) == set(SigningKind.values)
    assert Project.objects.filter(investor__isnull=False).exists()  # 店小二 enterprises
    share = park_share(WORKING_MORNING.date().replace(month=1, day=1), WORKING_MORNING.date())
    assert share["share"] is not None
    assert 60 < share["share"] < 90
    assert ProjectProblem.objects.exists()  # 要素保障 raised as appeals
    assert StallExplanation.objects.exists()
    assert Target.objects.filter(year=WORKING_MORNING.year).count() > 6

    def counts() -> tuple[int, ...]:
        models = (Project, StageReport, ParkOutput, ProjectProblem, StallExplanation, Target)
        return tuple(m.objects.count() for m in models)

    before = counts()
    seed_investment(seed=7, now=WORKING_MORNING)
    assert counts() == before
