"""Compares the base models after the same supervised warm-up: the step after compare_bases.py's zero-shot.

    nice -n 10 python -m steer_train.compare_warmup [--steps 60] [--bases smollm2,gemma3] [--out DIR]

Each base gets the shipped CLP structure (shared delta of rank 16 and per-objective deltas, every layer) and
trains its shared delta as sft.py does: the same batches of the same training examples in the same order
(news, dialogue, science, docs, code and e-mail from the train splits, every set equally likely, references
that grounded decoding could have written), the same steps, learning rate and clipping; each base reads the
documents in its own prompt and ends the reply with its own end token. Then each writes summaries of the same
validation documents (greedy, the evaluation's no-repeat-ngram guard, not grounded: what the weights do by
themselves) scored as compare_bases.py scores them. One thread; the bases one after the other (or one per run
with --base).

Budget: the same examples seen (steps x batch), so that load from other processes cannot make the comparison
unfair; the wall-clock each base took is reported beside it, since it is what a run at a fixed time costs.

Writes ``<out>/<base>.json`` per base (the log, summaries and scores) and, with ``--report``, report.md from
every ``<base>.json`` there.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import torch

from .bases import BASES, build_base
from .compare_bases import CompareConfig, aggregate, machine_info, score, summarize
from .data import Example, load_split, sample_examples
from .model import CLPConfig
from .rewards import OBJECTIVES, Rewards
from .sft import as_sentence, batch_loss, grounded_reference, resident_mb

REPO = Path(__file__).resolve().parents[2]


@dataclass
class WarmupConfig:
    bases: list[str] = field(default_factory=lambda: ["smollm2", "gemma3"])
    data_dir: str = str(REPO.parent / "built-data")
    train_kinds: list[str] = field(default_factory=lambda: ["news", "dialogue", "science", "docs", "code", "email"])
    steps: int = 60
    batch: int = 4
    lr: float = 5e-4  # the shipped warm-up's (configs/shipped.json)
    max_doc_words: int = 150  # both bases see the whole document; longer ones took 14 GB at batch 8 (SmolLM2)
    max_summary_words: int = 60
    seed: int = 0
    clp: CLPConfig = field(default_factory=lambda: CLPConfig(rank=8, alpha=16.0, shared_rank=16))
    eval: CompareConfig = field(default_factory=lambda: CompareConfig(docs=16))
    threads: int = 1
    out_dir: str = str(REPO / "training" / "reports" / "bases-warmup")


def training_batches(cfg: WarmupConfig) -> list[list[Example]]:
    """The batches every base sees, in order: drawn once from a seeded generator, whatever the base."""
    pool = [
        as_sentence(e)
        for e in load_split(cfg.data_dir, tuple(cfg.train_kinds), "train")
        if len(e.summary.split()) <= cfg.max_summary_words and len(e.document.split()) <= cfg.max_doc_words
    ]
    pool = sample_examples([e for e in pool if grounded_reference(e)], 10**9, cfg.seed, cfg.max_doc_words)
    by_set: dict[str, list[Example]] = {}
    for e in pool:
        by_set.setdefault(e.dataset, []).append(e)
    sets = sorted(by_set)
    rng = random.Random(cfg.seed)
    return [[rng.choice(by_set[rng.choice(sets)]) for _ in range(cfg.batch)] for _ in range(cfg.steps)]


def warm_up(key: str, cfg: WarmupConfig, batches: list[list[Example]]) -> dict[str, Any]:
    torch.manual_seed(cfg.seed)
    model, tok, spec = build_base(key, cfg.clp)
    end = spec.stop_ids(tok)[0]
    params = model.set_trainable("shared")
    opt = torch.optim.AdamW(params, lr=cfg.lr, weight_decay=0.0)
    device = torch.device("cpu")
    log = []
    start = time.time()
    model.train()
    for step, batch in enumerate(batches, 1):
        for g in opt.param_groups:
            g["lr"] = cfg.lr * min(1.0, step / 10)  # sft.py's warm-up of the learning rate
        loss = batch_loss(model, tok, batch, device, prompt=spec.prompt, end=end)
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        rec = {"step": step, "loss": round(loss.item(), 4), "elapsed_s": round(time.time() - start, 1)}
        rec["rss_mb"] = resident_mb()
        log.append(rec)
        print(key, rec, flush=True)
    train_s = time.time() - start
    model.eval()
    examples = sample_examples(
        load_split(cfg.eval.data_dir, tuple(cfg.eval.kinds), cfg.eval.split), cfg.eval.docs, cfg.eval.seed,
        cfg.eval.max_doc_words,
    )  # fmt: skip
    rows = summarize(model, tok, spec, cfg.eval, examples)
    score(rows, examples, Rewards())
    return {
        "base": key,
        "name": spec.name,
        "licence": spec.licence,
        "parameters": sum(p.numel() for p in model.parameters()),
        "train_seconds": round(train_s, 1),
        "examples_seen": sum(len(b) for b in batches),
        "log": log,
        "summary": aggregate(rows),
        "seconds_per_summary": sum(r["seconds"] for r in rows) / len(rows),
        "rows": rows,
    }


def bootstrap_interval(values: list[float], rounds: int = 10_000, seed: int = 0) -> tuple[float, float]:
    """The 2.5th and 97.5th percentiles of the mean of ``values`` resampled with replacement."""
    rng = random.Random(seed)
    means = sorted(sum(rng.choice(values) for _ in values) / len(values) for _ in range(rounds))
    return means[int(0.025 * rounds)], means[int(0.975 * rounds) - 1]


def write_report(out: Path) -> None:
    runs = [json.loads(p.read_text()) for p in sorted(out.glob("*.json"))]
    runs.sort(key=lambda r: list(BASES).index(r["base"]))
    first = runs[0]
    lines = [
        "# Base models after the same supervised warm-up",
        "",
        f"Measured {first['machine']['date']} on {first['machine']['cpu']}, torch {first['machine']['torch']}, "
        f"1 thread, load average {first['machine']['load_average_at_start'][0]:.1f} at the start (other work shared "
        "the second core, so the wall-clock columns compare loosely).",
        "",
        "Command: `PYTHONPATH=training nice -n 10 .venv/bin/python -m steer_train.compare_warmup --base KEY` per base,",
        "then `--report`. What each run did is in `steer_train/compare_warmup.py`'s docstring; the zero-shot",
        "comparison of the same bases is in `../bases/report.md`.",
        "",
        "## Warm-up",
        "",
        "| base | parameters | steps x batch | first loss | last-5 mean loss | wall-clock, min | s/step |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in runs:
        losses = [x["loss"] for x in r["log"]]
        lines.append(
            f"| {r['name']} | {r['parameters'] / 1e6:.1f}M | {len(r['log'])} x {r['config']['batch']} | "
            f"{losses[0]:.3f} | {sum(losses[-5:]) / len(losses[-5:]):.3f} | {r['train_seconds'] / 60:.1f} | "
            f"{r['train_seconds'] / len(r['log']):.1f} |"
        )
    lines += [
        "",
        "The losses are per token of each base's own tokenizer, so they compare within a row, not across rows.",
        "",
        f"## Summaries of {len(first['rows'])} validation documents after the warm-up",
        "",
        "Greedy, at most 80 new tokens, no-repeat-ngram 4, not grounded (what the weights write by themselves).",
        "ROUGE-L against the references; rewards by rewards.Rewards (0 when degenerate); unsupported: names,",
        "numbers or identifiers the document lacks (grounding.unsupported_terms); ended: before the token limit.",
        "",
        "| base | ROUGE-L | " + " | ".join(OBJECTIVES) + " | with unsupported terms | degenerate | ended | words "
        "| s/summary |",
        "|---|---:|" + "---:|" * len(OBJECTIVES) + "---:|---:|---:|---:|---:|",
    ]
    for r in runs:
        s = r["summary"]
        lines.append(
            f"| {r['name']} | {s['rouge_l']:.3f} | "
            + " | ".join(f"{s['rewards'][o]:.3f}" for o in OBJECTIVES)
            + f" | {s['with_unsupported']:.0%} | {s['degenerate']:.0%} | {s['ended']:.0%} | {s['words']:.1f} "
            f"| {r['seconds_per_summary']:.1f} |"
        )
    for r in runs[1:]:
        diff = [y["rouge_l"] - x["rouge_l"] for x, y in zip(first["rows"], r["rows"], strict=True)]
        low, high = bootstrap_interval(diff)
        lines += [
            "",
            f"{r['name']} against {first['name']}, document by document: ROUGE-L higher on "
            f"{sum(d > 0 for d in diff)}, lower on {sum(d < 0 for d in diff)}, equal on {sum(d == 0 for d in diff)}; "
            f"mean difference {sum(diff) / len(diff):+.3f} (95% bootstrap interval {low:+.3f} to {high:+.3f}).",
        ]
    kinds = list(first["summary"]["rouge_l_by_kind"])
    lines += ["", "ROUGE-L by kind:", "", "| base | " + " | ".join(kinds) + " |", "|---|" + "---:|" * len(kinds)]
    for r in runs:
        by = r["summary"]["rouge_l_by_kind"]
        lines.append(f"| {r['name']} | " + " | ".join(f"{by[k]:.3f}" for k in kinds) + " |")
    lines += ["", "## Samples (verbatim)", ""]
    for i, row in enumerate(first["rows"]):
        if i % 4:  # one per kind
            continue
        lines += [f"### {row['kind']}: `{row['id']}`", "", f"Reference: {row['reference']}", ""]
        for r in runs:
            x = r["rows"][i]
            unsupported = ", ".join(x["unsupported"]) or "none"
            heading = f"{r['name']} (ROUGE-L {x['rouge_l']:.3f}; unsupported: {unsupported}):"
            lines += [heading, "", f"> {x['summary']}", ""]
    (out / "report.md").write_text("\n".join(lines) + "\n")
    print(f"wrote {out / 'report.md'}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--base", help="one base to warm up (default: each of WarmupConfig.bases in turn)")
    ap.add_argument("--steps", type=int)
    ap.add_argument("--docs", type=int, help="validation documents (default 16)")
    ap.add_argument("--out")
    ap.add_argument("--report", action="store_true", help="only write report.md from the runs in --out")
    args = ap.parse_args()
    cfg = WarmupConfig()
    if args.steps:
        cfg.steps = args.steps
    if args.docs:
        cfg.eval.docs = args.docs
    if args.out:
        cfg.out_dir = args.out
    out = Path(cfg.out_dir)
    if args.report:
        write_report(out)
        return
    torch.set_num_threads(cfg.threads)
    out.mkdir(parents=True, exist_ok=True)
    batches = training_batches(cfg)
    for key in [args.base] if args.base else cfg.bases:
        machine = machine_info()
        result = warm_up(key, cfg, batches)
        result["config"] = asdict(cfg)
        result["machine"] = machine
        (out / f"{key}.json").write_text(json.dumps(result, indent=1, ensure_ascii=False))
        print(f"wrote {out / f'{key}.json'}")


if __name__ == "__main__":
    main()
