"""A closed case changes only through an explicit permission; the change is an event and audited."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission

from accounts.audit.models import AuditRecord
from accounts.models import Role, User
from cases import services
from cases.models import Case, Category, Kind, Satisfaction
from cases.workflow import Action, State
from mochou.errors import InvalidInput, NotPermitted, TransitionNotAllowed
from tests.factories import City, accepted_case, closed_case, make_user

pytestmark = pytest.mark.django_db


def grant_override(user: User) -> User:
    user.user_permissions.add(Permission.objects.get(codename="override_closed_case"))
    return User.objects.get(pk=user.pk)  # a fresh object: Django caches permissions per object


def test_a_forced_edit_of_a_closed_case_without_the_permission_is_refused_and_changes_nothing(
    city: City, clock: object
) -> None:
    case = closed_case(city)
    events = case.events.count()
    administrator = make_user("admin-2", Role.ADMIN, city.centre, display_name="钱管理", is_staff=True)
    users = [administrator, *(city.users[who] for who in ("supervisor", "dispatcher", "agent", "clerk"))]
    for user in users:  # an administrator's role is not the permission; a superuser has every one
        with pytest.raises(NotPermitted):
            services.override_closed(case, actor=user, changes={"kind": Kind.HELP}, reason="分类统计有误")
    case = Case.objects.get(pk=case.pk)
    assert case.kind == Kind.COMPLAINT
    assert case.events.count() == events
    assert not AuditRecord.objects.filter(action="case.override").exists()


def test_with_the_permission_the_correction_is_an_event_and_audited_with_old_and_new_values(
    city: City, clock: object
) -> None:
    case = closed_case(city)
    admin = grant_override(city.users["supervisor"])
    other = Category.objects.create(name="其他", level=1, path="其他")
    services.override_closed(
        case,
        actor=admin,
        changes={"category": other, "satisfaction": Satisfaction.BASICALLY},
        reason="回访员误录满意度，分类按复核意见更正",
    )
    case = Case.objects.get(pk=case.pk)
    assert (case.state, case.category, case.satisfaction) == (State.CLOSED, other, Satisfaction.BASICALLY)
    event = case.events.last()
    assert event is not None
    assert event.action == Action.OVERRIDE
    assert event.payload == {
        "old": {"category": city.category.pk, "satisfaction": Satisfaction.SATISFIED},
        "new": {"category": other.pk, "satisfaction": Satisfaction.BASICALLY},
    }
    audit = AuditRecord.objects.get(action="case.override")
    assert (audit.actor, audit.target_id, audit.reason) == (
        admin,
        str(case.pk),
        "回访员误录满意度，分类按复核意见更正",
    )
    assert audit.old == {"category": city.category.pk, "satisfaction": Satisfaction.SATISFIED}
    assert audit.new == {"category": other.pk, "satisfaction": Satisfaction.BASICALLY}


def test_only_closed_cases_and_only_the_correctable_fields(city: City, clock: object) -> None:
    admin = grant_override(city.users["admin"])
    with pytest.raises(TransitionNotAllowed):
        services.override_closed(
            accepted_case(city), actor=admin, changes={"kind": Kind.HELP}, reason="分类统计有误"
        )
    case = closed_case(city)
    with pytest.raises(InvalidInput):
        services.override_closed(case, actor=admin, changes={"due_at": None}, reason="想改期限")
    with pytest.raises(InvalidInput):
        services.override_closed(case, actor=admin, changes={"kind": Kind.COMPLAINT}, reason="其实没有变化")
    with pytest.raises(InvalidInput):
        services.override_closed(case, actor=admin, changes={"kind": Kind.HELP}, reason="")
