"""The pages: the 综窗 receives a matter of another department, the department approves, the
applicant follows and corrects with the tracking code; the catalogue's edit and review."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from affairs import services
from affairs.models import Application, Matter, MatterStatus
from affairs.workflow import Channel, State
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def login(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_window_receives_another_departments_matter(clock, city, matter, window):
    c = login(window)
    page = c.get(reverse("affairs:window"))
    assert page.status_code == 200
    assert "综合窗口收件" in page.content.decode()
    fragment = c.get(reverse("affairs:matter_materials"), {"matter": matter.pk}, HTTP_HX_REQUEST="true")
    assert "购房合同" in fragment.content.decode()
    for bad in ("abc", "1.5", "²"):
        odd = c.get(reverse("affairs:matter_materials"), {"matter": bad}, HTTP_HX_REQUEST="true")
        assert odd.status_code == 200
        assert "购房合同" not in odd.content.decode()
    response = c.post(
        reverse("affairs:window"),
        {
            "matter": matter.pk,
            "name": "李建国",
            "id_number": "420881195501011238",
            "phone": "13800001111",
            "provided": ["身份证"],
            "on_behalf": "on",
            "on_behalf_for": "elderly",
            "on_behalf_note": "八十岁独居老人，行动不便",
        },
    )
    app = Application.objects.get()
    assert response.status_code == 302
    assert app.channel == Channel.WINDOW
    assert app.on_behalf
    assert (app.on_behalf_for, app.on_behalf_note) == ("elderly", "八十岁独居老人，行动不便")
    assert app.events.get(action="submit").payload["on_behalf_for"] == "elderly"
    assert app.department == city.housing
    detail = c.get(reverse("affairs:detail", args=[app.number])).content.decode()
    assert "420881195501011238" in detail  # the window works it: in full, audited
    assert 'id="action-notify"' in detail
    assert 'id="action-accept"' not in detail
    c.post(
        reverse("affairs:act", args=[app.number, "notify"]),
        {"notify-items": ["购房合同"], "notify-note": "请补交"},
    )
    app.refresh_from_db()
    assert app.state == State.CORRECTING
    # The department sees it masked and cannot act on it yet.
    dept = login(city.users["clerk"]).get(reverse("affairs:detail", args=[app.number])).content.decode()
    assert "420881195501011238" not in dept
    assert 'id="no-actions"' in dept
    assert login(city.users["outsider"]).get(reverse("affairs:detail", args=[app.number])).status_code == 404


def test_applicant_applies_online_corrects_and_follows(clock, city, matter, window):
    c = Client()
    assert "住房公积金提取" in c.get(reverse("affairs:public_catalogue")).content.decode()
    response = c.post(
        reverse("affairs:apply", args=[matter.code]),
        {
            "name": "王芳",
            "id_number": "420881199202021231",
            "phone": "13911112222",
            "provided": ["身份证"],
            "consent": "on",
        },
    )
    app = Application.objects.get()
    assert response["Location"] == reverse("affairs:progress", args=[app.token])
    services.notify(app, actor=window, items=app.missing)
    page = c.get(response["Location"]).content.decode()
    assert "请一次性补正以下材料" in page
    assert "139****2222" in page
    c.post(reverse("affairs:correct", args=[app.token]), {"provided": ["购房合同"]})
    app.refresh_from_db()
    assert app.state == State.SUBMITTED
    assert not app.missing
    found = c.post(reverse("affairs:track"), {"number": app.number, "phone": "139 1111 2222"})
    assert found["Location"] == reverse("affairs:progress", args=[app.token])
    wrong = c.post(reverse("affairs:track"), {"number": app.number, "phone": "13900000000"})
    assert "没有找到" in wrong.content.decode()


def test_department_approves_in_steps_on_the_page(clock, city, matter, window, person):
    app = services.accept(
        services.submit(matter, person, provided=["身份证", "购房合同"], channel=Channel.ONLINE), actor=window
    )
    clerk, leader = login(city.users["clerk"]), login(city.users["unit_leader"])
    assert (
        'id="action-approve_step"' in clerk.get(reverse("affairs:detail", args=[app.number])).content.decode()
    )
    clerk.post(reverse("affairs:act", args=[app.number, "approve_step"]), {"approve_step-note": "同意"})
    bad = leader.post(reverse("affairs:act", args=[app.number, "deny"]), {"deny-note": ""})
    assert bad.status_code == 422
    leader.post(reverse("affairs:act", args=[app.number, "grant"]), {"grant-note": "准予"})
    app.refresh_from_db()
    assert app.state == State.GRANTED
    queue = (
        login(window).get(reverse("affairs:queue"), {"mine": "on"}, HTTP_HX_REQUEST="true").content.decode()
    )
    assert app.number in queue
    assert "<html" not in queue


def test_department_edits_and_office_publishes_a_matter(clock, city, matter, window, office_leader):
    clerk = login(city.users["clerk"])
    form = {
        "name": matter.name, "category": "fund", "department": city.housing.pk, "kind": "promised",
        "statutory_days": 20, "promised_days": 2, "materials": "身份证｜原件｜1｜可复用",
        "steps": "审核｜承办人", "fee": "不收费", "online": "on", "at_window": "on", "visits": 0,
        "how": "", "location": "", "legal_basis": "", "guide_slug": "",
    }  # fmt: skip
    response = clerk.post(reverse("affairs:matter_edit", args=[matter.pk]), form)
    draft = Matter.objects.get(draft_of=matter)
    assert response.status_code == 302
    assert draft.promised_days == 2
    matter.refresh_from_db()
    assert matter.promised_days == 3  # the live text stays until the office publishes
    clerk.post(reverse("affairs:matter_act", args=[draft.pk, "submit"]))
    # Another unit's clerk may not review; the office's leader may.
    login(city.users["outsider"]).post(reverse("affairs:matter_act", args=[draft.pk, "publish"]))
    assert Matter.objects.filter(pk=draft.pk, status=MatterStatus.SUBMITTED).exists()
    login(office_leader).post(reverse("affairs:matter_act", args=[draft.pk, "publish"]))
    matter.refresh_from_db()
    assert matter.promised_days == 2
    assert not Matter.objects.filter(draft_of=matter).exists()
    assert matter.revisions.count() >= 4


def _title_and_body(page: str) -> tuple[str, str]:
    title = page.split("<title>", 1)[1].split("</title>", 1)[0]
    return title, page.split("<body", 1)[1]


def test_the_public_pages_have_a_plain_title_and_their_sections_in_the_body(
    clock, city, matter, window, person
):
    c = Client()
    page = c.get(reverse("affairs:public_matter", args=[matter.code])).content.decode()
    title, body = _title_and_body(page)
    assert title == "住房公积金提取 · 钟祥12345"
    assert 'id="consult-form"' in body
    assert body.count("csrfmiddlewaretoken") == 1  # the consult form once, and in the body
    app = services.submit(matter, person, provided=["身份证", "购房合同"], channel=Channel.ONLINE, keep=True)
    services.accept(app, actor=window)
    title, body = _title_and_body(c.get(reverse("affairs:progress", args=[app.token])).content.decode())
    assert title == f"办件 {app.number} · 钟祥12345"
    for section in ('id="kept-documents"', 'id="complain"'):
        assert body.count(section) == 1


def test_the_phone_pages_link_the_halls_booking(clock, city, matter):
    c = Client()
    assert reverse("hall:book") in c.get(reverse("affairs:public_catalogue")).content.decode()
    page = c.get(reverse("affairs:public_matter", args=[matter.code])).content.decode()
    assert reverse("hall:book_matter", args=[matter.pk]) in page
    Matter.objects.filter(pk=matter.pk).update(at_window=False)  # online only: nothing to book
    page = c.get(reverse("affairs:public_matter", args=[matter.code])).content.decode()
    assert 'id="book-link"' not in page
