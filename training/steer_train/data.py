"""Summarization data from ../shared/data/summarization (never copied into the project) and the prompt."""

from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass
from pathlib import Path

SYSTEM = "You are a helpful assistant that summarizes text."
TEMPLATE = (
    "<|im_start|>system\n" + SYSTEM + "<|im_end|>\n"
    "<|im_start|>user\n{instruction}{weights}\n\n{document}<|im_end|>\n"
    "<|im_start|>assistant\n"
)
# Prompt conditioning (Rewards-in-Context style) writes the weighting into the user turn.
WEIGHTS_FORMAT = "{id}={value}"
WEIGHTS_PREFIX = " Objective weights: "

# Sets whose licences and lengths suit RL prompts and quick evaluation (see the data README).
TRAIN_SETS = ("dialogsum", "scitldr", "bbc_news")
EVAL_SETS = ("dialogsum", "scitldr", "bbc_news", "samsum")


@dataclass
class Example:
    id: str
    dataset: str
    document: str
    summary: str


# bbc_news joins sentences without a space ("chains.Shares in ..."): a reader (and the grounding rule) sees one
# dotted word there.
_GLUED_SENTENCE = re.compile(r"(?<=[a-z0-9)%\"'][.!?])(?=[A-Z\"])")


def unglue_sentences(text: str) -> str:
    return _GLUED_SENTENCE.sub(" ", text)


def load_split(data_dir: str | Path, sets: tuple[str, ...], split: str) -> list[Example]:
    out = []
    for name in sets:
        path = Path(data_dir) / name / "data.jsonl"
        with path.open() as f:
            for line in f:
                r = json.loads(line)
                if r.get("split") == split:
                    doc, summary = r["document"].strip(), r["summary"].strip()
                    if name in ("bbc_news", "news"):
                        doc, summary = unglue_sentences(doc), unglue_sentences(summary)
                    out.append(Example(r["id"], name, doc, summary))
    return out


def sample_examples(
    examples: list[Example], n: int, seed: int, max_doc_words: int, per_set: bool = True
) -> list[Example]:
    """Seeded sample of examples with documents of at most max_doc_words, balanced across sets."""
    rng = random.Random(seed)
    pool = [e for e in examples if len(e.document.split()) <= max_doc_words]
    if not per_set:
        rng.shuffle(pool)
        return pool[:n]
    by_set: dict[str, list[Example]] = {}
    for e in pool:
        by_set.setdefault(e.dataset, []).append(e)
    for v in by_set.values():
        rng.shuffle(v)
    out: list[Example] = []
    while len(out) < n and any(by_set.values()):
        for v in by_set.values():
            if v and len(out) < n:
                out.append(v.pop())
    return out


def format_weights(objectives: list[str], weights: list[float]) -> str:
    return ", ".join(WEIGHTS_FORMAT.format(id=o, value=f"{w:.2f}") for o, w in zip(objectives, weights))


INSTRUCTION = "Summarize the following text."


def weighting_text(objectives: list[str] | None, weights: list[float] | None) -> str:
    """The sentence a prompt carries about its weighting (prompt conditioning), or "" without one."""
    return WEIGHTS_PREFIX + format_weights(objectives, weights) + "." if objectives and weights is not None else ""


def build_prompt(
    document: str,
    objectives: list[str] | None = None,
    weights: list[float] | None = None,
    instruction: str = INSTRUCTION,
) -> str:
    """The chat prompt; with objectives and weights given, the weighting is written into it."""
    return TEMPLATE.format(document=document, weights=weighting_text(objectives, weights), instruction=instruction)
