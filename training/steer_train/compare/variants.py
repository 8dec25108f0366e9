"""The comparison's variants of the RL loop, kept out of the shipped loop (``rl.main`` takes them as an
``rl.RLVariant``): a fixed weighting for every document (a Rewarded Soups member, ``rl_weights``), RL that trains
the shared delta through the prompt against a frozen warmed-up copy (prompt conditioning alone,
``rl_train = "shared"``), and deltas on every position (``clp.response_only = false``)."""

from __future__ import annotations

import copy

import numpy as np
import torch

from ..config import RunConfig
from ..generate import Prefix, prefill
from ..rl import RLVariant


def policy_prefix(model, cfg, prompts, groups, w_rows, prefix: Prefix, pad: int) -> tuple[Prefix, Prefix]:
    """Prefixes for the policy and the reference log-probabilities. Response-only: the rollout's prefill
    serves both (it does not depend on w). Otherwise the policy's prefill needs gradients and the
    reference's runs with w = 0."""
    if cfg.clp.response_only:
        return prefix, prefix
    rows = [prompts[g] for g in groups]
    with torch.no_grad():
        ref = prefill(model, rows, torch.zeros_like(w_rows), pad)
    return prefill(model, rows, w_rows, pad), ref


def trained_prompt_prefixes(model, ref_model, cfg, prompts, groups, w_rows, pad) -> tuple[Prefix, Prefix]:
    """Prefixes when RL trains a delta that also acts on the prompt (rl_train = "shared"): the policy's prefill
    runs with gradients and the reference's on the frozen warmed-up copy."""
    if cfg.clp.response_only:  # one prefill per document, independent of w, expanded over its rows
        rows = torch.tensor(groups, device=w_rows.device)
        zero = torch.zeros(len(prompts), w_rows.shape[1], device=w_rows.device)
        with torch.no_grad():
            ref = prefill(ref_model, prompts, zero, pad).select(rows)
        return prefill(model, prompts, zero, pad).select(rows), ref
    per_row = [prompts[g] for g in groups]
    with torch.no_grad():
        ref = prefill(ref_model, per_row, torch.zeros_like(w_rows), pad)
    return prefill(model, per_row, w_rows, pad), ref


def fixed_weights(cfg: RunConfig) -> np.ndarray | None:
    if not cfg.rl_weights:
        return None
    w = np.array([float(x) for x in cfg.rl_weights.split(",")])
    if w.shape != (cfg.clp.num_objectives,) or abs(w.sum() - 1) > 1e-6 or (w < 0).any():
        raise SystemExit(f"rl_weights {cfg.rl_weights!r}: need {cfg.clp.num_objectives} weights >= 0 summing to 1")
    return w


class ComparisonVariant(RLVariant):
    """The loop for any method of the comparison; for a response-only CLP run with sampled weightings it is the
    shipped loop."""

    def __init__(self, cfg: RunConfig) -> None:
        self.cfg = cfg
        self.fixed = fixed_weights(cfg)

    def doc_weights(self, rng: np.random.Generator, cfg: RunConfig, n: int) -> np.ndarray:
        return super().doc_weights(rng, cfg, n) if self.fixed is None else np.tile(self.fixed, (n, 1))

    def reference_model(self, model):
        if self.cfg.rl_train == "clp":
            return None
        ref_model = copy.deepcopy(model).eval()  # the trained delta is also the reference's: a frozen warmed-up copy
        ref_model.set_trainable("-")  # matches no parameter: everything frozen
        return ref_model

    def resume(self, model, checkpoint: dict) -> None:
        if self.cfg.rl_train != "clp":
            model.load_deltas(checkpoint[self.cfg.rl_train])

    def prefixes(
        self, model, ref_model, cfg, prompts, groups, w_rows, prefix: Prefix, pad: int
    ) -> tuple[Prefix, Prefix]:
        if ref_model is not None:
            return trained_prompt_prefixes(model, ref_model, cfg, prompts, groups, w_rows, pad)
        return policy_prefix(model, cfg, prompts, groups, w_rows, prefix, pad)


def variant_for(cfg: RunConfig) -> ComparisonVariant:
    return ComparisonVariant(cfg)
