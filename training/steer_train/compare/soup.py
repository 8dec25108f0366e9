"""Rewarded Soups at inference: the members' per-objective delta blocks merged into dense weights for a weighting
w, evaluated over the simplex grid, and checked against the members at the vertices."""

from __future__ import annotations

import contextlib
from dataclasses import replace
from pathlib import Path

import torch

from ..config import RunConfig
from ..data import build_prompt
from ..evaluate import generate_rows, records_for
from ..metrics import simplex_grid
from ..model import CLPConfig, CLPLinear
from ..runtime import autocast, build_model
from .train import load_policy


def assemble_blocks(member_states: list[dict[str, torch.Tensor]], rank: int) -> dict[str, torch.Tensor]:
    """Objective i's delta block (rows i·r.. of A, columns i·r.. of B) taken from member i."""
    out = {}
    for key in member_states[0]:
        parts = []
        for i, state in enumerate(member_states):
            t = state[key]
            parts.append(t[i * rank : (i + 1) * rank] if key.endswith("clp_a") else t[:, i * rank : (i + 1) * rank])
        out[key] = torch.cat(parts, dim=0 if key.endswith("clp_a") else 1)
    return out


class Soup:
    """Rewarded Soups over low-rank deltas: for a weighting w, every conditioned matrix becomes the dense
    W + B_s A_s + s·Σ_i w_i B_i A_i (s = alpha / rank), with (A_i, B_i) from the model trained on objective i alone.
    The tied LM head's delta stays low rank with B scaled by w (the same function as a dense untied head).
    The merged model is a plain model: run it with weights = ones [b, 1]; change w with :meth:`merge`."""

    def __init__(self, soup_cfg: RunConfig, shared: dict[str, torch.Tensor], blocks: dict[str, torch.Tensor]):
        clp = soup_cfg.clp
        if clp.rank <= 0:
            raise ValueError("a soup needs per-objective deltas (clp.rank > 0)")
        self.m, self.rank, self.scale = clp.num_objectives, clp.rank, clp.alpha / clp.rank
        head = clp.conditions("lm_head")
        merged = CLPConfig(
            num_objectives=1,
            subset="logits",
            rank=self.m * self.rank if head else 0,
            alpha=clp.alpha * self.m,  # gate alpha·m / (m·r) = s
            shared_rank=0,
            response_only=False,
            prompt_conditioning=False,
        )
        self.cfg = replace(soup_cfg, clp=merged)
        self.model, self.tok, self.device = build_model(self.cfg)
        self.model.eval()
        self.linears: list[tuple[CLPLinear, torch.Tensor, torch.Tensor, torch.Tensor]] = []
        dev = self.device
        with torch.no_grad():
            for name, mod in self.model.named_modules():
                if not isinstance(mod, CLPLinear) or name == "head_delta":
                    continue
                w0 = mod.weight.float().clone()  # .float() of a float32 weight would alias it
                if f"{name}.shared_a" in shared:
                    w0 = w0 + shared[f"{name}.shared_b"].to(dev) @ shared[f"{name}.shared_a"].to(dev)
                if f"{name}.clp_a" in blocks:
                    a, b = blocks[f"{name}.clp_a"].to(dev), blocks[f"{name}.clp_b"].to(dev)
                    self.linears.append((mod, w0, a, b))
                else:
                    mod.weight.copy_(w0)
            self.head_b = None
            if head:
                self.model.head_delta.clp_a.copy_(blocks["head_delta.clp_a"])
                self.head_b = blocks["head_delta.clp_b"].to(dev)
        self.weights: list[float] | None = None

    @classmethod
    def from_runs(cls, soup_cfg: RunConfig, members: list[RunConfig]) -> Soup:
        shared = torch.load(Path(members[0].out_dir) / "checkpoints" / "sft.pt", weights_only=False)["shared"]
        states = [torch.load(Path(c.out_dir) / "checkpoints" / "rl.pt", weights_only=False)["clp"] for c in members]
        return cls(soup_cfg, shared, assemble_blocks(states, soup_cfg.clp.rank))

    @torch.no_grad()
    def merge(self, w: list[float]) -> None:
        g = torch.tensor(w, dtype=torch.float32, device=self.device).repeat_interleave(self.rank)
        for mod, w0, a, b in self.linears:
            mod.weight.copy_(w0 + (b * (g * self.scale)) @ a)
        if self.head_b is not None:
            self.model.head_delta.clp_b.copy_(self.head_b * g)
        self.weights = list(w)

    def ones(self, n: int) -> torch.Tensor:
        return torch.ones(n, 1)


def evaluate_soup(soup: Soup, tok, cfg: RunConfig, examples, rewards, method: str) -> list[dict]:
    """The soup over the same simplex grid: one merge per weighting, then every document (evaluate's code)."""
    grid = simplex_grid(cfg.clp.num_objectives, cfg.eval_divisions)
    prompts = [tok(build_prompt(e.document)).input_ids for e in examples]
    groups = list(range(len(examples)))
    records = []
    for w in grid:
        soup.merge(w)
        texts, ended, ntok = generate_rows(
            soup.model, tok, cfg, prompts, groups, soup.ones(len(groups)), cfg.eval_max_new_tokens, 3 * len(grid)
        )
        labels = torch.tensor([w] * len(groups), dtype=torch.float32)
        records += records_for(method, examples, groups, labels, texts, ended, ntok, rewards)
    return records


def soup_vertex_check(soup: Soup, members: list[RunConfig], prompt: list[int]) -> list[float]:
    """Max |logit difference| between the soup merged at vertex i and member i's own model (run with w = e_i),
    over every position of a prompt: 0 up to float32 rounding when the merge is right (bfloat16 weights and
    autocast when the run uses them)."""
    diffs = []
    ids = torch.tensor([prompt], device=soup.device)
    mask = torch.ones_like(ids)
    pos = torch.arange(ids.shape[1], device=soup.device)[None]
    for i, mcfg in enumerate(members):
        model, _, dev = load_policy(mcfg)
        e = torch.zeros(1, soup.m)
        e[0, i] = 1.0
        soup.merge(e[0].tolist())
        with torch.no_grad(), autocast(dev) if soup.cfg.bf16 else contextlib.nullcontext():
            a, _ = model(ids, mask, pos, model.empty_past(1, dev), e.to(dev))
            b, _ = soup.model(ids, mask, pos, soup.model.empty_past(1, dev), soup.ones(1).to(dev))
        diffs.append(float((a.float() - b.float()).abs().max()))
        del model
    return diffs
