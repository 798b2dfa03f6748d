"""The control office, two townships and their staff, and a violation in each state of the loop,
reached through the verbs (as users would)."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from PIL import Image

from accounts.models import Role, User
from enforcement import services
from enforcement.models import Channel, LandType, Structure, Violation
from enforcement.workflow import State
from org.models import Unit, UnitKind
from tests.factories import City, make_user


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (120, 90, 60)).save(out, format="PNG")
    return out.getvalue()


def pdf() -> bytes:
    """A small plain PDF (no script): what a scanned 复议/诉讼 document exports as."""
    return b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def doc(name: str = "复议申请书.pdf") -> list[tuple[str, bytes]]:
    return [(name, pdf())]


@dataclass
class Control:
    city: City
    office: Unit
    township: Unit
    other_township: Unit
    village: Unit
    users: dict[str, User]


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def control(city: City) -> Control:
    office = Unit.objects.create(
        code="D-KWB", name="钟祥市城乡违法建设治理办公室", short_name="市控违办", kind=UnitKind.DEPARTMENT
    )
    other = Unit.objects.create(code="420881002", name="皇庄街道", kind=UnitKind.TOWNSHIP)
    village = Unit.objects.create(
        code="V-YZ-MCH", name="莫愁湖社区", kind=UnitKind.VILLAGE, parent=city.township
    )
    users = {
        "kwb_clerk": make_user("kwb_clerk", Role.CLERK, office, display_name="控违承办"),
        "kwb_leader": make_user("kwb_leader", Role.UNIT_LEADER, office, display_name="控违主任"),
        "town_clerk": make_user("yzjd_clerk", Role.CLERK, city.township, display_name="郢中网格员"),
        "town_leader": make_user("yzjd_leader", Role.UNIT_LEADER, city.township, display_name="郢中主任"),
        "other_clerk": make_user("hzjd_clerk", Role.CLERK, other, display_name="皇庄网格员"),
    }
    return Control(city, office, city.township, other, village, users)


def report(control: Control, **overrides: Any) -> services.Report:
    values: dict[str, Any] = {
        "township": control.township,
        "village": control.village,
        "address": "郢中街道莫愁湖社区二组17号屋后",
        "area": "86.5",
        "structure": Structure.BRICK,
        "land_type": LandType.FARMLAND,
        "built_on": timezone.localdate() - timedelta(days=3),
        "channel": Channel.PATROL,
        "description": "耕地上新建砖混结构房屋一层，正在砌墙。",
        "owner_name": "张三丰",
        "owner_phone": "13812345678",
        "lat": 31.1675,
        "lng": 112.5880,
        "photos": [png()],
    }
    values.update(overrides)
    return services.Report(**values)


def fresh(v: Violation) -> Violation:
    return Violation.objects.get(pk=v.pk)


def violation_in(control: Control, state: State, **overrides: Any) -> Violation:
    """A violation in `state` by the shortest road through the table."""
    u = control.users
    v = services.report_violation(report(control, **overrides), actor=u["town_clerk"])
    if state == State.REPORTED:
        return v
    if state == State.DISMISSED:
        return services.dismiss(
            v, actor=u["kwb_clerk"], reason="unfounded", note="现场为临时堆放，无建设行为"
        )
    services.confirm(v, actor=u["kwb_clerk"])
    if state == State.CONFIRMED:
        return fresh(v)
    if state == State.PLANNED:
        return services.plan(
            v,
            actor=u["town_clerk"],
            due=timezone.localdate() + timedelta(days=90),
            note="列入2026年存量违建处置计划第一批",
        )
    services.stop(v, actor=u["town_clerk"])
    if state == State.STOPPED:
        return fresh(v)
    services.order(v, actor=u["town_clerk"], days=7)
    if state == State.ORDERED:
        return fresh(v)
    if state == State.APPEALED:
        return services.appeal(
            v,
            actor=u["town_clerk"],
            kind="review",
            document="钟政复申〔2025〕12号 行政复议申请",
            files=doc(),
        )
    services.self_demolish(v, actor=u["town_clerk"], photo_data=[png()])
    if state == State.DEMOLISHED:
        return fresh(v)
    services.reinspect(
        v, actor=u["kwb_clerk"], passed=True, photo_data=[png()], note="现场已拆除到位，恢复耕种条件"
    )
    if state == State.VERIFIED:
        return fresh(v)
    services.sign_off(v, actor=u["kwb_leader"])
    assert state == State.CLOSED
    return fresh(v)


OLD = date(2020, 5, 1)
