"""Evaluation report writer: ``results.json``, ``report.md`` and Pareto-front plots.

``results`` is what :func:`steer_train.metrics.compare_methods` returns (method ->
summary, plus ``"ranking"``); a single :func:`steer_train.metrics.summarize_method`
result is accepted too.
"""

from __future__ import annotations

import itertools
import json
import math
import re
from pathlib import Path
from typing import Any

import numpy as np

from .metrics import RANKING_KEY, VERTEX_TOL, method_results, pareto_mask

_STEER_NOTE = (
    "Steerability: Spearman correlation of each objective's mean reward with its own "
    "weight across the grid (1 = perfectly steerable, 0 = no effect or constant). "
    "Tokens @ objective: mean generated tokens at the grid point closest to that "
    "objective's vertex."
)
_MARKERS = ["o", "s", "^", "D", "v", "P", "X", "*", "<", ">"]


# ----------------------------------------------------------------------------
# Formatting helpers
# ----------------------------------------------------------------------------


def _jsonable(value: Any) -> Any:
    """Plain-JSON copy: numpy values to Python, NaN/inf to None, paths to strings."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return [_jsonable(v) for v in value.tolist()]
    if isinstance(value, np.bool_ | bool):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating | float):
        f = float(value)
        return f if math.isfinite(f) else None
    if isinstance(value, Path):
        return str(value)
    return value


def _num(value: Any, digits: int = 3) -> str:
    if value is None:
        return "-"
    if isinstance(value, float) and not math.isfinite(value):
        return "-"
    return f"{value:.{digits}f}"


def _pct(value: Any) -> str:
    return "-" if value is None else f"{100 * value:.1f}%"


def _weights(ws: list[float]) -> str:
    return "(" + ", ".join(f"{w:.2f}" for w in ws) + ")"


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = [
        "| " + " | ".join(header) + " |",
        "|" + "|".join("---" for _ in header) + "|",
    ]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return lines


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-") or "x"


def _objectives(methods: dict[str, dict]) -> list[str]:
    objectives: list[str] | None = None
    for summary in methods.values():
        objs = list(summary["objectives"])
        if objectives is None:
            objectives = objs
        elif objs != objectives:
            raise ValueError(f"methods disagree on objectives: {objectives} vs {objs}")
    if objectives is None:
        raise ValueError("results hold no method summaries")
    return objectives


# ----------------------------------------------------------------------------
# Markdown
# ----------------------------------------------------------------------------


def _markdown(
    results: dict,
    methods: dict[str, dict],
    objectives: list[str],
    title: str,
    notes: list[str] | None,
    plots: dict[str, Path],
) -> str:
    lines = [f"# {title}", ""]
    if notes:
        lines += [f"- {n}" for n in notes] + [""]
    first = next(iter(methods.values()))
    objs = ", ".join(f"`{o}`" for o in objectives)
    lines += [
        f"Objectives: {objs}. Hypervolume reference point: "
        + f"{_weights(first['hv_reference'])} (all rewards maximised; mean reward "
        + "per weighting point).",
        "",
        "## Headline",
        "",
    ]
    header = (
        ["Method", "Docs", "Points", "Hypervolume"]
        + [f"Steer {o}" for o in objectives]
        + ["Degenerate", "ROUGE-L (balanced)"]
        + [f"Tokens @ {o}" for o in objectives]
        + ["Tokens (balanced)"]
    )
    rows = []
    for name, s in methods.items():
        rows.append(
            [
                f"`{name}`",
                str(s["n_documents"]),
                str(s["n_points"]),
                _num(s["hypervolume"], 4),
            ]
            + [_num(s["steerability"][o], 2) for o in objectives]
            + [_pct(s["degenerate_rate"]), _num(s["balanced"]["rouge_l"])]
            + [_num(s["vertices"][o]["mean_tokens"], 1) for o in objectives]
            + [_num(s["balanced"]["mean_tokens"], 1)]
        )
    lines += [*_table(header, rows), ""]
    ranking = results.get(RANKING_KEY) if RANKING_KEY in results else None
    if ranking:
        order = ", ".join(f"`{r['method']}` ({_num(r['hypervolume'], 4)})" for r in ranking)
        lines += [f"Ranking by hypervolume: {order}.", ""]
    lines += [
        _STEER_NOTE,
        "",
    ]

    if plots:
        lines += ["## Fronts", ""]
        for key, path in plots.items():
            lines += [f"![{key}]({path.name})", ""]

    for name, s in methods.items():
        lines += [f"## Method `{name}`", ""]
        datasets = ", ".join(f"{d}: {k}" for d, k in s["datasets"].items())
        degen = ", ".join(f"{k} {_pct(v)}" for k, v in s["degenerate_by_kind"].items()) or "none"
        hv, steer = _num(s["hypervolume"], 4), _num(s["steerability_mean"], 2)
        lines += [
            f"- records: {s['n_records']}, documents: {s['n_documents']} ({datasets}), "
            + f"weighting points: {s['n_points']}",
            f"- hypervolume: {hv}; mean steerability: {steer}",
            f"- degenerate: {_pct(s['degenerate_rate'])} ({degen})",
            f"- ROUGE-L (all points): {_num(s['rouge_l'])}; "
            + f"mean tokens: {_num(s['mean_tokens'], 1)}; "
            + f"mean words: {_num(s['mean_words'], 1)}",
        ]
        bal = s["balanced"]
        lines.append(
            f"- balanced point {_weights(bal['weights'])}: "
            + ", ".join(f"{o} {_num(bal['rewards'][o])}" for o in objectives)
            + f", tokens {_num(bal['mean_tokens'], 1)}, ROUGE-L {_num(bal['rouge_l'])}"
        )
        far = [o for o in objectives if s["vertices"][o]["distance"] > VERTEX_TOL]
        if far:
            lines.append(f"- no grid point at the vertex of: {', '.join(far)} (nearest used)")
        ratios = ", ".join(f"{k} {_num(v, 2)}" for k, v in s["length_ratios"].items() if v is not None)
        if ratios:
            lines.append(f"- length ratios (mean tokens, vertex / vertex): {ratios}")
        lines.append("")
        header = [
            "Weights",
            *objectives,
            *["Tokens", "Words", "Degenerate", "ROUGE-L", "n", "Front"],
        ]
        rows = []
        for p in s["points"]:
            rows.append(
                [_weights(p["weights"])]
                + [_num(p["rewards"][o]) for o in objectives]
                + [
                    _num(p["mean_tokens"], 1),
                    _num(p["mean_words"], 1),
                    _pct(p["degenerate_rate"]),
                    _num(p["rouge_l"]),
                    str(p["n"]),
                    "✓" if p.get("on_front") else "",
                ]
            )
        lines += [
            f"Weights are ({', '.join(objectives)}).",
            "",
            *_table(header, rows),
            "",
        ]
    return "\n".join(lines).rstrip() + "\n"


# ----------------------------------------------------------------------------
# Plots
# ----------------------------------------------------------------------------


def _plot_pair(methods: dict[str, dict], objectives: list[str], a: int, b: int, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    oa, ob = objectives[a], objectives[b]
    cmap = plt.get_cmap("coolwarm")
    fig, ax = plt.subplots(figsize=(6.4, 5.2), dpi=120)
    scatter = None
    for k, (name, s) in enumerate(methods.items()):
        colour = f"C{k % 10}"
        marker = _MARKERS[k % len(_MARKERS)]
        indexed = [
            (i, p) for i, p in enumerate(s["points"]) if p["rewards"][oa] is not None and p["rewards"][ob] is not None
        ]
        if not indexed:
            continue
        pts = [p for _, p in indexed]
        xy = np.asarray([[p["rewards"][oa], p["rewards"][ob]] for p in pts], dtype=float)
        tilt = np.asarray([p["weights"][a] - p["weights"][b] for p in pts], dtype=float)
        scatter = ax.scatter(
            xy[:, 0],
            xy[:, 1],
            c=tilt,
            cmap=cmap,
            vmin=-1.0,
            vmax=1.0,
            marker=marker,
            s=42,
            edgecolors=colour,
            linewidths=1.2,
            zorder=3,
            label=name,
        )
        front = xy[pareto_mask(xy)]
        front = front[np.argsort(front[:, 0])]
        ax.plot(
            front[:, 0],
            front[:, 1],
            "-",
            color=colour,
            linewidth=1.4,
            alpha=0.8,
            zorder=2,
        )
        # label the corners and the balanced point of this method
        labelled: dict[int, str] = {}
        for o in (oa, ob):
            v = s["vertices"][o]
            if v["distance"] <= VERTEX_TOL:
                labelled.setdefault(v["index"], o)
        labelled.setdefault(s["balanced"]["index"], "balanced")
        for j, (i, _) in enumerate(indexed):
            text = labelled.get(i)
            if text:
                ax.annotate(
                    text,
                    xy[j],
                    textcoords="offset points",
                    xytext=(5, 4),
                    fontsize=7,
                    color=colour,
                )
    if scatter is not None:
        cbar = fig.colorbar(scatter, ax=ax)
        cbar.set_label(f"w[{oa}] - w[{ob}]")
    ax.set_xlabel(f"mean reward: {oa}")
    ax.set_ylabel(f"mean reward: {ob}")
    ax.set_title(f"{oa} vs {ob} (per weighting point; line = 2-D Pareto front)", fontsize=9)
    ax.margins(0.08)
    ax.grid(True, alpha=0.3)
    if methods:
        ax.legend(fontsize=8, loc="best")
    fig.tight_layout()
    fig.savefig(path, bbox_inches="tight")
    plt.close(fig)


# ----------------------------------------------------------------------------
# Entry point
# ----------------------------------------------------------------------------


def write_report(results: dict, out_dir: str | Path, title: str, notes: list[str] | None = None) -> dict[str, Path]:
    """Write ``results.json``, ``report.md`` and a ``front_<a>_<b>.png`` per pair.

    Returns ``{"results": ..., "report": ..., "front_<a>_<b>": ...}`` (paths written).
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    methods = method_results(results)
    objectives = _objectives(methods)

    written: dict[str, Path] = {}
    results_path = out / "results.json"
    results_path.write_text(json.dumps(_jsonable(results), indent=2, allow_nan=False) + "\n")
    written["results"] = results_path

    plots: dict[str, Path] = {}
    for a, b in itertools.combinations(range(len(objectives)), 2):
        key = f"front_{_safe(objectives[a])}_{_safe(objectives[b])}"
        path = out / f"{key}.png"
        _plot_pair(methods, objectives, a, b, path)
        plots[key] = path

    report_path = out / "report.md"
    report_path.write_text(_markdown(results, methods, objectives, title, notes, plots))
    written["report"] = report_path
    written.update(plots)
    return written
