"""The Pareto front of a set of points and its hypervolume, all objectives maximised, any number of them
(``m >= 2``): how the evaluation compares the trade-offs that methods reach (:mod:`steer_train.metrics`).
"""

from __future__ import annotations

from typing import Any

import numpy as np


def as_points(points: Any) -> np.ndarray:
    arr = np.asarray(points, dtype=float)
    if arr.ndim == 1:
        arr = arr.reshape(1, -1) if arr.size else arr.reshape(0, 0)
    if arr.ndim != 2:
        raise ValueError(f"points must be a 2-D array [n, m], got shape {arr.shape}")
    return arr


def pareto_mask(points: np.ndarray) -> np.ndarray:
    """Boolean mask of the non-dominated rows (maximisation).

    A row is dominated when another row is >= in every coordinate and > in at least
    one. Of several identical non-dominated rows only the first is kept. Rows with a
    non-finite coordinate are never on the front.
    """
    arr = as_points(points)
    n = arr.shape[0]
    mask = np.zeros(n, dtype=bool)
    finite = np.all(np.isfinite(arr), axis=1) if n else mask
    for i in range(n):
        if not finite[i]:
            continue
        p = arr[i]
        others = arr[finite]
        dominated = np.any(np.all(others >= p, axis=1) & np.any(others > p, axis=1))
        if dominated:
            continue
        duplicate_before = np.any(np.all(arr[:i][finite[:i]] == p, axis=1)) if i else False
        mask[i] = not duplicate_before
    return mask


def pareto_front(points: np.ndarray) -> np.ndarray:
    """Non-dominated rows of ``points`` [n, m] (max); input order, no duplicates."""
    arr = as_points(points)
    return arr[pareto_mask(arr)]


def _hv_recursive(points: np.ndarray, reference: np.ndarray) -> float:
    """Exact hypervolume by slicing along the last objective (HSO).

    Every point must strictly dominate ``reference``.
    """
    n, m = points.shape
    if n == 0:
        return 0.0
    if m == 1:
        return float(points[:, 0].max() - reference[0])
    if m == 2:
        order = np.argsort(-points[:, 0], kind="stable")
        volume, best_y = 0.0, reference[1]
        for x, y in points[order]:
            if y > best_y:
                volume += (x - reference[0]) * (y - best_y)
                best_y = y
        return float(volume)
    order = np.argsort(-points[:, -1], kind="stable")
    sorted_pts = points[order]
    volume = 0.0
    for k in range(n):
        top = sorted_pts[k, -1]
        bottom = sorted_pts[k + 1, -1] if k + 1 < n else reference[-1]
        depth = top - bottom
        if depth <= 0:
            continue
        slab = sorted_pts[: k + 1, :-1]
        slab = slab[pareto_mask(slab)]
        volume += depth * _hv_recursive(slab, reference[:-1])
    return float(volume)


def hypervolume(points: np.ndarray, reference: np.ndarray) -> float:
    """Exact hypervolume dominated by ``points`` [n, m] above ``reference`` [m] (max).

    Only the part of each point's box above the reference point counts: a point that
    is not strictly better than the reference in every coordinate adds nothing. Rows
    with non-finite coordinates are ignored. Exact for any m (recursive slicing; fine
    for the small fronts here).
    """
    arr = as_points(points)
    ref = np.asarray(reference, dtype=float).reshape(-1)
    if arr.shape[0] == 0:
        return 0.0
    if arr.shape[1] != ref.shape[0]:
        raise ValueError(f"points have {arr.shape[1]} objectives, reference point {ref.shape[0]}")
    if not np.all(np.isfinite(ref)):
        raise ValueError("reference point must be finite")
    arr = arr[np.all(np.isfinite(arr), axis=1)]
    arr = arr[np.all(arr > ref, axis=1)]
    if arr.shape[0] == 0:
        return 0.0
    arr = arr[pareto_mask(arr)]
    return _hv_recursive(arr, ref)
