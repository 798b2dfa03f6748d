"""Time limits are versioned: a case keeps the limits it came in under; a change is a new version."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from accounts.audit.models import AuditRecord
from cases import services
from cases.models import Case, CategoryLimit, LimitVersion
from cases.services.common import limits
from cases.workflow import Action
from loop.versions import ReadOnlyVersion, new_draft, publish
from mochou.errors import Conflict, InvalidInput
from tests.factories import City, accepted_case, make_case
from worktime.calendar import add_working_days

pytestmark = pytest.mark.django_db


def new_limits(city: City, *, handle_days: int, start_in: timedelta = timedelta(0)) -> LimitVersion:
    """A dispatcher-free admin's new version: copy, change the top category's handling limit, publish."""
    admin = city.users["admin"]
    current = LimitVersion.in_force(timezone.now())
    draft = new_draft(LimitVersion, actor=admin, valid_from=timezone.now() + start_in, copy_from=current)
    entry = draft.entries.get(category__path="城乡建设")
    entry.handle_days = handle_days
    entry.save()
    return publish(draft, actor=admin, reason="市政府办公室关于压缩办理时限的通知")


def test_a_limit_changed_while_cases_run_leaves_their_deadlines_and_new_cases_take_the_new_limit(
    city: City, clock: object
) -> None:
    running = accepted_case(city)
    due_before, first = running.due_at, running.limit_version
    assert first is not None
    waiting = make_case(city)  # registered under version 1, dispatched after the change
    new_limits(city, handle_days=2)
    services.dispatch(waiting, actor=city.users["dispatcher"], lead_unit=city.housing)
    fresh = make_case(city)
    services.dispatch(fresh, actor=city.users["dispatcher"], lead_unit=city.housing)

    running, waiting, fresh = (Case.objects.get(pk=c.pk) for c in (running, waiting, fresh))
    assert running.due_at == due_before
    assert running.limit_version == first
    now = timezone.now()
    assert waiting.dispatched_at is not None
    assert fresh.limit_version is not None
    assert waiting.due_at == add_working_days(waiting.dispatched_at, 5)  # the limits it came in under
    assert fresh.due_at == add_working_days(now, 2)
    assert fresh.limit_version.number == 2
    assert fresh.events.get(action=Action.DISPATCH).payload["limit_version"] == 2
    assert limits(running) == (2, 5)  # reopening would use the case's own limits too


def test_a_published_version_is_read_only_and_a_new_version_starts_as_a_copy(
    city: City, clock: object
) -> None:
    first = LimitVersion.objects.get(number=1)
    first.note = "改一下"
    with pytest.raises(ReadOnlyVersion):
        first.save()
    entry = first.entries.get()
    entry.handle_days = 99
    with pytest.raises(ReadOnlyVersion):
        entry.save()
    with pytest.raises(ReadOnlyVersion):
        entry.delete()
    draft = new_draft(
        LimitVersion,
        actor=city.users["admin"],
        valid_from=timezone.now() + timedelta(days=1),
        copy_from=first,
    )
    assert draft.number == 2
    assert not draft.is_published
    assert list(draft.entries.values_list("category_id", "handle_days")) == [(entry.category_id, 5)]
    assert CategoryLimit.objects.get(pk=entry.pk).handle_days == 5


def test_publishing_closes_the_open_version_and_refuses_overlaps_and_the_past(
    city: City, clock: object
) -> None:
    admin, now = city.users["admin"], timezone.now()
    second = new_limits(city, handle_days=3, start_in=timedelta(days=10))
    first = LimitVersion.objects.get(number=1)
    assert first.valid_to == second.valid_from  # closed where the next begins
    assert LimitVersion.in_force(now) == first
    assert LimitVersion.in_force(now + timedelta(days=11)) == second
    clash = new_draft(LimitVersion, actor=admin, valid_from=now + timedelta(days=5))
    clash.valid_to = now + timedelta(days=12)
    clash.save()
    with pytest.raises(InvalidInput, match="重叠"):
        publish(clash, actor=admin)
    past = new_draft(LimitVersion, actor=admin, valid_from=now - timedelta(days=1))
    with pytest.raises(InvalidInput, match="不能早于"):
        publish(past, actor=admin)
    with pytest.raises(Conflict):
        publish(second, actor=admin)
    published = AuditRecord.objects.filter(action="setting.publish", target_id=str(second.pk)).get()
    assert published.old["status"] == "draft"
    assert published.new["status"] == "published"
    assert published.reason == "市政府办公室关于压缩办理时限的通知"
    assert AuditRecord.objects.filter(action="setting.close", target_id=str(first.pk)).exists()


def test_re_pinning_is_a_deliberate_event_that_keeps_granted_extensions(city: City, clock: object) -> None:
    case = accepted_case(city)
    services.request_extension(case, actor=city.users["clerk"], days=3, reason="需要协调施工队伍")
    services.decide_extension(case, actor=city.users["dispatcher"], approve=True)
    case = Case.objects.get(pk=case.pk)
    assert Action.REPIN not in services.CASES.guards.available(city.users["dispatcher"], case)
    new_limits(city, handle_days=2)
    case = Case.objects.get(pk=case.pk)
    assert Action.REPIN in services.CASES.guards.available(city.users["dispatcher"], case)
    with pytest.raises(InvalidInput):
        services.repin_limits(case, actor=city.users["dispatcher"], reason="")
    services.repin_limits(case, actor=city.users["dispatcher"], reason="按市政府新规定压缩时限")
    case = Case.objects.get(pk=case.pk)
    assert case.limit_version is not None
    assert case.dispatched_at is not None
    assert case.limit_version.number == 2
    assert case.due_at == add_working_days(add_working_days(case.dispatched_at, 2), 3)
    event = case.events.last()
    assert event is not None
    assert event.action == Action.REPIN
    assert event.payload["before"]["limit_version"] == 1
    assert datetime.fromisoformat(event.payload["after"]["due_at"]) == case.due_at
    assert AuditRecord.objects.filter(action="case.repin", target_id=str(case.pk)).exists()
    with pytest.raises(Conflict):  # already on the limits in force
        services.repin_limits(case, actor=city.users["dispatcher"], reason="再次重算一下")


def test_a_draft_becomes_published_only_through_publish(city: City, clock: object) -> None:
    draft = new_draft(LimitVersion, actor=city.users["admin"], valid_from=timezone.now() + timedelta(days=1))
    draft.status = "published"
    with pytest.raises(ReadOnlyVersion):
        draft.save()
    with pytest.raises(ReadOnlyVersion):
        LimitVersion.objects.create(number=9, status="published", valid_from=timezone.now())
    assert not LimitVersion.objects.get(pk=draft.pk).is_published
