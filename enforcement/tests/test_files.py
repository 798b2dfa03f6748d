"""Files of a violation: 复议/诉讼 documents uploaded (images and PDF through the one check), and
photos that a failed or rolled-back action leaves nowhere; the 强拆 deadline read on the verb's clock."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from enforcement import services
from enforcement.deadlines import remedy_periods
from enforcement.models import AppealFile, Photo, Violation
from enforcement.photos import sweep_orphans
from enforcement.services.common import VIOLATIONS
from enforcement.tests.conftest import Control, fresh, pdf, png, violation_in
from enforcement.workflow import State
from mochou.errors import Conflict, InvalidInput
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def files_on_disk() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_an_appeal_carries_its_documents_as_files(control: Control) -> None:
    v = violation_in(control, State.APPEALED)
    row = AppealFile.objects.get(violation=v)
    assert (row.stage, row.content_type, row.name) == ("filing", "application/pdf", "复议申请书.pdf")
    assert row.event.action == "appeal"
    services.resolve_appeal(
        v,
        actor=control.users["town_clerk"],
        upheld=True,
        document="钟政复决〔2025〕7号 维持决定",
        files=[("维持决定.png", png())],
        served_on=timezone.localdate(),
    )
    ruling = AppealFile.objects.get(violation=v, stage="ruling")
    assert ruling.is_image
    assert ruling.event.action == "uphold"


def test_an_appeal_without_a_document_file_or_with_an_active_pdf_is_refused(control: Control) -> None:
    v = violation_in(control, State.ORDERED)
    u = control.users["town_clerk"]
    with pytest.raises(InvalidInput) as none:
        services.appeal(v, actor=u, kind="review", document="钟政复申〔2025〕1号")
    assert none.value.details == {"field": "files"}
    scripted = b"%PDF-1.4\n<< /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>\n%%EOF\n"
    with pytest.raises(InvalidInput, match="脚本"):
        services.appeal(
            v, actor=u, kind="review", document="钟政复申〔2025〕1号", files=[("a.pdf", scripted)]
        )
    with pytest.raises(InvalidInput):
        services.appeal(
            v, actor=u, kind="review", document="钟政复申〔2025〕1号", files=[("a.txt", b"hello")]
        )
    assert fresh(v).state == State.ORDERED
    assert not AppealFile.objects.exists()


def test_the_appeal_form_uploads_and_the_file_is_served_only_to_readers(control: Control) -> None:
    v = violation_in(control, State.ORDERED)
    town = Client()
    assert town.login(username="yzjd_clerk", password=PASSWORD)
    response = town.post(
        reverse("enforcement:act", args=[v.number, "appeal"]),
        {
            "kind": "review",
            "document": "钟政复申〔2025〕9号",
            "documents": [SimpleUploadedFile("申请书.pdf", pdf())],
        },
    )
    assert response.status_code == 302, response.content.decode()[:500]
    row = AppealFile.objects.get(violation=v)
    got = town.get(reverse("enforcement:appeal_file", args=[row.pk]))
    assert got.status_code == 200
    assert got["Content-Disposition"].startswith("attachment")
    assert b"".join(got.streaming_content).startswith(b"%PDF-")  # type: ignore[attr-defined]
    other = Client()
    assert other.login(username="hzjd_clerk", password=PASSWORD)
    assert other.get(reverse("enforcement:appeal_file", args=[row.pk])).status_code == 404


def test_a_verb_failing_after_its_photos_were_written_deletes_them(
    control: Control, monkeypatch: pytest.MonkeyPatch
) -> None:
    v = violation_in(control, State.ORDERED)
    before = set(files_on_disk())

    def broken(*args: object, **kwargs: object) -> None:
        raise IntegrityError("the event could not be written")

    monkeypatch.setattr(VIOLATIONS, "append_event", broken)
    with pytest.raises(IntegrityError):
        services.self_demolish(v, actor=control.users["town_clerk"], photo_data=[png(), png()])
    assert set(files_on_disk()) == before
    assert not Photo.objects.filter(violation=v, stage="during").exists()


def test_a_rolled_back_demolition_leaves_no_photo_file_once_swept_and_a_committed_one_keeps_its_files(
    control: Control,
) -> None:
    v = violation_in(control, State.ORDERED)
    before = set(files_on_disk())

    def demolish_then_fail() -> None:
        with transaction.atomic():
            services.self_demolish(v, actor=control.users["town_clerk"], photo_data=[png()])
            raise RuntimeError("the step after the verb failed")

    with pytest.raises(RuntimeError):
        demolish_then_fail()
    # The verb's savepoint was released inside the outer transaction, which rolled back: the rows
    # are gone, the files are orphans that nothing serves, and the sweep removes them.
    assert fresh(v).state == State.ORDERED
    assert len(set(files_on_disk()) - before) == 2
    assert sweep_orphans(older_than=timedelta(0)) == 2
    assert set(files_on_disk()) == before
    # A refused verb leaves none at once; a committed one keeps its files through the sweep.
    with pytest.raises(Conflict):
        services.force_demolish(v, actor=control.users["town_clerk"], photo_data=[png()])
    assert set(files_on_disk()) == before
    services.self_demolish(v, actor=control.users["town_clerk"], photo_data=[png()])
    assert sweep_orphans(older_than=timedelta(0)) == 0
    stored = {p.name for p in set(files_on_disk()) - before}
    photo = Photo.objects.get(violation=v, stage="during")
    assert Path(photo.path).name in stored
    assert Path(photo.thumbnail_path).name in stored


def test_enforcement_is_refused_before_the_deadline_on_the_verbs_clock(
    control: Control, clock: object
) -> None:
    v = violation_in(control, State.ORDERED)
    assert v.demolish_by is not None
    leader = control.users["town_leader"]
    with pytest.raises(Conflict):
        services.force_demolish(v, actor=leader, photo_data=[png()], now=v.demolish_by - timedelta(hours=1))
    # Recorded at times after the deadline and the 公告's period (the wall clock is still before
    # them): allowed.
    with pytest.raises(Conflict):
        services.announce(v, actor=leader, now=v.demolish_by - timedelta(hours=1))
    services.announce(v, actor=leader, now=v.demolish_by + timedelta(hours=1))
    with pytest.raises(Conflict):
        services.force_demolish(v, actor=leader, photo_data=[png()], now=v.demolish_by + timedelta(days=5))
    with pytest.raises(Conflict, match="方可组织强拆"):  # the owner may still appeal (§44)
        services.force_demolish(v, actor=leader, photo_data=[png()], now=v.demolish_by + timedelta(days=11))
    periods = remedy_periods(v)
    assert periods is not None
    after_appeals = periods.enforceable_from
    done = services.force_demolish(v, actor=leader, photo_data=[png()], now=after_appeals)
    assert done.state == State.DEMOLISHED
    assert not done.demolished_in_time
    assert Violation.objects.get(pk=v.pk).demolition_kind == "forced"
