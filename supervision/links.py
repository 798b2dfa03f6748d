"""Where a notification about a task or a task's 督办单 points.

`notifications.Notification` links to a case only (its one FK; no URL field), so a task's or a
task notice's page is named in the message's text: the reader finds it from the notification
without knowing the ledger's filters.
"""

from __future__ import annotations

from django.urls import reverse

MESSAGE_MAX = 300  # notifications.Notification.message


def task_path(number: str) -> str:
    return reverse("supervision:task", args=[number])


def task_notice_path(number: str) -> str:
    return reverse("supervision:task_notice", args=[number])


def with_link(message: str, path: str) -> str:
    """The message, shortened if need be so that the link always fits whole."""
    suffix = f"（查看：{path}）"
    return message[: MESSAGE_MAX - len(suffix)] + suffix
