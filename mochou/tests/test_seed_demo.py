"""The whole demo city (`mochou.demo.seed_demo` and `mochou seed_demo`): every state, through the services."""

from __future__ import annotations

from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.demo import DEMO_LOGINS, DEMO_PASSWORD
from accounts.models import Role, User
from cases.guards import has_callback_outcome
from cases.models import Case, CaseEvent, Category, Dispute, Extension, Rectification, Reply
from cases.workflow import Action, State
from org.demo import short_township_name
from org.models import Unit
from supervision.models import Notice
from supervision.workflow import State as NoticeState
from tests.module_data import module_data
from worktime.calendar import is_workday

# One seeding for the module, on one worker (tests/module_data.py).
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("seed_demo")]

N = 40


@pytest.fixture(scope="module")
def seeded(django_db_setup: None, django_db_blocker: Any) -> Iterator[str]:
    """The demo city, seeded once by the command as `./dev serve` does; what it printed."""
    with module_data(django_db_blocker):
        out = StringIO()
        call_command("seed_demo", cases=N, seed=7, stdout=out)
        yield out.getvalue()


def test_demo_cases_reach_every_state(seeded: str) -> None:
    assert Case.objects.filter(appeal__isnull=True).count() == N  # plus the demo enterprises' appeals
    assert set(Case.objects.values_list("state", flat=True)) == set(State.values)
    assert Case.objects.filter(state=State.CLOSED, reopen_count__gt=0).exists()
    assert Extension.objects.exists()
    assert Notice.objects.exists()


def test_every_case_is_what_its_event_log_says(seeded: str) -> None:
    for case in Case.objects.prefetch_related("events"):
        events = list(case.events.all())
        assert [e.seq for e in events] == list(range(1, len(events) + 1))
        assert events[0].action == "register"
        assert case.state == events[-1].to_state


def test_no_case_closes_without_an_approved_reply_and_a_callback(seeded: str) -> None:
    closed = Case.objects.filter(state=State.CLOSED)
    assert closed.exists()
    for case in closed:
        assert case.replies.filter(status=Reply.Status.APPROVED).exists()
        assert has_callback_outcome(case)


def test_everything_happened_in_the_past_on_working_days_in_order(seeded: str) -> None:
    now = timezone.now()
    for case in Case.objects.prefetch_related("events"):
        times = [e.created_at for e in case.events.all()]
        assert times == sorted(times)
        assert times[-1] <= now
        assert is_workday(timezone.localdate(case.created_at))
        assert (now - case.created_at).days <= 62


def test_demo_texts_are_localised_and_clean(seeded: str) -> None:
    # The citizens' cases; enterprise appeals carry their contact's full name.
    for case in Case.objects.filter(appeal__isnull=True):
        for artefact in ("_x000D_", "\t", "西地省", "A市"):
            assert artefact not in case.content
        assert case.citizen_name[-2:] in ("先生", "女士")
        assert case.township is not None


def test_demo_logins_exist_with_the_demo_password(seeded: str) -> None:
    for login in DEMO_LOGINS:
        user = User.objects.get(username=login.username)
        assert user.role == login.role
        assert user.check_password(DEMO_PASSWORD)
    assert User.objects.get(username="admin").is_superuser
    assert User.objects.get(username="zjj_leader").mobile.startswith("13900000")
    assert set(Role.values) <= set(User.objects.values_list("role", flat=True))


def test_seeding_twice_does_not_duplicate(seeded: str) -> None:
    assert "工单：" in seeded
    out = StringIO()
    counts = [m.objects.count() for m in (Unit, Category, User, Case, CaseEvent)]
    call_command("seed_demo", cases=N, stdout=out)
    assert [m.objects.count() for m in (Unit, Category, User, Case, CaseEvent)] == counts
    assert "未再生成" in out.getvalue()


def test_demo_shows_each_step_of_the_new_loop(seeded: str) -> None:
    # 派单异议: one open (the case waits for the ruling), one upheld and re-dispatched elsewhere,
    # one rejected and back with the unit that returned it.
    assert Dispute.objects.filter(status=Dispute.Status.PENDING, case__state=State.REGISTERED).exists()
    upheld = Dispute.objects.filter(status=Dispute.Status.UPHELD).exclude(case__lead_unit=None)
    assert any(d.case.lead_unit_id != d.unit_id for d in upheld)
    rejected = Dispute.objects.filter(status=Dispute.Status.REJECTED)
    assert any(d.case.lead_unit_id == d.unit_id for d in rejected)
    # 提级办理: a 问题工单 flagged by the system at the demo's own time.
    escalated = Case.objects.filter(escalated_at__isnull=False)
    assert escalated.exists()
    assert CaseEvent.objects.filter(action=Action.ESCALATE, actor=None).count() == escalated.count()
    # 差评整改: one running, one awaiting verification, one verified and back in the pool.
    r = Rectification.Status
    assert {r.OPEN, r.REPORTED, r.ACCEPTED} <= set(Rectification.objects.values_list("status", flat=True))
    assert Case.objects.filter(state=State.REPLIED, rectifications__status=r.ACCEPTED).exists()
    # The callback pool: several waiting, one claimed by an agent right now.
    pool = Case.objects.filter(state=State.REPLIED)
    assert pool.count() >= 2
    claimed = pool.filter(callback_claimed_until__gt=timezone.now(), callback_claimed_by__role=Role.AGENT)
    assert claimed.exists()
    # 督办单: signed for, answered (and approved), awaiting the leader, escalated.
    n = NoticeState
    states = set(Notice.objects.values_list("state", flat=True))
    assert {n.SIGNED, n.ANSWERED, n.PENDING_APPROVAL, n.ESCALATED} <= states


def test_demo_places_lie_in_the_case_township_and_categories_are_in_use(seeded: str) -> None:
    townships = {t.pk: short_township_name(t.name) for t in Unit.objects.townships()}
    written = 0
    for case in Case.objects.filter(appeal__isnull=True).select_related("category"):
        assert case.township_id is not None
        own = townships[case.township_id]
        assert case.address.startswith(own), (case.number, case.address)
        others = [name for pk, name in townships.items() if pk != case.township_id]
        text = case.title + case.content + case.address
        assert not [name for name in others if name in text], (case.number, text)
        assert case.category is not None
        assert case.category.is_active, case.category.path
        written += "某某" in case.address and case.address in case.content
    assert written >= N // 4  # the requests written per matter carry their address in the text
    # The matters a county city does not have (switched off by the catalogue's demo) get no case.
    for switched_off in ("地铁城铁", "冬季采暖", "海洋", "草原草场"):
        assert not Case.objects.filter(category__path__contains=switched_off).exists()
