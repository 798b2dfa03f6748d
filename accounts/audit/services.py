"""Writing the audit log: `record` one event, `snapshot` a model's values, `changes` between two.

Callers record inside the transaction of the change they audit, so that a change is never
committed without its record (and a rolled-back change leaves none).
"""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, cast

from django.db import models
from django.http import HttpRequest
from django.utils import timezone

from accounts.audit.models import AuditRecord

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

    from accounts.models import User

# Never copied into the log, whatever a caller asks for.
SECRET_FIELDS = frozenset({"password", "digest"})
REPR_LENGTH = AuditRecord._meta.get_field("target_repr").max_length or 200


def record(
    *,
    actor: AbstractBaseUser | AnonymousUser | None,
    action: str,
    target: models.Model | None = None,
    target_type: str = "",
    target_id: str = "",
    target_repr: str = "",
    old: dict[str, Any] | None = None,
    new: dict[str, Any] | None = None,
    reason: str = "",
    request: HttpRequest | None = None,
) -> AuditRecord:
    """Append one record. `target` fills type ("app.model"), id and repr unless they are given;
    an anonymous or missing actor is the system. `old`/`new` must be JSON-safe (see snapshot)."""
    if target is not None:
        target_type = target_type or target._meta.label_lower
        target_id = target_id or ("" if target.pk is None else str(target.pk))
        target_repr = target_repr or str(target)
    user = cast("User", actor) if actor is not None and actor.is_authenticated else None
    return AuditRecord.objects.create(
        actor=user,
        actor_name=_name_of(user),
        ip=client_ip(request),
        action=action,
        target_type=target_type,
        target_id=str(target_id),
        target_repr=target_repr[:REPR_LENGTH],
        reason=reason.strip(),
        old=old or {},
        new=new or {},
    )


def snapshot(instance: models.Model, fields: Iterable[str] | None = None) -> dict[str, Any]:
    """The instance's field values, JSON-safe: foreign keys as their pk, dates ISO, decimals as
    strings. Concrete fields by default; many-to-many fields only when named (each is a query),
    as a sorted list of pks. Secrets (password hashes, token digests) are never included."""
    meta = instance._meta
    names = [f.name for f in meta.concrete_fields] if fields is None else list(fields)
    values: dict[str, Any] = {}
    for name in names:
        if name in SECRET_FIELDS:
            continue
        field = meta.get_field(name)
        if field.many_to_many:
            values[name] = _m2m_pks(instance, name)
        elif field.is_relation:
            values[name] = _jsonable(getattr(instance, field.attname))  # type: ignore[union-attr]
        else:
            values[name] = _jsonable(getattr(instance, name))
    return values


def changes(old: dict[str, Any], new: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The parts of `old` and `new` whose value differs (a key on one side only counts as changed)."""
    keys = [k for k in dict.fromkeys([*old, *new]) if old.get(k) != new.get(k) or (k in old) != (k in new)]
    return {k: old[k] for k in keys if k in old}, {k: new[k] for k in keys if k in new}


def client_ip(request: HttpRequest | None) -> str | None:
    # REMOTE_ADDR only: behind the trusted proxy the WSGI server has already put the client's
    # address there (MOCHOU_TRUSTED_PROXY); a header the client sends is not evidence.
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def _name_of(user: Any) -> str:
    if user is None:
        return ""
    name = getattr(user, "name", "") or user.get_username()
    return f"{name} ({user.get_username()})" if name != user.get_username() else str(name)


def _m2m_pks(instance: models.Model, name: str) -> list[Any]:
    if instance.pk is None:
        return []
    manager = getattr(instance, name)
    return sorted(_jsonable(pk) for pk in manager.values_list("pk", flat=True))


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, dt.datetime):
        # Local time, to the second: the admin's date-and-time inputs drop microseconds, and that
        # artefact of a form is no change anybody made.
        local = timezone.localtime(value) if timezone.is_aware(value) else value
        return local.replace(microsecond=0).isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, list | tuple | set | frozenset):
        items = [_jsonable(v) for v in value]
        return sorted(items, key=str) if isinstance(value, set | frozenset) else items
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, models.Model):
        return _jsonable(value.pk)
    if hasattr(value, "name"):  # a FieldFile: its stored path
        return str(value.name or "")
    return str(value)
