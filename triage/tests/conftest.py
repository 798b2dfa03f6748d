import fcntl
import hashlib
import importlib.metadata
import os
import shutil
import sys
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


# What the default model is made of: the code that trains it, the data it reads, and the libraries.
_ROOT = Path(__file__).resolve().parents[2]
_MODEL_INPUTS = ("triage/*.py", "mochou/*.py", "mochou/data/*", "triage/data/*")
_MODEL_LIBRARIES = ("scikit-learn", "numpy", "scipy", "jieba", "joblib")


def _model_key() -> str:
    digest = hashlib.sha256(f"{sys.version_info[:2]}".encode())
    for library in _MODEL_LIBRARIES:
        try:
            digest.update(f"{library}={importlib.metadata.version(library)}".encode())
        except importlib.metadata.PackageNotFoundError:
            digest.update(f"{library}=-".encode())
    for pattern in _MODEL_INPUTS:
        for file in sorted(_ROOT.glob(pattern)):
            if file.is_file():
                digest.update(str(file.relative_to(_ROOT)).encode())
                digest.update(file.read_bytes())
    return digest.hexdigest()[:20]


def _model_cache_dir() -> Path:
    """Beside the virtual environment (a fresh venv, as in CI, starts empty); MOCHOU_TEST_CACHE
    moves it."""
    return Path(os.environ.get("MOCHOU_TEST_CACHE") or Path(sys.prefix) / ".cache" / "mochou-tests")


@pytest.fixture(scope="session")
def trained_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default model exactly as `mochou triage train` writes it, trained once per code + data.

    Training takes a minute or more, and every pytest process that needs it (each xdist worker,
    then CI's PostgreSQL run) would train the same model again: so it is kept in a cache keyed by
    a hash of the training code, the data and the library versions, and a file lock makes the
    second worker wait for the first instead of training too. Each session gets its own copy.
    """
    cache = _model_cache_dir()
    cache.mkdir(parents=True, exist_ok=True)
    cached = cache / f"triage-model-{_model_key()}.joblib"
    with open(cache / "triage-model.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if not cached.is_file():
                partial = cached.with_suffix(f".{os.getpid()}.partial")
                train_model(out=partial)
                os.replace(partial, cached)  # atomic: a reader never sees half a model
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    path = tmp_path_factory.mktemp("triage") / "model.joblib"
    shutil.copyfile(cached, path)
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
