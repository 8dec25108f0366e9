"""Training of the comparison's runs: the warm-up once, then each method's RL from a copy of it, and loading a
trained run back. Resumable: a finished phase is skipped."""

from __future__ import annotations

import shutil
from pathlib import Path

import torch

from .. import rl, sft
from ..config import RunConfig
from ..runtime import build_model, load_checkpoint
from .config import CompareConfig, warmup_config
from .variants import variant_for


def _done(path: Path, steps: int) -> bool:
    ck = load_checkpoint(path)
    if not ck:
        return False
    return ck["step"] >= steps


def train_warmup(cc: CompareConfig) -> Path:
    cfg = warmup_config(cc)
    path = Path(cfg.out_dir) / "checkpoints" / "sft.pt"
    if not path.exists() and cc.warmup_from and _done(Path(cc.warmup_from), cfg.sft_steps):
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(cc.warmup_from, path)
    if not _done(path, cfg.sft_steps):
        sft.main(cfg)
    return path


def train_policy(cfg: RunConfig, warmup: Path) -> None:
    ckpts = Path(cfg.out_dir) / "checkpoints"
    if _done(ckpts / "rl.pt", cfg.rl_steps):
        return
    if not (ckpts / "rl.pt").exists():  # a resumed run keeps the warm-up it started from
        ckpts.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(warmup, ckpts / "sft.pt")
    rl.main(cfg, variant_for(cfg))


def load_policy(cfg: RunConfig):
    """A trained run: warm-up shared delta, then the RL deltas (and the RL shared delta when RL trained it)."""
    model, tok, device = build_model(cfg)
    ckpts = Path(cfg.out_dir) / "checkpoints"
    model.load_deltas(torch.load(ckpts / "sft.pt", weights_only=False)["shared"])
    ck = torch.load(ckpts / "rl.pt", weights_only=False)
    model.load_deltas(ck["clp"])
    if cfg.rl_train != "clp":
        model.load_deltas(ck[cfg.rl_train])
    return model.eval(), tok, device
