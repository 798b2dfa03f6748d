"""GeoReport v2 responses in the two formats the URL's extension chooses: `.json` and `.xml`.

The same Python data (lists and dicts of scalars) become either JSON or XML. In XML a list's
items are named after the list (`<services><service>…`, `<attributes><attribute>…`), as the
specification's examples do. Dates are W3C/ISO 8601 with the local offset (+08:00).
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.http import HttpResponse
from django.utils import timezone

FORMATS = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}

# The element name of one item of each list, from the specification.
ITEM_OF = {
    "services": "service",
    "service_requests": "request",
    "attributes": "attribute",
    "values": "value",
    "errors": "error",
    "endpoints": "endpoint",
    "formats": "format",
}

# Characters XML 1.0 cannot carry at all; a case text holding one must not break the whole document.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class Open311Error(Exception):
    """One or more errors, answered as `[{"code": 400, "description": "…"}]` / `<errors>`."""

    def __init__(self, status: int, *descriptions: str) -> None:
        super().__init__("; ".join(descriptions))
        self.status = status
        self.descriptions = list(descriptions)


def w3c(moment: datetime | None) -> str | None:
    """2025-09-24T10:00:00+08:00: seconds precision, the local offset always written out."""
    if moment is None:
        return None
    return timezone.localtime(moment).isoformat(timespec="seconds")


def _scalar(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return _NOT_XML.sub("", str(value))


def _element(tag: str, value: Any) -> ET.Element:
    node = ET.Element(tag)
    if isinstance(value, dict):
        for key, child in value.items():
            node.append(_element(key, child))
    elif isinstance(value, list):
        item = ITEM_OF[tag]
        for child in value:
            node.append(_element(item, child))
    else:
        node.text = _scalar(value)
    return node


def to_xml(root: str, data: Any) -> bytes:
    return ET.tostring(_element(root, data), encoding="utf-8", xml_declaration=True)


def to_json(data: Any) -> bytes:
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    # Still the same JSON value, but no "<script>" in the bytes: a browser that sniffs the content
    # can never run what a citizen typed.
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return text.encode()


def respond(fmt: str, root: str, data: Any, *, status: int = 200) -> HttpResponse:
    body = to_xml(root, data) if fmt == "xml" else to_json(data)
    return HttpResponse(body, status=status, content_type=FORMATS.get(fmt, FORMATS["json"]))


def error_response(fmt: str, status: int, descriptions: Iterable[str]) -> HttpResponse:
    errors = [{"code": status, "description": text} for text in descriptions]
    response = respond(fmt if fmt in FORMATS else "json", "errors", errors, status=status)
    return response
