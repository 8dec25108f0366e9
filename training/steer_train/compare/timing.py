"""The cost of a new weighting at inference, per kind of method: one decoding step with the cached prompt against
everything a new w needs before its first token (a new prompt, a prefill, a soup's merge)."""

from __future__ import annotations

import statistics
import time
from pathlib import Path

import torch

from ..config import RunConfig
from ..data import build_prompt
from ..generate import Prefix, build_prefix
from ..model import CLPModel
from ..rewards import OBJECTIVES
from ..runtime import autocast
from .soup import Soup, assemble_blocks


def _sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize()


def _median_ms(fn, repeats: int, device: torch.device) -> float:
    fn()  # warm-up
    times = []
    for _ in range(max(1, repeats)):
        _sync(device)
        t = time.perf_counter()
        fn()
        _sync(device)
        times.append(time.perf_counter() - t)
    return 1000 * statistics.median(times)


def _step(model: CLPModel, prefix: Prefix, w: torch.Tensor) -> torch.Tensor:
    """One decoding forward: the prompt's last token with the prefilled cache -> the first response logits."""
    dev = model.embed_tokens.device
    mask = torch.cat([prefix.mask, torch.ones(1, 1, dtype=prefix.mask.dtype, device=dev)], dim=1)
    logits, _ = model(prefix.last_token[:, None], mask, prefix.last_pos[:, None], prefix.past, w.to(dev))
    return logits


def _timing_weights(m: int) -> tuple[list[float], list[float]]:
    old = [1.0 / m] * m
    new = [0.5 + 0.5 / m] + [0.5 / m] * (m - 1)
    return old, new


@torch.no_grad()
def time_policy(model, tok, cfg: RunConfig, document: str, repeats: int) -> dict:
    """Cost of a new w for a model that takes w as an input (CLP) or in its prompt (prompt conditioning)."""
    dev, pad = model.embed_tokens.device, tok.eos_token_id
    old, new = _timing_weights(cfg.clp.num_objectives)
    objs = list(OBJECTIVES) if cfg.clp.prompt_conditioning else None

    def prompt(w):
        return tok(build_prompt(document, objs, w if objs else None)).input_ids

    w_old, w_new = torch.tensor([old]), torch.tensor([new])
    with autocast(dev):
        prefix = build_prefix(model, [prompt(old)], [0], w_old, pad)
        same = _median_ms(lambda: _step(model, prefix, w_old), repeats, dev)
        prefill_ms = _median_ms(lambda: build_prefix(model, [prompt(old)], [0], w_old, pad), repeats, dev)
        redo = cfg.clp.prompt_conditioning or not cfg.clp.response_only
        if redo:
            new_ms = _median_ms(
                lambda: _step(model, build_prefix(model, [prompt(new)], [0], w_new, pad), w_new), repeats, dev
            )
        else:
            new_ms = _median_ms(lambda: _step(model, prefix, w_new), repeats, dev)
    if cfg.clp.prompt_conditioning:
        what = "new prompt text: tokenize and prefill the whole prompt again (its cache depends on w)"
    elif not cfg.clp.response_only:
        what = "prefill the whole prompt again (the deltas act on the prompt, so its cache depends on w)"
    else:
        what = "nothing: w is an input of the decoding step; the prompt's cache does not depend on w"
    return {
        "same_w_ms": same,
        "new_w_ms": new_ms,
        "prefill_ms": prefill_ms,
        "prompt_tokens": len(prompt(old)),
        "new_w_work": what,
    }


@torch.no_grad()
def time_soup(soup: Soup, soup_cfg: RunConfig, members: list[RunConfig], document: str, repeats: int) -> dict:
    dev, tok = soup.device, soup.tok
    old, new = _timing_weights(soup.m)
    ids = tok(build_prompt(document)).input_ids
    ones = soup.ones(1)
    soup.merge(old)
    with autocast(dev):
        prefix = build_prefix(soup.model, [ids], [0], ones, tok.eos_token_id)
        same = _median_ms(lambda: _step(soup.model, prefix, ones), repeats, dev)
        prefill_ms = _median_ms(lambda: build_prefix(soup.model, [ids], [0], ones, tok.eos_token_id), repeats, dev)
    merge_ms = _median_ms(lambda: soup.merge(new), repeats, dev)

    def new_w():
        soup.merge(new)
        with autocast(dev):
            _step(soup.model, build_prefix(soup.model, [ids], [0], ones, tok.eos_token_id), ones)

    new_ms = _median_ms(new_w, repeats, dev)

    def reload():  # the member deltas from disk, then the merge
        states = [torch.load(Path(c.out_dir) / "checkpoints" / "rl.pt", weights_only=False)["clp"] for c in members]
        blocks = assemble_blocks(states, soup_cfg.clp.rank)
        soup.head_b = blocks["head_delta.clp_b"].to(dev) if soup.head_b is not None else None
        soup.merge(new)

    reload_ms = _median_ms(reload, min(3, repeats), dev)
    return {
        "same_w_ms": same,
        "new_w_ms": new_ms,
        "prefill_ms": prefill_ms,
        "merge_ms": merge_ms,
        "reload_merge_ms": reload_ms,
        "prompt_tokens": len(ids),
        "new_w_work": "re-merge every conditioned matrix (W + s·Σ w_i B_i A_i), then prefill the prompt again "
        "(the merged weights change its cache)",
    }


@torch.no_grad()
def time_base(model, tok, document: str, repeats: int) -> dict:
    from ..evaluate import BASE_PROMPTS

    dev, pad = model.embed_tokens.device, tok.eos_token_id
    m = model.clp.num_objectives
    zero = torch.zeros(1, m)
    a = tok(build_prompt(document, instruction=BASE_PROMPTS["balanced"])).input_ids
    b = tok(build_prompt(document, instruction=BASE_PROMPTS["concise"])).input_ids
    with autocast(dev):
        prefix = build_prefix(model, [a], [0], zero, pad)
        same = _median_ms(lambda: _step(model, prefix, zero), repeats, dev)
        prefill_ms = _median_ms(lambda: build_prefix(model, [a], [0], zero, pad), repeats, dev)
        new_ms = _median_ms(lambda: _step(model, build_prefix(model, [b], [0], zero, pad), zero), repeats, dev)
    return {
        "same_w_ms": same,
        "new_w_ms": new_ms,
        "prefill_ms": prefill_ms,
        "prompt_tokens": len(a),
        "new_w_work": "a new instruction in words: prefill the prompt again (only the vertices and the balanced "
        "point exist)",
    }
