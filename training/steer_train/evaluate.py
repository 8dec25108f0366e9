"""Evaluation on held-out test documents over a grid of weightings, against the prompted base model.

    python -m steer_train.evaluate --config training/configs/shipped.json [--eval_docs=40]
    python -m steer_train.evaluate --config training/configs/shipped.json \
        --eval_deltas=models/clp-smollm2-135m/deltas.safetensors --report_dir=/tmp/eval --bf16=false --no-base

Writes training/reports/<run name>/{results.json, report.md, front_*.png, samples.jsonl}.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import torch

from .config import RunConfig, load_config
from .data import EVAL_SETS, build_prompt, load_split, sample_examples
from .deltas import load_deltas, read_meta
from .generate import build_prefix, decode
from .grounding import grounded_decoder
from .metrics import compare_methods, simplex_grid
from .report import write_report
from .rewards import OBJECTIVES, Rewards
from .runtime import autocast, build_model, load_run_deltas, seed_all
from .text_quality import degeneracy

# The untrained base model, asked in words for each end of the trade-off (and plainly for the middle).
BASE_PROMPTS = {
    "concise": "Summarize the following text in one short sentence.",
    "faithful": "Summarize the following text, stating only facts that are written in it.",
    "complete": "Summarize the following text, covering all of its main points.",
    "balanced": "Summarize the following text.",
}


def generate_rows(model, tok, cfg, prompts, groups, weights, max_new_tokens, batch_docs=3, documents=None):
    """Greedy summaries for rows (prompt index, weighting), a few documents per batch; with ``cfg.grounded``
    and ``documents`` (the text of each prompt's document), under grounded decoding as the engine serves."""
    texts, ended, ntok = [None] * len(groups), [False] * len(groups), [0] * len(groups)
    docs = sorted(set(groups))
    for s in range(0, len(docs), batch_docs):
        chunk = docs[s : s + batch_docs]
        rows = [i for i, g in enumerate(groups) if g in chunk]
        sub = {d: j for j, d in enumerate(chunk)}
        w = weights[rows]
        with torch.no_grad(), autocast(model.embed_tokens.device, cfg.bf16):
            prefix = build_prefix(
                model, [prompts[d] for d in chunk], [sub[groups[i]] for i in rows], w, tok.eos_token_id
            )
            rules = None
            if cfg.grounded and documents is not None:
                rules = [grounded_decoder(documents[groups[i]], tok, [tok.eos_token_id], False) for i in rows]
            out, done = decode(
                model,
                prefix,
                w,
                max_new_tokens,
                [tok.eos_token_id],
                no_repeat_ngram=cfg.eval_no_repeat_ngram,
                grounding=rules,
            )
        for i, o, d in zip(rows, out, done):
            texts[i] = tok.decode(o, skip_special_tokens=True).strip()
            ended[i], ntok[i] = d, len(o)
    return texts, ended, ntok


def records_for(method, examples, groups, weights, texts, ended, ntok, rewards: Rewards):
    r = rewards.score([examples[g].document for g in groups], texts, hit_max_tokens=[not e for e in ended])
    return [
        {
            "method": method,
            "weights": [round(float(x), 6) for x in weights[i]],
            "doc_id": examples[g].id,
            "dataset": examples[g].dataset,
            "summary": texts[i],
            "reference": examples[g].summary,
            "rewards": [float(x) for x in r[i]],
            "tokens": ntok[i],
            "degenerate": degeneracy(texts[i], hit_max_tokens=not ended[i]),
        }
        for i, g in enumerate(groups)
    ]


def evaluate_clp(model, tok, cfg, examples, rewards, method="clp"):
    grid = simplex_grid(cfg.clp.num_objectives, cfg.eval_divisions)
    objs = list(OBJECTIVES) if cfg.clp.prompt_conditioning else None
    if objs:  # the weighting is part of the prompt: one prompt per (document, weighting)
        prompts = [tok(build_prompt(e.document, objs, w)).input_ids for e in examples for w in grid]
        docs = [e.document for e in examples for _ in grid]
        groups = list(range(len(prompts)))
    else:
        prompts = [tok(build_prompt(e.document)).input_ids for e in examples]
        docs = [e.document for e in examples]
        groups = [d for d in range(len(examples)) for _ in grid]
    weights = torch.tensor([w for _ in examples for w in grid], dtype=torch.float32)
    texts, ended, ntok = generate_rows(
        model, tok, cfg, prompts, groups, weights, cfg.eval_max_new_tokens, documents=docs
    )
    doc_of = [d for d in range(len(examples)) for _ in grid]
    return records_for(method, examples, doc_of, weights, texts, ended, ntok, rewards)


def evaluate_prompted_base(base, tok, cfg, examples, rewards):
    m = cfg.clp.num_objectives
    out = []
    for name, instruction in BASE_PROMPTS.items():
        w = [1.0 / m] * m if name == "balanced" else [float(o == name) for o in OBJECTIVES]
        prompts = [tok(build_prompt(e.document, instruction=instruction)).input_ids for e in examples]
        weights = torch.zeros(len(examples), m)  # the base model has no deltas; w only labels the point
        groups = list(range(len(examples)))
        texts, ended, ntok = generate_rows(
            base, tok, cfg, prompts, groups, weights, cfg.eval_max_new_tokens, documents=[e.document for e in examples]
        )
        recs = records_for("prompted-base", examples, groups, weights, texts, ended, ntok, rewards)
        for rec in recs:
            rec["weights"] = [round(x, 6) for x in w]
        out += recs
    return out


def held_out(cfg: RunConfig):
    return sample_examples(load_split(cfg.data_dir, EVAL_SETS, "test"), cfg.eval_docs, cfg.seed + 7, 400)


def main(cfg: RunConfig | None = None, with_base: bool = True) -> dict:
    cfg = cfg or load_config([a for a in sys.argv[1:] if a != "--no-base"])
    with_base = with_base and "--no-base" not in sys.argv
    seed_all(cfg.seed)
    t0 = time.time()
    model, tok, device = build_model(cfg)
    if cfg.eval_deltas:
        load_deltas(model, Path(cfg.eval_deltas))
        phases = [f"{cfg.eval_deltas} ({', '.join(read_meta(Path(cfg.eval_deltas)).get('phases', []))})"]
    else:
        phases = load_run_deltas(model, Path(cfg.out_dir), cfg.rl_train)
    model.eval()
    examples = held_out(cfg)
    rewards = Rewards()
    records = evaluate_clp(model, tok, cfg, examples, rewards)
    if with_base:
        base, _, _ = build_model(cfg)  # fresh deltas are zero: the untrained base model
        records += evaluate_prompted_base(base.eval(), tok, cfg, examples, rewards)
    results = compare_methods(records, list(OBJECTIVES))
    out = Path(cfg.reports)
    notes = [
        f"run {cfg.name}: phases {', '.join(phases) or 'none (untrained)'}; {len(examples)} held-out test documents "
        f"from {', '.join(EVAL_SETS)}; greedy decoding, no-repeat-ngram {cfg.eval_no_repeat_ngram}, "
        f"at most {cfg.eval_max_new_tokens} new tokens; device {device}; {time.time() - t0:.0f} s in all.",
    ]
    if with_base:
        notes.append(
            "prompted-base: the untrained base model asked in words for each end (its points sit at the vertices "
            "they ask for) and plainly at the balanced point."
        )
    write_report(results, out, f"Evaluation of {cfg.name}", notes)
    with (out / "samples.jsonl").open("w") as f:
        for r in records:
            f.write(json.dumps(r) + "\n")
    print(
        json.dumps(
            {
                k: v
                for k, v in results.get("clp", {}).items()
                if k in ("hypervolume", "steerability", "degenerate_rate", "rouge_l", "length_ratios")
            },
            indent=1,
        )
    )
    return results


if __name__ == "__main__":
    main()
