"""Plain Chinese for staff where the stored labels speak the system's language (issue 10, item 10).

The choices' own labels stay as they are (they are part of the migrations and the API's
vocabulary); pages for people say what a clerk would say. One way to show the triage's
confidence everywhere: "把握较大（87%）".
"""

from __future__ import annotations

from typing import Any

from cases.models import Channel, ContactWay

# How a request arrived, as the floor says it: the API doors are other systems handing cases over.
STAFF_CHANNEL_LABELS: dict[str, str] = {
    Channel.OPEN311: "外部平台转入",
    Channel.API: "其他系统转入",
}


def channel_label(channel: str) -> str:
    if channel in STAFF_CHANNEL_LABELS:
        return STAFF_CHANNEL_LABELS[channel]
    try:
        return str(Channel(channel).label)
    except ValueError:
        return channel


def confidence_label(value: float | None) -> str:
    """0.87 → "把握较大（87%）"; the words say how far to trust it, the number stays for the curious."""
    if value is None:
        return "—"
    share = max(0.0, min(1.0, float(value)))
    words = "把握较大" if share >= 0.8 else "把握一般" if share >= 0.5 else "把握较小"
    return f"{words}（{round(share * 100)}%）"


def is_system_account(user: Any) -> bool:
    """The platform's own actors (automatic triage and dispatch, the self-service doors)."""
    username = getattr(user, "username", "") or ""
    return username == "system" or username.startswith("channel-")


def actor_label(event: Any) -> str:
    """Who took a step, for the timeline: a person and their unit, or simply 系统."""
    actor = getattr(event, "actor", None)
    if actor is None or is_system_account(actor):
        return "系统"
    unit = getattr(event, "actor_unit", None)
    return f"{actor.name}（{unit.display_name}）" if unit is not None else str(actor.name)


def contact_label(payload: Any) -> str:
    """A 联系诉求人 event's way and outcome: "电话 · 已联系上" (empty for any other event)."""
    if not isinstance(payload, dict) or "way" not in payload:
        return ""
    way = str(payload.get("way") or "")
    if way in ContactWay.values:
        way = str(ContactWay(way).label)
    return f"{way} · {'已联系上' if payload.get('reached') else '未联系上'}"
