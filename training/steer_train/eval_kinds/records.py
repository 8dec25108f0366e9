"""Reading the engine's summaries and their documents, and joining them into one record per summary (with the
checks of checks.py and, given a scorer, the rewards)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

from ..grounding import DocumentTerms, unsupported_terms
from ..grounding.negation import affirmed_denials, denied_words
from ..grounding.relations import DocumentPlaces, misrelated
from ..metrics import OBJECTIVES, rouge_l, word_count
from ..text_quality import degeneracy
from .checks import markup, stray_characters
from .lead import lead_baseline


def read_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def rebuild_document(document: str, cut: dict | None) -> str:
    """The text the engine summarized: ``document`` cut as the generator cut it (see eval-generate.ts)."""
    if not cut:
        return document
    if "lines" in cut:
        return "\n".join(document.split("\n")[: int(cut["lines"])])
    return " ".join(document.split()[: int(cut["words"])])


def load_documents(data: Path | None, documents: Path | None, ids: set[str]) -> dict[str, dict]:
    """id -> {document, reference} for ``ids``, from built editor data or a JSONL of {id, document, summary?}."""
    rows: Iterable[dict]
    if documents is not None:
        rows = read_jsonl(documents)
    else:
        assert data is not None
        rows = (r for kind_file in sorted(data.glob("*/data.jsonl")) for r in read_jsonl(kind_file))
    out = {}
    for r in rows:
        if r["id"] in ids:
            out[r["id"]] = {"document": r["document"], "reference": r.get("summary") or r.get("reference")}
    missing = ids - set(out)
    if missing:
        raise SystemExit(f"{len(missing)} summarized documents are not in the data, e.g. {sorted(missing)[:3]}")
    return out


class Scorer(Protocol):
    def score(
        self, documents: Sequence[str], summaries: Sequence[str], hit_max_tokens: Sequence[bool] | None = None
    ) -> np.ndarray: ...


def weights_vector(weights: dict | Sequence[float]) -> list[float]:
    if isinstance(weights, dict):
        unknown = set(weights) - set(OBJECTIVES)
        if unknown:
            raise ValueError(f"unknown objectives {sorted(unknown)}; expected {OBJECTIVES}")
        return [float(weights.get(o, 0.0)) for o in OBJECTIVES]
    return [float(w) for w in weights]


def build_records(summaries: list[dict], documents: dict[str, dict]) -> tuple[list[dict], dict[str, dict]]:
    """One scored record per summary line, and per document its text (as summarized), reference and lead.

    A record has the generator's fields plus ``method`` ("<model> <mode>"), ``weights`` (a list in
    :data:`~steer_train.metrics.OBJECTIVES` order), ``vertex`` (the objective whose vertex it is, else None),
    ``default`` (the default weighting, i.e. not a grid point), ``delivered`` (a non-empty summary), ``words``,
    ``unsupported`` (terms), ``misrelated`` (what its sentences tie together that the document keeps apart),
    ``denied`` (the words with which its sentences state what the document only denies),
    ``markup`` (kinds), ``degenerate`` (``degeneracy``, with the token limit), and
    ``reference`` / ``rouge_l`` where the document has a reference.
    """
    docs: dict[str, dict] = {}
    terms: dict[str, DocumentTerms] = {}
    places: dict[str, DocumentPlaces] = {}
    denials: dict[str, frozenset[str]] = {}
    records = []
    for s in summaries:
        key = s["id"]
        source = documents[key]
        text = rebuild_document(source["document"], s.get("cut"))
        sha = s.get("docSha1")
        if sha and hashlib.sha1(text.encode("utf-8")).hexdigest() != sha:
            raise ValueError(f"document {key}: the rebuilt text differs from the one the engine summarized")
        if key not in docs:
            docs[key] = {
                "id": key,
                "kind": s["kind"],
                "document": text,
                "doc_words": word_count(text),
                "cut": bool(s.get("cut")),
                "reference": source.get("reference"),
                "lead": lead_baseline(text, s["kind"]),
            }
            terms[key] = DocumentTerms(text)
            places[key] = DocumentPlaces.of(text)
            denials[key] = frozenset(denied_words(text))
        summary = s.get("summary") or ""
        w = weights_vector(s["weights"])
        vertex = next((o for o, x in zip(OBJECTIVES, w, strict=True) if abs(x - 1.0) < 1e-6), None)
        hit_max = s.get("finishReason") == "length"
        reference = docs[key]["reference"]
        records.append(
            {
                **{k: v for k, v in s.items() if k not in ("weights",)},
                "method": f"{s.get('model', 'model')} {s['mode']}",
                "doc_id": key,
                "dataset": s["kind"],
                "weights": w,
                "grid": bool(s.get("grid", True)),
                "default": not s.get("grid", True),
                "vertex": vertex if s.get("grid", True) else None,
                "delivered": bool(summary.strip()),
                "words": word_count(summary),
                "hit_max_tokens": hit_max,
                "unsupported": unsupported_terms(summary, terms[key]) if summary else [],
                "misrelated": misrelated(summary, places[key]) if summary else [],
                "denied": affirmed_denials(summary, denials[key]) if summary else [],
                "markup": markup(summary),
                "stray": stray_characters(summary, text),
                "degenerate": degeneracy(summary, hit_max_tokens=hit_max),
                "reference": reference,
                "rouge_l": rouge_l(summary, reference) if reference else None,
            }
        )
    return records, docs


def add_rewards(records: list[dict], docs: dict[str, dict], scorer: Scorer, batch: int = 256) -> None:
    """Each record's ``rewards`` ([concise, faithful, complete]) from ``scorer`` (a :class:`Rewards`)."""
    for start in range(0, len(records), batch):
        part = records[start : start + batch]
        scores = scorer.score(
            [docs[r["doc_id"]]["document"] for r in part],
            [r.get("summary") or "" for r in part],
            hit_max_tokens=[r["hit_max_tokens"] for r in part],
        )
        for r, row in zip(part, scores, strict=True):
            r["rewards"] = [float(x) for x in row]
