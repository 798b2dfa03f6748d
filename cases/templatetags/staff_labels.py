"""{% load staff_labels %}: the plain labels of cases.labels in templates."""

from __future__ import annotations

from typing import Any

from django import template

from cases import labels

register = template.Library()


@register.filter
def channel_label(channel: str) -> str:
    return labels.channel_label(channel)


@register.filter
def contact_label(payload: Any) -> str:
    return labels.contact_label(payload)


@register.filter
def confidence(value: float | None) -> str:
    return labels.confidence_label(value)


@register.filter
def actor_label(event: Any) -> str:
    return labels.actor_label(event)


@register.filter
def percent(value: float | None) -> str:
    """0.67 → "67%" (similarity and other shares, shown as staff read them)."""
    return "—" if value is None else f"{round(float(value) * 100)}%"


@register.filter
def is_system(user: Any) -> bool:
    """The platform's own accounts (automatic triage, the self-service doors): no person to name."""
    return labels.is_system_account(user)
