from __future__ import annotations

from typing import Any

import pytest

from replytemplates import services
from replytemplates.models import ReplyTemplate, TemplateKind


def published(city: Any, *, title: str, body: str = "{称呼}：您好！已处理。", **fields: Any) -> ReplyTemplate:
    """A reply template written by the dispatcher and published by the supervisor (four eyes)."""
    data = {"title": title, "kind": TemplateKind.REPLY, "body": body, **fields}
    template = services.create_template(actor=city.users["dispatcher"], data=data)
    services.submit_template(template, actor=city.users["dispatcher"])
    return services.publish_template(template, actor=city.users["supervisor"])


@pytest.fixture
def publish(city: Any) -> Any:
    return lambda **kwargs: published(city, **kwargs)
