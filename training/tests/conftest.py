"""What the Python tests share: the import path, where the repository and the test data are, and the
tiny training budget of the end-to-end tests (one place, so the pipeline and the comparison test the same
run shape)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
REPO = Path(__file__).resolve().parents[2]
DATA_DIR = REPO.parent / "shared" / "data" / "summarization"


def _phase(prefix: str, **settings: int) -> dict[str, int]:
    return {f"{prefix}_{key}": value for key, value in settings.items()}


def tiny_budget(**overrides: int) -> dict[str, int]:
    """The smallest run that still goes through every phase, as RunConfig fields: a step or two of SFT and
    RL on two short documents and a few tokens, evaluated on two documents at two weightings."""
    return {
        **_phase("sft", steps=2, batch=2, max_doc_words=80),
        **_phase("rl", steps=2, prompts=2, samples=2, max_new_tokens=6, max_doc_words=80),
        **_phase("eval", docs=2, divisions=2, max_new_tokens=6),
        **overrides,
    }
