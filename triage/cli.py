"""Command line of the triage model: ``python -m triage.cli train|evaluate|predict``.

The functions :func:`train`, :func:`evaluate` and :func:`predict` are plain (arguments in, results
out; no Django) so that the project's ``mochou triage …`` command can call them.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from mochou.datasets import (
    CONTEST_MESSAGES_CSV,
    MESSAGES_CSV,
    REPLIES_FULL_CSV,
    TAXONOMY_CSV,
    read_messages,
    read_taxonomy,
    sha256_of_files,
)
from triage import corpus
from triage.evaluate import build_report, render_markdown
from triage.pipeline import TriageModel


class Writer(Protocol):
    """Where reports go: a text file, sys.stdout, or a Django command's OutputWrapper."""

    def write(self, text: str, /) -> object: ...


DEFAULT_MODEL_PATH = Path("var/triage/model.joblib")  # relative to the current directory
DEFAULT_DOC_PATH = Path("docs/triage.md")


def train(
    data_path: str | Path = MESSAGES_CSV,
    out_path: str | Path = DEFAULT_MODEL_PATH,
    extra_examples: str | Path | None = None,
    taxonomy_path: str | Path = TAXONOMY_CSV,
) -> dict[str, Any]:
    """Train and save ONE file at ``out_path``; return its metadata (path, version, data SHA-256,
    labels, metrics).

    With the default ``data_path`` the model trains on the default set (:func:`triage.corpus.
    training_set`: the sample, the selection half of the full-distribution messages — its
    out-of-fold predictions calibrate the confidence and choose the dispatch threshold — and the
    weak examples), then chooses its out-of-scope threshold on the dev rows of the hand-labelled
    real messages. Another ``data_path`` trains on that file alone (all of it counted real).
    ``extra_examples`` (same CSV columns, e.g. the dispatchers' decisions) count as real."""
    taxonomy = read_taxonomy(taxonomy_path)
    files: list[str | Path] = [data_path]
    extra = read_messages(extra_examples, require_label=True) if extra_examples else []
    if extra_examples:
        files.append(extra_examples)
    t0 = time.perf_counter()
    if Path(data_path).resolve() == MESSAGES_CSV.resolve():
        model, _ = corpus.fit_default_model(taxonomy, extra=extra)
        files += [f for f in (CONTEST_MESSAGES_CSV, REPLIES_FULL_CSV) if Path(f).is_file()]
    else:
        ts = corpus.TrainingSet()
        for m in [*read_messages(data_path, require_label=True), *extra]:
            ts.add(m.title, m.body, m.label, "data", real=True)
        model = TriageModel(taxonomy)
        model.fit(ts.titles, ts.bodies, ts.labels, real=ts.real, weights=ts.weights)
    extra_metrics: dict[str, Any] = {}
    extra_metrics["train_seconds"] = round(time.perf_counter() - t0, 2)
    path = model.save(out_path, data_sha256=sha256_of_files(*files), metrics=extra_metrics)
    return {
        "path": str(path),
        "version": model.version,
        "data_sha256": model.data_sha256,
        "labels": model.labels,
        "dispatch_threshold": model.dispatch_threshold,
        "dispatch_gate": (model.dispatch_gate or {}).get("thresholds"),  # per subject; None: never
        "oos_threshold": model.params["oos_threshold"],
        "created_at": model.created_at,
        "metrics": model.metrics,
    }


def evaluate(
    doc_path: str | Path | None = DEFAULT_DOC_PATH,
    *,
    threshold: float | None = None,
    with_cv: bool = True,
    out: Writer | None = None,
) -> dict[str, Any]:
    """Retrain and score everything (:func:`triage.evaluate.build_report`); write the Markdown to
    ``doc_path`` (unless None) and print it to ``out`` (default stdout). ``threshold`` adds a row
    for an operator's override; ``with_cv=False`` skips the training-data variants' OOF runs.
    Returns the report dict (with ``markdown``)."""
    report = build_report(threshold=threshold, with_selection=with_cv)
    md = render_markdown(report)
    if doc_path is not None:
        doc_path = Path(doc_path)
        doc_path.parent.mkdir(parents=True, exist_ok=True)
        doc_path.write_text(md, encoding="utf-8")
    print(md, file=out or sys.stdout)
    report["markdown"] = md
    return report


def predict(
    model_path: str | Path = DEFAULT_MODEL_PATH,
    csv_path: str | Path = "-",
    *,
    out: Writer | None = None,
    unit_of: Callable[[str], str | None] | None = None,
) -> list[dict[str, Any]]:
    """Predict every row of a message CSV; print one JSON line per row to ``out`` (default stdout).

    Columns used: 留言编号 (id; the row number if missing), 留言主题, 留言详情 (empty if missing);
    any label or other column is ignored. Returns the list of printed objects.
    """
    model = TriageModel.load(model_path)
    out = out or sys.stdout
    results = []
    for msg in read_messages(csv_path):
        p = model.predict(msg.title, msg.body)
        obj = {"id": msg.id, **p.as_dict()}
        if unit_of is not None:  # the Django side knows the dispatch rules; this module does not
            obj["unit"] = unit_of(p.label)
        print(json.dumps(obj, ensure_ascii=False), file=out)
        results.append(obj)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m triage.cli", description="Message triage model.")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("train", help="train and save the model (one joblib file)")
    p.add_argument("--data", default=str(MESSAGES_CSV), help="labelled messages CSV (default: %(default)s)")
    p.add_argument("--out", default=str(DEFAULT_MODEL_PATH), help="model file (default: %(default)s)")
    p.add_argument("--extra-examples", default=None, help="CSV of extra labelled messages, same columns")
    p.add_argument("--taxonomy", default=str(TAXONOMY_CSV), help="category tree CSV")

    p = sub.add_parser("evaluate", help="retrain, score on the real test data; write the Markdown report")
    p.add_argument("--doc", default=str(DEFAULT_DOC_PATH), help="Markdown output (default: %(default)s)")
    p.add_argument("--no-doc", action="store_true", help="only print the report")
    p.add_argument(
        "--threshold", type=float, default=None, help="an override threshold to show beside the model's"
    )
    p.add_argument("--no-selection", action="store_true", help="skip the training-data variants' OOF runs")

    p = sub.add_parser("predict", help="one JSON line per CSV row")
    p.add_argument(
        "model", nargs="?", default=str(DEFAULT_MODEL_PATH), help="model file (default: %(default)s)"
    )
    p.add_argument("csv", help="messages CSV ('-' for stdin)")

    # --- duplicates and urgency: their own evaluators take the rest of the command line ----------
    sub.add_parser("evaluate-duplicates", help="python -m triage.duplicates_eval (docs/duplicates.md)")
    sub.add_parser("evaluate-urgency", help="python -m triage.urgency_eval (docs/urgency.md)")
    rest = list(sys.argv[1:] if argv is None else argv)
    if rest and rest[0] in ("evaluate-duplicates", "evaluate-urgency"):
        from triage import duplicates_eval, urgency_eval

        return (duplicates_eval.main if rest[0] == "evaluate-duplicates" else urgency_eval.main)(rest[1:])
    # ---------------------------------------------------------------------------------------------

    args = parser.parse_args(argv)
    if args.command == "train":
        info = train(args.data, args.out, args.extra_examples, args.taxonomy)
        print(json.dumps(info, ensure_ascii=False, indent=2))
    elif args.command == "evaluate-replies":
        from triage import replyquality_eval

        report = replyquality_eval.evaluate(None if args.no_doc else Path(args.doc))
        print(report["markdown"])
    elif args.command == "evaluate":
        evaluate(None if args.no_doc else args.doc, threshold=args.threshold, with_cv=not args.no_selection)
    else:
        predict(args.model, args.csv)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
