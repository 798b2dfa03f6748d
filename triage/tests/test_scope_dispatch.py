"""A case of a subject the model was not trained on reaches a person, whatever the threshold."""

from __future__ import annotations

from dataclasses import replace
from types import SimpleNamespace
from typing import Any

import pytest

from cases.models import Case, CaseEvent
from cases.workflow import State
from tests import factories as f
from triage import services
from triage.models import Suggestion
from triage.scope import OUT_OF_SCOPE, OUT_OF_SCOPE_NOTE

pytestmark = pytest.mark.django_db

FRAUD = {
    "title": "被电信诈骗报警后派出所一直不立案",
    "content": "我被网络诈骗了三万元，到派出所报警，民警说证据不足不予立案，请公安机关尽快侦破。",
    "category": None,
}


def test_an_out_of_scope_case_goes_to_a_person_even_at_the_lowest_threshold(city, clock, triage_on, settings):
    settings.MOCHOU_AUTO_DISPATCH_THRESHOLD = 0.01
    case = f.make_case(city, **FRAUD)
    suggestion = Suggestion.objects.get(case=case)
    assert suggestion.category_label == OUT_OF_SCOPE
    assert not suggestion.auto_dispatched
    assert Case.objects.get(pk=case.pk).state == State.REGISTERED
    event = CaseEvent.objects.get(case=case, action="triage")
    assert event.note.startswith(OUT_OF_SCOPE_NOTE)
    assert event.payload["out_of_scope"] is True


def test_without_a_setting_the_model_threshold_decides(city, clock, triage_on, settings, default_model):
    settings.MOCHOU_AUTO_DISPATCH_THRESHOLD = None
    case = f.make_case(
        city,
        title="孩子学校乱收费",
        content="学校老师要求每个学生交资料费两百元，家长意见很大。",
        category=None,
    )
    event = CaseEvent.objects.get(case=case, action="triage")
    label = event.payload["category"]
    assert event.payload["dispatch_threshold"] == float(default_model.gate_threshold(label) or 0.0)
    if not default_model.gate_threshold(label):  # the gate keeps this subject with a person
        assert Case.objects.get(pk=case.pk).state == State.REGISTERED


def test_the_stored_gate_opens_for_its_subjects_and_never_for_out_of_scope(
    city, clock, settings, default_model
):
    """The services' gate with the stored per-subject thresholds (the other conditions met)."""
    settings.MOCHOU_AUTO_DISPATCH_THRESHOLD = None
    case = f.make_case(city, **FRAUD)  # triage off: the case waits, registered
    placed: Any = SimpleNamespace(placed=True, category=SimpleNamespace(level=3))  # placed, 3rd level
    p = default_model.predict(FRAUD["title"], FRAUD["content"])
    opened = [lab for lab in default_model.labels if default_model.gate_threshold(lab)]
    closed = [lab for lab in default_model.labels if not default_model.gate_threshold(lab)]
    assert opened  # docs/triage.md: the gate dispatches some subjects alone
    for label in opened:
        sure = replace(p, label=label, confidence=0.9999, out_of_scope=False)
        assert services._may_auto_dispatch(case, sure, placed, [], default_model)
        assert not services._may_auto_dispatch(
            case, replace(sure, out_of_scope=True), placed, [], default_model
        )
        below = replace(sure, confidence=float(default_model.gate_threshold(label)) - 1e-6)
        assert not services._may_auto_dispatch(case, below, placed, [], default_model)
    for label in closed:
        sure = replace(p, label=label, confidence=0.9999, out_of_scope=False)
        assert not services._may_auto_dispatch(case, sure, placed, [], default_model)
