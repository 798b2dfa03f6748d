"""The demo's 督办单 carried on: the case demo (cases.demo) issues them through the case loop's
督办 (so through issue_notice), here their units sign for and answer some, the leaders approve
most answers, and the sweep escalates the rest at the demo's now — all through the verbs, with
`now=` instants in the past. Deterministic for a given seed and now."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone

from accounts.models import Role, User
from supervision.models import Notice
from supervision.services import answer_notice, approve_answer, sign_notice
from supervision.sweeps import sweep_notices
from supervision.workflow import State
from worktime.calendar import add_working_hours

ANSWERS = (
    "收到督办单后，我单位已安排专人到现场核实，问题已处理完毕，并已电话告知诉求人处理结果。",
    "经核查，该问题属实，已责成相关科室限期整改，目前已完成整改，后续将加强日常巡查。",
    "我单位已与诉求人沟通，说明了政策依据和办理进度，预计本周内办结，办结后及时反馈。",
)


@dataclass
class NoticeDemoReport:
    by_state: dict[str, int] = field(default_factory=dict)
    escalated: int = 0


def _staff(notice: Notice, role: str) -> User | None:
    return User.objects.filter(unit=notice.unit, role=role, is_active=True).order_by("pk").first()


def _forced_rolls(notices: list[Notice], now: datetime) -> dict[int, float]:
    """Every outcome at least once when there are notices enough: the oldest left unsigned (so
    escalated), the next answered and approved, the third answered and waiting for the leader,
    and the newest whose 反馈期限 is still ahead signed for only."""
    forced = dict(zip((n.pk for n in notices), (0.1, 0.9, 0.4), strict=False))
    recent = [n for n in notices if n.respond_by and n.respond_by > now and n.pk not in forced]
    if recent:
        forced[recent[-1].pk] = 0.3
    return forced


def seed_notices(*, seed: int = 42, now: datetime | None = None) -> NoticeDemoReport:
    """Move the demo's 已下发 notices along; idempotent (a notice already moved is left)."""
    now = now or timezone.now()
    rng = random.Random(seed)  # noqa: S311  (a demo, not a secret)
    notices = list(Notice.objects.filter(state=State.ISSUED, previous=None).order_by("created_at", "pk"))
    forced = _forced_rolls(notices, now)
    for notice in notices:
        clerk = _staff(notice, Role.CLERK) or _staff(notice, Role.DISPATCHER)
        leader = _staff(notice, Role.UNIT_LEADER)
        roll = rng.random()
        roll = forced.get(notice.pk, roll)
        if clerk is None or roll < 0.2:
            continue  # left unsigned: the sweep escalates it
        signed = add_working_hours(notice.created_at, rng.uniform(0.3, 6))
        answered = add_working_hours(signed, rng.uniform(2, 20))
        approved = add_working_hours(answered, rng.uniform(0.5, 6))
        if signed >= now and notice.pk in forced:
            signed = notice.created_at + (now - notice.created_at) / 2  # signed for meanwhile
        if signed >= now:
            continue
        sign_notice(notice, actor=clerk, now=signed)
        if roll < 0.35 or answered >= now:
            continue  # signed, not answered yet
        answer_notice(notice, actor=clerk, body=rng.choice(ANSWERS), now=answered)
        if leader is None or roll < 0.45 or approved >= now:
            continue  # waiting for the leader
        approve_answer(notice, actor=leader, now=approved)
    swept = sweep_notices(now)
    report = NoticeDemoReport(escalated=swept["escalated"])
    for state in State:
        report.by_state[state.label] = Notice.objects.filter(state=state).count()
    return report


def seed_supervision(*, seed: int = 42, now: datetime | None = None) -> object:
    """The 督查室's demo (meeting record → tasks, the 八大计划): supervision.task_demo."""
    from supervision.task_demo import seed_tasks

    return seed_tasks(seed=seed, now=now or timezone.now())
