"""Every model in the admin opens for an administrator, and records only the domain writes stay read-only."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse

from mochou.admin import ReadOnlyAdmin

pytestmark = pytest.mark.django_db


def test_every_admin_changelist_and_add_page_opens(client, city, clock) -> None:
    from tests.factories import closed_case

    closed_case(city)
    client.force_login(city.users["admin"])
    for model, model_admin in admin.site._registry.items():
        meta = model._meta
        changelist = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
        listing = client.get(changelist)
        assert listing.status_code == 200, changelist
        add = client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_add"))
        may_add = model_admin.has_add_permission(listing.wsgi_request)
        assert add.status_code == (200 if may_add else 403), meta.label


def test_logs_and_audits_cannot_be_edited_in_the_admin(client, city, clock) -> None:
    from accounts.models import PersonalDataView
    from cases.models import Case, CaseEvent

    read_only = {type(a).__name__ for m, a in admin.site._registry.items() if isinstance(a, ReadOnlyAdmin)}
    assert {
        "CaseAdmin",
        "PersonalDataViewAdmin",
        "AppealAdmin",
        "GuideRevisionAdmin",
        "SuggestionAdmin",
    } <= read_only
    assert isinstance(admin.site._registry[Case], ReadOnlyAdmin)
    assert isinstance(admin.site._registry[PersonalDataView], ReadOnlyAdmin)
    assert CaseEvent not in admin.site._registry  # shown inline on the case, never on its own
