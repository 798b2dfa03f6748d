from collections.abc import Iterator
from pathlib import Path

import pytest

from mochou.datasets import MESSAGES_CSV, read_messages, read_taxonomy, sha256_of_files
from triage import dupindex
from triage.pipeline import TriageModel
from triage.services import train_model


@pytest.fixture(scope="session")
def messages():
    return read_messages(MESSAGES_CSV, require_label=True)


@pytest.fixture(scope="session")
def taxonomy():
    return read_taxonomy()


@pytest.fixture(scope="session")
def model(messages, taxonomy):
    """The model trained once on the shipped data."""
    return TriageModel(taxonomy).fit(
        [m.title for m in messages], [m.body for m in messages], [m.label for m in messages]
    )


@pytest.fixture(scope="session")
def model_path(model, tmp_path_factory):
    path = tmp_path_factory.mktemp("triage") / "model.joblib"
    model.save(path, data_sha256=sha256_of_files(MESSAGES_CSV))
    return path


@pytest.fixture(scope="session")
def trained_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One model trained on the shipped messages for the whole session (a few seconds)."""
    path = tmp_path_factory.mktemp("triage") / "model.joblib"
    train_model(out=path)
    return path


@pytest.fixture(scope="session")
def default_model(trained_model: Path) -> TriageModel:
    """The default model as `mochou triage train` writes it (sample + selection half + weak examples)."""
    return TriageModel.load(trained_model)


@pytest.fixture
def triage_on(settings, trained_model: Path) -> Iterator[Path]:
    settings.MOCHOU_TRIAGE = True
    settings.MOCHOU_TRIAGE_MODEL = str(trained_model)
    settings.MOCHOU_AUTO_DISPATCH_THRESHOLD = 0  # most tests look at the suggestion, not the dispatch
    dupindex.reset()
    yield trained_model
    dupindex.reset()
