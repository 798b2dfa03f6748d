"""Reserves: the sites and stocks of a unit (or of all, for the duty chain), with shortfalls."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from duty.access import in_duty_chain
from duty.models import ReserveSite, Stock
from duty.services import reserves
from duty.views.common import duty_page, me, now, parse_optional_day, posted
from mochou.errors import InvalidInput
from org.models import Unit


def _scope(request: HttpRequest) -> list[int] | None:
    return None if in_duty_chain(me(request)) else [me(request).unit_id or 0]


@duty_page
def reserve_list(request: HttpRequest) -> HttpResponse:
    scope = _scope(request)
    sites = ReserveSite.objects.select_related("unit")
    stocks = Stock.objects.select_related("unit")
    if scope is not None:
        sites, stocks = sites.filter(unit_id__in=scope), stocks.filter(unit_id__in=scope)
    context = {
        "sites": sites,
        "stocks": stocks,
        "shortfalls": reserves.shortfalls(now(), scope),
        "site_kinds": ReserveSite.Kind.choices,
        "stock_kinds": Stock.Kind.choices,
    }
    return render(request, "duty/reserves.html", context)


def _unit(request: HttpRequest) -> Unit:
    user = me(request)
    code = request.POST.get("unit")
    if code and in_duty_chain(user):
        return get_object_or_404(Unit, code=code)
    if user.unit is None:
        raise InvalidInput("请选择责任单位。", code="invalid_input.unit")
    return user.unit


@posted
def site_add(request: HttpRequest) -> str:
    p = request.POST
    reserves.add_site(
        _unit(request),
        actor=me(request),
        kind=p.get("kind", ""),
        name=p.get("name", ""),
        address=p.get("address", ""),
        capacity=p.get("capacity", ""),
    )
    return "已登记储备场所。"


@posted
def site_check(request: HttpRequest, pk: int) -> str:
    site = get_object_or_404(ReserveSite, pk=pk)
    p = request.POST
    reserves.check_site(
        site,
        actor=me(request),
        passed=p.get("passed") == "1",
        ready=p.get("ready") == "1",
        note=p.get("note", ""),
        now=now(),
    )
    return "已记录检查。"


@posted
def stock_set(request: HttpRequest) -> str:
    p = request.POST
    reserves.set_stock(
        _unit(request),
        actor=me(request),
        kind=p.get("kind", ""),
        name=p.get("name", ""),
        quantity=p.get("quantity", ""),
        minimum=p.get("minimum", ""),
        measure=p.get("measure", "件"),
        expires_on=parse_optional_day(p.get("expires_on"), "expires_on", "有效期"),
        now=now(),
    )
    return "已更新储备物资。"
