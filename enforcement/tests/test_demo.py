"""The demo: violations across the townships in every state, through the verbs; idempotent."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from accounts.demo import seed_users
from enforcement.demo import seed_enforcement
from enforcement.models import PatrolLog, Violation
from enforcement.workflow import State
from org.demo import seed_org

pytestmark = pytest.mark.django_db


def test_the_demo_shows_every_state_across_the_townships(
    calendar: None, clock: Any, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    seed_org()
    seed_users()
    now = timezone.localtime()
    seed_enforcement(seed=42, now=now)
    states = set(Violation.objects.values_list("state", flat=True))
    assert states == set(State)
    assert Violation.objects.values("township").distinct().count() == 31
    # 强拆 after the owner's 复议/诉讼 periods ran out, and after an upheld 复议 (行政强制法 §44).
    forced = Violation.objects.filter(demolition_kind="forced")
    assert forced.filter(events__action="uphold").exists()
    assert forced.exclude(events__action="uphold").exists()
    assert Violation.objects.filter(accountabilities__isnull=False).exists()
    # Each reported one names a real village or community of its township (NBS 12-digit code).
    placed = Violation.objects.exclude(channel="satellite").select_related("village")
    assert placed.exists()
    assert all(v.village and v.village.parent_id == v.township_id for v in placed)
    assert all(len(v.village.division_code) == 12 for v in placed if v.village)
    named = [v for v in placed if v.village and "虚拟" not in v.village.name]
    assert all(v.village and v.village.display_name in v.address for v in named)
    for v in Violation.objects.all():
        assert v.events.order_by("-seq").first().to_state == v.state  # type: ignore[union-attr]
    # Addresses name the township once; each township's points cluster apart from the others'.
    spots: dict[int, list[tuple[float, float]]] = {}
    for v in Violation.objects.select_related("township"):
        name = v.township.display_name
        assert f"{name}{name}" not in v.address, v.address
        if v.lat is not None and v.lng is not None:
            spots.setdefault(v.township_id, []).append((float(v.lat), float(v.lng)))
    for points in spots.values():
        lats, lngs = [p[0] for p in points], [p[1] for p in points]
        assert max(lats) - min(lats) < 0.1
        assert max(lngs) - min(lngs) < 0.1
    centres = {
        (round(sum(p[0] for p in pts) / len(pts), 1), round(sum(p[1] for p in pts) / len(pts), 1))
        for pts in spots.values()
    }
    assert len(centres) > 20  # not one cloud around one centre
    # The patrol and 卫片 pages have something to show: 无异常 in one tap, a finding, an import.
    assert PatrolLog.objects.filter(nothing_found=True).count() >= 3
    finding = PatrolLog.objects.filter(nothing_found=False).first()
    assert finding is not None
    assert finding.findings.exists()
    assert Violation.objects.filter(channel="satellite").exclude(patch_ref="").count() == 2
    count = Violation.objects.count()
    seed_enforcement(seed=42, now=now)
    assert Violation.objects.count() == count


def test_the_demo_link_from_12345_masks_the_citizens_numbers(control: Any) -> None:
    from enforcement.demo import _link_a_hotline_case
    from enforcement.tests.test_hotline import construction_case

    case = construction_case(control)
    case.content = "莫愁湖社区二组屋后耕地上有人建房，我的电话13912345678，请查处。"
    case.save(update_fields=["content"])
    _link_a_hotline_case(now=timezone.now())
    v = Violation.objects.get(case=case)
    assert "13912345678" not in v.description
    assert "耕地上有人建房" in v.description
