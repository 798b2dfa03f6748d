"""The 莫愁政务大厅 demo: its queues and windows (four 综窗 and five departments' windows), the
appointment slots, and tickets of today and the five working days before — taken, called,
served (some linked to the window's 办件), a few 过号 — and appointments for the coming days.

Everything goes through the services with explicit times, minute by minute as a day at the hall
would go, so the event logs and the waiting times are what the verbs leave. Idempotent: the
configuration is refreshed, the tickets and appointments are made once.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from accounts.models import Role, User
from affairs.models import Application, Matter
from affairs.office import office_unit
from affairs.workflow import Channel
from hall.models import Appointment, Queue, Slot, Ticket, Window
from hall.services import appointments as appts
from hall.services import tickets as svc
from org.models import Unit
from worktime.calendar import is_workday

# letter, name, departments (the default queue takes every other matter)
QUEUES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("A", "综合受理", ()),
    ("B", "不动产登记", ("D-ZRZY",)),
    ("C", "社保医保", ("D-RSJ", "D-YBJ")),
    ("D", "户政", ("D-GAJ",)),
    ("E", "企业开办", ("D-SCJ", "D-SWUJ")),
    ("F", "住建公积金", ("D-ZJJ",)),
)
# number, name, departments (none: a 综窗)
WINDOWS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("01", "综合受理", ()),
    ("02", "综合受理", ()),
    ("03", "综合受理", ()),
    ("04", "综合受理（帮办代办）", ()),
    ("05", "不动产登记", ("D-ZRZY",)),
    ("06", "社保医保", ("D-RSJ", "D-YBJ")),
    ("07", "户政", ("D-GAJ",)),
    ("08", "企业开办", ("D-SCJ", "D-SWUJ")),
    ("09", "住建公积金", ("D-ZJJ",)),
)
SLOTS = (
    (time(9, 0), time(10, 0)),
    (time(10, 0), time(11, 0)),
    (time(14, 30), time(15, 30)),
    (time(15, 30), time(16, 30)),
)
OPEN = ((time(9, 0), time(12, 0)), (time(14, 30), time(17, 0)))
PAST_DAYS = 5
NAMES = (
    "张桂英",
    "王建国",
    "李秀兰",
    "刘志强",
    "陈海燕",
    "杨国庆",
    "黄丽华",
    "赵俊杰",
    "周芳",
    "吴明",
    "徐伟",
    "孙小英",
)


def _units(codes: tuple[str, ...]) -> list[Unit]:
    return list(Unit.objects.filter(code__in=codes))


def seed_config() -> list[Window]:
    for letter, name, codes in QUEUES:
        q, _ = Queue.objects.update_or_create(letter=letter, defaults={"name": name, "is_default": not codes})
        q.departments.set(_units(codes))
        for start, end in SLOTS:
            Slot.objects.get_or_create(queue=q, start=start, defaults={"end": end, "capacity": 4})
    windows = []
    for i, (number, name, codes) in enumerate(WINDOWS, start=1):
        w, _ = Window.objects.update_or_create(
            number=number, defaults={"name": name, "comprehensive": not codes, "order": i, "is_open": True}
        )
        units = _units(codes)
        w.departments.set(units)
        clerks = User.objects.filter(unit__in=units, role=Role.CLERK, is_active=True).order_by("username")[:1]
        w.clerks.set(list(clerks))
        windows.append(w)
    return windows


@dataclass
class Desk:
    window: Window
    clerk: User
    free_at: datetime
    # Nobody this window serves was waiting at its last call: in the demo's day tickets only go
    # back to waiting by arriving, so it need not call again before the next arrival. Calling
    # every minute anyway made 14,000 empty 叫号 transactions, half of seed_demo's time.
    idle: bool = False


def _on(day: date, at: time) -> datetime:
    return timezone.make_aware(datetime.combine(day, at))


def _minutes(day: date) -> list[datetime]:
    out = []
    for start, end in OPEN:
        t = _on(day, start)
        while t < _on(day, end):
            out.append(t)
            t += timedelta(minutes=1)
    return out


def _simulate_day(
    day: date, now: datetime, rng: random.Random, matters: list[Matter], desks: list[Desk],
    links: list[Application], assistant: User,
) -> None:  # fmt: skip
    minutes = _minutes(day)
    arrivals: dict[datetime, int] = {}
    for _ in range(rng.randint(30, 45)):
        at = rng.choice(minutes[:-40])
        arrivals[at] = arrivals.get(at, 0) + 1
    for desk in desks:
        desk.free_at = minutes[0]
    for minute in minutes:
        if minute > now:
            return
        for _ in range(arrivals.get(minute, 0)):
            _take(rng, matters, assistant, minute)
            for desk in desks:
                desk.idle = False
        for desk in desks:
            if desk.free_at > minute or desk.idle:
                continue
            ticket = svc.call_next(desk.window, actor=desk.clerk, now=minute)
            if ticket is None:
                desk.idle = True
                continue
            desk.free_at = _serve(ticket, desk, minute, now, rng, links)


def _take(rng: random.Random, matters: list[Matter], assistant: User, at: datetime) -> Ticket:
    if rng.random() < 0.08:
        return svc.take(rng.choice(matters), actor=assistant, assisted=True, now=at)
    return svc.take(rng.choice(matters), now=at)


def _serve(
    ticket: Ticket, desk: Desk, at: datetime, now: datetime, rng: random.Random, links: list[Application]
) -> datetime:
    """Serve a called ticket; returns when the window is free again. Stops at `now` (today)."""
    clerk = desk.clerk
    if rng.random() < 0.05:  # nobody answers: two more calls, then 过号
        for k in (2, 4):
            if at + timedelta(minutes=k) > now:
                return at + timedelta(minutes=k)
            ticket = svc.recall(ticket, actor=clerk, now=at + timedelta(minutes=k))
        return_at = at + timedelta(minutes=5)
        if return_at <= now:
            svc.no_show(ticket, actor=clerk, now=return_at)
        return return_at
    start = at + timedelta(minutes=1)
    if start > now:
        return start
    ticket = svc.start(ticket, actor=clerk, now=start)
    end = start + timedelta(minutes=rng.randint(4, 22))
    if end > now:
        return end
    linked = ""
    if links and rng.random() < 0.3:
        app = links.pop()
        linked = app.number if app.matter_id == ticket.matter_id or desk.window.comprehensive else ""
    svc.finish(ticket, actor=clerk, application=linked, now=end)
    return end + timedelta(minutes=1)


def _past_days(today: date, count: int) -> list[date]:
    days: list[date] = []
    d = today
    while len(days) < count:
        d -= timedelta(days=1)
        if is_workday(d):
            days.append(d)
    return sorted(days)


def seed_hall(*, seed: int, now: datetime) -> None:
    """Seed the demo through the app's services; idempotent."""
    office = office_unit()
    if office is None:
        return
    windows = seed_config()
    clerk = User.objects.filter(unit=office, role=Role.CLERK, is_active=True).order_by("username").first()
    matters = list(Matter.objects.live().filter(at_window=True).order_by("code"))
    if clerk is None or not matters or Ticket.objects.exists():
        return
    rng = random.Random(seed)  # noqa: S311 (demo data, not a secret)
    desks = [Desk(w, w.clerks.first() or clerk, now) for w in windows]
    links = list(Application.objects.filter(channel=Channel.WINDOW).order_by("-pk")[:20])
    today = timezone.localdate(now)
    for day in _past_days(today, PAST_DAYS) + ([today] if is_workday(today) else []):
        _simulate_day(day, now, rng, matters, desks, links, clerk)
    _seed_appointments(now, rng, matters)


def _seed_appointments(now: datetime, rng: random.Random, matters: list[Matter]) -> None:
    if Appointment.objects.exists():
        return
    for i, day in enumerate(appts.open_days(now)[1:4]):
        for j in range(4):
            matter = matters[(i * 4 + j) % len(matters)]
            offers = [o for o in appts.offers(matter, day, now) if o.left]
            if offers:
                o = rng.choice(offers)
                appts.book(
                    matter,
                    o.slot,
                    day,
                    name=NAMES[(i * 4 + j) % len(NAMES)],
                    phone=f"1390724{i:02d}{j:02d}",
                    now=now,
                )
