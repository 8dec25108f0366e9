"""Validate the rewards on held-out reference summaries and write ``reward_validation.{json,md}``.

    PYTHONPATH=training python -m steer_train.validate_rewards \
        --data-dir ../shared/data/summarization --out training/reports

Uses the *validation* splits of dialogsum, scitldr, bbc_news and samsum (seeded sample; the data is read in
place, never copied). Checks:

(a) faithful: the reference scores higher than a corrupted reference, for three corruptions -- a name that
    the document supports swapped for a name from another document's reference, a number that the document
    supports changed, and a sentence of another document's reference inserted at a random position. Pairs where
    a corruption does not apply (no such name/number) are skipped and counted.
(b) complete: the reference scores higher than its first sentence alone (references of two or more sentences).
(c) concise: strictly decreasing along growing prefixes of the reference (first sentence, first two, ...,
    whole reference) and the copied document lowest; degenerate strings score 0 on every objective.
Also: how many references :func:`degeneracy` wrongly flags, mean rewards per set for the reference and for
baselines, and the scoring time (cold cache: new documents; warm: documents seen before).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import torch

from .reward_corruptions import DEGENERATE_STRINGS, insert_sentence, supported_names, swap_name, swap_number
from .rewards import OBJECTIVES, Rewards
from .text_quality import split_sentences

SETS = ("dialogsum", "scitldr", "bbc_news", "samsum")
THRESHOLDS = {"faithful_corruption": 0.90, "complete_vs_first_sentence": 0.80}

# ------------------------------------------------------------------------------------------------------------
# Data
# ------------------------------------------------------------------------------------------------------------


def load_pairs(data_dir: Path, sets: Sequence[str], per_set: int, seed: int) -> list[dict]:
    """A seeded sample of ``per_set`` validation pairs from each set: dicts with set, id, document, summary."""
    rng = random.Random(seed)
    out: list[dict] = []
    for name in sets:
        rows = []
        with (data_dir / name / "data.jsonl").open(encoding="utf-8") as f:
            for line in f:
                r = json.loads(line)
                if r.get("split") == "validation" and r["document"].strip() and r["summary"].strip():
                    rows.append(
                        {"set": name, "id": r["id"], "document": r["document"].strip(), "summary": r["summary"].strip()}
                    )
        rows.sort(key=lambda r: r["id"])
        out.extend(rng.sample(rows, min(per_set, len(rows))))
    return out


# ------------------------------------------------------------------------------------------------------------
# The checks
# ------------------------------------------------------------------------------------------------------------


def _rate(better: Sequence[bool]) -> float | None:
    return float(np.mean(better)) if len(better) else None


def run(data_dir: Path, per_set: int = 100, seed: int = 0, device: str = "cpu") -> dict:
    rng = random.Random(seed)
    pairs = load_pairs(data_dir, SETS, per_set, seed)
    t0 = time.perf_counter()
    rewards = Rewards(device=device)
    load_s = time.perf_counter() - t0

    # Timing on a cold cache: the first 256 scored (doc, summary) pairs with 32 distinct documents.
    timing_docs = pairs[:: max(1, len(pairs) // 32)][:32]
    variants = []
    for p in timing_docs:
        sents = split_sentences(p["summary"])
        for k in range(8):
            variants.append((p["document"], " ".join(sents[: 1 + k % max(1, len(sents))]) + ("" if k < 4 else " ")))
    t0 = time.perf_counter()
    rewards.score([d for d, _ in variants], [s for _, s in variants])
    cold_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    rewards.score([d for d, _ in variants], [s + " " for _, s in variants])
    warm_s = time.perf_counter() - t0

    by_set: dict[str, list[dict]] = {}
    for p in pairs:
        by_set.setdefault(p["set"], []).append(p)
    name_pool = {
        s: sorted({n for p in ps for n in supported_names(p["summary"], p["document"])}) for s, ps in by_set.items()
    }

    # Build every text to score, then score in one go.
    jobs: list[tuple[str, str]] = []
    index: list[dict] = []
    for p in pairs:
        others = [o for o in by_set[p["set"]] if o is not p]
        sents = split_sentences(p["summary"])
        item = {"set": p["set"], "id": p["id"], "n_sentences": len(sents), "texts": {}}
        texts = {
            "reference": p["summary"],
            "name_swap": swap_name(p, name_pool[p["set"]], rng),
            "number_swap": swap_number(p, rng),
            "sentence_insert": insert_sentence(p, rng.sample(others, min(5, len(others))), rng),
            "document_copy": p["document"],
            "other_reference": rng.choice(others)["summary"],
        }
        for k in range(1, len(sents)):
            texts[f"prefix_{k}"] = " ".join(sents[:k])
        for key, text in texts.items():
            if text is not None:
                item["texts"][key] = len(jobs)
                jobs.append((p["document"], text))
        index.append(item)
    t0 = time.perf_counter()
    scores, reasons = rewards.score_detailed([d for d, _ in jobs], [s for _, s in jobs])
    bulk_s = time.perf_counter() - t0

    c, f, m = (OBJECTIVES.index(o) for o in ("concise", "faithful", "complete"))

    def s(item: dict, key: str, col: int) -> float:
        return float(scores[item["texts"][key], col])

    results: dict = {"pairs": len(pairs), "per_set": {k: len(v) for k, v in by_set.items()}, "seed": seed}

    # (a) faithful vs corruptions
    faith: dict = {}
    for kind in ("name_swap", "number_swap", "sentence_insert"):
        rows = [it for it in index if kind in it["texts"]]
        better = [s(it, "reference", f) > s(it, kind, f) for it in rows]
        faith[kind] = {
            "applicable": len(rows),
            "skipped": len(index) - len(rows),
            "reference_higher": _rate(better),
            "mean_drop": float(np.mean([s(it, "reference", f) - s(it, kind, f) for it in rows])) if rows else None,
            "per_set": {name: _rate([b for it, b in zip(rows, better) if it["set"] == name]) for name in by_set},
            "pass": (_rate(better) or 0.0) >= THRESHOLDS["faithful_corruption"],
        }
    results["faithful_vs_corruption"] = faith

    # (b) complete: reference vs its first sentence
    rows = [it for it in index if it["n_sentences"] >= 2]
    better = [s(it, "reference", m) > s(it, "prefix_1", m) for it in rows]
    results["complete_vs_first_sentence"] = {
        "applicable": len(rows),
        "reference_higher": _rate(better),
        "mean_gain": float(np.mean([s(it, "reference", m) - s(it, "prefix_1", m) for it in rows])) if rows else None,
        "per_set": {name: _rate([b for it, b in zip(rows, better) if it["set"] == name]) for name in by_set},
        "pass": (_rate(better) or 0.0) >= THRESHOLDS["complete_vs_first_sentence"],
    }

    # (c) concise: monotone in length, the copied document lowest, degenerate strings 0
    first_higher = [s(it, "prefix_1", c) > s(it, "reference", c) for it in rows]
    monotone = []
    for it in rows:
        chain = [s(it, f"prefix_{k}", c) for k in range(1, it["n_sentences"])] + [s(it, "reference", c)]
        monotone.append(all(a > b for a, b in zip(chain, chain[1:])))
    copy_lowest = [
        s(it, "document_copy", c) < min(s(it, k, c) for k in it["texts"] if k == "reference" or k.startswith("prefix_"))
        for it in index
    ]
    degenerate_docs = [p["document"] for p in pairs[:3]]
    deg_jobs = [(d, t, False) for d in degenerate_docs for t in DEGENERATE_STRINGS.values()]
    # A reference cut mid-word at the token limit (flagged) and without the flag.
    cut = []
    for p in pairs:
        words = p["summary"].split()
        if len(words) >= 8:
            w = words[len(words) // 2]
            if len(w) >= 5 and w.isalpha():
                cut.append((p["document"], " ".join(words[: len(words) // 2] + [w[: len(w) // 2]])))
    deg_scores = rewards.score([d for d, _, _ in deg_jobs], [t for _, t, _ in deg_jobs])
    cut_flag = rewards.score([d for d, _ in cut], [t for _, t in cut], hit_max_tokens=[True] * len(cut))
    cut_noflag = rewards.score([d for d, _ in cut], [t for _, t in cut])
    results["concise"] = {
        "first_sentence_higher_than_reference": _rate(first_higher),
        "strictly_decreasing_over_prefixes": _rate(monotone),
        "document_copy_lowest": _rate(copy_lowest),
        "applicable_multi_sentence": len(rows),
        "degenerate_strings_all_zero": {
            name: bool(np.all(deg_scores[i :: len(DEGENERATE_STRINGS)] == 0))
            for i, name in enumerate(DEGENERATE_STRINGS)
        },
        "cut_mid_word_with_flag_zero": _rate([bool(np.all(r == 0)) for r in cut_flag]),
        "cut_mid_word_without_flag_zero": _rate([bool(np.all(r == 0)) for r in cut_noflag]),
        "cut_mid_word_pairs": len(cut),
    }
    results["concise"]["pass"] = bool(
        (results["concise"]["first_sentence_higher_than_reference"] or 0) >= 0.99
        and (results["concise"]["document_copy_lowest"] or 0) >= 0.99
        and all(results["concise"]["degenerate_strings_all_zero"].values())
        and results["concise"]["cut_mid_word_with_flag_zero"] == 1.0
    )

    # References wrongly flagged as degenerate, and mean rewards per set.
    flagged = [(it["set"], reasons[it["texts"]["reference"]]) for it in index]
    results["references_flagged_degenerate"] = {
        "rate": float(np.mean([r is not None for _, r in flagged])),
        "reasons": {r: sum(1 for _, x in flagged if x == r) for r in ("empty", "looping", "cut_off")},
    }
    means: dict = {}
    for name in by_set:
        means[name] = {}
        for key in ("reference", "prefix_1", "document_copy", "other_reference"):
            rows_k = [it["texts"][key] for it in index if it["set"] == name and key in it["texts"]]
            means[name][key] = {o: round(float(scores[rows_k, j].mean()), 3) for j, o in enumerate(OBJECTIVES)}
    results["mean_rewards"] = means

    results["timing"] = {
        "cpu_threads": torch.get_num_threads(),
        "load_average_1min": round(os.getloadavg()[0], 2),
        "model_load_s": round(load_s, 2),
        "cold_256_pairs_32_documents_s": round(cold_s, 2),
        "warm_256_pairs_s": round(warm_s, 2),
        "cold_per_100_pairs_s": round(100 * cold_s / len(variants), 2),
        "bulk_pairs": len(jobs),
        "bulk_s": round(bulk_s, 2),
        "bulk_per_100_pairs_s": round(100 * bulk_s / len(jobs), 2),
    }
    results["pass"] = bool(
        all(v["pass"] for v in faith.values())
        and results["complete_vs_first_sentence"]["pass"]
        and results["concise"]["pass"]
    )
    return results


def _fmt(x: object) -> str:
    if x is None:
        return "n/a"
    if isinstance(x, bool):
        return "yes" if x else "no"
    if isinstance(x, float):
        return f"{x:.3f}"
    return str(x)


def to_markdown(r: dict) -> str:
    lines = [
        "# Reward validation",
        "",
        f"{r['pairs']} held-out pairs (validation splits, seed {r['seed']}): "
        + ", ".join(f"{k} {v}" for k, v in r["per_set"].items())
        + f". Overall: **{'pass' if r['pass'] else 'FAIL'}**.",
        "",
        "## (a) faithful(reference) > faithful(corrupted reference) (threshold 0.90)",
        "",
        "| corruption | applicable | skipped | reference higher | mean drop | "
        + " | ".join(r["per_set"])
        + " | pass |",
        "|---|---|---|---|---|" + "---|" * len(r["per_set"]) + "---|",
    ]
    for kind, v in r["faithful_vs_corruption"].items():
        lines.append(
            f"| {kind} | {v['applicable']} | {v['skipped']} | {_fmt(v['reference_higher'])} | {_fmt(v['mean_drop'])} | "
            + " | ".join(_fmt(v["per_set"][k]) for k in r["per_set"])
            + f" | {_fmt(v['pass'])} |"
        )
    b = r["complete_vs_first_sentence"]
    lines += [
        "",
        "## (b) complete(reference) > complete(first sentence) (threshold 0.80)",
        "",
        "| applicable | reference higher | mean gain | " + " | ".join(r["per_set"]) + " | pass |",
        "|---|---|---|" + "---|" * len(r["per_set"]) + "---|",
        f"| {b['applicable']} | {_fmt(b['reference_higher'])} | {_fmt(b['mean_gain'])} | "
        + " | ".join(_fmt(b["per_set"][k]) for k in r["per_set"])
        + f" | {_fmt(b['pass'])} |",
    ]
    cc = r["concise"]
    lines += [
        "",
        "## (c) concise",
        "",
        "| check | value |",
        "|---|---|",
        f"| first sentence > whole reference | {_fmt(cc['first_sentence_higher_than_reference'])} |",
        f"| strictly decreasing over growing prefixes | {_fmt(cc['strictly_decreasing_over_prefixes'])} |",
        f"| copied document lower than the reference and its prefixes | {_fmt(cc['document_copy_lowest'])} |",
        f"| cut mid-word at the token limit (flag given) -> all 0 | {_fmt(cc['cut_mid_word_with_flag_zero'])} |",
        f"| cut mid-word, no flag (heuristic) -> all 0 | {_fmt(cc['cut_mid_word_without_flag_zero'])} |",
    ]
    for name, ok in cc["degenerate_strings_all_zero"].items():
        lines.append(f"| degenerate `{name}` -> all 0 | {_fmt(ok)} |")
    lines.append(f"| pass | {_fmt(cc['pass'])} |")
    fl = r["references_flagged_degenerate"]
    lines += [
        "",
        f"References flagged degenerate (false positives): {fl['rate']:.3f} "
        + "("
        + ", ".join(f"{k} {v}" for k, v in fl["reasons"].items())
        + ").",
        "",
        "## Mean rewards (concise / faithful / complete)",
        "",
        "| set | reference | first sentence | document copy | another document's reference |",
        "|---|---|---|---|---|",
    ]
    for name, v in r["mean_rewards"].items():
        cells = [" / ".join(f"{v[k][o]:.2f}" for o in OBJECTIVES) if k in v else "n/a" for k in v]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    t = r["timing"]
    lines += [
        "",
        "## Timing (this machine's CPU, torch threads as set by the caller)",
        "",
        f"- {t['cpu_threads']} torch threads; 1-minute load average when done: {t['load_average_1min']}"
        " (other jobs share the CPU, so times are upper bounds)",
        f"- model load: {t['model_load_s']} s",
        f"- 256 pairs, 32 new documents (cold cache): {t['cold_256_pairs_32_documents_s']} s "
        f"({t['cold_per_100_pairs_s']} s per 100 pairs); same documents again (warm): {t['warm_256_pairs_s']} s",
        f"- all validation texts: {t['bulk_pairs']} pairs in {t['bulk_s']} s ({t['bulk_per_100_pairs_s']} s per 100)",
        "",
    ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data-dir", type=Path, default=Path("../shared/data/summarization"))
    ap.add_argument("--out", type=Path, default=Path("training/reports"))
    ap.add_argument("--per-set", type=int, default=100)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--device", default="cpu")
    args = ap.parse_args(argv)
    results = run(args.data_dir, args.per_set, args.seed, args.device)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "reward_validation.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    (args.out / "reward_validation.md").write_text(to_markdown(results), encoding="utf-8")
    print(to_markdown(results))
    return 0 if results["pass"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
