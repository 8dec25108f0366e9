"""Packs a trained run into models/<id>/: deltas.safetensors (float16) and manifest.json with the
evaluation's headline numbers. The graphs are then rebuilt from these by steer_train.build_model.

    python -m steer_train.pack --config training/configs/shipped.json --model-dir models/clp-smollm2-135m
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from .base import BASE_FILE, BASE_LICENCE, BASE_NAME, BASE_PACKAGE
from .config import RunConfig, load_config, split_model_dir
from .deltas import save_deltas
from .export import write_manifest
from .rl import RL_FILE
from .runtime import build_model, load_run_deltas
from .sft import SHARED_FILE, resume_committed

BASE = {"name": BASE_NAME, "licence": BASE_LICENCE, "package": BASE_PACKAGE, "file": BASE_FILE}


def headline(results_path: Path) -> dict:
    if not results_path.exists():
        return {}
    clp = json.loads(results_path.read_text()).get("clp", {})
    keys = ("hypervolume", "hv_reference", "steerability", "degenerate_rate", "rouge_l", "length_ratios", "n_documents")
    return {"report": str(results_path.parent / "report.md"), **{k: clp.get(k) for k in keys}}


def pack(cfg: RunConfig, model_dir: Path, model_id: str) -> None:
    model, tok, _ = build_model(cfg)
    phases = load_run_deltas(model, Path(cfg.out_dir), cfg.rl_train)
    # a run that began from committed deltas (another session's, or a machine's) may have no checkpoint of a
    # phase: its committed file is then that phase's deltas
    for phase, name in (("sft", SHARED_FILE), ("rl", RL_FILE)):
        if not any(p.startswith(f"{phase}@") for p in phases):
            if (meta := resume_committed(model, Path(cfg.out_dir) / name, phase)) is not None:
                phases.append(f"{phase}@{meta.get('step', '0')}")
    evaluation = headline(Path(cfg.reports) / "results.json")
    save_deltas(
        model, model_dir / "deltas.safetensors", {"phases": phases, "run": cfg.name, "tiny": cfg.tiny, "seed": cfg.seed}
    )
    write_manifest(model_dir, model, tok, model_id, BASE, evaluation)
    print(f"packed {phases} into {model_dir}")


def main() -> None:
    model_dir, argv = split_model_dir(sys.argv[1:])
    cfg = load_config(argv)
    pack(cfg, model_dir, model_dir.name)


if __name__ == "__main__":
    main()
