"""The pages added since the first review: the printable 值班表, the board's new cards, photos
on incident reports (through mochou.images, served to who may see the incident)."""

from __future__ import annotations

import io
from datetime import date, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image
from time_machine import Traveller

from accounts.audit.models import AuditRecord
from accounts.models import User
from duty.models import DailyChase, IncidentPhoto
from duty.services.common import at_local
from duty.services.drills import plan_drill
from duty.services.incidents import Figures, file_first_report
from duty.services.keypersons import register_person
from duty.services.rosters import plan_rota
from duty.sweeps import chase_daily
from duty.tests.conftest import Duty
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db
DAY = date(2025, 9, 24)


def _client(user: User) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_the_printable_roster_shows_a_week_or_a_month_with_holidays_and_masked_phones(duty: Duty) -> None:
    plan_rota(
        duty.city.township,
        actor=duty.town_leader,
        start=date(2025, 9, 29),
        days=5,
        leaders=[duty.town_leader],
        officers=[duty.town_clerk],
    )
    own = _client(duty.town_clerk).get("/duty/roster/print/?start=2025-10-01")
    body = own.content.decode()
    assert own.status_code == 200
    assert 'id="print-roster"' in body
    assert "13900000021" in body  # the unit's own staff see their phones
    assert "10月1日" in body
    assert "（节假日）" in body  # 国庆
    assert "未排班" in body  # the rota ran to Friday 10-03; the weekend is unplanned
    month = _client(duty.office_clerk).get("/duty/roster/print/?unit=420881001&view=month&start=2025-10-15")
    assert "2025年10月1日 至 2025年10月31日" in month.content.decode()
    assert AuditRecord.objects.filter(action="duty.phones_viewed", actor=duty.office_clerk).exists()
    other = _client(duty.city.users["clerk"]).get("/duty/roster/print/?unit=420881001")
    assert "13900000021" not in other.content.decode()  # another unit: its own roster, not this one


def test_the_board_shows_key_persons_due_drills_and_unsent_chases(duty: Duty, clock: Traveller) -> None:
    now = at_local(DAY, time(10))
    person = register_person(
        duty.city.township,
        actor=duty.town_clerk,
        category="flood",
        reason="汛期转移",
        responsible=duty.town_clerk,
        name="张某英",
        check_every_days=1,
        now=now - timedelta(days=2),
    )
    plan_drill(
        duty.office,
        actor=duty.office_clerk,
        title="汉江防汛演练",
        kind="flood",
        scenario="堤段管涌抢险",
        planned_on=DAY + timedelta(days=3),
        now=now,
    )
    chase_daily(at_local(DAY, time(9, 31)))
    assert DailyChase.objects.filter(rung="sms", sent=False).exists()
    page = _client(duty.office_clerk).get("/duty/")
    body = page.content.decode()
    assert f'data-pk="{person.pk}"' in body
    assert "张某英" in body  # the office: plain, audited
    assert "核查逾期" in body
    assert "汉江防汛演练" in body
    assert 'id="sms-unsent"' in body
    assert AuditRecord.objects.filter(action="duty.keyperson_viewed", actor=duty.office_clerk).exists()
    leader = _client(duty.city.users["leader"]).get("/duty/").content.decode()
    assert "张**" in leader
    assert "张某英" not in leader


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (120, 90, 60)).save(out, format="PNG")
    return out.getvalue()


def test_photos_on_a_report_are_cleaned_and_served_to_who_may_see_the_incident(
    duty: Duty, clock: Traveller, settings: Any, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    incident = file_first_report(
        None,
        actor=duty.town_clerk,
        report_text="某某路积水 50 厘米",
        figures=Figures(),
        title="道路积水",
        level="4",
        kind="flood",
        place="某某路",
        now=at_local(DAY, time(10)),
    )
    report = incident.reports.get()
    client = _client(duty.town_clerk)
    url = f"/duty/incidents/{incident.number}/reports/{report.pk}/photos/"
    done = client.post(url, {"photos": [SimpleUploadedFile("a.png", _png(), "image/png")]})
    assert done.status_code == 302
    photo = IncidentPhoto.objects.get()
    assert client.get(f"/duty/photos/{photo.pk}/").status_code == 200
    assert client.get(f"/duty/photos/{photo.pk}/?thumb=1")["Content-Type"] == "image/jpeg"
    assert _client(duty.office_clerk).get(f"/duty/photos/{photo.pk}/").status_code == 200
    assert _client(duty.city.users["clerk"]).get(f"/duty/photos/{photo.pk}/").status_code == 404
    bad = client.post(
        url, {"photos": [SimpleUploadedFile("a.png", b"not an image", "image/png")]}, follow=True
    )
    assert "照片" in bad.content.decode()
    assert IncidentPhoto.objects.count() == 1
    page = client.get(f"/duty/incidents/{incident.number}/").content.decode()
    assert f"/duty/photos/{photo.pk}/?thumb=1" in page
    refused = _client(duty.city.users["clerk"]).post(url, {"photos": [SimpleUploadedFile("a.png", _png())]})
    assert refused.status_code == 302
    assert IncidentPhoto.objects.count() == 1
