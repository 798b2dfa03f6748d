"""The case pages: queues, registration, the case page and its actions (htmx)."""

from cases.views.bulk import bulk_action, bulk_dispatch_fields
from cases.views.case import act, case_detail
from cases.views.queues import home, queue, queue_choices, queue_counts, reveal_phone
from cases.views.register import register
from cases.views.saved_filters import delete_filter, save_filter

__all__ = [
    "act",
    "bulk_action",
    "bulk_dispatch_fields",
    "case_detail",
    "delete_filter",
    "home",
    "queue",
    "queue_choices",
    "queue_counts",
    "register",
    "reveal_phone",
    "save_filter",
]
