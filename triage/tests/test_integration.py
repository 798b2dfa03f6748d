"""Triage inside the case loop: suggestions, rules, automatic dispatch, corrections, duplicates."""

from __future__ import annotations

import pytest

from cases import services
from cases.models import Case, CaseEvent, Category
from cases.workflow import State
from notifications.models import SmsMessage
from tests import factories as f
from triage.models import DispatchRule, Suggestion, TrainingExample
from triage.pipeline import TriageModel
from triage.services import export_examples, train_model
from triage.tests.factories import publish_rules

pytestmark = pytest.mark.django_db

DRAIN = {
    "title": "郢中街道小区门口下水道堵塞",
    "content": "郢中街道莫愁湖路小区门口的下水道堵塞好几天了，污水漫到路面，臭气熏天，请尽快疏通管网。",
    "category": None,
}


@pytest.fixture
def drain_rule(city) -> DispatchRule:
    """城乡建设 in 郢中街道 goes to the 街道 itself, with 市住建局 co-handling (catalogue version 1)."""
    top = city.category.parent.parent
    catalogue = publish_rules(city.users["admin"], [(top, city.township, city.township, [city.housing])])
    return catalogue.rules.get()


def triage_event(case: Case) -> CaseEvent:
    return CaseEvent.objects.get(case=case, action="triage")


def test_a_blocked_drain_in_yingzhong_is_suggested_to_the_unit_the_rules_give(
    city, clock, triage_on, drain_rule
):
    case = f.make_case(city, **DRAIN)
    suggestion = Suggestion.objects.get(case=case)
    assert suggestion.category_label == "城乡建设"
    assert suggestion.lead_unit == city.township
    assert suggestion.co_units == [city.housing.code]
    assert len(suggestion.top3) == 3
    assert suggestion.explanation  # the words that weighed most
    assert suggestion.catalogue == drain_rule.version
    event = triage_event(case)
    assert event.payload["model"] == suggestion.model_version
    assert event.payload["unit"] == city.township.code
    assert event.payload["catalogue"] == 1
    assert event.payload["latency_ms"] > 0
    assert "郢中街道" in event.note
    assert Case.objects.get(pk=case.pk).state == State.REGISTERED  # below the threshold: a dispatcher decides


def test_without_a_township_rule_the_citywide_default_applies(city, clock, triage_on, drain_rule):
    other = type(city.township).objects.create(code="420881100", name="洋梓镇", kind="township")
    top = city.category.parent.parent
    top.default_unit = city.housing
    top.save()
    case = f.make_case(city, township=other, **DRAIN)
    assert Suggestion.objects.get(case=case).lead_unit == city.housing


def test_a_sure_suggestion_is_dispatched_by_the_system(city, clock, triage_on, drain_rule, settings):
    settings.MOCHOU_AUTO_DISPATCH_THRESHOLD = 0.3
    # Auto-dispatch fills the full path: the drain's words ("下水道") find this third level.
    mid = city.category.parent
    drains = Category.objects.create(name="下水道疏通", level=3, path=f"{mid.path}/下水道疏通", parent=mid)
    case = Case.objects.get(pk=f.make_case(city, **DRAIN).pk)
    assert case.state == State.DISPATCHED
    assert case.category == drains
    assert case.lead_unit == city.township
    dispatch = CaseEvent.objects.get(case=case, action="dispatch")
    assert dispatch.actor is not None
    assert dispatch.actor.username == "system"
    assert "智能分拣自动派单" in dispatch.note
    assert Suggestion.objects.get(case=case).auto_dispatched
    assert not TrainingExample.objects.filter(case=case).exists()  # the system does not label its own work


def test_a_missing_model_sends_the_case_to_the_dispatchers_with_a_note(city, clock, settings, tmp_path):
    settings.MOCHOU_TRIAGE = True
    settings.MOCHOU_TRIAGE_MODEL = str(tmp_path / "absent.joblib")
    case = f.make_case(city, **DRAIN)
    case = Case.objects.get(pk=case.pk)
    assert case.state == State.REGISTERED
    assert case.content == DRAIN["content"]
    assert "模型尚未生成" in triage_event(case).note
    assert case in Case.objects.filter(state=State.REGISTERED)


def test_a_broken_model_file_never_blocks_intake(city, clock, settings, tmp_path, caplog):
    broken = tmp_path / "broken.joblib"
    broken.write_bytes(b"not a model")
    settings.MOCHOU_TRIAGE = True
    settings.MOCHOU_TRIAGE_MODEL = str(broken)
    case = f.make_case(city, **DRAIN)
    assert Case.objects.get(pk=case.pk).state == State.REGISTERED
    assert "出错" in triage_event(case).note
    assert Suggestion.objects.get(case=case).error
    assert [r.getMessage() for r in caplog.records] == [f"triage failed for case {case.pk}"]


def test_urgent_requests_are_marked_with_the_reason(city, clock, triage_on):
    case = f.make_case(
        city,
        title="楼道里燃气泄漏",
        content="我家楼道里现在一股很浓的煤气味，燃气泄漏了，邻居都不敢开灯，赶紧派人来！",
    )
    case = Case.objects.get(pk=case.pk)
    assert case.urgency == "urgent"
    assert any("燃气" in r for r in Suggestion.objects.get(case=case).urgency_reasons)


def test_a_dispatcher_correction_changes_the_next_trainings_data(
    city, clock, triage_on, drain_rule, tmp_path
):
    case = f.make_case(
        city,
        title="学校门口积水",
        content="郢中街道实验小学门口一下雨就积水，孩子们上学要蹚水，希望尽快处理。",
    )
    suggested = Suggestion.objects.get(case=case).category_label
    # The dispatcher files it under 城乡建设 regardless of what the model said.
    services.dispatch(
        Case.objects.get(pk=case.pk),
        actor=city.users["dispatcher"],
        lead_unit=city.housing,
        category=city.category,
    )
    example = TrainingExample.objects.get(case=case)
    assert example.label == "城乡建设"
    assert example.suggested_label == suggested
    assert example.is_correction == (suggested != "城乡建设")
    exported = tmp_path / "examples.csv"
    assert export_examples(exported) == 1
    assert "学校门口积水" in exported.read_text(encoding="utf-8")
    # The model triage_on serves is the default training (trained_model): one training less.
    before = TriageModel.load(triage_on).data_sha256
    after = train_model(out=tmp_path / "after.joblib", with_examples=True)
    assert before
    assert before != after["data_sha256"]


def test_a_duplicate_is_proposed_and_merging_gives_the_citizen_the_parents_answer(city, clock, triage_on):
    parent = f.make_case(city, **DRAIN)
    services.dispatch(Case.objects.get(pk=parent.pk), actor=city.users["dispatcher"], lead_unit=city.housing)
    services.accept(Case.objects.get(pk=parent.pk), actor=city.users["clerk"])
    again = f.make_case(
        city,
        citizen_phone="13700002222",
        title="莫愁湖路下水道堵了",
        content="郢中街道莫愁湖路小区门口下水道堵塞，污水漫到路面上，好几天没人管，请尽快疏通。",
    )
    proposals = Suggestion.objects.get(case=again).duplicates
    assert proposals
    assert proposals[0]["number"] == parent.number
    assert 0 < proposals[0]["score"] <= 1
    services.merge(Case.objects.get(pk=again.pk), actor=city.users["dispatcher"], parent=parent)
    services.submit_reply(
        Case.objects.get(pk=parent.pk),
        actor=city.users["clerk"],
        body="已组织疏通莫愁湖路下水道，现已排水通畅。",
    )
    services.approve_reply(Case.objects.get(pk=parent.pk), actor=city.users["unit_leader"])
    assert SmsMessage.objects.filter(phone="13700002222", body__contains="已有答复").exists()


def test_the_same_phone_repeating_itself_is_flagged_at_once(city, clock, triage_on):
    first = f.make_case(city, **DRAIN)
    second = f.make_case(city, **DRAIN)  # same caller, same words
    proposals = Suggestion.objects.get(case=second).duplicates
    assert proposals[0]["number"] == first.number
    assert proposals[0]["same_phone"] is True


def test_the_dispatcher_sees_the_suggestion_and_the_form_starts_from_it(
    city, clock, triage_on, drain_rule, client
):
    case = f.make_case(city, **DRAIN)
    client.force_login(city.users["dispatcher"])
    page = client.get(f"/cases/{case.number}/").content.decode()
    assert 'id="triage-suggestion"' in page
    assert "城乡建设" in page
    unit_select = page[page.index('id="id_dispatch_lead_unit"') :]
    unit_select = unit_select[: unit_select.index("</select>")]
    assert f'value="{city.township.pk}" selected' in unit_select


def test_unit_staff_do_not_see_the_triage_panel(city, clock, triage_on, drain_rule, client):
    case = f.make_case(city, **DRAIN)
    services.dispatch(Case.objects.get(pk=case.pk), actor=city.users["dispatcher"], lead_unit=city.housing)
    client.force_login(city.users["clerk"])
    page = client.get(f"/cases/{case.number}/").content.decode()
    assert 'id="triage-suggestion"' not in page


def test_urgent_requests_jump_the_dispatch_queue(city, clock, triage_on):
    from cases.queues import queue_cases

    ordinary = f.make_case(city, **DRAIN)
    clock.shift(60)
    urgent = f.make_case(
        city, title="有人要跳楼", content="石牌镇有个人站在楼顶说不想活了，要跳楼，请马上派人来！"
    )
    clock.shift(60)
    later = f.make_case(city, title="路灯不亮", content="郢中街道莫愁湖路的路灯坏了好几盏，晚上走路很黑。")
    queue = queue_cases(city.users["dispatcher"], "to_dispatch")
    order = [c.pk for c in queue]
    assert order == [urgent.pk, later.pk, ordinary.pk]


def test_predict_prints_one_json_line_per_row_with_the_rules_unit(city, triage_on, tmp_path):
    import csv
    import io
    import json

    from django.core.management import call_command

    top = city.category.parent.parent
    top.default_unit = city.housing
    top.save()
    path = tmp_path / "unseen.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["留言编号", "留言主题", "留言详情", "来源"])  # no label column, one extra column
        writer.writerow(
            ["u1", "小区下水道堵塞污水横流", "小区门口的下水道堵了，污水流到路上，请住建部门尽快疏通。", "x"]
        )
        writer.writerow(["u2", "孩子入学问题", "孩子今年上小学，学校说学位已满，请教育局帮忙协调。", "y"])
    out = io.StringIO()
    call_command("triage", "predict", str(path), "--model", str(triage_on), stdout=out)
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [r["id"] for r in rows] == ["u1", "u2"]
    assert rows[0]["category"] == "城乡建设"
    assert rows[0]["unit"] == city.housing.name
    assert rows[1]["category"] == "教育文体"
    assert rows[1]["unit"] is None  # no rule or default unit for 教育文体 in this city
    assert all(len(r["top3"]) == 3 and 0 < r["confidence"] <= 1 for r in rows)


def test_the_demo_seeder_gets_suggestions_without_automatic_dispatch(
    city, clock, triage_on, drain_rule, settings
):
    from triage.services import suggestions_only

    settings.MOCHOU_AUTO_DISPATCH_THRESHOLD = 0.3  # would dispatch the drain case
    mid = city.category.parent  # a third level for the drain's words (auto-dispatch needs the full path)
    Category.objects.create(name="下水道疏通", level=3, path=f"{mid.path}/下水道疏通", parent=mid)
    with suggestions_only():
        case = f.make_case(city, **DRAIN)
    assert Case.objects.get(pk=case.pk).state == State.REGISTERED
    assert Suggestion.objects.get(case=case).lead_unit == city.township
    services.transfer(Case.objects.get(pk=case.pk), actor=city.users["dispatcher"], target="京山市12345")
    after = f.make_case(city, **DRAIN)  # no open look-alike left, so nothing stops the dispatch
    assert Case.objects.get(pk=after.pk).state == State.DISPATCHED  # paused only inside the block
