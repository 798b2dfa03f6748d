"""Keep the in-process calendar cache honest when an admin edits a day."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from worktime.calendar import clear_cache
from worktime.models import CalendarDay


@receiver(post_save, sender=CalendarDay, dispatch_uid="worktime.calendar_day_saved")
@receiver(post_delete, sender=CalendarDay, dispatch_uid="worktime.calendar_day_deleted")
def calendar_day_changed(sender: type[CalendarDay], **kwargs: Any) -> None:
    # Clear now so this request sees its own edit, and again after commit in case another
    # thread reloaded the year from the old, still-committed rows in between.
    clear_cache()
    transaction.on_commit(clear_cache)
