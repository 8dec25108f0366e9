"""One method's evaluation: its records over the held-out documents and the simplex grid, its inference timing and
the RL budget it spent; cached in the run's checkpoints/ and reused while nothing it depends on changed."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import torch

from ..config import RunConfig
from ..data import build_prompt
from ..evaluate import evaluate_clp, evaluate_prompted_base
from ..rewards import OBJECTIVES, Rewards
from ..runtime import build_model
from .config import CompareConfig, Method, member_configs, method_config
from .soup import Soup, evaluate_soup, soup_vertex_check
from .timing import time_base, time_policy, time_soup
from .train import load_policy


def _signature(cfg: RunConfig, n_docs: int, trained: list[int]) -> dict:
    return {
        "eval_docs": n_docs,
        "eval_divisions": cfg.eval_divisions,
        "eval_max_new_tokens": cfg.eval_max_new_tokens,
        "eval_no_repeat_ngram": cfg.eval_no_repeat_ngram,
        "seed": cfg.seed,
        "data_dir": cfg.data_dir,
        "trained_steps": trained,
        "device": cfg.device,
        "bf16": cfg.bf16,
    }


def _log_stats(cfgs: list[RunConfig]) -> dict:
    """RL budget actually spent, from the runs' logs and checkpoints."""
    steps, samples, seconds, params = 0, 0, 0.0, 0
    for c in cfgs:
        log = Path(c.out_dir) / "rl_log.jsonl"
        recs = [json.loads(x) for x in log.read_text().splitlines() if x.strip()] if log.exists() else []
        recs = list({r["step"]: r for r in recs}.values())  # a resumed step counts once
        steps += len(recs)
        samples += len(recs) * c.rl_prompts * c.rl_samples
        seconds += sum(r.get("s_step", 0.0) for r in recs)
        ck = torch.load(Path(c.out_dir) / "checkpoints" / "rl.pt", weights_only=False)
        trained = ck[c.rl_train]
        if c.rl_weights:  # a soup member trains only its own objective's block
            params += sum(v.numel() for v in trained.values()) // c.clp.num_objectives
        else:
            params += sum(v.numel() for v in trained.values())
    return {"rl_steps": steps, "rl_samples": samples, "rl_seconds": round(seconds, 1), "trained_params": params}


def evaluate_method(cc: CompareConfig, m: Method, examples, rewards: Rewards) -> dict:
    """Records (cached in the run's checkpoints/), inference timing and budget of one method."""
    cfg = method_config(cc, m)
    repeats = cc.timing_repeats
    doc = examples[0].document
    if m.kind == "base":
        cache = Path(cc.out_root) / m.name / "checkpoints" / "eval.json"
        sig = _signature(cfg, len(examples), [])
    else:
        runs = member_configs(cc, m) if m.kind == "soup" else [cfg]
        steps = [torch.load(Path(c.out_dir) / "checkpoints" / "rl.pt", weights_only=False)["step"] for c in runs]
        cache = Path(cfg.out_dir) / "checkpoints" / "eval.json"
        sig = _signature(cfg, len(examples), steps)
    if cache.exists():
        hit = json.loads(cache.read_text())
        if hit.get("signature") == sig:
            print(f"[compare] {m.name}: cached evaluation", flush=True)
            return hit
    t0 = time.time()
    extra: dict = {}
    if m.kind == "base":
        model, tok, _ = build_model(cfg)  # fresh deltas are zero: the untrained base model
        model.eval()
        records = evaluate_prompted_base(model, tok, cfg, examples, rewards)
        timing = time_base(model, tok, doc, repeats)
        budget: dict[str, Any] = {"rl_steps": 0, "rl_samples": 0, "rl_seconds": 0.0, "trained_params": 0}
    elif m.kind == "policy":
        model, tok, _ = load_policy(cfg)
        records = evaluate_clp(model, tok, cfg, examples, rewards, method=m.name)
        timing = time_policy(model, tok, cfg, doc, repeats)
        budget = _log_stats([cfg])
    else:
        members = member_configs(cc, m)
        soup = Soup.from_runs(cfg, members)
        records = evaluate_soup(soup, soup.tok, cfg, examples, rewards, m.name)
        extra["vertex_max_abs_logit_diff"] = soup_vertex_check(soup, members, soup.tok(build_prompt(doc)).input_ids)
        timing = time_soup(soup, cfg, members, doc, repeats)
        budget = _log_stats(members)
        budget["members"] = [{"objective": o, "rl_steps": c.rl_steps} for o, c in zip(OBJECTIVES, members)]
    out: dict[str, Any] = {"signature": sig, "records": records, "timing": timing, "budget": budget, **extra}
    out["eval_seconds"] = round(time.time() - t0, 1)
    cache.parent.mkdir(parents=True, exist_ok=True)
    cache.write_text(json.dumps(out))
    return out
