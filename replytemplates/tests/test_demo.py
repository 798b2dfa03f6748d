from __future__ import annotations

import pytest

from cases.taxonomy import load_taxonomy
from replytemplates.demo import REPLIES, SMS, seed_reply_templates
from replytemplates.models import ReplyTemplate


@pytest.mark.django_db
def test_the_demo_templates_are_published_once() -> None:
    load_taxonomy()
    assert seed_reply_templates() == len(REPLIES) + len(SMS)
    assert seed_reply_templates() == 0  # idempotent
    assert ReplyTemplate.objects.published().count() == len(REPLIES) + len(SMS)
