"""Aggregation of the records per kind, per model and decoding mode, and over all kinds; sample summaries."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from ..metrics import OBJECTIVES, rouge_l, steerability, summarize_method, word_count
from .checks import UNSUPPORTED_CLASSES, unsupported_class

KIND_ORDER = ("news", "dialogue", "science", "docs", "code", "long", "email")


ALL = "all"


MODE_ORDER = ("grounded", "ungrounded")


SAMPLES_PER_KIND = 2


def _mean(values: Iterable[float | int | None]) -> float | None:
    vs = [float(v) for v in values if v is not None]
    return float(np.mean(vs)) if vs else None


def _share(flags: Sequence[bool]) -> float | None:
    return float(np.mean(flags)) if flags else None


def _ratio(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None or b == 0 else a / b


def group_summary(records: list[dict]) -> dict[str, Any]:
    """The measures of one (kind, model and mode) group of records."""
    delivered = [r for r in records if r["delivered"]]
    out: dict[str, Any] = {
        "documents": len({r["doc_id"] for r in records}),
        "summaries": len(records),
        "delivered": len(delivered),
        "no_summary_share": _share([not r["delivered"] for r in records]),
        "problems": dict(Counter(r["problem"] for r in records if r.get("problem")).most_common()),
        "unsupported_share": _share([bool(r["unsupported"]) for r in delivered]),
        "name_or_number_share": _share(
            [any(unsupported_class(t) in ("name", "number") for t in r["unsupported"]) for r in delivered]
        ),
        **{
            f"{c.replace(' ', '_')}_share": _share(
                [any(unsupported_class(t) == c for t in r["unsupported"]) for r in delivered]
            )
            for c in UNSUPPORTED_CLASSES
        },
        "misrelated_share": _share([bool(r.get("misrelated")) for r in delivered]),
        "denied_share": _share([bool(r.get("denied")) for r in delivered]),
        "unsupported_terms": dict(Counter(t for r in delivered for t in r["unsupported"]).most_common(12)),
        "looping_share": _share([r["degenerate"] == "looping" for r in delivered]),
        "markup_share": _share([bool(r["markup"]) for r in delivered]),
        "markup_kinds": dict(Counter(k for r in delivered for k in r["markup"]).most_common()),
        "stray_share": _share([bool(r["stray"]) for r in delivered]),
        "stray_characters": dict(Counter(c for r in delivered for c in r["stray"]).most_common(12)),
        "looping_or_markup_share": _share([r["degenerate"] == "looping" or bool(r["markup"]) for r in delivered]),
        "degenerate_share": _share([r["degenerate"] is not None for r in records]),
        "degenerate_kinds": dict(Counter(r["degenerate"] for r in records if r["degenerate"]).most_common()),
        "mean_words": _mean(r["words"] for r in delivered),
        "mean_tokens": _mean(r["tokens"] for r in delivered),
    }
    ms = _mean({r["doc_id"]: r.get("ms") for r in records}.values())  # one preview per document and mode
    out["seconds_per_document"] = None if ms is None else ms / 1000

    at: dict[str, dict[str, float | None]] = {}
    for name, sel in [*((o, lambda r, o=o: r["vertex"] == o) for o in OBJECTIVES), ("default", lambda r: r["default"])]:
        rs = [r for r in delivered if sel(r)]
        at[name] = {
            "words": _mean(r["words"] for r in rs),
            "tokens": _mean(r["tokens"] for r in rs),
            "n": len(rs),
        }
    out["lengths"] = at
    out["concise_to_complete_words"] = _ratio(at["concise"]["words"], at["complete"]["words"])
    default = [r for r in records if r["default"]]
    out["rouge_l_default"] = _mean(r["rouge_l"] for r in default if r["rouge_l"] is not None)
    out["rewards_default"] = (
        {o: _mean(r["rewards"][i] for r in default if "rewards" in r) for i, o in enumerate(OBJECTIVES)}
        if default
        else None
    )

    grid = [r for r in records if r["grid"]]
    if grid and all("rewards" in r for r in grid) and len({tuple(r["weights"]) for r in grid}) > 1:
        method = grid[0]["method"]
        summary = summarize_method([{**r, "method": method} for r in grid], list(OBJECTIVES))
        weights = np.asarray([p["weights"] for p in summary["points"]], dtype=float)
        means = np.asarray(
            [[np.nan if p["rewards"][o] is None else p["rewards"][o] for o in OBJECTIVES] for p in summary["points"]],
            dtype=float,
        )
        steer = steerability(weights, means)
        out["steerability"] = dict(zip(OBJECTIVES, steer, strict=True))
        out["steerability_mean"] = float(np.mean(steer))
        out["hypervolume"] = summary["hypervolume"]
        out["rewards_at_vertices"] = {o: summary["vertices"][o]["rewards"] for o in OBJECTIVES}
    else:
        out["steerability"] = None
        out["steerability_mean"] = None
        out["hypervolume"] = None
        out["rewards_at_vertices"] = None
    return out


def _kind_order(kinds: Iterable[str]) -> list[str]:
    ks = set(kinds)
    return [k for k in KIND_ORDER if k in ks] + sorted(ks - set(KIND_ORDER))


def _method_order(methods: Iterable[str]) -> list[str]:
    def key(m: str) -> tuple[str, int, str]:
        model, _, mode = m.rpartition(" ")
        return (model, MODE_ORDER.index(mode) if mode in MODE_ORDER else len(MODE_ORDER), mode)

    return sorted(set(methods), key=key)


def lead_summary(docs: Iterable[dict]) -> dict[str, Any]:
    ds = list(docs)
    return {
        "documents": len(ds),
        "rouge_l": _mean(rouge_l(d["lead"], d["reference"]) for d in ds if d["reference"]),
        "words": _mean(word_count(d["lead"]) for d in ds),
        "document_words": _mean(d["doc_words"] for d in ds),
        "reference_words": _mean(word_count(d["reference"]) for d in ds if d["reference"]),
        "cut_documents": sum(d["cut"] for d in ds),
    }


def aggregate(records: list[dict], docs: dict[str, dict]) -> dict[str, Any]:
    """kind (and "all") -> method -> :func:`group_summary`, plus the lead baseline per kind."""
    kinds = _kind_order(r["kind"] for r in records)
    methods = _method_order(r["method"] for r in records)
    by: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for r in records:
        by[(r["kind"], r["method"])].append(r)
        by[(ALL, r["method"])].append(r)
    groups = {kind: {m: group_summary(by[(kind, m)]) for m in methods if by[(kind, m)]} for kind in [*kinds, ALL]}
    lead = {kind: lead_summary(d for d in docs.values() if d["kind"] == kind) for kind in kinds}
    lead[ALL] = lead_summary(docs.values())
    return {"kinds": kinds, "methods": methods, "objectives": list(OBJECTIVES), "groups": groups, "lead": lead}


def samples(records: list[dict], per_kind: int = SAMPLES_PER_KIND) -> list[dict]:
    """For the first ``per_kind`` documents of each kind: each method's summary at the concise vertex, the
    default weighting and the complete vertex."""
    out = []
    by_kind: dict[str, list[str]] = defaultdict(list)
    for r in records:
        if r["doc_id"] not in by_kind[r["kind"]]:
            by_kind[r["kind"]].append(r["doc_id"])
    for kind in _kind_order(by_kind):
        for doc_id in by_kind[kind][:per_kind]:
            rs = [r for r in records if r["doc_id"] == doc_id]
            entry: dict[str, Any] = {"kind": kind, "id": doc_id, "summaries": {}}
            for m in _method_order(r["method"] for r in rs):
                picks = {}
                for point in ("concise", "default", "complete"):
                    hit = next(
                        (
                            r
                            for r in rs
                            if r["method"] == m and (r["default"] if point == "default" else r["vertex"] == point)
                        ),
                        None,
                    )
                    if hit is not None:
                        picks[point] = {
                            "summary": hit.get("summary") or "",
                            "problem": hit.get("problem"),
                            "unsupported": hit["unsupported"],
                            "misrelated": hit.get("misrelated", []),
                            "denied": hit.get("denied", []),
                            "markup": hit["markup"],
                            "stray": hit["stray"],
                            "degenerate": hit["degenerate"],
                        }
                entry["summaries"][m] = picks
            out.append(entry)
    return out
