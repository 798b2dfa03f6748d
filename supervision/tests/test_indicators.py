"""Indicators: ratios stored apart, the 序时 light and its deadline facts, providers, CSV."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from mochou.errors import InvalidInput, NotPermitted
from supervision import indicators as ind
from supervision.task_models import Indicator, Plan
from tests.factories import City

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


def _indicator(kind: str = "ratio", provider: str = "") -> Indicator:
    plan = Plan.objects.create(number=5, name="“梧桐树”园区发展提质计划")
    return Indicator.objects.create(
        plan=plan, code="park-share", name="园区工业总产值占比", measure_unit="%", kind=kind,
        baseline=Decimal(60), baseline_date=date(2022, 1, 1), target=Decimal(80), due=date(2023, 12, 31),
        provider=provider,
    )  # fmt: skip


def test_ratio_light_and_deadline_facts(city: City) -> None:
    indicator = _indicator()
    sup = city.users["supervisor"]
    with pytest.raises(InvalidInput):
        ind.record_measurement(indicator, actor=sup, period=date(2022, 12, 31), value=70)
    m = ind.record_measurement(
        indicator, actor=sup, period=date(2022, 12, 31), numerator=690, denominator=1000
    )
    assert m.value == Decimal("69.00")
    assert m.numerator == Decimal("690.00")
    status = ind.status(indicator, date(2022, 12, 31))
    assert status.light == "green"  # 45 % done, 50 % of the time gone
    assert ind.status(indicator, date(2023, 12, 30)).light == "red"  # gap ≈ −55
    late = ind.status(indicator, date(2024, 1, 5))
    assert late.light == "red"
    assert "已过目标期限" in late.why
    ind.record_measurement(indicator, actor=sup, period=date(2023, 12, 31), numerator=81, denominator=100)
    assert ind.status(indicator, date(2024, 1, 5)).light == "green"
    # A correction is a new row: the period's latest entry wins, both are kept.
    ind.record_measurement(indicator, actor=sup, period=date(2023, 12, 31), numerator=79, denominator=100)
    assert [s.value for s in ind.series(indicator)] == [Decimal("69.00"), Decimal("79.00")]
    assert indicator.measurements.count() == 3


def test_only_the_office_or_the_owner_reports(city: City) -> None:
    indicator = _indicator(kind="absolute")
    with pytest.raises(NotPermitted):
        ind.record_measurement(indicator, actor=city.users["clerk"], period=date(2022, 6, 30), value=1)
    indicator.owner_unit = city.housing
    indicator.save()
    ind.record_measurement(indicator, actor=city.users["clerk"], period=date(2022, 6, 30), value=65)


def test_a_registered_provider_gives_the_value(city: City) -> None:
    indicator = _indicator(kind="cumulative", provider="test.figure")
    ind.register_indicator_provider("test.figure", lambda i, on: Decimal(75))
    try:
        value, _, via = ind.current_value(indicator, date(2023, 1, 1))
        assert value == Decimal(75)
        assert via == "provider"
    finally:
        ind._PROVIDERS.pop("test.figure")


def test_csv_import_is_all_or_nothing(city: City) -> None:
    _indicator(kind="absolute")
    good = "指标编码,统计期,数值,分子,分母,依据材料\npark-share,2022-03-31,62,,,统计月报\n"
    assert len(ind.import_csv(good, actor=city.users["supervisor"])) == 1
    bad = good + "nope,2022-04-30,63,,,\n"
    with pytest.raises(InvalidInput):
        ind.import_csv(bad, actor=city.users["supervisor"])
    assert Indicator.objects.get(code="park-share").measurements.count() == 1
