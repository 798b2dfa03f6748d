"""The event log every loop keeps: one append-only row per action on an item."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models


class AppendOnlyQuerySet(models.QuerySet[Any]):
    """Bulk writes other than inserts are refused too, not only an instance's save and delete."""

    def update(self, **kwargs: Any) -> int:
        raise RuntimeError(f"{self.model.__name__} is append-only (queryset.update refused)")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise RuntimeError(f"{self.model.__name__} is append-only (queryset.delete refused)")


class EventBase(models.Model):
    """One action on an item. Append-only: rows are never updated or deleted.

    A concrete log adds its `item` foreign key (named for the item: `case`, `task` …) and the
    choices of its loop's actions and states; the verb skeleton (`loop.verbs`) writes it.
    """

    seq = models.PositiveIntegerField("序号")
    action = models.CharField("动作", max_length=20)
    from_state = models.CharField(max_length=20, blank=True)
    to_state = models.CharField(max_length=20)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_unit = models.ForeignKey(
        "org.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField("说明", blank=True)
    payload = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField("时间", db_index=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise RuntimeError(f"{type(self).__name__} is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise RuntimeError(f"{type(self).__name__} is append-only")
