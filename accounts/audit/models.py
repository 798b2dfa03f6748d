"""One row per audited event. Append-only: the model and its queryset refuse updates and deletes."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone


class AppendOnlyError(RuntimeError):
    """An audit record was about to be changed or deleted."""


def _refuse(how: str) -> AppendOnlyError:
    return AppendOnlyError(f"AuditRecord is append-only ({how} refused)")


class AuditQuerySet(models.QuerySet["AuditRecord"]):
    """Reads as usual; bulk writes other than inserts are refused."""

    def update(self, **kwargs: Any) -> int:
        raise _refuse("queryset.update")

    def bulk_update(self, objs: Any, fields: Any, batch_size: int | None = None) -> int:
        raise _refuse("bulk_update")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise _refuse("queryset.delete")

    def update_or_create(self, *args: Any, **kwargs: Any) -> tuple[AuditRecord, bool]:
        raise _refuse("update_or_create")


class AuditRecord(models.Model):
    at = models.DateTimeField("时间", default=timezone.now, db_index=True)
    # PROTECT, like the case events: a user who has done anything audited is deactivated, never
    # deleted, so the trail keeps pointing at them. Null is the system (a command, a sweep).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The name at the time: a later rename must not rewrite who did it.
    actor_name = models.CharField("操作人姓名", max_length=150, blank=True)
    ip = models.GenericIPAddressField("IP 地址", null=True, blank=True)
    action = models.CharField("操作", max_length=40)
    target_type = models.CharField("对象类型", max_length=100, blank=True)
    target_id = models.CharField("对象编号", max_length=64, blank=True)
    target_repr = models.CharField("对象", max_length=200, blank=True)
    reason = models.TextField("原因", blank=True)
    old = models.JSONField("原值", default=dict, blank=True)
    new = models.JSONField("新值", default=dict, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        verbose_name = "审计记录"
        verbose_name_plural = "审计记录"
        ordering = ["-at", "-id"]
        # The auditor filters by action, by actor and by target, always within a time range.
        indexes = [
            models.Index(fields=["action", "at"], name="audit_action_at"),
            models.Index(fields=["actor", "at"], name="audit_actor_at"),
            models.Index(fields=["target_type", "target_id", "at"], name="audit_target_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name or '系统'} {self.action} {self.target_repr}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise _refuse("save of an existing record")
        # Always an INSERT: with a primary key set, a plain save would try an UPDATE first.
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise _refuse("delete")

    @property
    def action_label(self) -> str:
        from accounts.audit.actions import label_of

        return label_of(self.action)

    def field_changes(self) -> list[tuple[str, Any, Any]]:
        """(field, old, new) for every key in either side, in a stable order, for the detail page."""
        keys = list(dict.fromkeys([*(self.old or {}), *(self.new or {})]))
        return [(key, (self.old or {}).get(key), (self.new or {}).get(key)) for key in keys]
