"""The case pages: queues, registration, the case page and its actions (htmx)."""

from cases.views.case import act, case_detail
from cases.views.queues import home, queue, queue_counts
from cases.views.register import register

__all__ = ["act", "case_detail", "home", "queue", "queue_counts", "register"]
