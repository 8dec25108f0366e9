"""A small Llama decoder with Conditional Language Policy (CLP) deltas.

Every conditioned linear layer computes

    y = W x + B_s A_s x + B (g ⊙ A x)

where `A_s, B_s` is the shared low-rank delta (trained by the supervised warm-up, applied everywhere),
`A` stacks the m per-objective down-projections (m·r rows), `B` the up-projections, and the gate
`g = repeat(w, r) · scale` carries each batch row's weighting. Hence θ(w) = θ_shared + Σ_i w_i B_i A_i.

The gate is given per position, so the same module serves full conditioning and response-only
conditioning (gate zero on prompt positions). Plain tensors in and out, so the ONNX export is the same
code that trains.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import cast

import torch
import torch.nn.functional as F
from torch import nn

SUBSETS = ("logits", "attention", "all")
ATTENTION = ("q_proj", "k_proj", "v_proj", "o_proj")
MLP = ("gate_proj", "up_proj", "down_proj")


@dataclass
class ModelConfig:
    vocab_size: int
    hidden_size: int
    intermediate_size: int
    num_layers: int
    num_heads: int
    num_kv_heads: int
    head_dim: int
    rope_theta: float = 100000.0
    rms_eps: float = 1e-5
    max_positions: int = 8192


@dataclass
class CLPConfig:
    num_objectives: int = 3
    subset: str = "all"  # logits | attention | all
    rank: int = 8
    alpha: float = 16.0
    shared_rank: int = 16  # low-rank delta of the supervised warm-up; 0 = none
    response_only: bool = True
    prompt_conditioning: bool = False

    def conditions(self, name: str) -> bool:
        if self.subset == "all":
            return True
        if self.subset == "attention":
            return name in ATTENTION
        if self.subset == "logits":
            return name == "lm_head"
        raise ValueError(f"unknown subset {self.subset!r}, expected one of {SUBSETS}")


class CLPLinear(nn.Module):
    def __init__(self, in_f: int, out_f: int, m: int, rank: int, shared_rank: int) -> None:
        super().__init__()
        self.weight = nn.Parameter(torch.zeros(out_f, in_f), requires_grad=False)
        self.rank = rank
        self.shared_a = nn.Parameter(torch.randn(shared_rank, in_f) / math.sqrt(in_f)) if shared_rank else None
        self.shared_b = nn.Parameter(torch.zeros(out_f, shared_rank)) if shared_rank else None
        self.clp_a = nn.Parameter(torch.randn(m * rank, in_f) / math.sqrt(in_f)) if rank else None
        self.clp_b = nn.Parameter(torch.zeros(out_f, m * rank)) if rank else None

    def forward(self, x: torch.Tensor, gate: torch.Tensor | None) -> torch.Tensor:
        y = F.linear(x, self.weight)
        if self.shared_a is not None and self.shared_b is not None:
            y = y + F.linear(F.linear(x, self.shared_a), self.shared_b)
        if self.clp_a is not None and self.clp_b is not None and gate is not None:
            y = y + F.linear(F.linear(x, self.clp_a) * gate, self.clp_b)
        return y

    @torch.no_grad()
    def merge_shared(self) -> None:
        """Folds the shared delta into W (for export: the graph then carries only W and the CLP deltas)."""
        if self.shared_a is not None and self.shared_b is not None:
            self.weight.add_(self.shared_b @ self.shared_a)
            self.shared_a = None
            self.shared_b = None


class RMSNorm(nn.Module):
    def __init__(self, dim: int, eps: float) -> None:
        super().__init__()
        self.weight = nn.Parameter(torch.ones(dim), requires_grad=False)
        self.eps = eps

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x * torch.rsqrt(x.pow(2).mean(2, keepdim=True) + self.eps) * self.weight  # [b, s, h]


def rotate_half(x: torch.Tensor, half: int) -> torch.Tensor:
    # half is a Python int so that the ONNX trace keeps it constant
    return torch.cat((-x[..., half:], x[..., :half]), dim=3)  # explicit: the ONNX trace mis-resolves -1 here


class Layer(nn.Module):
    def __init__(self, cfg: ModelConfig, clp: CLPConfig) -> None:
        super().__init__()
        self.cfg = cfg
        h, kv = cfg.hidden_size, cfg.num_kv_heads * cfg.head_dim

        def lin(name: str, i: int, o: int) -> CLPLinear:
            rank = clp.rank if clp.conditions(name) else 0
            return CLPLinear(i, o, clp.num_objectives, rank, clp.shared_rank)

        self.q_proj = lin("q_proj", h, cfg.num_heads * cfg.head_dim)
        self.k_proj = lin("k_proj", h, kv)
        self.v_proj = lin("v_proj", h, kv)
        self.o_proj = lin("o_proj", cfg.num_heads * cfg.head_dim, h)
        self.gate_proj = lin("gate_proj", h, cfg.intermediate_size)
        self.up_proj = lin("up_proj", h, cfg.intermediate_size)
        self.down_proj = lin("down_proj", cfg.intermediate_size, h)
        self.input_layernorm = RMSNorm(h, cfg.rms_eps)
        self.post_attention_layernorm = RMSNorm(h, cfg.rms_eps)

    def forward(self, x, cos, sin, mask, past_k, past_v, gate):
        c = self.cfg
        b, s, _ = x.shape
        hx = self.input_layernorm(x)
        q = self.q_proj(hx, gate).view(b, s, c.num_heads, c.head_dim).transpose(1, 2)
        k = self.k_proj(hx, gate).view(b, s, c.num_kv_heads, c.head_dim).transpose(1, 2)
        v = self.v_proj(hx, gate).view(b, s, c.num_kv_heads, c.head_dim).transpose(1, 2)
        half = c.head_dim // 2
        q = q * cos + rotate_half(q, half) * sin
        k = k * cos + rotate_half(k, half) * sin
        # the cache keeps the compute dtype (bfloat16 under autocast): half the bytes copied per step
        k = torch.cat([past_k.to(k.dtype), k], dim=2)
        v = torch.cat([past_v.to(v.dtype), v], dim=2)
        # Grouped-query attention without repeating keys and values: the query heads that share a key/value
        # head are folded into the query length, so the cache is read once per step, not once per head.
        group, kvh, d = c.num_heads // c.num_kv_heads, c.num_kv_heads, c.head_dim
        qg = q.reshape(b, kvh, group * s, d)
        gmask = mask[:, :, None].expand(b, 1, group, s, mask.shape[3]).reshape(b, 1, group * s, mask.shape[3])
        scores = (qg @ k.transpose(2, 3).to(qg.dtype)) * (1.0 / math.sqrt(d)) + gmask
        att = (torch.softmax(scores, dim=3).to(v.dtype) @ v).reshape(b, c.num_heads, s, d)
        x = x + self.o_proj(att.transpose(1, 2).reshape(b, s, c.num_heads * d), gate)
        hx = self.post_attention_layernorm(x)
        x = x + self.down_proj(F.silu(self.gate_proj(hx, gate)) * self.up_proj(hx, gate), gate)
        return x, k, v


class CLPModel(nn.Module):
    inv_freq: torch.Tensor  # a buffer (register_buffer below), declared for the type checker

    def __init__(self, cfg: ModelConfig, clp: CLPConfig) -> None:
        super().__init__()
        self.cfg, self.clp = cfg, clp
        self.embed_tokens = nn.Parameter(torch.zeros(cfg.vocab_size, cfg.hidden_size), requires_grad=False)
        self.layers = nn.ModuleList(self.build_layer(i) for i in range(cfg.num_layers))
        self.norm = self.build_norm(cfg.hidden_size)
        # The LM head is tied to the embeddings; only its deltas are its own.
        head_rank = clp.rank if clp.conditions("lm_head") else 0
        self.head_delta = CLPLinear(cfg.hidden_size, cfg.vocab_size, clp.num_objectives, head_rank, 0)
        del self.head_delta.weight
        inv = 1.0 / (cfg.rope_theta ** (torch.arange(0, cfg.head_dim, 2, dtype=torch.float32) / cfg.head_dim))
        self.register_buffer("inv_freq", inv, persistent=False)

    # --- the family's blocks: another family (gemma.py) overrides these and keeps everything else -----
    def build_layer(self, index: int) -> nn.Module:
        return Layer(self.cfg, self.clp)

    def build_norm(self, dim: int) -> RMSNorm:
        return RMSNorm(dim, self.cfg.rms_eps)

    # --- weights -------------------------------------------------------------------------------
    def load_base(self, state: dict[str, torch.Tensor]) -> None:
        with torch.no_grad():
            self.embed_tokens.copy_(state["model.embed_tokens.weight"])
            self.norm.weight.copy_(state["model.norm.weight"])
            for i, module in enumerate(self.layers):
                layer = cast(Layer, module)
                p = f"model.layers.{i}."
                for n in ATTENTION:
                    cast(CLPLinear, getattr(layer, n)).weight.copy_(state[p + f"self_attn.{n}.weight"])
                for n in MLP:
                    cast(CLPLinear, getattr(layer, n)).weight.copy_(state[p + f"mlp.{n}.weight"])
                layer.input_layernorm.weight.copy_(state[p + "input_layernorm.weight"])
                layer.post_attention_layernorm.weight.copy_(state[p + "post_attention_layernorm.weight"])

    def delta_state(self, which: str) -> dict[str, torch.Tensor]:
        """The trainable deltas only: which = 'shared' or 'clp'."""
        return {k: v.detach().clone() for k, v in self.named_parameters() if k.split(".")[-1].startswith(which)}

    def load_deltas(self, state: dict[str, torch.Tensor]) -> None:
        own = dict(self.named_parameters())
        with torch.no_grad():
            for k, v in state.items():
                own[k].copy_(v)

    def set_trainable(self, which: str) -> list[nn.Parameter]:
        params = []
        for k, p in self.named_parameters():
            p.requires_grad_(k.split(".")[-1].startswith(which))
            if p.requires_grad:
                params.append(p)
        return params

    def cast_frozen(self, dtype: torch.dtype) -> CLPModel:
        """Stores the frozen matrices (base weights, embeddings) in dtype. Under bfloat16 autocast this saves
        re-casting 135M float32 weights on every call, which dominates decoding with small batches."""
        for p in self.parameters():
            if not p.requires_grad and p.dim() == 2:
                p.data = p.data.to(dtype)
        return self

    def merge_shared(self) -> None:
        for mod in self.modules():
            if isinstance(mod, CLPLinear):
                mod.merge_shared()

    # --- forward -------------------------------------------------------------------------------
    def gate(self, weights: torch.Tensor, cond_mask: torch.Tensor | None) -> torch.Tensor:
        """[b, m] weights (and an optional [b, s] mask of conditioned positions) -> [b, s|1, m·r] gate."""
        g = weights.repeat_interleave(self.clp.rank, dim=1) * (self.clp.alpha / max(self.clp.rank, 1))
        g = g[:, None, :]
        if cond_mask is not None:
            g = g * cond_mask[:, :, None].to(g.dtype)
        return g

    def forward(
        self,
        input_ids: torch.Tensor,
        attention_mask: torch.Tensor,
        position_ids: torch.Tensor,
        past: list[tuple[torch.Tensor, torch.Tensor]],
        weights: torch.Tensor,
        cond_mask: torch.Tensor | None = None,
        last_logits: int | None = None,
    ) -> tuple[torch.Tensor, list[tuple[torch.Tensor, torch.Tensor]]]:
        """input_ids/position_ids [b, s]; attention_mask [b, past+s] (1 = real token);
        past: per layer (k, v) [b, kv_heads, past, head_dim]; weights [b, m].
        last_logits: compute logits for only the last positions (training never needs the prompt's)."""
        b, s = input_ids.shape
        x = F.embedding(input_ids, self.embed_tokens).float()  # the residual stream stays float32
        freqs = position_ids.to(torch.float32)[:, :, None] * self.inv_freq[None, None, :]
        emb = torch.cat([freqs, freqs], dim=2)
        cos, sin = emb.cos()[:, None], emb.sin()[:, None]
        t = attention_mask.shape[1]
        past_len = t - s
        # Causal over the concatenated sequence, padding masked; each query always sees itself so that
        # rows of pure padding stay finite.
        qi = torch.arange(s, device=x.device)[:, None] + past_len
        kj = torch.arange(t, device=x.device)[None, :]
        allowed = (kj <= qi)[None] & (attention_mask[:, None, :] > 0)
        allowed = allowed | (kj == qi)[None]
        mask = torch.where(allowed, 0.0, torch.finfo(torch.float32).min)[:, None].to(x.dtype)
        gate = self.gate(weights, cond_mask) if self.clp.rank else None
        present = []
        for layer, (pk, pv) in zip(self.layers, past):
            x, k, v = layer(x, cos, sin, mask, pk, pv, gate)
            present.append((k, v))
        x = self.norm(x)
        if last_logits is not None:
            # A fresh tensor: on the slice's strides (even one row, which counts as contiguous) the bfloat16
            # F.linear copies the whole transposed embedding (2 s a prefill for Gemma's 262k-token head).
            x = x[:, s - last_logits :].clone(memory_format=torch.contiguous_format)
            gate = gate[:, s - last_logits :] if gate is not None and gate.shape[1] > 1 else gate
        logits = F.linear(x, self.embed_tokens)
        head = self.head_delta
        if head.clp_a is not None and head.clp_b is not None and gate is not None:
            logits = logits + F.linear(F.linear(x, head.clp_a) * gate, head.clp_b)
        return logits, present

    def empty_past(self, batch: int, device=None) -> list[tuple[torch.Tensor, torch.Tensor]]:
        c = self.cfg
        z = torch.zeros(batch, c.num_kv_heads, 0, c.head_dim, device=device)
        return [(z, z) for _ in range(c.num_layers)]
