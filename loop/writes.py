"""A loop item's state is written only by the verb that records its event.

`Loop.verb` and `Loop.start` (loop.verbs) open `recording()` around the one write of the state;
everywhere else the model's `save()` and its queryset's `update()`, `bulk_update()` and
`bulk_create()` refuse to change it. The event log is the truth and the state its cache: a write
outside the verb would be a change with no event, which no page or report could explain.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from django.db import models

_recording: ContextVar[bool] = ContextVar("loop_recording", default=False)

M = TypeVar("M", bound=models.Model)
_UNSET = object()


class StateWriteRefused(RuntimeError):
    """A loop item's state was about to change without its event."""


@contextmanager
def recording() -> Iterator[None]:
    """The verb skeleton's write of the state (and of a new item): the one place it is allowed."""
    token = _recording.set(True)
    try:
        yield
    finally:
        _recording.reset(token)


def _refuse(model: type[models.Model], how: str) -> None:
    raise StateWriteRefused(
        f"{model.__name__}.state may only be written by its loop's verbs ({how} outside a verb); "
        "call the service that records the event instead"
    )


class StatefulQuerySet(models.QuerySet[M]):
    """The queryset of a loop item: bulk writes leave the state field alone outside a verb."""

    state_field: ClassVar[str] = "state"

    def update(self, **kwargs: Any) -> int:
        if self.state_field in kwargs and not _recording.get():
            _refuse(self.model, "queryset.update")
        return super().update(**kwargs)

    def bulk_update(self, objs: Iterable[M], fields: Iterable[str], batch_size: int | None = None) -> int:
        fields = tuple(fields)  # read twice: by the check and by Django
        if self.state_field in fields and not _recording.get():
            _refuse(self.model, "bulk_update")
        return super().bulk_update(objs, fields, batch_size=batch_size)

    def bulk_create(self, objs: Iterable[M], *args: Any, **kwargs: Any) -> list[M]:
        if not _recording.get():
            _refuse(self.model, "bulk_create")
        return super().bulk_create(objs, *args, **kwargs)


class StatefulModel(models.Model):
    """Base of a loop item: remembers the state it was read with and refuses to save another."""

    state_field: ClassVar[str] = "state"
    if TYPE_CHECKING:
        # What the guards read (loop.guards.Item); the concrete item declares the field itself.
        state: str

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not _recording.get():
            update_fields = kwargs.get("update_fields")
            writes_state = update_fields is None or self.state_field in update_fields
            if self._state.adding:
                _refuse(type(self), "a new item")
            # A deferred state (`.only(…)`) is not loaded, so it is not being written either.
            current = self.__dict__.get(self.state_field, _UNSET)
            if writes_state and current is not _UNSET and current != getattr(self, "_loaded_state", None):
                _refuse(type(self), "save")
            if update_fields is None:
                # A full save outside a verb writes every field but the state: an instance read
                # before a verb moved the row cannot write its old state back over the new one.
                kwargs["update_fields"] = [
                    f.attname
                    for f in self._meta.concrete_fields
                    if not f.primary_key and f.name != self.state_field
                ]
        super().save(*args, **kwargs)
        self._loaded_state = getattr(self, self.state_field)

    @classmethod
    def from_db(cls, db: str | None, field_names: Any, values: Any) -> Any:
        instance = super().from_db(db, field_names, values)
        instance._loaded_state = instance.__dict__.get(cls.state_field)
        return instance

    def refresh_from_db(self, *args: Any, **kwargs: Any) -> None:
        fields = kwargs.get("fields") if "fields" in kwargs else (args[1] if len(args) > 1 else None)
        super().refresh_from_db(*args, **kwargs)
        # Only a refresh that re-read the state makes it "as loaded" (a deferred field's refresh
        # or fields=[…] without it must not approve a state set in memory).
        if fields is None or self.state_field in fields:
            self._loaded_state = self.__dict__.get(self.state_field)
