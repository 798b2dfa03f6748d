"""Reserves: sites (isolation, shelter) checked 达标 and kept ready, stocks kept above their
minimum and within their expiry; the shortfalls the office is warned of."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import IntegrityError, transaction

from accounts.models import User
from duty import config
from duty.access import in_duty_chain, is_unit_staff
from duty.models import ReserveSite, SiteCheck, Stock
from duty.services.common import count, local_day, require, text
from mochou.errors import Conflict, InvalidInput
from org.models import Unit

# A site unchecked this long counts as a shortfall; a stock expiring within
# config.reserve_expiry_days() is warned.
CHECK_EVERY = timedelta(days=30)


def _may_keep(actor: User, unit_id: int) -> bool:
    return is_unit_staff(actor, unit_id) or in_duty_chain(actor)


def add_site(
    unit: Unit, *, actor: User, kind: str, name: str, address: str, capacity: int | str
) -> ReserveSite:
    require(_may_keep(actor, unit.pk), "只有责任单位或应急值班室可以登记储备场所。")
    if kind not in ReserveSite.Kind.values:
        raise InvalidInput("请选择场所类别。", code="invalid_input.kind", details={"field": "kind"})
    return ReserveSite.objects.create(
        unit=unit,
        kind=kind,
        name=text(name, "名称", "name", min_len=2, max_len=100),
        address=text(address, "地址", "address", min_len=2, max_len=200),
        capacity=count(capacity, "容量", "capacity"),
    )


def check_site(
    site: ReserveSite, *, actor: User, passed: bool, ready: bool, note: str, now: datetime
) -> SiteCheck:
    """A 达标 check: recorded, and the site shows its result and readiness from now on."""
    require(_may_keep(actor, site.unit_id), "只有责任单位或应急值班室可以检查储备场所。")
    with transaction.atomic():
        check = SiteCheck.objects.create(
            site=site,
            checked_by=actor,
            checked_at=now,
            passed=passed,
            ready=ready and passed,
            note=text(note, "检查情况", "note", min_len=2, max_len=300),
        )
        site.checked_at, site.check_passed, site.is_ready = now, passed, check.ready
        site.save(update_fields=["checked_at", "check_passed", "is_ready"])
    return check


def set_stock(
    unit: Unit,
    *,
    actor: User,
    kind: str,
    name: str,
    quantity: int | str,
    minimum: int | str,
    measure: str = "件",
    expires_on: date | None = None,
    now: datetime,
) -> Stock:
    """Register a stock or record its count (盘点): one row per unit and supply."""
    require(_may_keep(actor, unit.pk), "只有责任单位或应急值班室可以登记储备物资。")
    if kind not in Stock.Kind.values:
        raise InvalidInput("请选择物资类别。", code="invalid_input.kind", details={"field": "kind"})
    values = {
        "kind": kind,
        "quantity": count(quantity, "库存", "quantity"),
        "minimum": count(minimum, "最低储备", "minimum"),
        "measure": (measure or "件").strip()[:8],
        "expires_on": expires_on,
        "updated_by": actor,
        "updated_at": now,
    }
    try:
        with transaction.atomic():
            stock, _ = Stock.objects.update_or_create(
                unit=unit, name=text(name, "物资名称", "name", min_len=2, max_len=60), defaults=values
            )
    except IntegrityError:
        raise Conflict("该物资已登记。", code="duty.stock_exists") from None
    return stock


@dataclass(frozen=True)
class Shortfall:
    unit: Unit
    what: str
    why: str
    target: str = ""  # "site:3", "stock:12": what the sweep's warning claim is keyed by
    kind: str = ""  # "unchecked", "failed", "unready", "short", "expired:<date>", "expiring:<date>"


def shortfalls(now: datetime, unit_ids: list[int] | None = None) -> list[Shortfall]:
    """Sites not ready, failed or unchecked for CHECK_EVERY; stocks below minimum, expired or
    expiring within config.reserve_expiry_days()."""
    today = local_day(now)
    expiry_warning = timedelta(days=config.reserve_expiry_days())
    sites = ReserveSite.objects.select_related("unit")
    stocks = Stock.objects.select_related("unit")
    if unit_ids is not None:
        sites, stocks = sites.filter(unit_id__in=unit_ids), stocks.filter(unit_id__in=unit_ids)
    found = []
    for site in sites:
        if site.checked_at is None or site.checked_at < now - CHECK_EVERY:
            found.append(Shortfall(site.unit, site.name, "超过30天未检查", f"site:{site.pk}", "unchecked"))
        elif not site.check_passed:
            found.append(Shortfall(site.unit, site.name, "检查未达标", f"site:{site.pk}", "failed"))
        elif not site.is_ready:
            found.append(Shortfall(site.unit, site.name, "未处于随时可用状态", f"site:{site.pk}", "unready"))
    for stock in stocks:
        if stock.short:
            found.append(
                Shortfall(
                    stock.unit,
                    stock.name,
                    f"库存 {stock.quantity}{stock.measure}，低于最低储备 {stock.minimum}",
                    f"stock:{stock.pk}",
                    "short",
                )
            )
        # The expiry date is in the kind: a new batch with a new date is a new warning.
        expires = stock.expires_on
        if expires is not None and expires < today:
            found.append(
                Shortfall(
                    stock.unit,
                    stock.name,
                    f"已于 {expires:%Y-%m-%d} 过期",
                    f"stock:{stock.pk}",
                    f"expired:{expires}",
                )
            )
        elif expires is not None and expires <= today + expiry_warning:
            found.append(
                Shortfall(
                    stock.unit,
                    stock.name,
                    f"将于 {expires:%Y-%m-%d} 过期",
                    f"stock:{stock.pk}",
                    f"expiring:{expires}",
                )
            )
    return found
