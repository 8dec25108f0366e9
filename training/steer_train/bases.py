"""The base models by name: for each, where its weights come from, its model family, its chat prompt and the
tokens that end a reply. The one switch between families, so a comparison (compare_bases.py) or, later, a
training run names a base and gets a model that the generation code drives alike."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch

from . import base as smollm2
from . import gemma_base
from .data import build_prompt
from .gemma import GemmaCLPModel
from .model import CLPConfig, CLPModel, ModelConfig


@dataclass(frozen=True)
class Base:
    name: str  # the model it is
    licence: str
    load: Callable[[], tuple[ModelConfig, dict[str, torch.Tensor], Path]]  # config, float weights, tokenizer dir
    family: type[CLPModel]
    prompt: Callable[..., str]  # data.build_prompt's signature
    stop_ids: Callable[[Any], list[int]]  # from the tokenizer


BASES = {
    "smollm2": Base(
        smollm2.BASE_NAME,
        smollm2.BASE_LICENCE,
        smollm2.load_base,
        CLPModel,
        build_prompt,
        lambda tok: [int(tok.eos_token_id)],
    ),
    "gemma3": Base(
        gemma_base.GEMMA_NAME,
        gemma_base.GEMMA_LICENCE,
        gemma_base.load_gemma_base,
        GemmaCLPModel,
        gemma_base.build_gemma_prompt,
        gemma_base.stop_ids,
    ),
    # the same weights, prompted as text to continue: what the pretrained model can do without the turns
    "gemma3-completion": Base(
        gemma_base.GEMMA_NAME + " (completion prompt)",
        gemma_base.GEMMA_LICENCE,
        gemma_base.load_gemma_base,
        GemmaCLPModel,
        gemma_base.build_gemma_completion_prompt,
        gemma_base.completion_stop_ids,
    ),
}


def build_base(key: str, clp: CLPConfig) -> tuple[CLPModel, Any, Base]:
    """The named base as a CLP model (deltas at their zero start) on the CPU in float32, and its tokenizer."""
    from transformers import AutoTokenizer

    spec = BASES[key]
    cfg, state, tok_dir = spec.load()
    model = spec.family(cfg, clp)  # each loader returns its own family's config
    model.load_base(state)
    return model.eval(), AutoTokenizer.from_pretrained(tok_dir), spec
