"""Rebuilds a shipped model directory from the base package and the committed deltas.

    python -m steer_train.build_model --model-dir models/clp-smollm2-135m

Writes onnx/model.onnx (float32), onnx/model_quantized.onnx (4-bit, CPU), onnx/model_fused.onnx and
onnx/model_fast.onnx (the fused graphs: float32, and 4-bit for the CPU), tokenizer.json and
reference_tokens.json next to the committed manifest.json and deltas.safetensors, then checks that the
float graphs reproduce the PyTorch model's greedy tokens.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
import torch

from .config import RunConfig
from .deltas import load_deltas, read_clp_config, read_meta
from .export import export_model_dir
from .model import CLPModel
from .onnx_runner import OnnxModel
from .runtime import build_model


def build(model_dir: Path) -> dict:
    t0 = time.time()
    manifest = json.loads((model_dir / "manifest.json").read_text())
    deltas = model_dir / "deltas.safetensors"
    meta = read_meta(deltas)
    # a tiny test model's random base is rebuilt from its seed
    run = RunConfig(tiny=bool(meta.get("tiny")), seed=int(meta.get("seed", 0)), clp=read_clp_config(deltas), bf16=False)
    model, tok, _ = build_model(run)
    load_deltas(model, deltas)
    # the last check's levels were measured on this model: kept as committed (the export keeps only those)
    decoding = manifest.get("decoding", {})
    export_model_dir(model, tok, model_dir, manifest["id"], manifest["base"], manifest["evaluation"], measured=decoding)
    float_graph = OnnxModel(model_dir, "float32")  # loaded once for both checks
    check = {**check_parity(model_dir, n=2, om=float_graph), **logit_parity(model, model_dir, float_graph)}
    # the fused graph is written node by node, not traced: every reference, and its logits, like the traced one
    fused = OnnxModel(model_dir, "fused_float32")
    check["fused_float32_greedy_equal"] = check_parity(model_dir, om=fused)["greedy_equal"]
    check.update(logit_parity(model, model_dir, fused, graphs=("fused_float32", "fast")))
    sizes = {p.name: round(p.stat().st_size / 2**20, 1) for p in (model_dir / "onnx").glob("*.onnx")}
    print(
        json.dumps(
            {"model_dir": str(model_dir), "sizes_mb": sizes, "parity": check, "seconds": round(time.time() - t0)},
            indent=1,
        )
    )
    return check


def check_parity(model_dir: Path, n: int | None = None, om: OnnxModel | None = None) -> dict:
    """Greedy tokens of the float graph against the pure-greedy reference tokens written from PyTorch (the
    grounded ones are the engine's to reproduce: test/engine/reference.test.ts)."""
    refs = [r for r in json.loads((model_dir / "reference_tokens.json").read_text()) if not r.get("grounded")][:n]
    om = om or OnnxModel(model_dir, "float32")
    same = sum(om.greedy(r["prompt_tokens"], r["weights"], r["max_new_tokens"]) == r["tokens"] for r in refs)
    if same != len(refs):
        raise SystemExit(f"ONNX greedy tokens differ from PyTorch on {len(refs) - same} of {len(refs)} prompts")
    return {"greedy_equal": f"{same}/{len(refs)}"}


def logit_parity(
    model: CLPModel,
    model_dir: Path,
    float_graph: OnnxModel | None = None,
    graphs: tuple[str, ...] = ("float32", "quantized"),
) -> dict:
    """Largest difference between PyTorch and ONNX next-token logits (float and quantized graphs) on the
    reference prompts, each run whole with its reference weighting; and how often the top token agrees.
    float_graph: the already loaded session of graphs[0]."""
    # grounded references repeat the same prompts
    refs = [r for r in json.loads((model_dir / "reference_tokens.json").read_text()) if not r.get("grounded")]
    model = model.float().eval()
    cases = []
    for r in refs:
        n = len(r["prompt_tokens"])
        args = (
            np.array([r["prompt_tokens"]]),
            np.ones((1, n)),
            np.arange(n)[None],
            np.array([r["weights"]], np.float32),
        )
        with torch.no_grad():
            t = [torch.from_numpy(a).long() for a in args[:3]]
            want, _ = model(*t, model.empty_past(1), torch.from_numpy(args[3]), last_logits=1)
        cases.append((args, want.numpy()))
    out = {}
    for graph in graphs:
        om = float_graph if graph == graphs[0] and float_graph else OnnxModel(model_dir, graph)
        diffs, agree = [], []
        for args, want in cases:
            got, _ = om.forward(*args, om.empty_past(1))
            diffs.append(float(np.abs(got - want).max()))
            agree.append(float(got[0, -1].argmax() == want[0, -1].argmax()))
        out[graph] = {"max_abs_logit_diff": round(max(diffs), 6), "argmax_agreement": round(float(np.mean(agree)), 4)}
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model-dir", type=Path, default=Path("models/clp-smollm2-135m"))
    build(ap.parse_args().model_dir)


if __name__ == "__main__":
    main()
