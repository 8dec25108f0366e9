"""Tests for steer_train.metrics and steer_train.report (pure Python, fast)."""

from __future__ import annotations

import itertools
import json
import math
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from steer_train.metrics import (
    compare_methods,
    hypervolume,
    pareto_front,
    rouge_l,
    simplex_grid,
    steerability,
    summarize_method,
)
from steer_train.report import write_report

OBJ = ["concise", "faithful", "complete"]


def brute_force_hv(points: np.ndarray, reference: np.ndarray) -> float:
    """Hypervolume of integer points by counting the unit cells they dominate."""
    lo = reference.astype(int)
    hi = points.max(axis=0).astype(int)
    count = 0
    for cell in itertools.product(*[range(a, b) for a, b in zip(lo, hi, strict=True)]):
        upper = np.asarray(cell) + 1  # the cell [cell, cell+1] is dominated iff some point >= cell+1
        if np.any(np.all(points >= upper, axis=1)):
            count += 1
    return float(count)


# ---------------------------------------------------------------- simplex grid


def test_simplex_grid_counts_and_sums():
    grid = simplex_grid(3, 4)
    assert len(grid) == 15
    assert grid[0] == [1.0, 0.0, 0.0] and grid[-1] == [0.0, 0.0, 1.0]
    assert all(abs(sum(p) - 1.0) < 1e-12 for p in grid)
    assert all(all(math.isclose(c * 4, round(c * 4)) and c >= 0 for c in p) for p in grid)
    assert len({tuple(p) for p in grid}) == 15
    assert grid == simplex_grid(3, 4)  # deterministic
    assert len(simplex_grid(2, 10)) == 11
    assert len(simplex_grid(4, 3)) == math.comb(6, 3)
    with pytest.raises(ValueError):
        simplex_grid(3, 0)


# ----------------------------------------------------------------------- rouge


def test_rouge_l():
    assert rouge_l("the cat sat on the mat", "the cat sat on the mat") == pytest.approx(1.0)
    assert rouge_l("running dogs", "run dog") == pytest.approx(1.0)  # stemming
    assert rouge_l("alpha beta", "gamma delta") == 0.0
    assert rouge_l("", "reference") == 0.0
    assert 0.0 < rouge_l("the cat sat", "the cat sat on the mat") < 1.0


# ---------------------------------------------------------------- pareto front


def test_pareto_front():
    pts = np.array([[1, 3], [2, 2], [3, 1], [1, 1], [2, 2], [0, 3], [2, 1.5]], dtype=float)
    front = pareto_front(pts)
    assert front.tolist() == [[1, 3], [2, 2], [3, 1]]
    pts3 = np.array([[1, 1, 1], [1, 1, 2], [2, 0, 0], [0, 0, 3], [1, 1, 2]], dtype=float)
    assert pareto_front(pts3).tolist() == [[1, 1, 2], [2, 0, 0], [0, 0, 3]]
    assert pareto_front(np.array([[np.nan, 5.0], [1.0, 1.0]])).tolist() == [[1.0, 1.0]]
    assert pareto_front(np.zeros((0, 3))).shape == (0, 3)


# ----------------------------------------------------------------- hypervolume


def test_hypervolume_single_point_is_product():
    assert hypervolume(np.array([[2.0, 3.0]]), np.zeros(2)) == pytest.approx(6.0)
    assert hypervolume(np.array([[1.0, 2.0, 3.0]]), np.zeros(3)) == pytest.approx(6.0)
    assert hypervolume(np.array([[0.5, 0.4, 0.3, 0.2]]), np.zeros(4)) == pytest.approx(0.012)
    assert hypervolume(np.array([[2.0, 3.0]]), np.array([1.0, -1.0])) == pytest.approx(4.0)


def test_hypervolume_two_points_by_hand():
    # 2-D: 3*1 + 1*3 - 1*1
    assert hypervolume(np.array([[3.0, 1.0], [1.0, 3.0]]), np.zeros(2)) == pytest.approx(5.0)
    # 3-D: 2 + 2 - overlap (1,1,1) = 3
    assert hypervolume(np.array([[2.0, 1.0, 1.0], [1.0, 2.0, 1.0]]), np.zeros(3)) == pytest.approx(3.0)
    # 3-D: 6 + 3 - overlap (1,1,1) = 8
    assert hypervolume(np.array([[3.0, 1.0, 2.0], [1.0, 3.0, 1.0]]), np.zeros(3)) == pytest.approx(8.0)


def test_hypervolume_dominated_and_outside_points():
    base = np.array([[3.0, 1.0], [1.0, 3.0]])
    extra = np.vstack([base, [[1.0, 1.0], [-1.0, 5.0], [np.nan, 9.0]]])
    assert hypervolume(extra, np.zeros(2)) == pytest.approx(5.0)
    assert hypervolume(np.array([[0.0, 5.0]]), np.zeros(2)) == 0.0
    assert hypervolume(np.zeros((0, 3)), np.zeros(3)) == 0.0


@pytest.mark.parametrize("m", [2, 3, 4])
def test_hypervolume_matches_brute_force(m):
    rng = np.random.default_rng(m)
    for _ in range(5):
        pts = rng.integers(-1, 6, size=(12, m)).astype(float)
        ref = np.full(m, -1.0)
        assert hypervolume(pts, ref) == pytest.approx(brute_force_hv(pts, ref))


# ---------------------------------------------------------------- steerability


def test_steerability_perfect_and_constant():
    w = np.asarray(simplex_grid(3, 4))
    rewards = 0.2 + 0.5 * w**2  # monotone in own weight
    assert steerability(w, rewards) == pytest.approx([1.0, 1.0, 1.0])
    assert steerability(w, -rewards) == pytest.approx([-1.0, -1.0, -1.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        const = steerability(w, np.full_like(w, 0.4))
        assert const == [0.0, 0.0, 0.0]
        one = steerability(w[:1], rewards[:1])
        assert one == [0.0, 0.0, 0.0]
    mixed = rewards.copy()
    mixed[:, 1] = 0.7
    out = steerability(w, mixed)
    assert out[0] == pytest.approx(1.0) and out[1] == 0.0 and out[2] == pytest.approx(1.0)
    assert all(not math.isnan(v) for v in out)


# ------------------------------------------------------------------- summaries


def make_records(method="clp", divisions=3, m=3, degenerate=True):
    """Mean rewards = 3*w (docs at ±0.1); tokens = 20 + 40 w_complete - 10 w_concise."""
    records = []
    for w in simplex_grid(m, divisions):
        tokens = round(20 + 40 * w[-1] - 10 * w[0])
        summary = " ".join(f"word{i}" for i in range(tokens // 2))
        for d, (offset, reference) in enumerate([(0.1, summary), (-0.1, "unrelated text entirely")]):
            degen = None
            if degenerate and w[0] == 1.0 and d == 1:
                degen = "looping"
            if degenerate and w[-1] == 1.0 and d == 0:
                degen = "cut_off"
            records.append(
                {
                    "method": method,
                    "weights": list(w),
                    "doc_id": f"dialogsum-test_{d}",
                    "dataset": "dialogsum",
                    "summary": summary,
                    "reference": reference,
                    "rewards": [3 * x + offset for x in w],
                    "tokens": tokens,
                    "degenerate": degen,
                }
            )
    return records


def test_summarize_method_numbers():
    records = make_records()
    s = summarize_method(records, OBJ, hv_reference=[-1.0, -1.0, -1.0])
    json.dumps(s, allow_nan=False)  # JSON-serialisable, no NaN
    assert s["method"] == "clp"
    assert s["n_points"] == 10 and s["n_records"] == 20 and s["n_documents"] == 2
    assert s["datasets"] == {"dialogsum": 2}
    grid = simplex_grid(3, 3)
    for p, w in zip(s["points"], grid, strict=True):
        assert p["weights"] == pytest.approx(w)
        assert p["n"] == 2
        for i, o in enumerate(OBJ):
            assert p["rewards"][o] == pytest.approx(3 * w[i])
        assert p["mean_tokens"] == pytest.approx(round(20 + 40 * w[2] - 10 * w[0]))
        assert p["mean_words"] == pytest.approx(round(20 + 40 * w[2] - 10 * w[0]) // 2)
        assert p["rouge_l"] == pytest.approx(0.5)
        assert p["on_front"]  # all simplex points are mutually non-dominated
    assert s["front"] == list(range(10))
    means = np.asarray([[3 * x for x in w] for w in grid])
    assert s["hypervolume"] == pytest.approx(brute_force_hv(means, np.full(3, -1.0)))
    assert s["hv_reference"] == [-1.0, -1.0, -1.0]
    assert s["steerability"] == pytest.approx({o: 1.0 for o in OBJ})
    assert s["steerability_mean"] == pytest.approx(1.0)
    assert s["degenerate_rate"] == pytest.approx(2 / 20)
    assert s["degenerate_counts"] == {"cut_off": 1, "looping": 1}
    assert s["degenerate_by_kind"] == pytest.approx({"cut_off": 0.05, "looping": 0.05})
    assert s["points"][0]["degenerate_rate"] == pytest.approx(0.5)
    assert s["rouge_l"] == pytest.approx(0.5)
    bal = s["balanced"]
    assert bal["weights"] == pytest.approx([1 / 3] * 3) and bal["distance"] < 1e-6
    assert bal["mean_tokens"] == pytest.approx(30.0)
    assert s["vertices"]["concise"]["mean_tokens"] == pytest.approx(10.0)
    assert s["vertices"]["faithful"]["mean_tokens"] == pytest.approx(20.0)
    assert s["vertices"]["complete"]["mean_tokens"] == pytest.approx(60.0)
    assert s["vertices"]["complete"]["rewards"]["complete"] == pytest.approx(3.0)
    assert s["length_ratios"]["complete/concise"] == pytest.approx(6.0)
    assert s["length_ratios"]["concise/balanced"] == pytest.approx(1 / 3)


def test_summarize_method_default_reference_and_errors():
    records = make_records(degenerate=False)
    s = summarize_method(records, OBJ)
    assert s["hv_reference"] == [0.0, 0.0, 0.0]
    # only the interior point (1, 1, 1) = 3 * (1/3, 1/3, 1/3) is > 0 in every objective
    assert s["hypervolume"] == pytest.approx(1.0)
    assert s["degenerate_rate"] == 0.0 and s["degenerate_by_kind"] == {}
    with pytest.raises(ValueError):
        summarize_method(records + make_records(method="sft"), OBJ)
    with pytest.raises(ValueError):
        summarize_method(records, OBJ[:2])


def test_summarize_method_two_objectives_and_missing_values():
    records = make_records(m=2, divisions=4, degenerate=False)
    records[0]["rewards"] = [None, 1.0]
    records[0]["reference"] = None
    s = summarize_method(records, ["a", "b"])
    json.dumps(s, allow_nan=False)
    assert s["points"][0]["rewards"]["a"] == pytest.approx(2.9)  # the other document only
    assert s["points"][0]["rouge_l"] == pytest.approx(0.0)
    assert s["steerability"] == pytest.approx({"a": 1.0, "b": 1.0})


def test_compare_methods_and_report(tmp_path):
    sft = [
        dict(r, method="sft", weights=[1 / 3] * 3, rewards=[0.9, 0.9, 0.9])
        for r in make_records()
        if r["weights"][0] == 1.0
    ]
    results = compare_methods(make_records() + sft)
    assert set(results) == {"clp", "sft", "ranking"}
    assert results["sft"]["n_points"] == 1
    assert results["sft"]["steerability"] == {o: 0.0 for o in OBJ}
    assert results["sft"]["vertices"]["concise"]["distance"] > 0.5
    assert all(v is None for v in results["sft"]["length_ratios"].values())
    assert [r["method"] for r in results["ranking"]] == ["clp", "sft"]
    assert results["clp"]["hypervolume"] > results["sft"]["hypervolume"] > 0

    paths = write_report(results, tmp_path / "out", "Test report", notes=["synthetic data"])
    for key in [
        "results",
        "report",
        "front_concise_faithful",
        "front_concise_complete",
        "front_faithful_complete",
    ]:
        assert paths[key].exists() and paths[key].stat().st_size > 0
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(p.name for p in paths.values())
    assert json.loads(paths["results"].read_text())["clp"]["n_points"] == 10
    md = paths["report"].read_text()
    assert "# Test report" in md and "synthetic data" in md
    assert "`clp`" in md and "`sft`" in md
    assert "front_concise_faithful.png" in md
    assert paths["front_concise_faithful"].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
