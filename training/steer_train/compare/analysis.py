"""The comparison's analysis: hypervolume intervals by resampling documents, and who wins on which criterion
(with the criteria where no CLP variant wins)."""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping

import numpy as np

from ..metrics import VERTEX_TOL, hypervolume
from ..rewards import OBJECTIVES
from .config import CompareConfig, Method, method_config


def family(cc: CompareConfig, m: Method) -> str:
    if m.kind == "policy" and method_config(cc, m).clp.rank > 0:
        return "clp"
    return "baseline"


def _reward_tensor(records: list[dict], docs: list[str]) -> np.ndarray:
    """[docs, points, m] rewards; points in the order of metrics.summarize_method (descending weights)."""
    keys = sorted({tuple(round(float(x), 6) for x in r["weights"]) for r in records}, reverse=True)
    m = len(records[0]["rewards"])
    t = np.full((len(docs), len(keys), m), np.nan)
    di, ki = {d: i for i, d in enumerate(docs)}, {k: i for i, k in enumerate(keys)}
    for r in records:
        t[di[r["doc_id"]], ki[tuple(round(float(x), 6) for x in r["weights"])]] = r["rewards"]
    return t


def _means(results: dict, name: str) -> np.ndarray:
    return np.asarray([[p["rewards"][o] for o in OBJECTIVES] for p in results[name]["points"]], dtype=float)


def analyse(cc: CompareConfig, results: dict, evals: dict[str, dict]) -> dict:
    names = [m.name for m in cc.methods if m.name in evals]
    fam = {m.name: family(cc, m) for m in cc.methods if m.name in evals}
    ref = np.asarray(cc.hv_reference, dtype=float)
    docs = sorted({r["doc_id"] for e in evals.values() for r in e["records"]})
    tensors = {n: _reward_tensor(evals[n]["records"], docs) for n in names}
    rng = np.random.default_rng(0)
    draws = [rng.integers(len(docs), size=len(docs)) for _ in range(cc.bootstrap)]
    boot = {n: np.array([hypervolume(np.nanmean(tensors[n][d], axis=0), ref) for d in draws]) for n in names}
    clp_names = [n for n in names if fam[n] == "clp"]
    best_clp = max(clp_names, key=lambda n: results[n]["hypervolume"]) if clp_names else None
    per_method = {}
    for n in names:
        s = results[n]
        row = {
            "family": fam[n],
            "hypervolume": s["hypervolume"],
            "hv_ci90": [float(np.percentile(boot[n], 5)), float(np.percentile(boot[n], 95))],
            "steerability": s["steerability"],
            "steerability_mean": s["steerability_mean"],
            "degenerate_rate": s["degenerate_rate"],
            "n_points": s["n_points"],
            "timing": evals[n]["timing"],
            "budget": evals[n]["budget"],
        }
        if best_clp and n != best_clp:
            row["p_best_clp_hv_higher"] = float(np.mean(boot[best_clp] > boot[n]))
        if "vertex_max_abs_logit_diff" in evals[n]:
            row["vertex_max_abs_logit_diff"] = evals[n]["vertex_max_abs_logit_diff"]
        per_method[n] = row

    # who wins where: (criterion, value per method, higher is better?)
    hv_label = f"hypervolume ({len(OBJECTIVES)} objectives, reference {tuple(cc.hv_reference)})"
    criteria: list[tuple[str, Mapping[str, float | None], bool]] = [
        (hv_label, {n: results[n]["hypervolume"] for n in names}, True)
    ]
    for a, b in itertools.combinations(range(len(OBJECTIVES)), 2):
        vals = {n: hypervolume(_means(results, n)[:, [a, b]], ref[[a, b]]) for n in names}
        criteria.append((f"front {OBJECTIVES[a]}-{OBJECTIVES[b]} (2-D hypervolume)", vals, True))
    for o in OBJECTIVES:
        at_vertex: dict[str, float | None] = {}
        for n in names:
            v = results[n]["vertices"][o]
            at_vertex[n] = v["rewards"][o] if v["distance"] <= VERTEX_TOL else None
        criteria.append((f"{o} reward at the {o} vertex", at_vertex, True))
    # the utility a user gets on average over the weightings each method serves: mean over its points of w·r(w)
    util = {}
    for n in names:
        pts = results[n]["points"]
        util[n] = float(np.mean([sum(w * p["rewards"][o] for w, o in zip(p["weights"], OBJECTIVES)) for p in pts]))
    criteria.append(("mean scalarised reward w·r over the method's weightings", util, True))
    bal: dict[str, float | None] = {}
    for n in names:
        b = results[n]["balanced"]
        bal[n] = float(np.mean([b["rewards"][o] for o in OBJECTIVES])) if b["distance"] <= 1e-3 else None
    if all(v is not None for v in bal.values()):  # only when every method has the exact balanced point
        criteria.append(("mean reward at the balanced point (1/m each)", bal, True))
    for o in OBJECTIVES:
        criteria.append((f"steerability of {o}", {n: results[n]["steerability"][o] for n in names}, True))
    criteria.append(("degenerate rate (lower is better)", {n: results[n]["degenerate_rate"] for n in names}, False))

    wins, clp_loses = [], []
    for label, values, higher in criteria:
        valid: dict[str, float] = {n: v for n, v in values.items() if v is not None and math.isfinite(v)}
        if not valid:
            continue
        pick = max if higher else min
        winner = pick(valid, key=valid.__getitem__)
        tied = [n for n, v in valid.items() if abs(v - valid[winner]) <= 1e-9]
        entry = {"criterion": label, "winner": winner, "tied": tied, "value": valid[winner], "values": valid}
        clp_valid = {n: v for n, v in valid.items() if fam[n] == "clp"}
        if clp_valid:
            best = pick(clp_valid, key=clp_valid.__getitem__)
            entry["best_clp"], entry["best_clp_value"] = best, clp_valid[best]
            if fam[winner] != "clp" and valid[winner] != clp_valid[best]:
                clp_loses.append(entry)
        wins.append(entry)
    return {
        "methods": per_method,
        "best_clp": best_clp,
        "wins": wins,
        "clp_does_not_win": clp_loses,
        "documents": len(docs),
        "bootstrap": cc.bootstrap,
    }
