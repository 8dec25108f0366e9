"""Batched generation with the steering fast path, shared by RL rollouts, evaluation and export checks.

With response-only conditioning the prompt minus its last token is prefilled once per document with
w = 0; its key/value cache is then expanded over every row (weighting or sample) of that document, and
decoding starts by feeding the last prompt token with the row's w. Without it, each row prefills its
own prompt with its own w.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from .grounding import GroundedDecoder
from .grounding.decoder import GROUNDED_SAMPLING_KEEP
from .model import CLPModel

Past = list[tuple[torch.Tensor, torch.Tensor]]


@dataclass
class Prefix:
    past: Past  # [n, kv, L, d]
    mask: torch.Tensor  # [n, L] attention mask of the prefilled part (left padded)
    last_token: torch.Tensor  # [n] the prompt's last token, fed with w
    last_pos: torch.Tensor  # [n] its position

    def select(self, rows: torch.Tensor) -> Prefix:
        return Prefix(
            [(k.index_select(0, rows), v.index_select(0, rows)) for k, v in self.past],
            self.mask.index_select(0, rows),
            self.last_token.index_select(0, rows),
            self.last_pos.index_select(0, rows),
        )


def left_pad(seqs: list[list[int]], pad: int) -> tuple[torch.Tensor, torch.Tensor]:
    n = max(len(s) for s in seqs)
    ids = torch.full((len(seqs), n), pad, dtype=torch.long)
    mask = torch.zeros((len(seqs), n), dtype=torch.long)
    for i, s in enumerate(seqs):
        if s:
            ids[i, n - len(s) :] = torch.tensor(s)
            mask[i, n - len(s) :] = 1
    return ids, mask


def prefill(model: CLPModel, prompts: list[list[int]], weights: torch.Tensor, pad: int) -> Prefix:
    """Runs each prompt without its last token. weights [n, m] (zeros for response-only)."""
    dev = model.embed_tokens.device
    ids, mask = left_pad([p[:-1] for p in prompts], pad)
    ids, mask = ids.to(dev), mask.to(dev)
    pos = (mask.cumsum(-1) - 1).clamp(min=0)
    _, past = model(ids, mask, pos, model.empty_past(len(prompts), dev), weights.to(dev), last_logits=1)
    last = torch.tensor([p[-1] for p in prompts], device=dev)
    return Prefix(past, mask, last, torch.tensor([len(p) - 1 for p in prompts], device=dev))


def build_prefix(
    model: CLPModel, prompts: list[list[int]], groups: list[int], weights: torch.Tensor, pad: int
) -> Prefix:
    """A prefix per row: rows[i] decodes prompts[groups[i]] with weights[i]."""
    dev = model.embed_tokens.device
    rows = torch.tensor(groups, device=dev)
    if model.clp.response_only:
        zero = torch.zeros(len(prompts), weights.shape[1])
        return prefill(model, prompts, zero, pad).select(rows)
    return prefill(model, [prompts[g] for g in groups], weights, pad)


def _banned_by_ngram(seq: list[int], n: int) -> list[int]:
    if n <= 0 or len(seq) < n:
        return []
    tail = tuple(seq[-(n - 1) :]) if n > 1 else ()
    return [seq[i + n - 1] for i in range(len(seq) - n + 1) if tuple(seq[i : i + n - 1]) == tail]


def _pick(logits: torch.Tensor, temperature: float, top_p: float, generator: torch.Generator | None) -> torch.Tensor:
    if temperature <= 0:
        return logits.argmax(-1)
    probs = torch.softmax(logits / temperature, -1)
    if top_p < 1.0:
        sp, si = probs.sort(-1, descending=True)
        keep = sp.cumsum(-1) - sp < top_p
        probs = torch.zeros_like(probs).scatter(-1, si, sp * keep)
    return torch.multinomial(probs, 1, generator=generator)[:, 0]


def _numpy_rng(generator: torch.Generator | None) -> np.random.Generator:
    """Grounded sampling draws on the CPU; seeded from the run's generator, so a run stays reproducible."""
    if generator is None:
        return np.random.default_rng()
    return np.random.default_rng(int(torch.randint(0, 2**62, (1,), generator=generator, device=generator.device)))


def _grounded_draws(
    logits: torch.Tensor,
    active: list[int],
    out: list[list[int]],
    grounding: list[GroundedDecoder],
    temperature: float,
    rng: np.random.Generator,
) -> torch.Tensor:
    """One sampled token per row among its top GROUNDED_SAMPLING_KEEP logits that the rules allow: the
    candidates travel to the CPU once for the whole batch, and each row checks only what it draws."""
    k = min(GROUNDED_SAMPLING_KEEP, logits.shape[-1])
    vals, ids = logits.topk(k, dim=-1)
    probs = torch.softmax(vals / temperature, -1).cpu().numpy()
    cand = ids.tolist()
    picks = []
    for j, i in enumerate(active):
        t = grounding[i].draw(cand[j], probs[j], out[i], rng)
        if t is None:
            row = logits[j].clone()
            grounding[i].process(row, out[i])
            p = torch.softmax(row / temperature, -1).double().cpu().numpy()
            t = int(rng.choice(len(p), p=p / p.sum()))
        picks.append(t)
    return torch.tensor(picks, device=logits.device)


@torch.no_grad()
def decode(
    model: CLPModel,
    prefix: Prefix,
    weights: torch.Tensor,
    max_new_tokens: int,
    eos_ids: list[int],
    temperature: float = 0.0,
    top_p: float = 1.0,
    no_repeat_ngram: int = 0,
    generator: torch.Generator | None = None,
    grounding: list[GroundedDecoder] | None = None,
) -> tuple[list[list[int]], list[bool]]:
    """Decodes every row; returns the response tokens (without the end token) and whether each row ended
    by itself (False = cut off at max_new_tokens). temperature 0 = greedy. ``grounding``: one grounded
    decoder per row (its document's rules, as the engine serves), applied after the n-gram guard."""
    dev = model.embed_tokens.device
    n = weights.shape[0]
    w = weights.to(dev)
    past, mask = prefix.past, prefix.mask
    tok, pos = prefix.last_token, prefix.last_pos
    out: list[list[int]] = [[] for _ in range(n)]
    done = [False] * n
    eos = set(eos_ids)
    active = list(range(n))  # the row each batch position decodes; finished rows leave the batch
    # sampling under the rules draws on the CPU, checking only what it draws (_grounded_draws)
    rng = _numpy_rng(generator) if grounding is not None and temperature > 0 and top_p >= 1.0 else None
    for _ in range(max_new_tokens):
        mask = torch.cat([mask, torch.ones(len(active), 1, dtype=mask.dtype, device=dev)], dim=1)
        logits, past = model(tok[:, None], mask, pos[:, None], past, w)
        logits = logits[:, -1].float()
        if no_repeat_ngram:
            for j, i in enumerate(active):
                banned = _banned_by_ngram(out[i], no_repeat_ngram)
                if banned:
                    logits[j, banned] = float("-inf")
        if grounding is not None and rng is not None:
            nxt = _grounded_draws(logits, active, out, grounding, temperature, rng)
        else:
            if grounding is not None:
                for j, i in enumerate(active):
                    grounding[i].process(logits[j], out[i])
            nxt = _pick(logits, temperature, top_p, generator)
        stay = []
        for j, (i, t) in enumerate(zip(active, nxt.tolist())):
            if t in eos:
                done[i] = True
            else:
                out[i].append(t)
                stay.append(j)
        if not stay:
            break
        tok, pos = nxt, pos + 1
        if len(stay) < len(active):
            idx = torch.tensor(stay, device=dev)
            past = [(k.index_select(0, idx), v.index_select(0, idx)) for k, v in past]
            mask, tok, pos, w = mask[idx], tok[idx], pos[idx], w[idx]
            active = [active[j] for j in stay]
    return out, done


def response_logprobs(
    model: CLPModel,
    prefix: Prefix,
    responses: list[list[int]],
    ended: list[bool],
    weights: torch.Tensor,
    eos_id: int,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Log-probabilities [n, T] of each response token (plus the end token where the row ended) under the
    model, with gradients through the conditioned deltas; and the [n, T] mask of real tokens."""
    dev = model.embed_tokens.device
    targets = [r + ([eos_id] if e else []) for r, e in zip(responses, ended)]
    T = max(1, max(len(t) for t in targets))
    n = len(targets)
    tgt = torch.full((n, T), eos_id, dtype=torch.long, device=dev)
    tmask = torch.zeros((n, T), device=dev)
    for i, t in enumerate(targets):
        if t:
            tgt[i, : len(t)] = torch.tensor(t, device=dev)
            tmask[i, : len(t)] = 1
    inp = torch.cat([prefix.last_token[:, None], tgt[:, :-1]], dim=1)
    pos = prefix.last_pos[:, None] + torch.arange(T, device=dev)[None]
    mask = torch.cat([prefix.mask, torch.ones(n, T, dtype=prefix.mask.dtype, device=dev)], dim=1)
    logits, _ = model(inp, mask, pos, prefix.past, weights.to(dev))
    logp = torch.log_softmax(logits.float(), -1).gather(-1, tgt[..., None])[..., 0]
    return logp * tmask, tmask
