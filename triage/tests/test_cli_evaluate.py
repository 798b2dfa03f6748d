import csv
import io
import json

from triage import cli
from triage.evaluate import cross_validate, evaluate_split, render_markdown, stable_split


def _write_csv(path, header, rows):
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)


def test_predict_cli_tolerates_missing_and_extra_columns(model_path, tmp_path):
    only_title = tmp_path / "title.csv"
    _write_csv(
        only_title,
        ["留言主题", "额外列", "一级分类"],
        [["孩子学校老师乱收费", "x", "环境保护"], ["", "y", ""]],
    )
    out = io.StringIO()
    results = cli.predict(model_path, only_title, out=out)
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert lines == results
    assert [r["id"] for r in results] == ["1", "2"]
    assert results[0]["category"] == "教育文体"  # the label column is ignored
    assert set(results[0]) == {"id", "category", "confidence", "top3", "explanation"}
    assert len(results[0]["top3"]) == 3
    assert set(results[0]["top3"][0]) == {"category", "confidence"}

    only_body = tmp_path / "body.csv"
    _write_csv(only_body, ["留言编号", "留言详情"], [["A-7", "我的养老保险和社保断缴了，\n多行\n内容"]])
    (r,) = cli.predict(model_path, only_body, out=io.StringIO())
    assert r["id"] == "A-7"
    assert r["category"] == "劳动和社会保障"


def test_train_cli_writes_one_file(tmp_path, messages):
    data = tmp_path / "small.csv"
    rows = [[m.id, "u", m.title, "2020/1/1", m.body, m.label] for m in messages[:120]]
    _write_csv(data, ["留言编号", "留言用户", "留言主题", "留言时间", "留言详情", "一级分类"], rows)
    extra = tmp_path / "extra.csv"
    _write_csv(extra, ["留言主题", "一级分类"], [["快递丢件", "交通运输"], ["没有标签", ""]])
    out = tmp_path / "m" / "model.joblib"
    info = cli.train(data, out, extra_examples=extra)
    assert out.is_file()
    assert [p.name for p in out.parent.iterdir()] == ["model.joblib"]
    assert info["metrics"]["n_train"] == 121
    assert len(info["data_sha256"]) == 64
    assert info["version"]


def test_stable_split_is_stratified_and_order_independent(messages):
    tr, te = stable_split(messages)
    assert len(te) == 79
    assert not set(tr) & set(te)
    assert len(tr) + len(te) == len(messages)
    shuffled = list(messages)
    shuffled.reverse()
    _, te2 = stable_split(shuffled)
    assert {messages[i].id for i in te} == {shuffled[i].id for i in te2}


def test_evaluate_and_markdown_on_a_subset(messages, taxonomy):
    subset = [m for i, m in enumerate(messages) if i % 3 == 0]
    split = evaluate_split(subset, taxonomy, threshold=0.6)
    assert 0 <= split["macro_f1"] <= 1
    assert split["latency"]["p50_ms"] > 0
    assert "baseline" in split
    cv = cross_validate(subset, taxonomy, folds=2, repeats=1)
    assert 0 <= cv["macro_f1"]["mean"] <= 1
    report = {
        "data_path": "x.csv",
        "taxonomy_path": "t.csv",
        "data_sha256": "0" * 64,
        "n_messages": len(subset),
        "n_taxonomy": len(taxonomy),
        "class_counts": {"a": 1},
        "seed": 20200101,
        "test_size": 0.2,
        "split": split,
        "cv": cv,
        "machine": "test",
        "python": "3",
        "sklearn": "1",
        "generated_at": "now",
        "seconds": 1.0,
    }
    md = render_markdown(report)
    assert "macro-F1" in md
    assert "Confusion matrix" in md
