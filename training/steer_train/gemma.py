"""The Gemma 3 family of the CLP decoder: the same CLPLinear deltas, interface and weight handling as the
Llama decoder in model.py, with Gemma 3's block.

What differs from Llama (and why each is here):

- RMSNorm scales by (1 + weight): the checkpoints store the offset from one.
- Four norms per layer (input, post-attention, pre-feedforward, post-feedforward) and an RMSNorm on each
  query and key head before the rotary embedding.
- A GELU-tanh gated MLP; embeddings scaled by sqrt(hidden_size); the LM head tied to the embeddings.
- Attention scores scaled by query_pre_attn_scalar^-1/2, not head_dim^-1/2.
- Sliding-window layers (a local rope base) interleaved with global layers (the global base), as the
  config's layer_types says; optional soft-capping of attention scores and final logits.

The key/value cache keeps every position on sliding layers too (the window is applied by the mask): the
generation code then treats both families alike. Trimming it to the window is an engine optimisation.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, cast

import torch
import torch.nn.functional as F
from torch import nn

from .model import ATTENTION, MLP, CLPConfig, CLPLinear, CLPModel, ModelConfig, RMSNorm, rotate_half

SLIDING = "sliding_attention"
FULL = "full_attention"


@dataclass
class GemmaConfig(ModelConfig):
    rope_local_theta: float = 10000.0  # rope_theta (the global base) is ModelConfig's
    sliding_window: int = 512
    layer_types: list[str] = field(default_factory=list)  # SLIDING or FULL, one per layer
    query_pre_attn_scalar: float = 256.0
    attn_logit_softcapping: float | None = None
    final_logit_softcapping: float | None = None

    def is_sliding(self, index: int) -> bool:
        return self.layer_types[index] == SLIDING


def _rope_theta(params: dict[str, Any], kind: str) -> float:
    p = params[kind]
    # Gemma 3's larger models stretch the global rope ("linear"); this module implements the plain one only.
    if p.get("rope_type", "default") != "default":
        raise NotImplementedError(f"rope type {p['rope_type']!r} for {kind}")
    return float(p["rope_theta"])


def config_from_hf(c: Any) -> GemmaConfig:
    """Our config from a transformers Gemma3TextConfig (the GGUF's, or a tiny test one)."""
    if c.hidden_activation != "gelu_pytorch_tanh":
        raise NotImplementedError(f"activation {c.hidden_activation!r}")
    return GemmaConfig(
        vocab_size=c.vocab_size,
        hidden_size=c.hidden_size,
        intermediate_size=c.intermediate_size,
        num_layers=c.num_hidden_layers,
        num_heads=c.num_attention_heads,
        num_kv_heads=c.num_key_value_heads,
        head_dim=c.head_dim,
        rope_theta=_rope_theta(c.rope_parameters, FULL),
        rms_eps=float(c.rms_norm_eps),
        max_positions=int(c.max_position_embeddings),
        rope_local_theta=_rope_theta(c.rope_parameters, SLIDING),
        sliding_window=int(c.sliding_window),
        layer_types=list(c.layer_types),
        query_pre_attn_scalar=float(c.query_pre_attn_scalar),
        attn_logit_softcapping=c.attn_logit_softcapping,
        final_logit_softcapping=c.final_logit_softcapping,
    )


class GemmaRMSNorm(RMSNorm):
    """RMSNorm scaling by (1 + weight); the weight starts at zero, the identity scale."""

    def __init__(self, dim: int, eps: float) -> None:
        super().__init__(dim, eps)
        nn.init.zeros_(self.weight)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        last = x.dim() - 1  # a Python int: the ONNX trace keeps it constant
        xf = x.float()  # normalized in float32 as the reference does, whatever the compute dtype
        y = xf * torch.rsqrt(xf.pow(2).mean(last, keepdim=True) + self.eps) * (1.0 + self.weight.float())
        return y.to(x.dtype)


def softcap(x: torch.Tensor, cap: float | None) -> torch.Tensor:
    return x if cap is None else torch.tanh(x / cap) * cap


def rope_tables(position_ids: torch.Tensor, inv_freq: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """cos, sin [b, 1, s, head_dim] for the positions [b, s]."""
    freqs = position_ids.to(torch.float32)[:, :, None] * inv_freq[None, None, :]
    emb = torch.cat([freqs, freqs], dim=2)
    return emb.cos()[:, None], emb.sin()[:, None]


def window_mask(attention_mask: torch.Tensor, s: int, window: int | None, dtype: torch.dtype) -> torch.Tensor:
    """Additive mask [b, 1, s, total]: causal over the cache plus the new positions, padding masked and, with
    a window, keys at most window - 1 places back. Each query always sees itself so that rows of pure padding
    stay finite (as in model.py). Distances are cache places, which are positions under left padding."""
    t = attention_mask.shape[1]
    qi = torch.arange(s, device=attention_mask.device)[:, None] + (t - s)
    kj = torch.arange(t, device=attention_mask.device)[None, :]
    near = kj <= qi
    if window is not None:
        near = near & (kj > qi - window)
    allowed = (near[None] & (attention_mask[:, None, :] > 0)) | (kj == qi)[None]
    return torch.where(allowed, 0.0, torch.finfo(torch.float32).min)[:, None].to(dtype)


class GemmaLayer(nn.Module):
    def __init__(self, cfg: GemmaConfig, clp: CLPConfig) -> None:
        super().__init__()
        self.cfg = cfg
        h, kv, d = cfg.hidden_size, cfg.num_kv_heads * cfg.head_dim, cfg.head_dim

        def lin(name: str, i: int, o: int) -> CLPLinear:
            rank = clp.rank if clp.conditions(name) else 0
            return CLPLinear(i, o, clp.num_objectives, rank, clp.shared_rank)

        self.q_proj = lin("q_proj", h, cfg.num_heads * d)
        self.k_proj = lin("k_proj", h, kv)
        self.v_proj = lin("v_proj", h, kv)
        self.o_proj = lin("o_proj", cfg.num_heads * d, h)
        self.gate_proj = lin("gate_proj", h, cfg.intermediate_size)
        self.up_proj = lin("up_proj", h, cfg.intermediate_size)
        self.down_proj = lin("down_proj", cfg.intermediate_size, h)
        self.q_norm = GemmaRMSNorm(d, cfg.rms_eps)
        self.k_norm = GemmaRMSNorm(d, cfg.rms_eps)
        self.input_layernorm = GemmaRMSNorm(h, cfg.rms_eps)
        self.post_attention_layernorm = GemmaRMSNorm(h, cfg.rms_eps)
        self.pre_feedforward_layernorm = GemmaRMSNorm(h, cfg.rms_eps)
        self.post_feedforward_layernorm = GemmaRMSNorm(h, cfg.rms_eps)

    def norms(self) -> dict[str, GemmaRMSNorm]:
        """The layer's norms by their checkpoint names (below the layer prefix)."""
        return {
            "self_attn.q_norm": self.q_norm,
            "self_attn.k_norm": self.k_norm,
            "input_layernorm": self.input_layernorm,
            "post_attention_layernorm": self.post_attention_layernorm,
            "pre_feedforward_layernorm": self.pre_feedforward_layernorm,
            "post_feedforward_layernorm": self.post_feedforward_layernorm,
        }

    def forward(
        self,
        x: torch.Tensor,
        cos: torch.Tensor,
        sin: torch.Tensor,
        mask: torch.Tensor,
        past_k: torch.Tensor,
        past_v: torch.Tensor,
        gate: torch.Tensor | None,
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        c = self.cfg
        b, s, _ = x.shape
        kvh, d = c.num_kv_heads, c.head_dim
        hx = self.input_layernorm(x)
        q = self.q_norm(self.q_proj(hx, gate).view(b, s, c.num_heads, d)).transpose(1, 2)
        k = self.k_norm(self.k_proj(hx, gate).view(b, s, kvh, d)).transpose(1, 2)
        v = self.v_proj(hx, gate).view(b, s, kvh, d).transpose(1, 2)
        half = d // 2
        q = q * cos + rotate_half(q, half) * sin
        k = k * cos + rotate_half(k, half) * sin
        k = torch.cat([past_k.to(k.dtype), k], dim=2)
        v = torch.cat([past_v.to(v.dtype), v], dim=2)
        # Grouped-query attention with the query heads of a key/value head folded into the query length, as
        # in model.py: the cache is read once per step.
        group = c.num_heads // kvh
        qg = q.reshape(b, kvh, group * s, d)
        gmask = mask[:, :, None].expand(b, 1, group, s, mask.shape[3]).reshape(b, 1, group * s, mask.shape[3])
        scores = (qg @ k.transpose(2, 3).to(qg.dtype)) * (c.query_pre_attn_scalar**-0.5)
        scores = softcap(scores, c.attn_logit_softcapping) + gmask
        att = (torch.softmax(scores, dim=3).to(v.dtype) @ v).reshape(b, c.num_heads, s, d)
        attended = self.o_proj(att.transpose(1, 2).reshape(b, s, c.num_heads * d), gate)
        x = x + self.post_attention_layernorm(attended)
        hx = self.pre_feedforward_layernorm(x)
        mlp = self.down_proj(F.gelu(self.gate_proj(hx, gate), approximate="tanh") * self.up_proj(hx, gate), gate)
        return x + self.post_feedforward_layernorm(mlp), k, v


class GemmaCLPModel(CLPModel):
    """CLPModel with Gemma 3 blocks: the deltas, gate, delta state and trainable sets are CLPModel's."""

    cfg: GemmaConfig
    inv_freq_local: torch.Tensor  # the sliding layers' rope (register_buffer below)

    def __init__(self, cfg: GemmaConfig, clp: CLPConfig) -> None:
        if len(cfg.layer_types) != cfg.num_layers:
            raise ValueError(f"{len(cfg.layer_types)} layer types for {cfg.num_layers} layers")
        super().__init__(cfg, clp)
        steps = torch.arange(0, cfg.head_dim, 2, dtype=torch.float32) / cfg.head_dim
        self.register_buffer("inv_freq_local", 1.0 / (cfg.rope_local_theta**steps), persistent=False)

    def build_layer(self, index: int) -> nn.Module:
        return GemmaLayer(self.cfg, self.clp)

    def build_norm(self, dim: int) -> RMSNorm:
        return GemmaRMSNorm(dim, self.cfg.rms_eps)

    def load_base(self, state: dict[str, torch.Tensor]) -> None:
        with torch.no_grad():
            self.embed_tokens.copy_(state["model.embed_tokens.weight"])
            self.norm.weight.copy_(state["model.norm.weight"])
            for i, module in enumerate(self.layers):
                layer = cast(GemmaLayer, module)
                p = f"model.layers.{i}."
                for n in ATTENTION:
                    cast(CLPLinear, getattr(layer, n)).weight.copy_(state[p + f"self_attn.{n}.weight"])
                for n in MLP:
                    cast(CLPLinear, getattr(layer, n)).weight.copy_(state[p + f"mlp.{n}.weight"])
                for name, norm in layer.norms().items():
                    norm.weight.copy_(state[p + name + ".weight"])

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
        """The same contract as CLPModel.forward."""
        c = self.cfg
        b, s = input_ids.shape
        # scaled in the weights' dtype, as the reference does (it matters under bfloat16 weights)
        scale = torch.tensor(math.sqrt(c.hidden_size), dtype=self.embed_tokens.dtype)
        x = (F.embedding(input_ids, self.embed_tokens) * scale).float()
        rope = {FULL: rope_tables(position_ids, self.inv_freq), SLIDING: rope_tables(position_ids, self.inv_freq_local)}
        masks = {
            FULL: window_mask(attention_mask, s, None, x.dtype),
            SLIDING: window_mask(attention_mask, s, c.sliding_window, x.dtype),
        }
        gate = self.gate(weights, cond_mask) if self.clp.rank else None
        present = []
        for i, (layer, (pk, pv)) in enumerate(zip(self.layers, past)):
            kind = c.layer_types[i]
            cos, sin = rope[kind]
            x, k, v = layer(x, cos, sin, masks[kind], pk, pv, gate)
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
        # the head delta moves the logits before the cap, as a change of the head's weights would
        return softcap(logits, c.final_logit_softcapping), present
