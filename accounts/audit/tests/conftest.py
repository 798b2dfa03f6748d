"""An auditor for the city, and a helper that posts an admin form as a browser would."""

from __future__ import annotations

from typing import Any

import pytest
from django.forms import MultiWidget
from django.test import Client

from accounts.models import Role, User
from tests.factories import City, make_user


@pytest.fixture
def auditor(city: City) -> User:
    return make_user("auditor", Role.AUDITOR, None, display_name="陈审计")


@pytest.fixture
def admin_client(client: Client, city: City) -> Client:
    client.force_login(city.users["admin"])
    return client


def form_data(response: Any, **changes: Any) -> dict[str, Any]:
    """The POST data of the admin change form in `response`, as it stands, with `changes` applied."""
    form = response.context["adminform"].form
    data: dict[str, Any] = {}
    for name, field in form.fields.items():
        if field.disabled:
            continue
        value = form[name].value()
        if value is None or value is False:
            continue
        if isinstance(field.widget, MultiWidget):  # a split date and time: name_0, name_1
            for i, part in enumerate(field.widget.decompress(value) or ()):
                if hasattr(part, "microsecond"):  # a browser's time input has no microseconds
                    part = part.replace(microsecond=0)
                data[f"{name}_{i}"] = part.isoformat() if hasattr(part, "isoformat") else part
            continue
        data[name] = "on" if value is True else value
    # The inlines (a version's rows) as they stand: their management forms and every row.
    for inline in response.context.get("inline_admin_formsets", ()):
        formset = inline.formset
        data.update({f"{formset.prefix}-{k}": v for k, v in formset.management_form.initial.items()})
        for row in formset.initial_forms:
            for name in row.fields:
                value = row[name].value()
                if value is not None and value is not False:
                    data[row.add_prefix(name)] = "on" if value is True else value
    for name, value in changes.items():
        if value is False:
            data.pop(name, None)
        else:
            data[name] = "on" if value is True else value
    return data
