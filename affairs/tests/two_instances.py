"""Run inside each served instance's database (`mochou shell -c …`) by test_two_instances.py.

Each function prints one JSON line the test reads. The two instances are two regions: `here` is
this instance's region code, `there` the partner's code, port and the shared key.
"""

from __future__ import annotations

import json
import os
from typing import Any

MATTER = "GAJ-HJ-TB01"
KEY = "two-instances-share-this-key-for-the-test-only"


def _print(value: Any) -> None:
    print(json.dumps(value, ensure_ascii=False))


def setup(fields: str = "") -> None:
    """Both regions' units, staff and the 通办 matter (with `fields`, affairs.formfields lines)."""
    from accounts.models import Role, User
    from affairs import catalogue
    from affairs.formfields import parse_fields
    from affairs.models import Partner
    from org.models import Unit, UnitKind
    from worktime.seeding import add_weekend_year, known_years, seed_year

    # The year ahead may not be in the chinese_calendar package yet: a provisional weekends-only
    # calendar then, as the demo does.
    for year in (2025, 2026, 2027):
        seed_year(year) if year in known_years() else add_weekend_year(year)
    office = Unit.objects.create(
        code="D-ZSJ", name="政务服务和大数据管理局", short_name="政数局", kind=UnitKind.DEPARTMENT
    )
    police = Unit.objects.create(code="D-GAJ", name="公安局", short_name="公安局", kind=UnitKind.DEPARTMENT)
    for username, role, unit in (
        ("window", Role.CLERK, office),
        ("gaj_clerk", Role.CLERK, police),
        ("gaj_leader", Role.UNIT_LEADER, police),
    ):
        User.objects.create_user(username=username, password="!", role=role, unit=unit, display_name=username)
    catalogue.import_matter(
        actor=None,
        code=MATTER,
        values={
            "name": "户口迁移（跨域通办）",
            "category": "hukou",
            "department": police,
            "kind": "promised",
            "statutory_days": 20,
            "promised_days": 5,
            "materials": catalogue.parse_materials("居民身份证｜原件｜1\n户口簿｜原件｜1"),
            "fields": parse_fields(fields),
            "steps": catalogue.DEFAULT_STEPS,
            "fee": "不收费",
            "online": True,
            "at_window": True,
            "visits": 0,
            "how": "",
            "location": "",
            "legal_basis": "《中华人民共和国户口登记条例》",
            "guide": None,
        },
    )
    Partner.objects.create(
        code=os.environ["PARTNER_CODE"],
        name=os.environ["PARTNER_NAME"],
        base_url=f"http://127.0.0.1:{os.environ['PARTNER_PORT']}",
        key=KEY,
    )
    _print({"ok": True})


def forward(name: str, id_number: str) -> None:
    """At this window: receive for the partner, 预审 passes, 转办理地; the sweep sends it."""
    from accounts.models import User
    from affairs import services
    from affairs.exchange import outbox
    from affairs.models import Matter, Partner
    from affairs.services.applications import ApplicantData
    from affairs.workflow import Channel

    window = User.objects.get(username="window")
    app = services.submit(
        Matter.objects.live().get(code=MATTER),
        ApplicantData(name, id_number, "13907211234"),
        provided=["居民身份证", "户口簿"],
        channel=Channel.WINDOW,
        actor=window,
        partner=Partner.objects.get(),
    )
    app = services.forward(app, actor=window)
    sent = outbox.sweep()
    app.refresh_from_db()
    _print({"number": app.number, "state": app.state, "remote_number": app.remote_number, "sent": sent})


def handle(remote_number: str) -> None:
    """At the handling region: the application that came over is accepted, approved and granted."""
    from accounts.models import User
    from affairs import services
    from affairs.exchange import outbox
    from affairs.models import Application

    app = Application.objects.get(remote_number=remote_number, origin__isnull=False)
    before = app.state
    app = services.accept(app, actor=User.objects.get(username="window"))
    app = services.approve_step(app, actor=User.objects.get(username="gaj_clerk"))
    app = services.grant(app, actor=User.objects.get(username="gaj_leader"), licence_number="QY-0001")
    sent = outbox.sweep()
    _print({"number": app.number, "before": before, "state": app.state, "channel": app.channel, "sent": sent})


def deliver(number: str) -> None:
    from accounts.models import User
    from affairs import services
    from affairs.exchange import outbox
    from affairs.models import Application

    app = Application.objects.get(number=number)
    seen = {
        "state": app.state,
        "remote_progress": app.remote_progress,
        "licence": app.licence_number,
        "events": list(app.events.order_by("seq").values_list("action", flat=True)),
    }
    app = services.deliver(app, actor=User.objects.get(username="window"), delivery="window")
    _print({**seen, "after": app.state, "sent": outbox.sweep()})


def state(number: str) -> None:
    from affairs.models import Application, ExchangeMessage

    app = Application.objects.get(number=number)
    pending = ExchangeMessage.objects.filter(delivered_at__isnull=True).count()
    _print({"state": app.state, "delivery": app.delivery, "pending": pending})


def passwords() -> None:
    """The browser journey signs the staff in (tests/browser/test_affairs_crossregion.py)."""
    from accounts.models import User
    from tests.factories import PASSWORD

    for user in User.objects.all():
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])
    _print({"ok": True})


def sweep() -> None:
    """The exchange's outbox sent by the sweep (no worker runs beside `serve --no-worker`)."""
    from affairs.exchange import outbox

    _print({"sent": outbox.sweep()})
