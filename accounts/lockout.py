"""Lockout after repeated failed logins, per account name and per address (GB/T 22239-2019
level 3: "应具有登录失败处理功能").

MOCHOU_LOGIN_MAX_FAILURES failures of one account name within MOCHOU_LOGIN_WINDOW_MINUTES lock that
name for MOCHOU_LOGIN_LOCK_MINUTES; MOCHOU_LOGIN_MAX_FAILURES_PER_ADDRESS failures from one address
lock the address. A name is counted whether or not such a user exists, and a locked name is refused
before its password is checked, so neither the count nor the message tells a guesser which names
are real. A successful login clears its name's failures (not its address's: one office address
may serve a guesser and a colleague).

Failures and locks are rows in the database, so a restart or a second server process sees them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.dispatch import Signal
from django.http import HttpRequest
from django.utils import timezone

from accounts.models import LoginFailure, LoginLock

# Sent once when a lock starts: sender=LoginLock, lock=LoginLock, failures=int, request=HttpRequest.
login_locked = Signal()

LOCKED_MESSAGE = "登录失败次数过多，已暂时锁定，请 {minutes} 分钟后再试。如需立即解锁，请联系管理员。"


@dataclass(frozen=True)
class Locked:
    until: dt.datetime

    @property
    def message(self) -> str:
        minutes = max(1, -(-int((self.until - timezone.now()).total_seconds()) // 60))
        return LOCKED_MESSAGE.format(minutes=minutes)


def account_key(username: str) -> str:
    # Casefolded: "Admin" and "admin" are one name to a guesser, and so to the count.
    return username.strip().casefold()[: LoginFailure._meta.get_field("username").max_length]


def client_ip(request: HttpRequest | None) -> str | None:
    # REMOTE_ADDR only (as audit.services.client_ip): behind MOCHOU_TRUSTED_PROXY the WSGI server
    # has put the client's address there; a header the client sends is not evidence.
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def locked(username: str, ip: str | None) -> Locked | None:
    """The lock that refuses this name or address now, the later one if both."""
    keys = [(LoginLock.Scope.ACCOUNT, account_key(username))]
    if ip:
        keys.append((LoginLock.Scope.ADDRESS, ip))
    now = timezone.now()
    untils = [
        lock.until
        for scope, key in keys
        for lock in LoginLock.objects.filter(scope=scope, key=key, until__gt=now)
    ]
    return Locked(max(untils)) if untils else None


def register_failure(username: str, request: HttpRequest | None) -> Locked | None:
    """Count one failed password; lock the name and/or the address when it reaches its limit."""
    now = timezone.now()
    name, ip = account_key(username), client_ip(request)
    since = now - dt.timedelta(minutes=settings.MOCHOU_LOGIN_WINDOW_MINUTES)
    until = now + dt.timedelta(minutes=settings.MOCHOU_LOGIN_LOCK_MINUTES)
    LoginFailure.objects.create(username=name, ip=ip, at=now)
    result: Locked | None = None
    checks = [(LoginLock.Scope.ACCOUNT, name, {"username": name}, settings.MOCHOU_LOGIN_MAX_FAILURES)]
    if ip:
        checks.append(
            (LoginLock.Scope.ADDRESS, ip, {"ip": ip}, settings.MOCHOU_LOGIN_MAX_FAILURES_PER_ADDRESS)
        )
    for scope, key, match, limit in checks:
        # Failures from before the last lock ended do not count again: the next lock needs new ones.
        # (Deleting them instead would also take them off the address's count.)
        ended = LoginLock.objects.filter(scope=scope, key=key).values_list("until", flat=True).first()
        failures = LoginFailure.objects.filter(at__gt=max(since, ended or since), **match).count()
        if failures >= limit and _lock(scope, key, until, failures, request):
            result = Locked(until)
    return result


def _lock(scope: str, key: str, until: dt.datetime, failures: int, request: HttpRequest | None) -> bool:
    """Start a lock unless one is running; True when this call started it (and announced it)."""
    now = timezone.now()
    try:
        with transaction.atomic():
            lock, created = LoginLock.objects.select_for_update().get_or_create(
                scope=scope, key=key, defaults={"until": until}
            )
            if not created:
                if lock.until > now:
                    return False  # a parallel failure started it: one lock, one record
                lock.until = until
                lock.save(update_fields=["until"])
    except IntegrityError:  # two processes created it at once; the other one announces it
        return False
    login_locked.send(sender=LoginLock, lock=lock, failures=failures, request=request)
    return True


def clear_account(username: str) -> None:
    """A successful login: the name's earlier failures no longer count towards a lock."""
    LoginFailure.objects.filter(username=account_key(username)).delete()


def unlock(scope: str, key: str) -> int:
    """An administrator lifts a lock early (e.g. from the shell); returns how many were lifted.

    The row stays, ended now, so that the failures before it do not count again."""
    now = timezone.now()
    key = account_key(key) if scope == LoginLock.Scope.ACCOUNT else key
    return LoginLock.objects.filter(scope=scope, key=key, until__gt=now).update(until=now)
