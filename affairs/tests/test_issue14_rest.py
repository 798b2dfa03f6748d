"""The rest of issue 14 on the application: 帮办代办, uploaded materials, consent withdrawn,
12345 links, the sweeps, the window's 可窗口申报, ID check digits, and the packages' API."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from affairs import services
from affairs.models import Application, CaseLink, KeptDocument, MaterialFile
from affairs.services import files, hotline
from affairs.services.applications import ApplicantData, OnBehalf
from affairs.services.joint import joint_state, rollup_label, submit_joint
from affairs.sweeps import sweep_applications
from affairs.workflow import Channel, State
from cases.models import Case
from mochou.errors import DomainError, InvalidInput
from notifications.models import Notification, SmsMessage

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 10, 10)).save(out, "PNG")
    return out.getvalue()


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path


def test_id_numbers_are_checked_at_input():
    with pytest.raises(InvalidInput, match="校验位"):
        ApplicantData("张三", "420881199001011234", "13912345678").cleaned()
    assert ApplicantData("张三", "42088119900101123x", "13912345678").cleaned().id_number.endswith("X")
    with pytest.raises(InvalidInput):
        ApplicantData("某公司", "91420881MA4F0XYZ1K", "13912345678", is_enterprise=True).cleaned()
    ApplicantData("某公司", "91420881MA4F0XYH1D", "13912345678", is_enterprise=True).cleaned()


@pytest.mark.django_db
def test_on_behalf_is_recorded_who_for_whom_why(clock, city, matter, window, person):
    with pytest.raises(InvalidInput):
        services.submit(
            matter,
            person,
            provided=[],
            channel=Channel.WINDOW,
            actor=window,
            on_behalf=OnBehalf("elderly", ""),
        )
    app = services.submit(
        matter,
        person,
        provided=[],
        channel=Channel.WINDOW,
        actor=window,
        on_behalf=OnBehalf("elderly", "八十岁，行动不便"),
    )
    assert (app.on_behalf, app.on_behalf_for, app.received_by) == (True, "elderly", window)
    event = app.events.get(action="submit")
    assert event.payload["on_behalf_for"] == "elderly"
    assert "帮办代办（老年人）" in event.note


@pytest.mark.django_db
def test_the_window_refuses_a_matter_not_at_the_window(clock, city, matter, window, person, client):
    matter.at_window = False
    matter.save(update_fields=["at_window"])
    with pytest.raises(InvalidInput, match="不能窗口申报"):
        services.submit(matter, person, provided=[], channel=Channel.WINDOW, actor=window)
    client.force_login(window)
    page = client.get(reverse("affairs:window")).content.decode()
    assert matter.name not in page


@pytest.mark.django_db
def test_uploaded_materials_are_checked_stored_shown_and_reused(clock, city, matter, window, person, client):
    good = files.check(
        [("身份证", SimpleUploadedFile("id.png", _png())), ("购房合同", SimpleUploadedFile("c.pdf", PDF))]
    )
    with pytest.raises(InvalidInput, match="仅支持"):
        files.check([("身份证", SimpleUploadedFile("x.png", b"not an image"))])
    app = services.submit(matter, person, provided=[], channel=Channel.ONLINE, files=good, keep=True)
    assert app.missing == []  # a file uploaded for a material counts as provided
    rows = list(app.files.order_by("pk"))
    assert [(r.material, r.content_type) for r in rows] == [
        ("身份证", "image/png"),
        ("购房合同", "application/pdf"),
    ]
    # The applicant sees them with the tracking code; staff who may see the application, audited.
    mine = client.get(reverse("affairs:applicant_file", args=[app.token, rows[1].pk]))
    assert mine.status_code == 200
    assert mine["Content-Disposition"].startswith("attachment")
    assert client.get(reverse("affairs:applicant_file", args=["wrong", rows[1].pk])).status_code == 404
    client.force_login(city.users["outsider"])
    assert client.get(reverse("affairs:file", args=[rows[0].pk])).status_code == 404
    client.force_login(window)
    assert client.get(reverse("affairs:file", args=[rows[0].pk])).status_code == 200
    # Kept with consent at 受理, the file with it; the next application reuses both.
    services.accept(app, actor=window)
    kept = KeptDocument.objects.get(name="身份证")
    assert kept.file == rows[0]
    again = services.submit(matter, person, provided=[], channel=Channel.ONLINE)
    assert again.missing == ["购房合同"]
    reused = MaterialFile.objects.get(application=again)
    assert (reused.material, reused.reused_from, reused.path) == ("身份证", rows[0], rows[0].path)


@pytest.mark.django_db
def test_withdrawing_consent_deletes_what_is_kept(clock, city, matter, window, person, client):
    app = services.submit(matter, person, provided=["身份证", "购房合同"], channel=Channel.ONLINE, keep=True)
    services.accept(app, actor=window)
    assert KeptDocument.objects.count() == 1
    response = client.post(reverse("affairs:withdraw_consent", args=[app.token]))
    assert response.status_code == 302
    assert KeptDocument.objects.count() == 0
    assert not Application.objects.get(pk=app.pk).keep_consent
    later = services.submit(matter, person, provided=[], channel=Channel.ONLINE)
    assert later.missing == ["身份证", "购房合同"]  # no longer offered


@pytest.mark.django_db
def test_a_complaint_becomes_a_linked_12345_case(clock, city, matter, window, person, client):
    app = services.submit(matter, person, provided=["身份证", "购房合同"], channel=Channel.ONLINE)
    client.post(reverse("affairs:complain", args=[app.token]), {"text": "窗口让我跑了三趟还没受理"})
    link = CaseLink.objects.get()
    assert (link.application, link.kind, link.case.kind) == (app, "complaint", "complaint")
    assert app.number in link.case.content
    client.force_login(window)
    assert link.case.number in client.get(reverse("affairs:detail", args=[app.number])).content.decode()
    client.force_login(city.users["dispatcher"] if "dispatcher" in city.users else city.users["admin"])
    page = client.get(reverse("cases:detail", args=[link.case.number])).content.decode()
    assert 'id="case-affairs"' in page
    assert app.number in page


@pytest.mark.django_db
def test_a_consultation_is_answered_from_the_guide(clock, city, matter):
    case = hotline.consult(matter, question="异地购房能不能提取公积金？", phone="13912345678")
    assert Case.objects.get(pk=case.pk).state != "registered"  # answered at intake
    assert case.events.filter(action="answer_at_intake").exists()
    assert CaseLink.objects.get(case=case).matter == matter
    assert "所需材料：身份证、购房合同" in hotline.guide_answer(matter)


@pytest.mark.django_db
def test_sweeps_tell_each_once(clock, city, matter, window, person):
    app = services.accept(
        services.submit(matter, person, provided=["身份证", "购房合同"], channel=Channel.ONLINE), actor=window
    )
    assert app.promised_due_at is not None
    assert sweep_applications(now=app.promised_due_at - timedelta(days=30)) == {}
    assert sweep_applications(now=app.promised_due_at - timedelta(hours=1)) == {"near": 1}
    late = app.promised_due_at + timedelta(hours=1)
    assert sweep_applications(now=late) == {"overdue": 1}
    assert sweep_applications(now=late) == {}
    assert Notification.objects.filter(kind="affairs_overdue").exists()
    app = Application.objects.get(pk=app.pk)
    app = services.grant(
        services.approve_step(app, actor=city.users["clerk"]), actor=city.users["unit_leader"]
    )
    assert sweep_applications(now=late) == {"result": 1}
    assert sweep_applications(now=late) == {}
    sms = SmsMessage.objects.get(phone=person.phone)
    assert app.number in sms.body
    assert "准予" in sms.body


@pytest.mark.django_db
def test_a_package_with_a_denied_part_says_so_after_delivery(clock, city, bundle, window, person):
    joint = submit_joint(
        bundle, person, provided=["身份证", "购房合同"], channel=Channel.WINDOW, actor=window
    )
    first, second = joint.parts.order_by("stage")
    services.deliver(
        services.grant(services.accept(first, actor=window), actor=window), actor=window, delivery="window"
    )
    second = services.approve_step(services.accept(second, actor=window), actor=city.users["clerk"])
    second = services.deny(second, actor=city.users["unit_leader"], opinion="不符合提取条件")
    services.deliver(second, actor=window, delivery="window")
    parts = list(joint.parts.order_by("stage"))
    assert {p.state for p in parts} == {State.DELIVERED}
    assert joint_state(parts) == "partly"
    assert rollup_label(parts) == "部分不予办理：住房公积金提取（不予许可）"


@pytest.mark.django_db
def test_packages_over_the_api(client, clock, city, bundle, window, person):
    from affairs.tests.test_api import Api

    api = Api(client)
    bundles = api.get(window, "/bundles").json()
    assert bundles[0]["code"] == "test-bundle"
    assert bundles[0]["materials"] == ["身份证", "购房合同"]
    applicant = {"name": person.name, "id_number": person.id_number, "phone": person.phone}
    made = api.post(
        window,
        "/joints",
        {"bundle": "test-bundle", "applicant": applicant, "provided": ["身份证"], "note": "代孙子办理"},
    )
    assert made.status_code == 201, made.content
    body = made.json()
    assert body["state"] == "receiving"
    assert len(body["parts"]) == 2
    assert api.get(window, f"/joints/{body['number']}").json()["number"] == body["number"]
    notes = set(Application.objects.filter(joint__number=body["number"]).values_list("form_note", flat=True))
    assert notes == {"代孙子办理"}  # the 申请说明 goes with every part
    assert api.get(city.users["outsider"], f"/joints/{body['number']}").status_code == 404
    assert api.post(window, "/joints", {"bundle": "nope", "applicant": applicant}).status_code == 404


@pytest.mark.django_db
def test_a_package_is_notified_once_and_a_shared_material_uploaded_once(clock, city, bundle, window, person):
    from affairs import catalogue
    from affairs.models import BundlePart
    from affairs.services.joint import asked, notify_joint
    from affairs.tests.conftest import matter_values

    third, _ = catalogue.import_matter(
        actor=None, code="ZJJ-GJJ-03", values=matter_values(city, name="住房公积金贷款")
    )
    BundlePart.objects.create(bundle=bundle, matter=third, stage=2)
    joint = services.submit_joint(bundle, person, provided=[], channel=Channel.ONLINE)
    # The window's one 一次性告知 for the whole package: every part asked for what it misses.
    notified = notify_joint(joint, actor=window, note="请一并补交")
    assert [p.notice_items for p in notified] == [["身份证"], ["身份证", "购房合同"], ["身份证", "购房合同"]]
    parts = list(Application.objects.filter(joint=joint).order_by("stage", "pk"))
    assert {p.state for p in parts} == {State.CORRECTING}
    assert asked(parts) == ["身份证", "购房合同"]  # the applicant's one list
    with pytest.raises(DomainError) as again:
        notify_joint(joint, actor=window)
    assert again.value.code == "affairs.joint_nothing_to_notify"
    first, second, last = parts
    # The 身份证 uploaded once, for the first part: the others still lack their 购房合同.
    scan = files.check([("身份证", SimpleUploadedFile("id.png", _png()))])
    services.correct(first, provided=[], files=scan, token=first.token)
    assert Application.objects.get(pk=second.pk).state == State.CORRECTING
    # The 购房合同 sent with the second part: it takes the 身份证 from the first, and the third,
    # now holding everything it was asked for, is corrected with it.
    services.correct(second, provided=["购房合同"], token=second.token)
    for part in (second, last):
        part.refresh_from_db()
        assert (part.state, part.missing) == (State.SUBMITTED, [])
        shared = part.files.get(material="身份证")
        assert shared.path == first.files.get().path
        assert shared.reused_from is not None
    assert second.events.latest("seq").payload["from_parts"] == {"身份证": first.number}
    assert last.events.latest("seq").action == "correct"
    services.accept(first, actor=window)  # nothing asked twice


@pytest.mark.django_db
def test_the_window_notifies_a_package_from_its_page(clock, city, bundle, window, person, client):
    joint = services.submit_joint(bundle, person, provided=[], channel=Channel.ONLINE)
    part = joint.parts.order_by("stage").first()
    assert part is not None
    client.force_login(window)
    page = client.get(reverse("affairs:detail", args=[part.number])).content.decode()
    assert 'id="btn-joint-notify"' in page
    response = client.post(reverse("affairs:joint_notify", args=[part.number]), {"note": "一并补交"})
    assert response.status_code == 302
    assert set(joint.parts.values_list("state", flat=True)) == {State.CORRECTING}
    public = client.get(reverse("affairs:joint_progress", args=[joint.token])).content.decode()
    assert 'id="joint-notice"' in public
    assert "购房合同" in public
    client.force_login(city.users["clerk"])  # the department does not 预审
    assert (
        'id="btn-joint-notify"'
        not in client.get(reverse("affairs:detail", args=[part.number])).content.decode()
    )


@pytest.mark.django_db
def test_the_applicant_gets_an_sms_of_the_notice_once(clock, city, matter, window, person):
    app = services.submit(matter, person, provided=["身份证"], channel=Channel.ONLINE)
    services.notify(app, actor=window, items=["购房合同"], note="请补交")  # sent after commit
    sms = SmsMessage.objects.get(phone=person.phone)
    assert app.number in sms.body
    assert "一次性补正：购房合同" in sms.body
    assert sweep_applications() == {}  # sent once, not again by the sweep


@pytest.mark.django_db
def test_a_notice_sms_lost_with_the_worker_is_sent_by_the_sweep(
    clock, city, matter, bundle, window, person, monkeypatch
):
    from affairs.services.joint import notify_joint

    app = services.submit(matter, person, provided=["身份证"], channel=Channel.ONLINE)
    with monkeypatch.context() as down:  # the worker is down: the task never runs
        down.setattr("affairs.tasks.send_notice_sms", lambda pk: None)
        services.notify(app, actor=window, items=["购房合同"])
    assert not SmsMessage.objects.filter(phone=person.phone).exists()
    assert sweep_applications() == {"notice": 1}
    assert sweep_applications() == {}
    # A package notified as a whole: one message for the package, listing what is asked once.
    joint = submit_joint(bundle, person, provided=[], channel=Channel.ONLINE)
    notify_joint(joint, actor=window)
    sms = SmsMessage.objects.filter(body__contains=joint.number).get()
    assert "身份证、购房合同" in sms.body
    assert sweep_applications() == {}


@pytest.mark.django_db
def test_the_package_form_keeps_the_applicants_note(clock, city, bundle, client):
    response = client.post(
        reverse("affairs:apply_bundle", args=[bundle.code]),
        {"name": "王芳", "id_number": "420881199202021231", "phone": "13911112222", "provided": ["身份证"],
         "note": "孩子出生在外地医院", "consent": "on"},
    )  # fmt: skip
    assert response.status_code == 302
    parts = Application.objects.filter(joint__isnull=False)
    assert parts.count() == 2
    assert set(parts.values_list("form_note", flat=True)) == {"孩子出生在外地医院"}
