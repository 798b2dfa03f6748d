"""The counting rules of 招商引资, written once and enforced here (called when a stage is approved).

1. Only approved stages count (a draft, a submitted or a returned report counts nothing).
2. A project's signing counts once, at the date of its **first** approved 签约: signing it again
   (a lost project won back, a second ceremony) writes nothing. The database holds it too
   (`investment_first_signing_once`).
3. An upgrade (增资扩产) counts its **increment** (new total − old total) in the upgrade's month,
   and no new signing.
4. A change of investor is a **new signing**: one more signing, the project's whole total, in the
   month of the change.
5. Duplicate projects are refused (duplicates.check_duplicates): the same investor's live
   project of the same or near-same name, or another investor's live project of the same name.
   An investor may hold several projects, each counted at its own first signing (rule 2).
6. ≥10亿元: a signing whose counted amount (for an upgrade: the increment; otherwise the total)
   is at least `config().major_threshold` 万元.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from investment.config import config

from .models import Project, Signing, SigningKind, StageReport
from .workflow import Action


def _signing(
    project: Project, report: StageReport, kind: str, counted: int, amount: Decimal, now: datetime
) -> Signing:
    return Signing.objects.create(
        project=project,
        report=report,
        kind=kind,
        date=report.date,
        counted=counted,
        amount=amount,
        major=amount >= config().major_threshold,
        chain_id=project.chain_id,
        park_id=project.park_id,
        township_id=project.township_id,
        created_at=now,
    )


def count_approved(
    project: Project, report: StageReport, *, old_total: Decimal, now: datetime
) -> Signing | None:
    """Write what an approved report counts (rules 2–4), or None when it counts nothing."""
    if report.stage == Action.SIGN:
        if project.signings.filter(kind=SigningKind.NEW).exists():
            return None  # rule 2: counted at its first signing already
        return _signing(project, report, SigningKind.NEW, 1, project.total_investment, now)
    if report.stage == Action.UPGRADE:
        return _signing(project, report, SigningKind.UPGRADE, 0, project.total_investment - old_total, now)
    if report.stage == Action.CHANGE_INVESTOR:
        return _signing(project, report, SigningKind.INVESTOR_CHANGE, 1, project.total_investment, now)
    return None
