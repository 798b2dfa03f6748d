import pytest

from mochou.datasets import MESSAGES_CSV, read_messages, read_taxonomy, sha256_of_files
from triage.pipeline import TriageModel


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
