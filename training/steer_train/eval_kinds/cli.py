"""`python -m steer_train.eval_kinds`: the command line (see the package's docstring)."""

from __future__ import annotations

import argparse
import json
import subprocess
from pathlib import Path
from typing import Any

from .aggregate import aggregate, samples
from .records import Scorer, add_rewards, build_records, load_documents, read_jsonl
from .report import write_report

DESCRIPTION = (
    "Per-kind evaluation, part 2: scores the engine's summaries (bench/eval-generate.ts) per kind of document."
)


def _git_head() -> str | None:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None


def evaluate(summaries: list[dict], documents: dict[str, dict], scorer: Scorer | None) -> dict[str, Any]:
    records, docs = build_records(summaries, documents)
    if scorer is not None:
        add_rewards(records, docs, scorer)
    results = aggregate(records, docs)
    results["samples"] = samples(records)
    results["documents"] = {
        k: {"kind": d["kind"], "doc_words": d["doc_words"], "cut": d["cut"]} for k, d in sorted(docs.items())
    }
    return results


def main(argv: list[str] | None = None) -> dict:
    p = argparse.ArgumentParser(prog="python -m steer_train.eval_kinds", description=DESCRIPTION)
    p.add_argument("--summaries", type=Path, required=True, help="JSONL from bench/eval-generate.ts")
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--data", type=Path, help="built editor data (DIR/<kind>/data.jsonl)")
    src.add_argument("--documents", type=Path, help="JSONL of {id, document, summary?}")
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--no-rewards", action="store_true", help="skip the reward model (no steerability)")
    p.add_argument("--note", action="append", default=[], help="a line for the report's notes")
    args = p.parse_args(argv)

    summaries = read_jsonl(args.summaries)
    documents = load_documents(args.data, args.documents, {s["id"] for s in summaries})
    scorer = None
    if not args.no_rewards:
        from ..rewards import Rewards

        scorer = Rewards()
    results = evaluate(summaries, documents, scorer)
    ms = [s["ms"] for s in summaries if "ms" in s]
    per_doc = {(s["id"], s["mode"], s.get("model")): s["ms"] for s in summaries if "ms" in s}
    notes = [
        f"{len(summaries)} summaries of {len(results['documents'])} test-split documents from "
        f"`{args.summaries.name}`; scored at commit {_git_head() or '?'} by `python -m steer_train.eval_kinds`.",
        "Generation: `node dist/eval-generate.js` (bench/eval-generate.ts), the engine's `previewDetailed` with "
        "the 15-point simplex grid (divisions 4) plus the default weighting, greedy, the manifest's decoding "
        "settings; `grounded` is the engine's default, `ungrounded` is `sampling: { grounded: false }` (the "
        "last check that decodes an unusable summary again runs in both).",
        *args.note,
    ]
    if ms:
        notes.append(f"Generation time: {sum(per_doc.values()) / 1000 / 60:.0f} min of previews in all.")
    results["notes"] = notes
    write_report(results, args.out, notes)
    print(json.dumps({k: {m: _brief(g) for m, g in v.items()} for k, v in results["groups"].items()}, indent=1))
    return results


def _brief(g: dict) -> dict:
    return {
        k: (round(v, 3) if isinstance(v, float) else v)
        for k, v in g.items()
        if k
        in (
            "unsupported_share",
            "misrelated_share",
            "denied_share",
            "looping_or_markup_share",
            "no_summary_share",
            "mean_words",
            "steerability_mean",
            "rouge_l_default",
        )
    }
