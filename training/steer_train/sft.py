"""Supervised warm-up: teaches the shared delta to answer with a plain summary (train splits only).

python -m steer_train.sft --config training/configs/shipped.json
"""

from __future__ import annotations

import json
import os
import random
import time
from dataclasses import replace
from pathlib import Path

import torch
from safetensors import safe_open
from safetensors.torch import save_file

from .config import RunConfig, load_config
from .data import Example, build_prompt, load_split, sample_examples
from .generate import left_pad
from .grounding import Continuation, DocumentTerms
from .grounding.continuation import SENTENCE_END
from .runtime import autocast, build_model, load_checkpoint, save_checkpoint, seed_all

# The shared delta alone, in bfloat16 (~12 MB, committed): what another session resumes from, since the full
# checkpoint with the optimizer's state (~90 MB) is not committed.
SHARED_FILE = "sft_shared.safetensors"


def save_shared(path: Path, model, step: int, which: str = "shared", meta: dict[str, str] | None = None) -> None:
    """One kind of delta (``which``: 'shared' or 'clp') in bfloat16, its step (and ``meta``) in the metadata."""
    state = {k: v.to(torch.bfloat16).contiguous() for k, v in model.delta_state(which).items()}
    tmp = path.with_suffix(".tmp")
    save_file(state, str(tmp), metadata={"step": str(step), **(meta or {})})
    tmp.replace(path)


def load_deltas_file(path: Path) -> tuple[dict[str, torch.Tensor], dict[str, str]]:
    with safe_open(str(path), "pt") as f:
        return {k: f.get_tensor(k).float() for k in f.keys()}, dict(f.metadata() or {})


def resume_committed(model, path: Path, phase: str) -> dict[str, str] | None:
    """Loads a committed delta file into ``model`` when there is one (another session's run, without its
    optimizer): its metadata, with the step, or None."""
    if not path.exists():
        return None
    state, meta = load_deltas_file(path)
    model.load_deltas(state)
    print(f"resumed {phase} at step {meta.get('step', '0')} from {path} (fresh optimizer)")
    return meta


def resident_mb() -> int:
    """This process's resident memory now: logged every step, since two runs were killed for memory."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 2**20


def as_sentence(e: Example) -> Example:
    """The reference ended as a sentence (package descriptions often lack the full stop): grounded decoding
    ends a summary only at the end of a sentence, so that is what the model learns to write."""
    text = e.summary.strip()
    return e if SENTENCE_END.search(text) else replace(e, summary=text + ".")


def grounded_reference(e: Example) -> bool:
    """Whether the reference could have been written under grounded decoding: every term supported, prose."""
    cont = Continuation(DocumentTerms(e.document))
    return cont.check(cont.prepare(""), e.summary.strip(), end=True) is None


def batch_loss(model, tok, examples, device, prompt=build_prompt, end: int | None = None) -> torch.Tensor:
    """Mean cross-entropy of the references' tokens and the token that ends a reply (``end``: the tokenizer's
    EOS unless the base ends its turns otherwise), given each base's prompt (``prompt``: data.build_prompt's
    signature)."""
    eos = tok.eos_token_id if end is None else end
    seqs, n_prompt = [], []
    for e in examples:
        p = tok(prompt(e.document)).input_ids
        s = tok(e.summary, add_special_tokens=False).input_ids + [eos]
        seqs.append(p + s)
        n_prompt.append(len(p))
    ids, mask = left_pad(seqs, eos)
    ids, mask = ids.to(device), mask.to(device)
    pos = (mask.cumsum(-1) - 1).clamp(min=0)
    w = torch.zeros(len(seqs), model.clp.num_objectives, device=device)
    # loss on summary tokens only; with left padding they are the last positions of every row
    tail = max(len(s) - p for s, p in zip(seqs, n_prompt))
    logits, _ = model(ids[:, :-1], mask[:, :-1], pos[:, :-1], model.empty_past(len(seqs), device), w, last_logits=tail)
    tgt = ids[:, -tail:]
    tmask = torch.zeros(len(seqs), tail, device=device)
    for i, (s, p) in enumerate(zip(seqs, n_prompt)):
        tmask[i, tail - (len(s) - p) :] = 1
    nll = torch.nn.functional.cross_entropy(logits.transpose(1, 2).float(), tgt, reduction="none")
    return (nll * tmask).sum() / tmask.sum()


def main(cfg: RunConfig | None = None) -> Path:
    cfg = cfg or load_config()
    seed_all(cfg.seed)
    out = Path(cfg.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    (out / "config.json").write_text(cfg.to_json())
    model, tok, device = build_model(cfg)
    params = model.set_trainable("shared")
    opt = torch.optim.AdamW(params, lr=cfg.sft_lr, weight_decay=0.0)
    ckpt_path = out / "checkpoints" / "sft.pt"
    step = 0
    if ck := load_checkpoint(ckpt_path):
        model.load_deltas(ck["shared"])
        opt.load_state_dict(ck["opt"])
        torch.set_rng_state(ck["rng"])
        step = ck["step"]
        print(f"resumed SFT at step {step}")
    elif meta := resume_committed(model, out / SHARED_FILE, "SFT"):  # warmed up again with a fresh optimizer
        step = int(meta.get("step", "0"))
    train = load_split(cfg.data_dir, cfg.sets, "train")
    pool = [
        e
        for e in train
        if len(e.summary.split()) <= cfg.sft_max_summary_words and len(e.document.split()) <= cfg.sft_max_doc_words
    ]
    if cfg.sft_grounded_references:
        pool = [as_sentence(e) for e in pool]
        pool = [e for e in pool if grounded_reference(e)]
    if cfg.sft_max_prompt_tokens:
        pool = [e for e in pool if len(tok(build_prompt(e.document)).input_ids) <= cfg.sft_max_prompt_tokens]
    pool = sample_examples(pool, 10**9, cfg.seed, cfg.sft_max_doc_words)
    by_set: dict[str, list[Example]] = {}
    for e in pool:
        by_set.setdefault(e.dataset, []).append(e)
    print({k: len(v) for k, v in by_set.items()}, flush=True)
    rng = random.Random(cfg.seed + step)
    log = (out / "sft_log.jsonl").open("a")
    t0 = time.time()
    model.train()
    while step < cfg.sft_steps:
        lr = cfg.sft_lr * min(1.0, (step + 1) / 10)
        for g in opt.param_groups:
            g["lr"] = lr
        with autocast(device, cfg.bf16):
            # every set equally likely, however many examples it has (docs has hundreds, code thousands)
            sets = sorted(by_set)
            batch = [rng.choice(by_set[rng.choice(sets)]) for _ in range(cfg.sft_batch)]
            loss = batch_loss(model, tok, batch, device)
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        step += 1
        rec = {
            "step": step,
            "loss": round(loss.item(), 4),
            "elapsed_s": round(time.time() - t0, 1),
            "rss_mb": resident_mb(),
        }
        log.write(json.dumps(rec) + "\n")
        log.flush()
        print(rec, flush=True)
        over = cfg.max_minutes and time.time() - t0 > cfg.max_minutes * 60
        if step % cfg.checkpoint_every == 0 or step == cfg.sft_steps or over:
            save_checkpoint(ckpt_path, model, opt, step, {})
            save_shared(out / SHARED_FILE, model, step)
        if over:
            break
    save_checkpoint(ckpt_path, model, opt, step, {"done": True})
    return ckpt_path


if __name__ == "__main__":
    main()
