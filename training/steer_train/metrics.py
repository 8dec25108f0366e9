"""Evaluation metrics for steerable summarisation.

Pure functions over generated summaries: nothing here runs a model. The evaluation
driver produces one record per (method, weighting, document)::

    {"method": "clp", "weights": [0.5, 0.25, 0.25], "doc_id": "dialogsum-test_1",
     "dataset": "dialogsum", "summary": "...", "reference": "...",
     "rewards": [0.71, 0.83, 0.42], "tokens": 37,
     "degenerate": None}  # or "empty" / "looping" / "cut_off"

and :func:`compare_methods` / :func:`summarize_method` turn them into JSON-serialisable
results that ``steer_train.report.write_report`` renders. All multi-objective
quantities are maximised and work for any number of objectives ``m >= 2``.

Optional record fields: ``rouge_l`` (a precomputed ROUGE-L F-measure, used instead of
recomputing), ``words`` (else counted by whitespace splitting). A missing reward
(``None`` or NaN) is left out of that objective's mean.
"""

from __future__ import annotations

import functools
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from .pareto import as_points, hypervolume, pareto_mask
from .pareto import pareto_front as pareto_front  # re-exported: the evaluation's importers find it here

OBJECTIVES: list[str] = ["concise", "faithful", "complete"]
"""The project's objective ids, in the order rewards and weights are given."""

RANKING_KEY = "ranking"
"""The key :func:`compare_methods` puts next to the method names (reserved)."""

_WEIGHT_DECIMALS = 6  # weightings equal to this many decimals are the same grid point
VERTEX_TOL = 1e-6  # a grid point this close to a vertex is that vertex


# ----------------------------------------------------------------------------
# Weightings
# ----------------------------------------------------------------------------


def simplex_grid(m: int, divisions: int) -> list[list[float]]:
    """All points of the (m-1)-simplex whose coordinates are multiples of 1/divisions.

    There are ``C(divisions + m - 1, m - 1)`` of them (m=3, divisions=4 -> 15). The
    order is deterministic: descending lexicographic order of the integer numerators,
    so the first point is ``[1, 0, ..., 0]`` and the last ``[0, ..., 0, 1]``.
    Coordinates are exactly ``k / divisions`` and every point sums to 1 (up to float
    rounding).
    """
    if m < 1:
        raise ValueError(f"m must be >= 1, got {m}")
    if divisions < 1:
        raise ValueError(f"divisions must be >= 1, got {divisions}")

    def compositions(total: int, parts: int) -> Iterable[tuple[int, ...]]:
        if parts == 1:
            yield (total,)
            return
        for first in range(total, -1, -1):
            for rest in compositions(total - first, parts - 1):
                yield (first, *rest)

    return [[k / divisions for k in c] for c in compositions(divisions, m)]


def uniform_weights(m: int) -> list[float]:
    return [1.0 / m] * m


# ----------------------------------------------------------------------------
# Text metrics
# ----------------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def _rouge_scorer():
    from rouge_score import rouge_scorer

    return rouge_scorer.RougeScorer(["rougeL"], use_stemmer=True)


def rouge_l(summary: str, reference: str) -> float:
    """ROUGE-L F-measure (rouge-score, Porter stemming); 0.0 if either side is empty."""
    if not summary or not reference or not summary.strip() or not reference.strip():
        return 0.0
    score = _rouge_scorer().score(reference, summary)["rougeL"].fmeasure
    return float(score)


def whitespace_word_count(text: str) -> int:
    """Words as separated by white space: the length reported in evaluations (not the rewards' token count)."""
    return len(text.split()) if text else 0


# The old name, still imported by eval_kinds.
word_count = whitespace_word_count


# ----------------------------------------------------------------------------
# Steerability
# ----------------------------------------------------------------------------


def _spearman(x: np.ndarray, y: np.ndarray) -> float:
    from scipy.stats import rankdata

    keep = np.isfinite(x) & np.isfinite(y)
    x, y = x[keep], y[keep]
    if x.size < 2:
        return 0.0
    rx, ry = rankdata(x), rankdata(y)
    rx, ry = rx - rx.mean(), ry - ry.mean()
    denom = math.sqrt(float(np.dot(rx, rx)) * float(np.dot(ry, ry)))
    if denom <= 0.0 or not math.isfinite(denom):
        return 0.0  # constant input: no evidence of steering either way
    rho = float(np.dot(rx, ry)) / denom
    return float(min(1.0, max(-1.0, rho)))


def steerability(weights: np.ndarray, mean_rewards: np.ndarray) -> list[float]:
    """Per objective: Spearman correlation of reward i vs weight w_i on the grid.

    ``weights`` and ``mean_rewards`` are [n_points, m]. Constant weights or rewards (or
    fewer than two finite pairs) give 0.0 rather than NaN. 1.0 means raising w_i always
    raised reward i.
    """
    w = as_points(weights)
    r = as_points(mean_rewards)
    if w.shape != r.shape:
        raise ValueError(f"weights {w.shape} and mean_rewards {r.shape} must have the same shape")
    return [_spearman(w[:, i], r[:, i]) for i in range(w.shape[1])]


# ----------------------------------------------------------------------------
# Aggregation
# ----------------------------------------------------------------------------


def _mean(values: Sequence[float]) -> float | None:
    """Mean of the finite values; None when there are none (JSON has no NaN)."""
    arr = np.asarray([v for v in values if v is not None], dtype=float)
    arr = arr[np.isfinite(arr)]
    return float(arr.mean()) if arr.size else None


def _std(values: Sequence[float]) -> float | None:
    arr = np.asarray([v for v in values if v is not None], dtype=float)
    arr = arr[np.isfinite(arr)]
    return float(arr.std(ddof=1)) if arr.size > 1 else None


def _ratio(a: float | None, b: float | None) -> float | None:
    if a is None or b is None or b == 0:
        return None
    return float(a / b)


def _weights_key(weights: Sequence[float]) -> tuple[float, ...]:
    return tuple(round(float(w), _WEIGHT_DECIMALS) + 0.0 for w in weights)


def _record_rewards(record: dict, m: int) -> list[float]:
    rewards = record.get("rewards")
    if rewards is None:
        return [math.nan] * m
    if len(rewards) != m:
        raise ValueError(
            f"record {record.get('doc_id')!r} of method {record.get('method')!r} "
            f"has {len(rewards)} rewards, expected {m}"
        )
    return [math.nan if v is None else float(v) for v in rewards]


def _record_rouge(record: dict) -> float | None:
    if record.get("rouge_l") is not None:
        return float(record["rouge_l"])
    reference = record.get("reference")
    if not reference:
        return None
    return rouge_l(record.get("summary") or "", reference)


def _record_words(record: dict) -> int:
    if record.get("words") is not None:
        return int(record["words"])
    return whitespace_word_count(record.get("summary") or "")


def _point_summary(weights: tuple[float, ...], records: list[dict], objectives: list[str]) -> dict:
    m = len(objectives)
    rewards = np.asarray([_record_rewards(r, m) for r in records], dtype=float).reshape(len(records), m)
    degenerate = [r.get("degenerate") for r in records]
    rouges = [_record_rouge(r) for r in records]
    return {
        "weights": [float(w) for w in weights],
        "n": len(records),
        "rewards": {obj: _mean(rewards[:, i].tolist()) for i, obj in enumerate(objectives)},
        "rewards_std": {obj: _std(rewards[:, i].tolist()) for i, obj in enumerate(objectives)},
        "mean_tokens": _mean([r.get("tokens") for r in records]),
        "mean_words": _mean([_record_words(r) for r in records]),
        "degenerate_rate": float(np.mean([d is not None for d in degenerate])) if records else 0.0,
        "rouge_l": _mean(rouges),
    }


def _closest_point(points: list[dict], target: Sequence[float]) -> tuple[int, float]:
    target_arr = np.asarray(target, dtype=float)
    dists = [float(np.linalg.norm(np.asarray(p["weights"]) - target_arr)) for p in points]
    idx = int(np.argmin(dists))  # first of equally close points
    return idx, dists[idx]


def _headline(point: dict, index: int, distance: float) -> dict:
    return {
        "index": index,
        "weights": point["weights"],
        "distance": distance,
        "rewards": dict(point["rewards"]),
        "mean_tokens": point["mean_tokens"],
        "mean_words": point["mean_words"],
        "degenerate_rate": point["degenerate_rate"],
        "rouge_l": point["rouge_l"],
    }


def summarize_method(records: list[dict], objectives: list[str], hv_reference: list[float] | None = None) -> dict:
    """Summarise the records of one method over its grid of weightings.

    Returns a JSON-serialisable dict:

    - ``method``, ``objectives``, ``n_records``, ``n_documents`` (distinct ``doc_id``),
      ``datasets`` (dataset -> distinct documents), ``n_points``;
    - ``points``: per weighting (descending lexicographic order of weights, i.e.
      :func:`simplex_grid` order) ``weights``, ``n``, ``rewards``/``rewards_std``
      (objective -> mean/std), ``mean_tokens``, ``mean_words``, ``degenerate_rate``,
      ``rouge_l``, ``on_front``;
    - ``front``: indices into ``points`` of the Pareto-optimal per-point mean rewards;
    - ``hypervolume`` of those means w.r.t. ``hv_reference`` (default 0 for every
      objective; written back);
    - ``steerability`` (objective -> Spearman of reward i vs w_i) and its mean
      ``steerability_mean``;
    - ``degenerate_rate`` overall, ``degenerate_counts`` and ``degenerate_by_kind``
      (kind -> rate over all records);
    - ``rouge_l`` (mean over records with a reference), ``mean_tokens``, ``mean_words``;
    - ``balanced``: the point closest to uniform weights; ``vertices``: objective ->
      the point closest to that objective's vertex (each with ``index`` and
      ``distance``, so a method without that corner shows it);
    - ``length_ratios``: ``"a/b"`` -> mean tokens at vertex a over those at vertex b
      (a != b), and ``"a/balanced"``; None where the grid lacks that vertex.

    Missing values (no finite data) are ``None``.
    """
    objectives = list(objectives)
    m = len(objectives)
    if m < 2:
        raise ValueError(f"need at least two objectives, got {objectives}")
    if not records:
        raise ValueError("no records to summarise")
    methods = sorted({str(r.get("method")) for r in records})
    if len(methods) != 1:
        raise ValueError(f"summarize_method got records of several methods: {methods}")
    reference = [0.0] * m if hv_reference is None else [float(v) for v in hv_reference]
    if len(reference) != m:
        raise ValueError(f"hv_reference has {len(reference)} values, expected {m}")

    groups: dict[tuple[float, ...], list[dict]] = {}
    for r in records:
        w = r.get("weights")
        if w is None or len(w) != m:
            raise ValueError(f"record {r.get('doc_id')!r} has weights {w!r}, expected {m} values")
        groups.setdefault(_weights_key(w), []).append(r)
    keys = sorted(groups, reverse=True)
    points = [_point_summary(k, groups[k], objectives) for k in keys]

    means = np.asarray(
        [[math.nan if p["rewards"][o] is None else p["rewards"][o] for o in objectives] for p in points],
        dtype=float,
    )
    weights = np.asarray([p["weights"] for p in points], dtype=float)
    mask = pareto_mask(means)
    for p, on in zip(points, mask, strict=True):
        p["on_front"] = bool(on)
    steer = steerability(weights, means)

    kinds = Counter(str(r["degenerate"]) for r in records if r.get("degenerate") is not None)
    n = len(records)
    doc_ids = {str(r.get("doc_id")) for r in records}
    datasets: dict[str, set[str]] = {}
    for r in records:
        datasets.setdefault(str(r.get("dataset")), set()).add(str(r.get("doc_id")))

    bal_idx, bal_dist = _closest_point(points, uniform_weights(m))
    balanced = _headline(points[bal_idx], bal_idx, bal_dist)
    vertices = {}
    for i, obj in enumerate(objectives):
        corner = [0.0] * m
        corner[i] = 1.0
        idx, dist = _closest_point(points, corner)
        vertices[obj] = _headline(points[idx], idx, dist)
    # length ratios only between corners the grid actually has (else None)
    tokens = {o: v["mean_tokens"] if v["distance"] <= VERTEX_TOL else None for o, v in vertices.items()}
    ratios: dict[str, float | None] = {}
    for a in objectives:
        for b in objectives:
            if a != b:
                ratios[f"{a}/{b}"] = _ratio(tokens[a], tokens[b])
    for a in objectives:
        ratios[f"{a}/balanced"] = _ratio(tokens[a], balanced["mean_tokens"])

    return {
        "method": methods[0],
        "objectives": objectives,
        "n_records": n,
        "n_documents": len(doc_ids),
        "datasets": {k: len(v) for k, v in sorted(datasets.items())},
        "n_points": len(points),
        "points": points,
        "front": [int(i) for i in np.flatnonzero(mask)],
        "hypervolume": hypervolume(means, np.asarray(reference)),
        "hv_reference": reference,
        "steerability": dict(zip(objectives, steer, strict=True)),
        "steerability_mean": float(np.mean(steer)),
        "degenerate_rate": sum(kinds.values()) / n,
        "degenerate_counts": dict(sorted(kinds.items())),
        "degenerate_by_kind": {k: c / n for k, c in sorted(kinds.items())},
        "rouge_l": _mean([_record_rouge(r) for r in records]),
        "mean_tokens": _mean([r.get("tokens") for r in records]),
        "mean_words": _mean([_record_words(r) for r in records]),
        "balanced": balanced,
        "vertices": vertices,
        "length_ratios": ratios,
    }


def compare_methods(
    records: list[dict],
    objectives: list[str] | None = None,
    hv_reference: list[float] | None = None,
) -> dict:
    """Summarise every method: method -> :func:`summarize_method`, plus ``"ranking"``.

    ``"ranking"`` lists ``{"method", "hypervolume", "steerability_mean"}`` by decreasing
    hypervolume (all methods share ``hv_reference``, default 0). Methods appear in
    first-seen order. ``objectives`` defaults to :data:`OBJECTIVES` when the weightings
    have three coordinates, otherwise to ``obj0, obj1, ...``.
    """
    if not records:
        raise ValueError("no records to compare")
    if objectives is None:
        m = len(next(r["weights"] for r in records))
        objectives = list(OBJECTIVES) if m == len(OBJECTIVES) else [f"obj{i}" for i in range(m)]
    by_method: dict[str, list[dict]] = {}
    for r in records:
        by_method.setdefault(str(r.get("method")), []).append(r)
    if RANKING_KEY in by_method:
        raise ValueError(f"a method may not be named {RANKING_KEY!r}")
    results: dict[str, Any] = {
        name: summarize_method(recs, objectives, hv_reference) for name, recs in by_method.items()
    }
    ranking = sorted(
        (
            {
                "method": name,
                "hypervolume": s["hypervolume"],
                "steerability_mean": s["steerability_mean"],
            }
            for name, s in results.items()
        ),
        key=lambda row: -row["hypervolume"],
    )
    results[RANKING_KEY] = ranking
    return results


def method_results(results: dict) -> dict[str, dict]:
    """Per-method summaries of a :func:`compare_methods` result (or one summary)."""
    if "points" in results and "method" in results:
        return {str(results["method"]): results}
    return {k: v for k, v in results.items() if k != RANKING_KEY and isinstance(v, dict) and "points" in v}
