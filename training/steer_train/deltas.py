"""The committed form of a trained model: its low-rank deltas (float16 safetensors) and CLP config."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import torch
from safetensors.torch import load_file, save_file

from .model import CLPConfig, CLPModel


def save_deltas(model: CLPModel, path: Path, meta: dict) -> None:
    state = {**model.delta_state("shared"), **model.delta_state("clp")}
    state = {k: v.to(torch.float16).contiguous() for k, v in state.items()}
    meta = {"clp": json.dumps(asdict(model.clp)), **{k: json.dumps(v) for k, v in meta.items()}}
    path.parent.mkdir(parents=True, exist_ok=True)
    save_file(state, str(path), metadata=meta)


def read_clp_config(path: Path) -> CLPConfig:
    return CLPConfig(**read_meta(path)["clp"])


def read_meta(path: Path) -> dict:
    from safetensors import safe_open

    with safe_open(str(path), "pt") as f:
        return {k: json.loads(v) for k, v in f.metadata().items()}


def load_deltas(model: CLPModel, path: Path) -> None:
    model.load_deltas({k: v.float() for k, v in load_file(str(path)).items()})
