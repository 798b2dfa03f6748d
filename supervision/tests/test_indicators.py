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


def test_cumulative_is_the_years_sum_and_the_light_uses_it(city: City) -> None:
    """年度累计: each entry is what its period added; the period's value is the year-to-date sum
    (a correction counts once, a new year starts again), and the light reads that sum."""
    plan = Plan.objects.create(number=1, name="“永动机”招商引资倍增计划")
    indicator = Indicator.objects.create(
        plan=plan, code="signed", name="新签约项目", measure_unit="个", kind="cumulative",
        baseline=Decimal(0), baseline_date=date(2023, 1, 1), target=Decimal(12), due=date(2023, 12, 31),
    )  # fmt: skip
    sup = city.users["supervisor"]
    for month, added in ((1, 1), (2, 2), (3, 1)):
        ind.record_measurement(indicator, actor=sup, period=date(2023, month, 28), value=added)
    ind.record_measurement(indicator, actor=sup, period=date(2023, 3, 28), value=3)  # March corrected
    assert [v for _, v in ind.period_values(indicator)] == [Decimal(1), Decimal(3), Decimal(6)]
    value, period, _ = ind.current_value(indicator, date(2023, 3, 31))
    assert (value, period) == (Decimal(6), date(2023, 3, 28))
    # 6 of 12 by the end of March (about a quarter of the year gone): ahead, green.
    assert ind.status(indicator, date(2023, 3, 31)).light == "green"
    assert ind.status(indicator, date(2023, 3, 31)).completion == 50.0
    # Had it summed nothing (the last entry alone, 3 of 12 = 25 %) the light would be the same
    # here; by September with no more entries it is 6 of 12 against 70 % of the time: 黄.
    assert ind.status(indicator, date(2023, 9, 30)).light == "yellow"
    ind.record_measurement(indicator, actor=sup, period=date(2024, 1, 28), value=2)
    assert ind.period_values(indicator)[-1][1] == Decimal(2)  # a new year starts at zero


def test_csv_errors_name_the_line(city: City) -> None:
    _indicator(kind="absolute")
    sup = city.users["supervisor"]
    head = "指标编码,统计期,数值,分子,分母,依据材料\n"
    cases = {
        head + "park-share,2022-03-31,62,,,\npark-share,2022-04-31,63,,,\n": 3,  # impossible date
        head + "park-share,2022-03-31,62,,,\n\npark-share,2022-04-30,abc,,,\n": 4,  # a bad number
        head + 'park-share,2022-03-31,62,,,"说明\n两行"\nnope,2022-04-30,1,,,\n': 4,  # a two-line cell
    }
    for text, line in cases.items():
        with pytest.raises(InvalidInput) as error:
            ind.import_csv(text, actor=sup)
        assert error.value.message.startswith(f"第{line}行"), error.value.message
        assert error.value.details["line"] == line
    with pytest.raises(InvalidInput) as error:
        ind.import_csv("编码,期\nx,y\n", actor=sup)
    assert error.value.details["line"] == 1
    # The owner check names the line too (a clerk whose unit does not own the figure).
    with pytest.raises(NotPermitted) as refused:
        ind.import_csv(head + "park-share,2022-03-31,62,,,\n", actor=city.users["clerk"])
    assert refused.value.message.startswith("第2行")
    assert Indicator.objects.get(code="park-share").measurements.count() == 0


def _workbook(rows: list[list[object]]) -> bytes:
    import io

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_xlsx_import_is_all_or_nothing_and_names_the_row(city: City) -> None:
    from datetime import datetime

    indicator = _indicator()  # a ratio: numerator and denominator
    sup = city.users["supervisor"]
    header: list[object] = ["指标编码", "统计期", "数值", "分子", "分母", "依据材料"]
    good = _workbook([header, ["park-share", datetime(2022, 3, 31), None, 620, 1000, "统计月报"],
                      ["park-share", "2022-04-30", None, 640.0, 1000, ""]])  # fmt: skip
    made = ind.import_xlsx(good, actor=sup)
    assert [m.value for m in made] == [Decimal("62.00"), Decimal("64.00")]
    assert {m.via for m in made} == {"xlsx"}
    bad = _workbook([header, ["park-share", "2022-05-31", None, 650, 1000, ""], [],
                     ["park-share", "2022-06-30", None, 660, 0, ""]])  # fmt: skip
    with pytest.raises(InvalidInput) as error:
        ind.import_xlsx(bad, actor=sup)
    assert error.value.message.startswith("第4行")
    assert error.value.details["line"] == 4
    assert indicator.measurements.count() == 2  # nothing of the bad file
    with pytest.raises(InvalidInput):
        ind.import_xlsx(b"not a workbook", actor=sup)
    with pytest.raises(InvalidInput) as error:
        ind.import_xlsx(_workbook([["a", "b"], [1, 2]]), actor=sup)
    assert error.value.details["line"] == 1


def _owned_by_housing(city: City) -> Indicator:
    indicator = _indicator(kind="absolute")
    Plan.objects.filter(pk=indicator.plan_id).update(lead_unit=city.housing)
    Indicator.objects.filter(pk=indicator.pk).update(owner_unit=city.housing)
    return Indicator.objects.select_related("plan").get(pk=indicator.pk)


def test_a_figure_is_verified_by_the_office_or_the_plans_owner_never_by_its_reporter(city: City) -> None:
    from mochou.errors import Conflict

    indicator = _owned_by_housing(city)
    sup, clerk, boss = city.users["supervisor"], city.users["clerk"], city.users["unit_leader"]
    entered = ind.record_measurement(indicator, actor=clerk, period=date(2022, 12, 31), value=70)
    for who, code in [(clerk, "permission_denied.role"), (city.users["outsider"], "permission_denied.role")]:
        with pytest.raises(NotPermitted) as refused:
            ind.verify_measurement(entered, actor=who)
        assert refused.value.code == code
    by_office = ind.record_measurement(indicator, actor=sup, period=date(2023, 6, 30), value=72)
    with pytest.raises(NotPermitted) as own:
        ind.verify_measurement(by_office, actor=sup)
    assert own.value.code == "permission_denied.reporter"
    assert ind.verify_measurement(by_office, actor=boss).verified_by == boss
    # A correction supersedes the entry it corrects: the corrected figure is the one to check.
    corrected = ind.record_measurement(indicator, actor=clerk, period=date(2022, 12, 31), value=71)
    with pytest.raises(Conflict) as superseded:
        ind.verify_measurement(entered, actor=sup)
    assert superseded.value.code == "supervision.measurement_superseded"
    assert ind.verify_measurement(corrected, actor=sup).verified_by == sup
    with pytest.raises(Conflict) as twice:
        ind.verify_measurement(corrected, actor=boss)
    assert twice.value.code == "supervision.measurement_verified"
    entered.refresh_from_db()
    assert entered.verified_by is None
