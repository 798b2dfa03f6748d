"""Versioned settings: what a loop's deadlines and rules are computed from, in force for a period.

Category time limits today (cases.models.LimitVersion), and tomorrow the dispatch catalogue, the
rates' scoring schemes, supervision limits and the service-matter catalogue, all take this
shape: a version is drafted, published for a validity period that overlaps no other published
version, and read-only once published; "new version" copies the current one as a draft. Each
item pins the version it started under, so a deadline months later is explained by the settings
then in force, and a published change never moves a running item's deadline silently.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any, ClassVar, TypeVar

from django.conf import settings
from django.db import models, transaction
from django.db.models import Max, Q
from django.utils import timezone

from accounts.audit.services import record, snapshot
from mochou.errors import Conflict, InvalidInput

V = TypeVar("V", bound="SettingsVersion")

_publishing: ContextVar[bool] = ContextVar("loop_publishing", default=False)


class VersionStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    PUBLISHED = "published", "已发布"


class ReadOnlyVersion(Conflict):
    code = "settings.published_read_only"


@contextmanager
def _publishing_now() -> Iterator[None]:
    token = _publishing.set(True)
    try:
        yield
    finally:
        _publishing.reset(token)


class SettingsVersion(models.Model):
    """One version of a kind of settings. A concrete kind names its entries' related manager
    (`entries_name`) and copies them in `copy_entries_to`."""

    number = models.PositiveIntegerField("版本号")
    status = models.CharField(
        "状态", max_length=12, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    valid_from = models.DateTimeField("生效时间")
    valid_to = models.DateTimeField("失效时间", null=True, blank=True, help_text="留空表示长期有效")
    note = models.CharField("修订说明", max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField("发布时间", null=True, blank=True)

    entries_name: ClassVar[str] = "entries"

    class Meta:
        abstract = True
        ordering = ["-number"]

    def __str__(self) -> str:
        return f"第{self.number}版（{self.get_status_display()}）"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not _publishing.get():
            if self.pk is not None:
                stored = (
                    type(self)._default_manager.filter(pk=self.pk).values_list("status", flat=True).first()
                )
                if stored == VersionStatus.PUBLISHED:
                    raise ReadOnlyVersion(f"{self}已发布，不能修改；请新建版本。")
            # Published only through publish(): its overlap and start checks and its audit record.
            if self.status == VersionStatus.PUBLISHED:
                raise ReadOnlyVersion(f"{self}只能通过“发布”生效。")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        if self.status == VersionStatus.PUBLISHED:
            raise ReadOnlyVersion(f"{self}已发布，不能删除。")
        return super().delete(*args, **kwargs)

    @property
    def is_published(self) -> bool:
        return self.status == VersionStatus.PUBLISHED

    def copy_entries_to(self, draft: SettingsVersion) -> None:
        raise NotImplementedError

    @classmethod
    def in_force(cls: type[V], at: datetime) -> V | None:
        """The published version whose validity period holds `at`."""
        valid = Q(valid_to__isnull=True) | Q(valid_to__gt=at)
        rows = cls._default_manager.filter(valid, status=VersionStatus.PUBLISHED, valid_from__lte=at)
        return rows.order_by("-valid_from").first()


class SettingsEntry(models.Model):
    """A row of a version (one category's limits …): changeable while its version is a draft."""

    version_field: ClassVar[str] = "version"

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        self._refuse_if_published()
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        self._refuse_if_published()
        return super().delete(*args, **kwargs)

    def _refuse_if_published(self) -> None:
        version = getattr(self, self.version_field)
        if version.status == VersionStatus.PUBLISHED and not _publishing.get():
            raise ReadOnlyVersion(f"{version}已发布，其内容不能修改；请新建版本。")


# ---------------------------------------------------------------- the verbs of settings

# The first version of a kind of settings is the one the city worked with before Mochou: in force
# "since always". Every later version is drafted and published from now on (publish refuses the past).
SINCE_ALWAYS = datetime(2000, 1, 1, tzinfo=UTC)


@contextmanager
def first_version(kind: type[V], *, note: str) -> Iterator[V | None]:
    """Version 1 of `kind`, when it has no version yet: yields the draft for the caller to fill
    with its entries, then publishes it in force since always; yields None when a version exists."""
    with transaction.atomic():
        if kind._default_manager.exists():
            yield None
            return
        draft = kind._default_manager.create(number=1, valid_from=SINCE_ALWAYS, note=note)
        yield draft
        # In place, not publish(): the entries were written into a draft, and its start is the past.
        kind._default_manager.filter(pk=draft.pk).update(
            status=VersionStatus.PUBLISHED, published_at=SINCE_ALWAYS
        )
        # Not an administrator's change but the initial data, as the version itself says (no record).
        draft.refresh_from_db()


def new_draft(
    kind: type[V], *, actor: Any, valid_from: datetime, copy_from: V | None = None, note: str = ""
) -> V:
    """A draft version numbered after the last one, with the entries of `copy_from` (if any)."""
    with transaction.atomic():
        last = kind._default_manager.select_for_update().aggregate(m=Max("number"))["m"] or 0
        draft = kind._default_manager.create(
            number=last + 1, valid_from=valid_from, note=note.strip()[:200], created_by=actor
        )
        if copy_from is not None:
            copy_from.copy_entries_to(draft)
        record(actor=actor, action="setting.draft", target=draft, new=snapshot(draft), reason=note)
    return draft


def publish(version: V, *, actor: Any, reason: str = "", now: datetime | None = None) -> V:
    """Publish a draft: from its `valid_from` it is the settings in force, and read-only.

    The open-ended version it follows is closed at the new one's start (the one change a
    published version allows); any other overlap with a published version is refused.
    """
    now = now or timezone.now()
    kind = type(version)
    with transaction.atomic():
        version = kind._default_manager.select_for_update().get(pk=version.pk)
        if version.is_published:
            raise Conflict(f"{version}已发布。", code="settings.already_published")
        if version.valid_from < now:
            raise InvalidInput(
                "生效时间不能早于发布时间：已发生的办理不能按新设置重算。", code="invalid_input.valid_from"
            )
        if version.valid_to is not None and version.valid_to <= version.valid_from:
            raise InvalidInput("失效时间应晚于生效时间。", code="invalid_input.valid_to")
        published = kind._default_manager.select_for_update().filter(status=VersionStatus.PUBLISHED)
        closed = _close_predecessor(version, published, actor)
        _refuse_overlap(version, published.exclude(pk=closed.pk) if closed else published)
        before = snapshot(version)
        version.status, version.published_by, version.published_at = VersionStatus.PUBLISHED, actor, now
        with _publishing_now():
            version.save()
        record(
            actor=actor,
            action="setting.publish",
            target=version,
            old=before,
            new=snapshot(version),
            reason=reason,
        )
    return version


def _close_predecessor(version: V, published: models.QuerySet[V], actor: Any) -> V | None:
    open_ended = published.filter(valid_to__isnull=True, valid_from__lt=version.valid_from).first()
    if open_ended is None:
        return None
    before = snapshot(open_ended)
    open_ended.valid_to = version.valid_from
    with _publishing_now():
        open_ended.save(update_fields=["valid_to"])
    record(
        actor=actor, action="setting.close", target=open_ended, old=before, new=snapshot(open_ended),
        reason=f"由{version}接续",
    )  # fmt: skip
    return open_ended


def _refuse_overlap(version: V, published: models.QuerySet[V]) -> None:
    ends_after_start = Q(valid_to__isnull=True) | Q(valid_to__gt=version.valid_from)
    overlapping = published.filter(ends_after_start)
    if version.valid_to is not None:
        overlapping = overlapping.filter(valid_from__lt=version.valid_to)
    clash = overlapping.first()
    if clash is not None:
        raise InvalidInput(f"有效期与{clash}重叠，请调整生效或失效时间。", code="invalid_input.overlap")
