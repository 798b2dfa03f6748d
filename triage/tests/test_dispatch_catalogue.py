"""The 派单目录 decides where a case goes: whatever the model thinks, the most specific matching
entry wins (keywords, then category depth, township, time of day), the dispatcher reads why, a
returning unit is never suggested again, and what the catalogue cannot place waits for a person."""

from __future__ import annotations

import dataclasses
from datetime import datetime, time, timedelta
from typing import Any

import pytest
from django.utils import timezone

from accounts.audit.models import AuditRecord
from cases import hooks
from cases.models import Case, CaseEvent, Category
from cases.workflow import State
from conftest import SHANGHAI
from loop.versions import VersionStatus, new_draft, publish
from org.models import Unit, UnitKind
from tests import factories as f
from triage import services
from triage.amend import deactivate_categories
from triage.catalogue import keywords_match, resolve
from triage.models import DispatchCatalogue, DispatchRule, Suggestion
from triage.rules import redispatch_advice, units_for_case

pytestmark = pytest.mark.django_db

NIGHT_NOISE = {
    "title": "夜间建筑施工噪声扰民",
    "content": "郢中街道莫愁湖路旁的工地每天晚上十一点后还在打桩、浇筑混凝土，"
    "轰鸣声吵得居民整夜睡不着，请尽快处理。",
    "category": None,
}
CONSTRUCTION_NOISE = "施工|工地|打桩 噪|吵|轰鸣"
NOISE_GUIDE = "派单口径：噪音类诉求的派单单位"
LATE_EVENING = datetime(2025, 9, 24, 23, 30, tzinfo=SHANGHAI)


class Catalogue:
    """The test city's catalogue pieces: noise under 环境保护, the 街道's 城乡建设 route."""

    def __init__(self, city: Any) -> None:
        self.city = city
        self.env = Unit.objects.create(
            code="D-STHJ",
            name="荆门市生态环境局钟祥分局",
            short_name="市生态环境分局",
            kind=UnitKind.DEPARTMENT,
        )
        self.police = Unit.objects.create(
            code="D-GAJ", name="钟祥市公安局", short_name="市公安局", kind=UnitKind.DEPARTMENT
        )
        top = Category.objects.create(name="环境保护", level=1, path="环境保护")
        mid = Category.objects.create(name="环境污染", level=2, path="环境保护/环境污染", parent=top)
        self.noise = Category.objects.create(
            name="噪音污染", level=3, path="环境保护/环境污染/噪音污染", parent=mid
        )
        self.building = city.category.parent.parent  # 城乡建设

    def draft(self, valid_from: datetime | None = None, copy_from: DispatchCatalogue | None = None) -> Any:
        return new_draft(
            DispatchCatalogue,
            actor=self.city.users["admin"],
            valid_from=valid_from or timezone.now(),
            copy_from=copy_from,
        )

    def entry(self, version: DispatchCatalogue, category: Category, lead: Unit, co: tuple = (), **kw: Any):
        rule = DispatchRule.objects.create(version=version, category=category, lead_unit=lead, **kw)
        rule.co_units.set(co)
        return rule

    def standard(self) -> DispatchCatalogue:
        """郢中街道 handles 城乡建设 itself (the model's route); night construction noise → 市住建局
        with 生态环境分局 co-handling; daytime construction noise → 市住建局 alone."""
        c = self.city
        draft = self.draft()
        self.entry(draft, self.building, c.township, (c.housing,), township=c.township)
        self.entry(draft, self.noise, self.env)
        self.entry(
            draft, self.noise, c.housing, (self.env,), keywords=CONSTRUCTION_NOISE,
            hours_from=time(22), hours_to=time(6), note="夜间建筑施工噪声", basis=NOISE_GUIDE,
        )  # fmt: skip
        self.entry(draft, self.noise, c.housing, keywords=CONSTRUCTION_NOISE, note="建筑施工噪声")
        return publish(draft, actor=c.users["admin"])


@pytest.fixture
def cat(city) -> Catalogue:
    return Catalogue(city)


class SureOf:
    """The shipped model, made to say `label` with confidence 0.99 whatever the text."""

    def __init__(self, model: Any, label: str) -> None:
        self.model, self.label, self.version = model, label, model.version

    def predict(self, title: str, body: str, *args: Any, **kwargs: Any) -> Any:
        real = self.model.predict(title, body, *args, **kwargs)
        names = {fl.name for fl in dataclasses.fields(real)}
        forced: dict[str, Any] = {"label": self.label, "confidence": 0.99}
        forced["top3"] = [(self.label, 0.99), *[t for t in real.top3 if t[0] != self.label][:2]]
        if "out_of_scope" in names:
            forced["out_of_scope"] = False
        if "scope_score" in names:
            forced["scope_score"] = 0.0
        return dataclasses.replace(real, **{k: v for k, v in forced.items() if k in names})


@pytest.fixture
def model_says(monkeypatch, triage_on, settings):
    settings.MOCHOU_AUTO_DISPATCH_THRESHOLD = 0.9

    def force(label: str) -> None:
        model = services.current_model()  # the shipped model (triage_on)
        monkeypatch.setattr(services, "current_model", lambda: SureOf(model, label))

    return force


@pytest.mark.parametrize("model_label", ["城乡建设", "环境保护"])
def test_night_construction_noise_goes_where_the_catalogue_says_whatever_the_model_thinks(
    city, cat, clock, model_says, model_label
):
    cat.standard()
    model_says(model_label)  # 城乡建设 leads to 郢中街道 by the township entry
    clock.move_to(LATE_EVENING)
    case = Case.objects.get(pk=f.make_case(city, **NIGHT_NOISE).pk)

    assert case.state == State.DISPATCHED
    assert case.lead_unit == city.housing
    assert list(case.assignments.filter(role="co").values_list("unit__code", flat=True)) == ["D-STHJ"]
    assert case.category == cat.noise  # the full path, to the third level
    suggestion = Suggestion.objects.get(case=case)
    assert suggestion.auto_dispatched
    assert suggestion.reason.startswith(
        f"派单目录第1版：夜间建筑施工噪声 → 市住建局（协办：市生态环境分局）（依据：{NOISE_GUIDE}）"
    )
    if model_label == "城乡建设":
        assert "模型建议的一级分类“城乡建设”未采用" in suggestion.reason
        assert "模型建议的郢中街道未采用" in suggestion.reason
    # The dispatcher reads it on the log, and the system's dispatch says so too.
    triage = CaseEvent.objects.get(case=case, action="triage")
    assert "夜间建筑施工噪声 → 市住建局" in triage.note
    assert "夜间建筑施工噪声" in CaseEvent.objects.get(case=case, action="dispatch").note


def test_the_same_noise_in_the_daytime_goes_to_the_daytime_entry(city, cat, clock, model_says):
    cat.standard()
    model_says("城乡建设")
    clock.move_to(datetime(2025, 9, 24, 15, 0, tzinfo=SHANGHAI))
    case = Case.objects.get(pk=f.make_case(city, **NIGHT_NOISE).pk)
    assert case.lead_unit == city.housing
    assert not case.assignments.filter(role="co").exists()  # no 生态环境分局 by day
    assert Suggestion.objects.get(case=case).reason.startswith("派单目录第1版：建筑施工噪声 → 市住建局")


def test_a_time_window_wraps_midnight():
    from triage.catalogue import in_window

    assert in_window(time(22), time(6), time(23, 30))
    assert in_window(time(22), time(6), time(5, 59))
    assert not in_window(time(22), time(6), time(6, 0))
    assert not in_window(time(22), time(6), time(12))
    assert in_window(time(8), time(18), time(8))
    assert in_window(None, None, time(3))


def test_every_keyword_group_must_occur():
    assert keywords_match("施工|工地 噪|吵", "工地晚上很吵")
    assert not keywords_match("施工|工地 噪|吵", "工地晚上很亮")
    assert keywords_match("", "anything")


def place(cat: Catalogue, text: str, *, township=None, at=None, category=None, model=None, **kw):
    return resolve(
        text=text,
        title=text,
        township=township,
        at=at or timezone.now(),
        category=category,
        model_category=model,
        **kw,
    )


def test_precedence_keywords_then_depth_then_township_then_time(city, cat, clock):
    c = city
    other = Unit.objects.create(code="420881100", name="洋梓镇", kind=UnitKind.TOWNSHIP)
    draft = cat.draft()
    mid = cat.noise.parent
    cat.entry(draft, mid, c.education)  # 二级, city-wide
    cat.entry(draft, mid, other, township=other)  # 二级, 洋梓镇
    cat.entry(draft, cat.noise, cat.env)  # 三级, city-wide: deeper beats the township's 二级
    cat.entry(draft, cat.noise, c.township, keywords="广场舞", township=c.township, note="社会生活噪声")
    cat.entry(draft, cat.noise, cat.police, keywords="广场舞", note="广场舞噪声（全市）")
    cat.entry(draft, cat.noise, c.housing, keywords="广场舞", hours_from=time(22), hours_to=time(6),
              note="夜间广场舞")  # fmt: skip
    publish(draft, actor=c.users["admin"])
    noise = cat.noise
    # Depth beats township: 洋梓镇's 二级 entry loses to the city-wide 三级 one.
    assert place(cat, "噪音", township=other, category=noise).lead == cat.env
    # At the 二级 only, the township entry beats the city-wide one.
    assert place(cat, "噪音", township=other, category=mid).lead == other
    assert place(cat, "噪音", township=c.township, category=mid).lead == c.education
    # Keywords beat everything plain; the township's keyword entry beats the city-wide one …
    assert place(cat, "广场舞噪音", township=c.township, category=noise).lead == c.township
    # … and a time window beats the whole day (洋梓镇 has no township entry of its own).
    night = datetime(2025, 9, 24, 23, 0, tzinfo=SHANGHAI)
    assert place(cat, "广场舞噪音", township=other, category=noise, at=night).lead == c.housing
    assert place(cat, "广场舞噪音", township=other, category=noise).lead == cat.police


def test_two_equally_specific_entries_that_disagree_go_to_a_person(city, cat, clock, model_says):
    draft = cat.draft()
    cat.entry(draft, cat.noise, cat.env, keywords="噪", note="噪声（生态环境）")
    cat.entry(draft, cat.noise, cat.police, keywords="扰民", note="扰民（公安）")
    publish(draft, actor=city.users["admin"])
    placement = place(cat, "噪声扰民", model=cat.noise.parent.parent)
    assert placement.lead is None
    assert not placement.placed
    assert placement.reason.startswith("派单目录有同样具体的多个事项（")
    assert "请人工派单" in placement.reason


def test_a_case_the_catalogue_cannot_place_waits_for_a_person(city, cat, clock, model_says):
    """No entry for 城乡建设 outside 郢中街道: the default unit (of 市政设施, the path the words
    chose) is shown as advice, never dispatched."""
    cat.standard()
    model_says("城乡建设")
    other = Unit.objects.create(code="420881100", name="洋梓镇", kind=UnitKind.TOWNSHIP)
    case = Case.objects.get(
        pk=f.make_case(
            city,
            township=other,
            category=None,
            title="小区门口下水道堵塞",
            content="洋梓镇小区门口下水道堵塞，市政设施损坏，请疏通。",
        ).pk
    )
    assert case.state == State.REGISTERED  # sure as the model is, a person decides
    suggestion = Suggestion.objects.get(case=case)
    assert not suggestion.auto_dispatched
    assert (suggestion.unit_source, suggestion.lead_unit) == ("default", city.housing)
    assert suggestion.category == city.category  # 城乡建设/城市建设和市政管理/市政设施
    assert "派单目录第1版未覆盖" in suggestion.reason
    assert "仅供参考，请人工派单" in suggestion.reason


def test_a_unit_that_returned_the_case_is_never_suggested_again(city, cat, clock, triage_on):
    cat.standard()
    case = f.make_case(city, category=city.category)  # 城乡建设 in 郢中街道 → 郢中街道
    assert units_for_case(case).lead == city.township
    placement = units_for_case(case, exclude_units=[city.township])
    assert placement.lead != city.township
    assert "已退单的郢中街道不再建议" in placement.reason
    # Nothing else in the catalogue: the default unit (advice) or nobody — never the returning unit.
    assert placement.lead is None or placement.source == "default"
    # The provider the dispatch form asks (cases.hooks.redispatch_advice) answers the same.
    advice = hooks.redispatch_advice(case, exclude=frozenset({city.township.pk}))
    assert advice is None or advice.lead_unit_id != city.township.pk
    assert redispatch_advice(case, exclude={city.township.pk}) == advice
    # A co-handler that returned it is left out too, the lead kept.
    text = f"{NIGHT_NOISE['title']}{NIGHT_NOISE['content']}"
    night = place(cat, text, township=city.township, at=LATE_EVENING, model=cat.building)
    assert (night.lead, night.co) == (city.housing, [cat.env])
    without = place(
        cat, text, township=city.township, at=LATE_EVENING, model=cat.building, exclude_units=[cat.env]
    )
    assert (without.lead, without.co) == (city.housing, [])


def test_a_new_version_takes_effect_on_its_date_and_keeps_the_history(city, cat, clock, model_says):
    first = cat.standard()
    model_says("城乡建设")
    start = timezone.now() + timedelta(days=1)
    draft = cat.draft(valid_from=start, copy_from=first)
    rule = draft.rules.get(note="夜间建筑施工噪声")
    rule.lead_unit = cat.env
    rule.save()
    rule.co_units.set([city.housing])
    second = publish(draft, actor=city.users["admin"], reason="夜间施工噪声改由生态环境分局主办")
    clock.move_to(LATE_EVENING)  # before the start: version 1
    today = Case.objects.get(pk=f.make_case(city, **NIGHT_NOISE).pk)
    assert today.lead_unit == city.housing
    clock.move_to(timezone.localtime(start).replace(hour=23, minute=30))
    later = f.make_case(city, citizen_phone="13700001111", **NIGHT_NOISE)
    # (A look-alike of the first case: proposed as its duplicate, so it waits for a person.)
    assert Suggestion.objects.get(case=later).lead_unit == cat.env
    assert Suggestion.objects.get(case=later).reason.startswith(
        "派单目录第2版：夜间建筑施工噪声 → 市生态环境分局"
    )
    first.refresh_from_db()
    assert first.valid_to == second.valid_from
    records = AuditRecord.objects.filter(target_type="triage.dispatchcatalogue")
    assert {"setting.draft", "setting.publish", "setting.close"} <= set(
        records.values_list("action", flat=True)
    )


def test_a_ruling_that_amends_the_catalogue_drafts_an_entry_for_the_centre(city, cat, clock):
    first = cat.standard()
    hooks.dispute_ruled.send(
        case_id=1, dispute_id=1, upheld=True, category_id=city.category.pk, township_id=city.township.pk,
        unit_id=city.township.pk, suggested_unit_id=city.housing.pk, decided_unit_id=city.housing.pk,
        amend_catalogue=True,
    )  # fmt: skip
    draft = DispatchCatalogue.objects.get(status=VersionStatus.DRAFT)
    entry = draft.rules.get(category=city.category, township=city.township, keywords="")
    assert entry.lead_unit == city.housing
    assert "派单异议裁定（工单1）" in entry.basis
    assert draft.rules.count() == first.rules.count() + 1  # a copy of the catalogue in force, plus it
    # The catalogue in force is untouched until the centre publishes the draft.
    assert DispatchCatalogue.in_force(timezone.now()) == first
    assert AuditRecord.objects.filter(action="setting.change", target_id=str(draft.pk)).exists()
    # A second ruling extends the same draft; a ruling that does not amend changes nothing.
    hooks.dispute_ruled.send(case_id=2, category_id=city.category.pk, township_id=None,
                             decided_unit_id=city.education.pk, amend_catalogue=True)  # fmt: skip
    hooks.dispute_ruled.send(case_id=3, category_id=city.category.pk, decided_unit_id=cat.env.pk)
    assert DispatchCatalogue.objects.filter(status=VersionStatus.DRAFT).count() == 1
    assert draft.rules.filter(basis__contains="派单异议裁定").count() == 2


def test_categories_a_county_city_does_not_use_are_switched_off_audited(city, cat):
    mid = city.category.parent
    metro = Category.objects.create(name="地铁城铁", level=3, path=f"{mid.path}/地铁城铁", parent=mid)
    assert deactivate_categories([metro.path], reason="县级市无地铁") == 1
    metro.refresh_from_db()
    assert not metro.is_active
    assert AuditRecord.objects.get(action="category.deactivate").reason == "县级市无地铁"
    assert deactivate_categories([metro.path], reason="again") == 0


def test_refining_the_models_subject_reads_its_branch_in_a_few_queries(city, cat, clock):
    """The model's first level is refined over its whole branch, loaded at once: a case's triage
    read every child and grandchild one query each (29 queries for a real 城乡建设 branch)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    top = cat.noise.parent.parent
    for n in range(6):  # a wider branch: its size must not show in the query count
        mid = Category.objects.create(name=f"分支{n}", level=2, path=f"环境保护/分支{n}", parent=top)
        for m in range(3):
            Category.objects.create(name=f"小类{n}{m}", level=3, path=f"环境保护/分支{n}/小类{m}", parent=mid)
    with CaptureQueriesContext(connection) as ctx:
        placed = place(cat, "工厂排放噪音扰民", model=top)
    reads = [q for q in ctx.captured_queries if "cases_category" in q["sql"]]
    assert len(reads) <= 5, [q["sql"][:80] for q in reads]
    assert placed.category == cat.noise  # refined down to the noise category, as before
