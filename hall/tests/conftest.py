"""A small hall: the office and its clerk (affairs' fixtures), a queue A (default) and B (the
housing department's), a 综窗 01 and a housing window 05 staffed by the department's clerk."""

from __future__ import annotations

from datetime import time
from typing import Any

import pytest

from accounts.models import Role, User
from affairs.models import Matter
from affairs.tests.conftest import matter, matter_values, office, office_leader, person, quick_matter, window
from hall.models import Queue, Slot, Window
from tests.factories import City, make_user

__all__ = ["matter", "matter_values", "office", "office_leader", "person", "quick_matter", "window"]


@pytest.fixture
def queues(city: City, office: Any) -> dict[str, Queue]:
    a = Queue.objects.create(letter="A", name="综合", is_default=True)
    b = Queue.objects.create(letter="B", name="住建")
    b.departments.add(city.housing)
    return {"A": a, "B": b}


@pytest.fixture
def other_matter(city: City, office: Any) -> Matter:
    from affairs import catalogue

    values = matter_values(city, name="教师资格认定", department=city.education)
    m, _ = catalogue.import_matter(actor=None, code="JYJ-JSZG-01", values=values)
    return m


@pytest.fixture
def comprehensive(queues: dict[str, Queue]) -> Window:
    return Window.objects.create(number="01", name="综合受理", comprehensive=True, order=1)


@pytest.fixture
def housing_clerk(city: City) -> User:
    return city.users["clerk"]  # 市住建局's clerk


@pytest.fixture
def housing_window(city: City, queues: dict[str, Queue], housing_clerk: User) -> Window:
    w = Window.objects.create(number="05", name="住建公积金", order=5)
    w.departments.add(city.housing)
    w.clerks.add(housing_clerk)
    return w


@pytest.fixture
def slots(queues: dict[str, Queue]) -> list[Slot]:
    return [
        Slot.objects.create(queue=queues["B"], start=time(9, 0), end=time(10, 0), capacity=2),
        Slot.objects.create(queue=queues["B"], start=time(14, 30), end=time(15, 30), capacity=2),
    ]


@pytest.fixture
def guide(office: Any) -> User:
    """The office's second clerk, at the entrance's 咨询台."""
    return make_user("guide", Role.CLERK, office, display_name="导办员")


@pytest.fixture(autouse=True)
def _hall_queues(queues: dict[str, Queue]) -> None:
    """Every test of the hall has its two queues."""
