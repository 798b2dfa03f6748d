"""`mochou triage train | evaluate | predict FILE`: the triage model from the command line."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError


class Command(BaseCommand):
    help = "训练、评估智能分拣模型，或对 CSV 中的留言逐行给出建议。"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        train = sub.add_parser("train", help="从随包数据（及派单员的纠正样本）训练模型")
        train.add_argument("--with-corrections", action="store_true", help="加入派单员派单形成的训练样本")
        train.add_argument("--out", default=None, help="模型文件（默认 MOCHOU_TRIAGE_MODEL）")
        evaluate = sub.add_parser("evaluate", help="固定划分 + 交叉验证，写入 docs/triage.md")
        evaluate.add_argument("--doc", default="docs/triage.md")
        evaluate.add_argument("--no-cv", action="store_true")
        evaluate.add_argument("--threshold", type=float, default=None)
        evaluate.add_argument(
            "--with-corrections", action="store_true", help="另报告加入纠正样本前后在留出集上的成绩"
        )
        replies = sub.add_parser(
            "evaluate-replies", help="答复质量检查：在真实答复标注集上重算各表，写入 docs/reply-quality.md"
        )
        replies.add_argument("--doc", default="docs/reply-quality.md")
        replies.add_argument("--no-doc", action="store_true", help="只打印，不写文件")
        predict = sub.add_parser("predict", help="对 CSV 每行输出一行 JSON")
        predict.add_argument("file", help="与随包留言相同列的 CSV（'-' 为标准输入）")
        predict.add_argument("--model", default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        from django.conf import settings

        from triage import cli, services

        verb = options["verb"]
        if verb == "train":
            out = Path(options["out"]) if options["out"] else None
            info = services.train_model(with_examples=options["with_corrections"], out=out)
            self.stdout.write(json.dumps(info, ensure_ascii=False, indent=2, default=str))
        elif verb == "evaluate-replies":
            # The reply checks' figures (triage/replyquality_eval.py); also builds the corpus
            # statistics the case page's checks read (under var/triage).
            from triage import replyquality_eval

            doc = None if options["no_doc"] else Path(options["doc"])
            report = replyquality_eval.evaluate(doc, cache_dir=Path(settings.VAR_DIR) / "triage")
            self.stdout.write(report["markdown"])
        elif verb == "evaluate":
            threshold = options["threshold"]
            if threshold is None:  # the setting's override, if any, gets its own row in the report
                threshold = settings.MOCHOU_AUTO_DISPATCH_THRESHOLD
            cli.evaluate(
                doc_path=options["doc"], threshold=threshold, with_cv=not options["no_cv"], out=self.stdout
            )
            if options["with_corrections"]:
                self._before_and_after()
        else:
            model = options["model"] or str(services.model_path())
            if not Path(model).exists():
                raise CommandError(f"模型文件不存在：{model}（先运行 mochou triage train）")
            if options["file"] != "-" and not Path(options["file"]).exists():
                raise CommandError(f"文件不存在：{options['file']}")
            lines = io.StringIO()  # print() inside cli would double the OutputWrapper's line endings
            cli.predict(model, options["file"], out=lines, unit_of=_unit_of_category)
            self.stdout.write(lines.getvalue(), ending="")

    def _before_and_after(self) -> None:
        from django.conf import settings

        from triage.corrections import before_and_after
        from triage.services import export_examples

        path = Path(settings.VAR_DIR) / "triage" / "training-examples.csv"
        path.parent.mkdir(parents=True, exist_ok=True)
        if export_examples(path) == 0:
            self.stdout.write("没有派单员形成的训练样本，无法比较加入前后的成绩。")
            return
        result = before_and_after(path)
        self.stdout.write(
            f"\n加入 {result['n_examples']} 条派单样本前后（留出集 {result['n_test']} 条；"
            f"另有 {result['n_dropped']} 条与留出集留言雷同，未加入）：\n"
            f"  之前 macro-F1 {result['before']['macro_f1']:.3f}  准确率 {result['before']['accuracy']:.3f}\n"
            f"  之后 macro-F1 {result['after']['macro_f1']:.3f}  准确率 {result['after']['accuracy']:.3f}"
        )


def _unit_of_category(label: str) -> str | None:
    """The lead unit the dispatch catalogue in force gives a first-level category city-wide (no township)."""
    from cases.models import Category
    from triage.rules import units_for

    try:
        category = Category.objects.filter(level=1, name=label).first()
        choice = units_for(category, None) if category else None
    except DatabaseError:  # scoring a file needs no database: without one there are no rules
        return None
    return choice.lead.name if choice else None
