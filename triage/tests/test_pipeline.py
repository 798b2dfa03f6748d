import joblib
import pytest

from mochou.datasets import MESSAGES_CSV, sha256_of_files
from triage.pipeline import FORMAT_VERSION, ModelFormatError, Prediction, TriageModel


@pytest.mark.parametrize(
    ("title", "body", "expected"),
    [
        (
            "社保断缴怎么补缴",
            "我在单位上班，养老保险断缴了两年，社保局说要补缴，请问如何办理？",
            "劳动和社会保障",
        ),
        ("孩子学校乱收费", "学校老师要求每个学生交资料费两百元，家长意见很大。", "教育文体"),
        ("小区物业不作为", "我们小区的物业公司长期不维修电梯，业主多次反映没人管。", "城乡建设"),
        ("工厂偷排废水", "村旁化工厂晚上偷偷排放污水，河水发臭，严重污染环境。", "环境保护"),
        ("医院乱收费", "在市人民医院看病，医生开了很多不必要的检查，患者负担重。", "卫生计生"),
    ],
)
def test_clear_messages(model, title, body, expected):
    p = model.predict(title, body)
    assert isinstance(p, Prediction)
    assert p.label == expected
    assert p.top3[0] == (p.label, p.confidence)


def test_prediction_shape(model):
    p = model.predict("公交车班次太少", "")
    assert len(p.top3) == 3
    probs = [c for _, c in p.top3]
    assert probs == sorted(probs, reverse=True)
    assert 0 < p.confidence <= 1
    assert len({c for c, _ in p.top3}) == 3
    assert all(isinstance(w, str) and len(w) >= 2 for w in p.explanation)
    proba = model.predict_proba(["公交车班次太少"], [""])
    assert proba.shape == (1, len(model.labels))
    assert abs(proba.sum() - 1) < 1e-9


def test_empty_message_does_not_fail(model):
    p = model.predict("", None)
    assert p.label in model.labels


def test_phone_numbers_are_not_explanations(model):
    p = model.predict("社保问题", "请回电13812345678，养老保险断缴。")
    assert not any("138" in w or "TOKEN" in w for w in p.explanation)


def test_training_metrics(model):
    assert model.labels == sorted(model.labels)
    assert len(model.labels) == 7
    assert model.metrics["n_train"] == 396
    assert 0.8 < model.metrics["oof_macro_f1"] <= 1


def test_save_load_round_trip(model, model_path):
    loaded = TriageModel.load(model_path)
    assert loaded.version == model.version
    assert loaded.version
    assert loaded.data_sha256 == sha256_of_files(MESSAGES_CSV)
    assert loaded.labels == model.labels
    assert loaded.created_at == model.created_at
    assert loaded.metrics == model.metrics
    a = model.predict("学校老师", "老师体罚学生")
    b = loaded.predict("学校老师", "老师体罚学生")
    assert a == b
    payload = joblib.load(model_path)
    assert payload["format_version"] == FORMAT_VERSION
    assert payload["model_version"] == model.version
    assert set(payload) >= {"model_version", "data_sha256", "metrics", "labels", "created_at"}


def test_load_refuses_other_format(model_path, tmp_path):
    payload = joblib.load(model_path)
    payload["format_version"] = FORMAT_VERSION + 1
    bad = tmp_path / "future.joblib"
    joblib.dump(payload, bad)
    with pytest.raises(ModelFormatError):
        TriageModel.load(bad)
    other = tmp_path / "other.joblib"
    joblib.dump({"hello": 1}, other)
    with pytest.raises(ModelFormatError):
        TriageModel.load(other)


def test_unfitted_and_bad_arguments():
    with pytest.raises(RuntimeError):
        TriageModel().predict("a", "b")
    with pytest.raises(TypeError):
        TriageModel(nonsense=1)
    with pytest.raises(ValueError, match="same length"):
        TriageModel().fit(["a"], ["b", "c"], ["x"])


def test_real_examples_alone_calibrate_and_the_threshold_is_stored(messages, taxonomy, tmp_path):
    # 120 "real" messages scored out of fold, the rest always in training.
    real = [i % 3 == 0 for i in range(len(messages))]
    m = TriageModel(taxonomy).fit(
        [x.title for x in messages], [x.body for x in messages], [x.label for x in messages], real=real
    )
    assert m.metrics["oof_n"] == sum(real)
    assert m.metrics["n_real"] == sum(real)
    assert m.metrics["dispatch_threshold"] == m.dispatch_threshold
    path = m.save(tmp_path / "m.joblib")
    assert joblib.load(path)["dispatch_threshold"] == m.dispatch_threshold
    assert TriageModel.load(path).dispatch_threshold == m.dispatch_threshold
    # the OOF curve the threshold was chosen on is stored with it
    assert [row["threshold"] for row in m.metrics["oof_curve"]][:2] == [0.5, 0.6]


def test_without_out_of_scope_examples_nothing_is_out_of_scope(model):
    assert model.classes == model.labels
    p = model.predict("被电信诈骗报警后派出所不立案", "我被网络诈骗了三万元，派出所不立案。")
    assert not p.out_of_scope
    assert p.scope_score == 0.0
