"""Fixtures of the 莫愁指南 tests: guides written through the services, and the demo guides."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from knowledge import services
from knowledge.models import Audience, Guide
from knowledge.search import clear_index


@pytest.fixture(autouse=True)
def _fresh_index() -> Iterator[None]:
    """Each test's guides roll back with its transaction: start every test from an empty cache."""
    clear_index()
    yield
    clear_index()


def publish(city: Any, **data: Any) -> Guide:
    """A guide of 市住建局 written by its clerk and published by the supervisor."""
    slug = data.pop("slug", None)
    values = {"title": "示例指南", "body": "示例答复内容。", "unit": city.housing, **data}
    guide = services.create_guide(actor=city.users["clerk"], data=values, slug=slug)
    guide = services.submit_guide(guide, actor=city.users["clerk"])
    return services.publish_guide(guide, actor=city.users["supervisor"])


@pytest.fixture
def demo_guides(db: None) -> dict[str | None, Guide]:  # published guides all have a slug
    """The shipped demo guides on the demo units, published."""
    from knowledge.demo import seed_guides
    from org.demo import seed_org

    seed_org()
    seed_guides()
    return {g.slug: g for g in Guide.objects.published()}


__all__ = ["Audience", "publish"]
