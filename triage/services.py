"""Triage of every new case: category, unit, urgency and duplicates, with automatic dispatch when sure.

Triage is advice. It runs after the case is committed, in the huey worker (the registration's
request returns without waiting for it; the case page and the console poll for the suggestion),
and whatever goes wrong here — no model, a broken file, a bug, a stopped worker — the case stays
registered in the dispatchers' queue with a note on its log; nothing of the citizen's request is
lost, and the sweep triages whatever the worker never got (untriaged_cases: computed from the
data, not from the queue).
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
import threading
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from cases import services as case_services
from cases.labels import confidence_label
from cases.models import Case, CaseEvent, Category, Kind
from cases.workflow import Action as CaseAction
from cases.workflow import State as CaseState
from mochou.errors import DomainError
from triage.catalogue import Placement, catalogue_in_force, resolve
from triage.models import Suggestion, TrainingExample
from triage.scope import OUT_OF_SCOPE, OUT_OF_SCOPE_NOTE

log = logging.getLogger(__name__)
# Set while the demo seeder registers cases whose dispatch it decides itself.
_auto_dispatch_paused: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "auto_dispatch_paused", default=False
)
_lock = threading.Lock()
_loaded: dict[str, Any] = {}


@contextlib.contextmanager
def suggestions_only() -> Iterator[None]:
    """Triage records its suggestions but dispatches nothing (the demo seeder decides every dispatch).
    Meanwhile triage runs at once in this process (not in the worker): the seeder reads each
    suggestion right after the registration, and the pause would not reach another process."""
    token = _auto_dispatch_paused.set(True)
    try:
        yield
    finally:
        _auto_dispatch_paused.reset(token)


def model_path() -> Path:
    return Path(settings.MOCHOU_TRIAGE_MODEL)


def current_model() -> Any | None:
    """The saved model, loaded once per process and again when the file changes; None if missing."""
    from triage.pipeline import TriageModel

    path = model_path()
    try:
        mtime = path.stat().st_mtime
    except FileNotFoundError:
        return None
    with _lock:
        if _loaded.get("path") != str(path) or _loaded.get("mtime") != mtime:
            _loaded.update(path=str(path), mtime=mtime, model=TriageModel.load(path))
        return _loaded["model"]


def ensure_model() -> dict[str, Any] | None:
    """Train the default model from the shipped messages when none exists; None when one does."""
    if model_path().exists():
        return None
    return train_model()


def train_model(*, with_examples: bool = False, out: Path | None = None) -> dict[str, Any]:
    from triage import cli

    path = out or model_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    extra = None
    if with_examples:
        extra = path.parent / "training-examples.csv"
        if export_examples(extra) == 0:
            extra = None
    return cli.train(out_path=path, extra_examples=extra)


# ---------------------------------------------------------------- triage of one case


def triage_new_case(case_id: int) -> Suggestion | None:
    """Entry point after registration and for the sweep: never raises, and triages a case once.

    None when triage is off, the case was triaged already (the hook and the sweep, or two sweeps,
    met on it) or triage failed (the failure is on the case's log).
    """
    if not settings.MOCHOU_TRIAGE:
        return None
    try:
        return triage_case(case_id)
    except Exception as exc:
        log.exception("triage failed for case %s", case_id)
        try:
            with transaction.atomic():
                case = _claim(case_id)
                if case is None:
                    return None
                Suggestion.objects.create(case=case, error=f"{type(exc).__name__}: {exc}"[:300])
                case_services.record_triage(
                    case, payload={"error": type(exc).__name__}, note="智能分拣出错，请人工派单。"
                )
        except Exception:
            log.exception("could not record the triage failure of case %s", case_id)
        return None


def _claim(case_id: int) -> Case | None:
    """The case, locked, if nobody triaged it yet; None if someone did. Call inside a transaction.

    The lock is the one every verb takes on the case (SQLite: the IMMEDIATE transaction), and the
    Suggestion row written under it is the mark: whoever takes the lock second sees the first's
    committed row and stops. So the hook and the sweep, or two workers, triage a case once.
    """
    case = (
        Case.objects.select_for_update(no_key=True, of=("self",))
        .select_related("township", "category")
        .get(pk=case_id)
    )
    return None if _triaged(case) else case


def _triaged(case: Case) -> bool:
    return (
        Suggestion.objects.filter(case=case).exists() or case.events.filter(action=CaseAction.TRIAGE).exists()
    )


def triage_case(case_id: int) -> Suggestion | None:
    """Triage one case unless it was triaged already (then None).

    The model runs before the claim, so the case is locked only while the result is written; a
    run that finds the case claimed meanwhile throws its result away.
    """
    case = Case.objects.select_related("township", "category").get(pk=case_id)
    if _triaged(case):
        return None
    started = time.perf_counter()
    model = current_model()
    if model is None:
        with transaction.atomic():
            claimed = _claim(case_id)
            if claimed is None:
                return None
            suggestion = Suggestion.objects.create(case=claimed, error="model_missing")
            case_services.record_triage(
                claimed,
                payload={"model": None},
                note="智能分拣模型尚未生成（mochou triage train），请人工派单。",
            )
        return suggestion

    prediction = model.predict(case.title, case.content)
    # Out of scope: of none of the trained subjects. Its nearest label is no category advice.
    oos = bool(getattr(prediction, "out_of_scope", False))
    # The rules in force when the case came in, as its time limits are (Case.limit_version); the
    # catalogue places the case (unit and full category path) and says what of the model it overruled.
    catalogue = catalogue_in_force(case.created_at)
    placement = resolve(
        text=f"{case.title}\n{case.content}",
        title=case.title,
        township=case.township,
        at=case.created_at,
        category=case.category,
        model_category=None if oos else _first_level(prediction.label),
        catalogue=catalogue,
    )
    category = placement.category or case.category
    urgency = _assess_urgency(case)
    duplicates = _duplicates(case)
    latency_ms = (time.perf_counter() - started) * 1000

    with transaction.atomic():
        claimed = _claim(case_id)
        if claimed is None:
            return None
        case = claimed
        suggestion = Suggestion.objects.create(
            case=case,
            model_version=model.version,
            category_label=OUT_OF_SCOPE if oos else prediction.label,
            category=category,
            confidence=prediction.confidence,
            top3=[{"category": label, "confidence": round(p, 4)} for label, p in prediction.top3],
            explanation=list(prediction.explanation),
            lead_unit=placement.lead,
            co_units=[u.code for u in placement.co],
            reason=placement.reason,
            unit_source=placement.source,
            catalogue=catalogue,
            urgent=urgency["urgent"],
            urgency_reasons=urgency["reasons"],
            duplicates=duplicates,
            latency_ms=round(latency_ms, 2),
        )
        payload = {
            "model": model.version,
            "category": prediction.label,
            "confidence": round(prediction.confidence, 4),
            "out_of_scope": oos,
            "scope_score": round(float(getattr(prediction, "scope_score", 0.0)), 4),
            "dispatch_threshold": dispatch_threshold(model, prediction.label),
            "top3": suggestion.top3,
            "unit": placement.lead.code if placement.lead else None,
            "path": category.path if category else None,
            "unit_source": placement.source,
            "reason": placement.reason,
            "catalogue": catalogue.number if catalogue else None,
            "urgent": urgency["urgent"],
            "urgency_reasons": urgency["reasons"],
            "duplicates": duplicates[:3],
            "latency_ms": suggestion.latency_ms,
        }
        unit_text = f"，建议主办：{placement.lead.name}" if placement.lead else "，派单目录未能确定承办单位"
        shown = category.path if category else prediction.label
        sure = confidence_label(prediction.confidence)  # 把握较大（87%）: said one way on every page
        note = f"建议分类：{shown}（{sure}）{unit_text}；{placement.reason}"
        if oos:  # said first: the person must sort it, whatever the nearest subject is
            nearest = f"最接近：{prediction.label}，{sure}"
            note = f"{OUT_OF_SCOPE_NOTE}（{nearest}）；{note}"
        if urgency["urgent"]:
            note += "；紧急：" + "；".join(urgency["reasons"])
        if duplicates:
            note += f"；疑似重复：{duplicates[0]['number']}（相似度{duplicates[0]['score']:.0%}）"
        # Triage belongs to the moment of intake (demo and imported cases are registered in the past).
        at = max(case.created_at, case.events.latest("seq").created_at)
        # A late triage (the worker was stopped) does not overrule the urgency a person chose for
        # the case meanwhile (a dispatch since returned): its finding stays in the note.
        urgent = urgency["urgent"] and _untouched(case)
        case_services.record_triage(case, payload=payload, note=note, urgent=urgent, now=at)

    # After the commit: the dispatch is its own verb, refused if a person was faster.
    if not oos and _may_auto_dispatch(case, prediction, placement, duplicates, model):
        _auto_dispatch(case, suggestion, placement, prediction.confidence, at)
    return suggestion


def _auto_dispatch(
    case: Case, suggestion: Suggestion, placement: Placement, confidence: float, at: Any
) -> None:
    """Dispatch as the system. If that fails (a person was faster, a rule names a unit that cannot
    take cases, no calendar), the suggestion stands and the case waits for a dispatcher."""
    if placement.lead is None:  # _may_auto_dispatch asked for a placed case
        return
    try:
        with transaction.atomic():
            # Triage runs in the worker, possibly long after the registration: a person may have
            # acted on the case meanwhile (dispatched it and had it returned, re-pinned it, ruled
            # on a dispute, sent a 督办). The suggestion did not see that: a person decides then.
            current = Case.objects.select_for_update(no_key=True, of=("self",)).get(pk=case.pk)
            if current.state != CaseState.REGISTERED or not _untouched(current):
                log.info("automatic dispatch of case %s skipped: a person acted on it", case.pk)
                return
            case_services.dispatch(
                current,
                # Now, not the registration's moment: a worker that was stopped must not hand
                # the unit a 签收 deadline that began before the unit was told.
                now=max(at, timezone.now()),
                actor=case_services.system_user(),
                lead_unit=placement.lead,
                co_units=placement.co,
                category=placement.category,  # the full path: _may_auto_dispatch asks for it
                note=f"智能分拣自动派单：{confidence_label(confidence)}，{placement.reason}",
            )
    except DomainError as exc:
        log.warning("automatic dispatch of case %s refused: %s", case.pk, exc.message)
        return
    suggestion.auto_dispatched = True
    suggestion.save(update_fields=["auto_dispatched"])


def _untouched(case: Case) -> bool:
    """Nobody acted on the case since it was registered: its log holds its registration and its
    triage only."""
    return not case.events.exclude(action__in=[CaseAction.REGISTER, CaseAction.TRIAGE]).exists()


def _first_level(label: str) -> Category | None:
    return Category.objects.filter(level=1, name=label, is_active=True).first()


def dispatch_threshold(model: Any, label: str) -> float:
    """The confidence from which a suggestion of first level ``label`` dispatches alone: the
    setting when it is set (one number for every subject), else the model's stored gate — one
    threshold per subject, chosen on held-out real messages (docs/triage.md); 0 = never."""
    if settings.MOCHOU_AUTO_DISPATCH_THRESHOLD is not None:
        return float(settings.MOCHOU_AUTO_DISPATCH_THRESHOLD)
    gate = getattr(model, "gate_threshold", None)
    return float((gate(label) if gate is not None else None) or 0.0)


def _may_auto_dispatch(
    case: Case, prediction: Any, placement: Placement, duplicates: list[dict[str, Any]], model: Any
) -> bool:
    """Only sure, unambiguous requests go out without a person: a consultation may be answered at
    intake, and a possible duplicate should be merged rather than handled twice. The unit must
    come from an entry of the catalogue (a category's default unit is advice, never a dispatch)
    and the path must reach the third level: what the catalogue cannot place, a person places."""
    threshold = 0.0 if _auto_dispatch_paused.get() else dispatch_threshold(model, prediction.label)
    return (
        0 < threshold <= prediction.confidence
        and not getattr(prediction, "out_of_scope", False)  # never, whatever the threshold
        and placement.placed
        and placement.category is not None
        and placement.category.level >= 3
        and case.kind != Kind.CONSULT
        and not duplicates
        and Case.objects.filter(pk=case.pk, state="registered").exists()
    )


def _assess_urgency(case: Case) -> dict[str, Any]:
    from triage import urgency_model
    from triage.urgency import assess_urgency

    if urgency_model.SERVES:  # only when its test figures beat the word list (docs/urgency.md)
        model = urgency_model.cached_model(Path(settings.VAR_DIR) / "triage")
        urgent, reasons = urgency_model.assess(case.title, case.content, model)
        return {"urgent": urgent, "reasons": reasons}
    if urgency_model.SERVES_GATE:  # the word list's flag, kept only when the scorer confirms it
        model = urgency_model.cached_model(Path(settings.VAR_DIR) / "triage")
        result = assess_urgency(case.title, case.content)
        urgent = model.gated(case.title, case.content)
        return {"urgent": urgent, "reasons": list(result.reasons) if urgent else []}
    result = assess_urgency(case.title, case.content)
    return {"urgent": bool(result.urgent), "reasons": list(result.reasons)}


def _duplicates(case: Case) -> list[dict[str, Any]]:
    from triage.dupindex import candidates_for

    return candidates_for(case)


# ---------------------------------------------------------------- the sweep: triage the hook missed

# A case younger than this is left to its hook (it runs right after the registration commits).
TRIAGE_GRACE = timedelta(minutes=2)
# Older cases were registered while triage was off, or before it existed: not the sweep's to judge.
TRIAGE_LOOKBACK = timedelta(days=3)


def untriaged_cases(now: datetime | None = None, *, limit: int = 500) -> list[int]:
    """Registered cases of the last TRIAGE_LOOKBACK, past the grace period, with no triage yet:
    their registration committed but the process died before (or while) its hook ran."""
    now = now or timezone.now()
    suggested = Suggestion.objects.filter(case=OuterRef("pk"))
    triaged = CaseEvent.objects.filter(case=OuterRef("pk"), action=CaseAction.TRIAGE)
    pending = Case.objects.filter(
        state=CaseState.REGISTERED,
        created_at__lt=now - TRIAGE_GRACE,
        created_at__gte=now - TRIAGE_LOOKBACK,
    ).exclude(Exists(suggested) | Exists(triaged))
    return list(pending.order_by("created_at", "pk").values_list("pk", flat=True)[:limit])


def sweep_untriaged(now: datetime | None = None) -> int:
    """Triage every case its hook missed; returns how many this run triaged (a case claimed by
    someone else meanwhile, or whose triage failed and says so on its log, is not counted).
    Nothing while MOCHOU_TRIAGE is off."""
    if not settings.MOCHOU_TRIAGE:
        return 0
    return sum(1 for case_id in untriaged_cases(now) if triage_new_case(case_id) is not None)


# ---------------------------------------------------------------- dispatchers' decisions as training data


def note_dispatch(case_id: int, actor_id: int | None) -> None:
    """A person's dispatch labels the case: stored as a training example (a correction if it differs)."""
    case = Case.objects.select_related("category").get(pk=case_id)
    if case.category is None or actor_id is None:
        return
    if case_services.system_user().pk == actor_id:
        return
    root: Category = case.category
    while root.parent is not None:
        root = root.parent
    suggestion = case.suggestions.exclude(category_label="").order_by("-created_at").first()
    suggested = suggestion.category_label if suggestion else ""
    with transaction.atomic():
        TrainingExample.objects.update_or_create(
            case=case,
            defaults={
                "title": case.title,
                "body": case.content,
                "label": root.name,
                "suggested_label": suggested,
                "is_correction": bool(suggested) and suggested != root.name,
                "created_by_id": actor_id,
            },
        )


def export_examples(path: Path) -> int:
    """Write the stored examples in the shipped messages' CSV columns; returns how many."""
    import csv

    rows = TrainingExample.objects.order_by("pk")
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["留言编号", "留言用户", "留言主题", "留言时间", "留言详情", "一级分类"])
        count = 0
        for example in rows.iterator():
            writer.writerow([f"case-{example.case_id}", "", example.title, "", example.body, example.label])
            count += 1
    return count


# ---------------------------------------------------------------- the case loop's hooks (triage/apps.py)


def on_case_registered(*, case_id: int, **_: object) -> None:
    """After the registration commits: hand the triage to the worker (a queue write, ~1 ms), so
    the request returns at once. Should the enqueue fail, the sweep finds the case untriaged."""
    if not settings.MOCHOU_TRIAGE:
        return
    if _auto_dispatch_paused.get():
        triage_new_case(case_id)
        return
    from triage.tasks import triage_case_task

    triage_case_task(case_id)


def triage_pending(case: Case) -> bool:
    """Whether a suggestion for this case is still to come (the worker has it, or the sweep will):
    the case page and the console poll while it is. Triage on, the case registered and recent,
    and no triage recorded yet."""
    if not settings.MOCHOU_TRIAGE or case.state != CaseState.REGISTERED:
        return False
    if case.created_at < timezone.now() - TRIAGE_LOOKBACK:
        return False
    return not _triaged(case)


def on_case_dispatched(*, case_id: int, actor_id: int | None = None, **_: object) -> None:
    note_dispatch(case_id, actor_id)


def latest_suggestion(case: Case) -> Suggestion | None:
    """The triage's latest advice on a case, for the case page and the dispatch and merge forms."""
    return Suggestion.objects.filter(case=case).select_related("lead_unit").order_by("-created_at").first()
