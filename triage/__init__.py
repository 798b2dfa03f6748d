"""Triage: the model (pipeline.py and friends, no Django imports) and its Django integration
(models.py, services.py). Importing this package imports neither Django nor scikit-learn."""


def ensure_model() -> None:
    """Build the default model from the shipped data if none exists (called by `mochou serve`)."""
    from triage.services import ensure_model as _ensure

    _ensure()
