"""The review flow: who may write, submit, publish, return and archive, and what stays live."""

from __future__ import annotations

from typing import Any

import pytest

from knowledge import services
from knowledge.models import Guide, GuideRevision, GuideStatus, RevisionAction
from knowledge.search import search_guides
from knowledge.tests.conftest import publish
from mochou.errors import InvalidInput, NotPermitted, TransitionNotAllowed
from tests.factories import City

pytestmark = pytest.mark.django_db


def draft(city: City, **data: Any) -> Guide:
    values = {"title": "路灯报修", "body": "路灯不亮请拨打12345。", "unit": city.housing, **data}
    return services.create_guide(actor=city.users["clerk"], data=values)


def test_a_clerk_drafts_submits_and_a_supervisor_publishes(city: City) -> None:
    guide = draft(city)
    assert guide.status == GuideStatus.DRAFT
    assert guide.slug == f"guide-{guide.pk}"
    guide = services.submit_guide(guide, actor=city.users["clerk"])
    assert guide.status == GuideStatus.SUBMITTED
    guide = services.publish_guide(guide, actor=city.users["supervisor"], note="内容准确")
    assert guide.status == GuideStatus.PUBLISHED
    assert guide.reviewer == city.users["supervisor"]
    assert guide.reviewed_at is not None
    actions = list(guide.revisions.values_list("action", flat=True))
    assert actions == [RevisionAction.CREATED, RevisionAction.SUBMITTED, RevisionAction.PUBLISHED]


def test_a_clerk_of_another_unit_cannot_edit_or_submit(city: City) -> None:
    guide = draft(city)
    with pytest.raises(NotPermitted):
        services.edit_guide(guide, actor=city.users["outsider"], data={"title": "改了"})
    with pytest.raises(NotPermitted):
        services.submit_guide(guide, actor=city.users["outsider"])
    assert Guide.objects.get(pk=guide.pk).title == "路灯报修"


def test_a_clerk_cannot_write_a_guide_for_another_unit(city: City) -> None:
    with pytest.raises(NotPermitted):
        services.create_guide(
            actor=city.users["clerk"], data={"title": "入学", "body": "入学须知。", "unit": city.education}
        )


@pytest.mark.parametrize("role", ["clerk", "unit_leader", "agent", "leader", "outsider"])
def test_only_reviewers_publish(city: City, role: str) -> None:
    guide = services.submit_guide(draft(city), actor=city.users["clerk"])
    with pytest.raises(NotPermitted):
        services.publish_guide(guide, actor=city.users[role])
    assert Guide.objects.get(pk=guide.pk).status == GuideStatus.SUBMITTED


def test_a_reviewer_may_not_publish_the_version_they_edited_themselves(city: City) -> None:
    guide = draft(city)
    services.edit_guide(guide, actor=city.users["supervisor"], data={"body": "督办员改写的答复。"})
    guide = services.submit_guide(guide, actor=city.users["supervisor"])
    with pytest.raises(NotPermitted) as error:
        services.publish_guide(guide, actor=city.users["supervisor"])
    assert error.value.code == "knowledge.four_eyes"
    assert services.publish_guide(guide, actor=city.users["dispatcher"]).status == GuideStatus.PUBLISHED


def test_return_needs_a_note_and_sends_the_guide_back_to_draft(city: City) -> None:
    guide = services.submit_guide(draft(city), actor=city.users["clerk"])
    with pytest.raises(InvalidInput):
        services.return_guide(guide, actor=city.users["supervisor"], note="  ")
    guide = services.return_guide(guide, actor=city.users["supervisor"], note="请补充办理地点")
    assert guide.status == GuideStatus.DRAFT
    assert guide.review_note == "请补充办理地点"


def test_a_draft_cannot_be_published_without_being_submitted(city: City) -> None:
    with pytest.raises(TransitionNotAllowed):
        services.publish_guide(draft(city), actor=city.users["supervisor"])


def test_editing_a_published_guide_keeps_the_live_text_until_the_revision_is_approved(city: City) -> None:
    guide = publish(city, slug="lamps", title="路灯报修", body="路灯不亮请拨打12345。")
    revision = services.edit_guide(
        guide, actor=city.users["clerk"], data={"body": "路灯不亮请在手机上报修。"}
    )
    assert revision.pk != guide.pk
    assert revision.draft_of_id == guide.pk
    # The published row and the search still say the old thing.
    assert Guide.objects.get(pk=guide.pk).body == "路灯不亮请拨打12345。"
    assert search_guides("路灯")[0].guide.body == "路灯不亮请拨打12345。"
    # A second edit goes into the same revision draft.
    again = services.edit_guide(
        guide, actor=city.users["clerk"], data={"body": "路灯不亮请在手机应用上报修。"}
    )
    assert again.pk == revision.pk
    services.submit_guide(revision, actor=city.users["clerk"])
    live = services.publish_guide(revision, actor=city.users["supervisor"])
    assert live.pk == guide.pk
    assert live.slug == "lamps"
    assert live.body == "路灯不亮请在手机应用上报修。"
    assert not Guide.objects.filter(pk=revision.pk).exists()
    assert search_guides("路灯")[0].guide.body == "路灯不亮请在手机应用上报修。"
    # Every step, the revision draft's included, is in the published guide's log.
    assert GuideRevision.objects.filter(guide=guide, action=RevisionAction.EDITED).count() == 2


def test_archive_takes_a_guide_out_and_editing_reopens_it_as_draft(city: City) -> None:
    guide = publish(city)
    with pytest.raises(NotPermitted):
        services.archive_guide(guide, actor=city.users["clerk"])
    guide = services.archive_guide(guide, actor=city.users["supervisor"])
    assert guide.status == GuideStatus.ARCHIVED
    guide = services.edit_guide(guide, actor=city.users["clerk"], data={"body": "重新启用。"})
    assert guide.status == GuideStatus.DRAFT


def test_bad_dates_and_empty_text_are_refused_in_chinese(city: City) -> None:
    from datetime import date

    with pytest.raises(InvalidInput, match="失效日期"):
        draft(city, valid_from=date(2025, 5, 1), valid_until=date(2025, 1, 1))
    with pytest.raises(InvalidInput, match="不能为空"):
        draft(city, title="   ")


def test_seeding_the_demo_twice_changes_nothing(db: None) -> None:
    from knowledge.demo import GUIDES, seed_guides
    from org.demo import seed_org

    seed_org()
    first = seed_guides()
    assert first["created"] == len(GUIDES)
    assert first["skipped"] == 0
    assert len(GUIDES) >= 40
    revisions = GuideRevision.objects.count()
    assert seed_guides() == {"created": 0, "kept": len(GUIDES), "skipped": 0}
    assert GuideRevision.objects.count() == revisions


def test_seeding_skips_guides_whose_unit_is_missing(city: City) -> None:
    counts = __import__("knowledge.demo", fromlist=["seed_guides"]).seed_guides()
    assert counts["created"] > 0
    assert counts["skipped"] > 0  # the test city has only a few units
