"""A tiny randomly initialised model of the shipped architecture, exported with the real contract, for the
engine's tests (fast to load; outputs are gibberish but deterministic and steered by w).

    python -m steer_train.build_tiny --out models/tiny-random
"""

from __future__ import annotations

import argparse
from pathlib import Path

import torch

from .build_model import check_parity
from .config import RunConfig
from .export import export_model_dir
from .model import CLPConfig
from .onnx_runner import OnnxModel
from .pack import BASE
from .runtime import build_model


def build_tiny(out: Path, response_only: bool = True, prompt_conditioning: bool = False) -> dict:
    cfg = RunConfig(
        tiny=True,
        bf16=False,
        seed=0,
        clp=CLPConfig(rank=4, shared_rank=4, response_only=response_only, prompt_conditioning=prompt_conditioning),
    )
    model, tok, _ = build_model(cfg)
    with torch.no_grad():  # deltas start at zero; random ones make w change the output
        for name, p in model.named_parameters():
            if name.endswith(("clp_b", "shared_b")):
                p.normal_(0, 0.5)
    out.mkdir(parents=True, exist_ok=True)
    manifest = export_model_dir(
        model, tok, out, "tiny-random", {**BASE, "name": "tiny random (test only)"}, {}, ref_tokens=12
    )
    check_parity(out)
    check_parity(out, om=OnnxModel(out, "fused_float32"))
    return manifest


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--out", type=Path, default=Path("models/tiny-random"))
    build_tiny(ap.parse_args().out)
    print("tiny model written")


if __name__ == "__main__":
    main()
