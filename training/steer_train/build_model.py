"""Rebuilds a shipped model directory from the base package and the committed deltas.

    python -m steer_train.build_model --model-dir models/clp-smollm2-135m

Writes onnx/model.onnx (float32), onnx/model_quantized.onnx (int8, CPU), tokenizer.json and
reference_tokens.json next to the committed manifest.json and deltas.safetensors, then checks that the
ONNX graph reproduces the PyTorch model's greedy tokens.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from .base import load_base, load_tokenizer
from .deltas import load_deltas, read_clp_config
from .export import export_model_dir
from .model import CLPModel
from .onnx_runner import OnnxModel


def build(model_dir: Path) -> dict:
    t0 = time.time()
    manifest = json.loads((model_dir / "manifest.json").read_text())
    cfg, state, tok_dir = load_base()
    model = CLPModel(cfg, read_clp_config(model_dir / "deltas.safetensors"))
    model.load_base(state)
    load_deltas(model, model_dir / "deltas.safetensors")
    tok = load_tokenizer(tok_dir)
    export_model_dir(model, tok, model_dir, manifest["id"], manifest["base"], manifest["evaluation"])
    check = check_parity(model_dir, n=2)
    sizes = {p.name: round(p.stat().st_size / 2**20, 1) for p in (model_dir / "onnx").glob("*.onnx")}
    print(json.dumps({"model_dir": str(model_dir), "sizes_mb": sizes, "parity": check,
                      "seconds": round(time.time() - t0)}, indent=1))
    return check


def check_parity(model_dir: Path, n: int | None = None) -> dict:
    """Greedy tokens of the float graph against the reference tokens written from PyTorch."""
    refs = json.loads((model_dir / "reference_tokens.json").read_text())[:n]
    om = OnnxModel(model_dir, "float32")
    same = sum(om.greedy(r["prompt_tokens"], r["weights"], r["max_new_tokens"]) == r["tokens"] for r in refs)
    if same != len(refs):
        raise SystemExit(f"ONNX greedy tokens differ from PyTorch on {len(refs) - same} of {len(refs)} prompts")
    return {"greedy_equal": f"{same}/{len(refs)}"}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model-dir", type=Path, default=Path("models/clp-smollm2-135m"))
    build(ap.parse_args().model_dir)


if __name__ == "__main__":
    main()
