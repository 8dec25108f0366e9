"""Building the model for a run: base weights (or a tiny random model), device, tokenizer, checkpoints."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import torch

from .base import load_base, load_tokenizer
from .config import RunConfig
from .model import CLPModel, ModelConfig

TINY = ModelConfig(
    vocab_size=49152, hidden_size=64, intermediate_size=128, num_layers=2, num_heads=4, num_kv_heads=2, head_dim=16
)


def pick_device(name: str) -> torch.device:
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    return torch.device(name)


def autocast(device: torch.device, enabled: bool = True):
    """bfloat16 matmuls: 2.3x the float32 throughput on a CPU with AVX512-BF16 and the norm on GPUs; on a CPU
    without it (AMD EPYC of the later machines) many times slower than float32, so a run's ``bf16 = false``
    turns it off."""
    return torch.autocast(device_type=device.type, dtype=torch.bfloat16, enabled=enabled)


def seed_all(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def build_model(cfg: RunConfig):
    """Returns (model, tokenizer, device). The tiny model keeps the real tokenizer and vocabulary."""
    if cfg.threads:
        torch.set_num_threads(cfg.threads)
    device = pick_device(cfg.device)
    base_cfg, state, tok_dir = load_base()
    if cfg.tiny:
        torch.manual_seed(cfg.seed)
        model = CLPModel(TINY, cfg.clp)
        # tiny_base_seed >= 0: a base independent of the CLP config (the same for every method of a comparison)
        gen = torch.Generator().manual_seed(cfg.tiny_base_seed) if cfg.tiny_base_seed >= 0 else None
        with torch.no_grad():
            for p in model.parameters():
                if not p.requires_grad:  # base weights random, norms one; deltas keep their own init
                    p.normal_(0, 0.02, generator=gen) if p.dim() == 2 else p.fill_(1.0)
    else:
        model = CLPModel(base_cfg, cfg.clp)
        model.load_base(state)
    model = model.to(device)
    if cfg.bf16:
        model.cast_frozen(torch.bfloat16)
    return model, load_tokenizer(tok_dir), device


def save_checkpoint(path: Path, model: CLPModel, opt: torch.optim.Optimizer, step: int, extra: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    torch.save(
        {
            "step": step,
            "shared": model.delta_state("shared"),
            "clp": model.delta_state("clp"),
            "opt": opt.state_dict(),
            "rng": torch.get_rng_state(),
            "extra": extra,
        },
        tmp,
    )
    tmp.replace(path)  # atomic: an interrupted save never leaves a broken checkpoint


def load_checkpoint(path: Path) -> dict | None:
    return torch.load(path, weights_only=False) if path.exists() else None


def load_run_deltas(model: CLPModel, out_dir: Path, rl_train: str = "clp") -> list[str]:
    """Loads the warm-up and RL deltas a run has checkpointed; returns which phases were found.
    rl_train: the deltas RL trained (RunConfig.rl_train); "shared" also takes the shared delta from RL."""
    found = []
    phases = [("sft", "shared"), ("rl", "clp")] + ([("rl", rl_train)] if rl_train != "clp" else [])
    for phase, key in phases:
        if ck := load_checkpoint(Path(out_dir) / "checkpoints" / f"{phase}.pt"):
            model.load_deltas(ck[key])
            found.append(f"{phase}@{ck['step']}")
    return sorted(set(found), key=found.index)
