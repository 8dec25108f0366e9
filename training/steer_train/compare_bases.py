"""Compares the base models before any training: CPU speed and zero-shot summaries.

    nice -n 10 python -m steer_train.compare_bases [--docs 12] [--out training/reports/bases]

For each base (bases.py), in float32 PyTorch on one CPU thread, batch 1, through the project's own model
and generation code (generate.py, with its key/value cache):
- speed: prefill of a prompt of exactly prefill_tokens tokens, and ms per decoded token after it; the bases
  are measured in turn, repeat after repeat, so that load from other processes falls on both alike; in
  float32, and (last) under bfloat16 autocast with bfloat16 weights, as the training runs;
- zero-shot summaries of validation documents in the project's prompt (each base's chat format), greedy
  with the evaluation's no-repeat-ngram guard, not grounded: ROUGE-L against the references, the rewards
  (rewards.Rewards) and the terms the summary states that the document does not support (grounding).

Writes report.md and results.json (every summary and score) to the output directory.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import torch

from .bases import BASES, Base, build_base
from .compare_bases_report import write_report
from .data import Example, load_split, sample_examples
from .generate import decode, prefill
from .grounding import DocumentTerms, unsupported_terms
from .metrics import rouge_l, whitespace_word_count
from .model import CLPConfig, CLPModel
from .rewards import OBJECTIVES, Rewards
from .runtime import autocast

REPO = Path(__file__).resolve().parents[2]


@dataclass
class CompareConfig:
    bases: list[str] = field(default_factory=lambda: ["smollm2", "gemma3", "gemma3-completion"])
    data_dir: str = str(REPO.parent / "built-data")
    kinds: list[str] = field(default_factory=lambda: ["news", "docs", "code", "dialogue"])
    split: str = "validation"
    docs: int = 12  # balanced over the kinds
    seed: int = 0
    max_doc_words: int = 350  # keeps every prompt within both bases' windows and the prefill short
    max_new_tokens: int = 80
    no_repeat_ngram: int = 4  # as the evaluation decodes (RunConfig.eval_no_repeat_ngram)
    prefill_tokens: int = 500
    decode_tokens: int = 64
    speed_repeats: int = 5
    bf16_speed: bool = True  # also timed under bfloat16 autocast with bfloat16 weights, as training runs
    threads: int = 1
    samples_per_base: int = 4
    out_dir: str = str(REPO / "training" / "reports" / "bases")


NO_DELTAS = CLPConfig(rank=0, shared_rank=0)  # the bare base: no delta computed at all


def timed(fn: Any) -> tuple[Any, float]:
    start = time.perf_counter()
    result = fn()
    return result, (time.perf_counter() - start) * 1000.0


@torch.no_grad()
def speed_once(model: CLPModel, prompt: list[int], decode_tokens: int) -> tuple[float, float]:
    """(prefill ms of the whole prompt, median ms per decoded token), greedy, batch 1."""
    ids = torch.tensor([prompt])
    mask = torch.ones_like(ids)
    pos = torch.arange(len(prompt))[None]
    w = torch.zeros(1, model.clp.num_objectives)
    (logits, past), prefill_ms = timed(lambda: model(ids, mask, pos, model.empty_past(1), w, last_logits=1))
    steps = []
    tok = logits[:, -1].argmax(-1)
    for i in range(decode_tokens):
        mask = torch.ones(1, len(prompt) + i + 1, dtype=torch.long)
        step_pos = torch.tensor([[len(prompt) + i]])
        (logits, past), ms = timed(lambda: model(tok[:, None], mask, step_pos, past, w))  # noqa: B023
        tok = logits[:, -1].argmax(-1)
        steps.append(ms)
    return prefill_ms, statistics.median(steps)


def measure_speed(
    models: dict[str, tuple[CLPModel, Any, Base]], cfg: CompareConfig, document: str, context: Callable[[], Any]
) -> dict[str, dict[str, Any]]:
    """Per base: median prefill ms and decode ms per token, with the runs; the bases in turn, each repeat."""
    runs: dict[str, dict[str, list[float]]] = {k: {"prefill_ms": [], "decode_ms": []} for k in models}
    for rep in range(cfg.speed_repeats):
        for key, (model, tok, spec) in models.items():
            with context():
                p_ms, d_ms = speed_once(model, speed_prompt(tok, spec, document, cfg.prefill_tokens), cfg.decode_tokens)
            runs[key]["prefill_ms"].append(p_ms)
            runs[key]["decode_ms"].append(d_ms)
            print(f"speed {rep}: {key} prefill {p_ms:.0f} ms, decode {d_ms:.1f} ms/token", flush=True)
    return {
        k: {
            "prefill_ms": statistics.median(r["prefill_ms"]),
            "decode_ms_per_token": statistics.median(r["decode_ms"]),
            # the least disturbed run: other processes share the two cores
            "prefill_ms_min": min(r["prefill_ms"]),
            "decode_ms_per_token_min": min(r["decode_ms"]),
            "runs": r,
        }
        for k, r in runs.items()
    }


def speed_prompt(tok: Any, spec: Base, document: str, n: int) -> list[int]:
    """Exactly n tokens of the base's prompt for a long document (the tokenizers differ, so the text does)."""
    ids = tok(spec.prompt(document)).input_ids
    if len(ids) < n:
        raise ValueError(f"the speed document gives only {len(ids)} tokens")
    return list(ids[:n])


@torch.no_grad()
def summarize(model: CLPModel, tok: Any, spec: Base, cfg: CompareConfig, examples: list[Example]) -> list[dict]:
    rows = []
    pad = int(tok.pad_token_id if tok.pad_token_id is not None else spec.stop_ids(tok)[0])
    w = torch.zeros(1, model.clp.num_objectives)
    for e in examples:
        prompt = tok(spec.prompt(e.document)).input_ids
        start = time.perf_counter()
        out, done = decode(model, prefill(model, [prompt], w, pad), w, cfg.max_new_tokens, spec.stop_ids(tok),
                           no_repeat_ngram=cfg.no_repeat_ngram)  # fmt: skip
        seconds = time.perf_counter() - start
        text = tok.decode(out[0], skip_special_tokens=True).strip()
        rows.append(
            {
                "id": e.id,
                "kind": e.dataset,
                "prompt_tokens": len(prompt),
                "tokens": len(out[0]),
                "ended": done[0],
                "seconds": round(seconds, 2),
                "summary": text,
                "reference": e.summary,
            }
        )
        print(f"  {e.dataset:9s} {e.id}: {len(out[0])} tokens in {seconds:.1f}s", flush=True)
    return rows


def score(rows: list[dict], examples: list[Example], rewards: Rewards) -> None:
    docs = [e.document for e in examples]
    texts = [r["summary"] for r in rows]
    scored, reasons = rewards.score_detailed(docs, texts, hit_max_tokens=[not r["ended"] for r in rows])
    for r, e, s, why in zip(rows, examples, scored, reasons):
        r["rouge_l"] = rouge_l(r["summary"], e.summary)
        r["rewards"] = dict(zip(OBJECTIVES, (float(x) for x in s)))
        r["degenerate"] = why
        r["unsupported"] = unsupported_terms(r["summary"], DocumentTerms(e.document))
        r["words"] = whitespace_word_count(r["summary"])


def aggregate(rows: list[dict]) -> dict[str, Any]:
    mean = statistics.fmean
    return {
        "rouge_l": mean(r["rouge_l"] for r in rows),
        "rewards": {o: mean(r["rewards"][o] for r in rows) for o in OBJECTIVES},
        "with_unsupported": mean(1.0 if r["unsupported"] else 0.0 for r in rows),
        "unsupported_per_summary": mean(len(r["unsupported"]) for r in rows),
        "degenerate": mean(1.0 if r["degenerate"] else 0.0 for r in rows),
        "ended": mean(1.0 if r["ended"] else 0.0 for r in rows),
        "words": mean(r["words"] for r in rows),
        "rouge_l_by_kind": {
            k: mean(r["rouge_l"] for r in rows if r["kind"] == k) for k in dict.fromkeys(r["kind"] for r in rows)
        },
    }


def cpu_name() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, help="number of documents (default CompareConfig.docs)")
    ap.add_argument("--out", help="output directory (default training/reports/bases)")
    args = ap.parse_args()
    cfg = CompareConfig()
    if args.docs:
        cfg.docs = args.docs
    if args.out:
        cfg.out_dir = args.out
    torch.set_num_threads(cfg.threads)
    torch.manual_seed(cfg.seed)

    machine = machine_info()
    pool = load_split(cfg.data_dir, tuple(cfg.kinds), cfg.split)
    examples = sample_examples(pool, cfg.docs, cfg.seed, cfg.max_doc_words)
    long_doc = max(pool, key=lambda e: len(e.document)).document  # one long document makes every speed prompt

    loaded: dict[str, tuple[CLPModel, Any, Base, int]] = {}
    timed_keys = []  # one per set of weights: a second prompt of the same weights has the same speed
    for key in cfg.bases:
        same = next((v for v in loaded.values() if v[2].load is BASES[key].load), None)
        if same is None:
            (model, tok, spec), ms = timed(lambda key=key: build_base(key, NO_DELTAS))
            timed_keys.append(key)
            print(f"{key}: {spec.name}, loaded in {ms / 1000:.1f}s", flush=True)
        else:
            model, tok, spec = same[0], same[1], BASES[key]
        loaded[key] = (model, tok, spec, sum(p.numel() for p in model.parameters()))

    timed_models = {k: loaded[k][:3] for k in timed_keys}
    speed = {"float32": measure_speed(timed_models, cfg, long_doc, contextlib.nullcontext)}

    rewards = Rewards()
    results: dict[str, Any] = {"config": asdict(cfg), "machine": machine, "bases": {}}
    for key, (model, tok, spec, params) in loaded.items():
        print(f"summaries: {key}", flush=True)
        rows = summarize(model, tok, spec, cfg, examples)
        score(rows, examples, rewards)
        results["bases"][key] = {
            "name": spec.name,
            "licence": spec.licence,
            "parameters": params,
            "summary": aggregate(rows),
            "rows": rows,
        }
    if cfg.bf16_speed:  # last: the cast is for good
        for model, _, _ in timed_models.values():
            model.cast_frozen(torch.bfloat16)
        speed["bfloat16"] = measure_speed(timed_models, cfg, long_doc, lambda: autocast(torch.device("cpu")))
    for key in timed_keys:
        results["bases"][key]["speed"] = {dtype: by_base[key] for dtype, by_base in speed.items()}
    out = Path(cfg.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    (out / "results.json").write_text(json.dumps(results, indent=1, ensure_ascii=False))
    write_report(results, out / "report.md")
    print(f"wrote {out / 'report.md'}")


def machine_info() -> dict[str, Any]:
    return {
        "cpu": cpu_name(),
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "load_average_at_start": os.getloadavg(),
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
    }


if __name__ == "__main__":
    main()
