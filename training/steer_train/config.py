"""One config object per run, read from a JSON file and overridable from the command line (nanoGPT style)."""

from __future__ import annotations

import json
import sys
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from .model import CLPConfig


@dataclass
class RunConfig:
    name: str = "dev"
    data_dir: str = "../shared/data/summarization"
    out_dir: str = "training/runs/dev"
    report_dir: str = ""  # evaluation reports; default training/reports/<name>
    seed: int = 0
    device: str = "auto"  # auto | cpu | cuda
    threads: int = 0  # 0 = torch default
    clp: CLPConfig = field(default_factory=CLPConfig)
    bf16: bool = True  # frozen weights in bfloat16 and bfloat16 autocast (training, rollouts, evaluation)
    tiny: bool = False  # a randomly initialised model of the same architecture, for tests
    # >= 0: the tiny model's random base comes from its own generator with this seed, so it is the same whatever
    # the CLP config (method comparisons); -1: drawn after the deltas' initialisation (depends on the CLP config)
    tiny_base_seed: int = -1
    # the data sets (folders of data_dir) SFT and RL train on, comma-separated; "" = data.TRAIN_SETS. With
    # data_dir at a build of steer_train.editor_data: "news,dialogue,science,docs,code,long,email"
    train_sets: str = ""
    # supervised warm-up (trains the shared delta)
    sft_steps: int = 60
    sft_batch: int = 8
    sft_lr: float = 3e-4
    sft_max_doc_words: int = 260
    sft_max_summary_words: int = 120
    # train only on references that pass the grounding rule (no name or number the document lacks, no markup)
    sft_grounded_references: bool = True
    # a bound on prompt tokens too: 600 words of code or chat are thousands of tokens, and eager attention's
    # memory grows with their square (two runs were killed at 19-21 GB); 0 is no bound
    sft_max_prompt_tokens: int = 0
    # multi-objective RL (trains the per-objective deltas)
    rl_steps: int = 200
    rl_prompts: int = 4  # documents per step
    rl_samples: int = 4  # samples per document (leave-one-out baseline)
    rl_lr: float = 1e-3
    rl_kl: float = 0.02
    rl_kl_per_token: bool = False  # KL penalty as the mean over response tokens instead of their sum
    rl_scale_rewards: bool = True  # divide each reward by its running within-document std (reward_shaping.RewardScale)
    # what concise pays in RL: "reward" (the concise reward itself) or "log_length" (minus the log of the summary's
    # length, 0 when the summary is ungrounded): the reward saturates on documents over ~300 words (a 10- and a
    # 50-word summary of a README both score ~0.98), so concise had no say over length on long documents, code and
    # READMEs; log length pays a halving of length alike on every document. The reward the log reports is unchanged.
    rl_concise_signal: str = "reward"
    # rows per backward pass of an RL step (whole documents; 0 = the whole batch at once): memory is bounded by
    # this, not by rl_prompts x rl_samples; the gradient is the same
    rl_update_rows: int = 0
    rl_max_new_tokens: int = 80
    rl_max_doc_words: int = 260
    # draw each step's documents set by set (a set, then one of its documents) instead of row by row, so that a
    # small set (docs: ~100 READMEs beside 3,000 dialogues) is seen as often as a large one
    rl_balance_sets: bool = False
    rl_dirichlet: float = 1.0  # concentration of the Dirichlet that samples w
    rl_vertex_prob: float = 0.25  # share of prompts whose w is a vertex of the simplex
    rl_temperature: float = 1.0
    # the KL penalty's reference: "warmup" (the warmed-up model with w = 0) or "start" (a frozen copy of the policy
    # as RL began, at the same w: a run that goes on from a trained CLP keeps the steering it has while it learns
    # new kinds of document; the mix run lost faithful steering against the warm-up reference)
    rl_kl_anchor: str = "warmup"
    rl_snapshot_every: int = 0  # > 0: also keep the per-objective deltas of every n-th step (snapshots/)
    # which deltas RL trains: "clp" (the per-objective deltas); "shared" (the unconditioned delta, e.g. prompt
    # conditioning alone with clp.rank = 0; the KL reference is then a frozen copy of the warmed-up model)
    rl_train: str = "clp"
    rl_weights: str = ""  # a fixed weighting for every prompt, e.g. "1,0,0" (single-objective RL); "" = sampled
    # RL rollouts and evaluation decode under the engine's grounded-decoding rules (grounding/): the policy
    # learns under the rule it is served with
    grounded: bool = True
    max_minutes: float = 0.0  # stop a phase after this many minutes (0 = no limit), checkpointing first
    checkpoint_every: int = 10
    # evaluation
    eval_docs: int = 40
    eval_divisions: int = 4  # 15 points of the simplex for three objectives
    eval_max_new_tokens: int = 128
    eval_no_repeat_ngram: int = 4
    # a packed deltas.safetensors (models/<id>/) to evaluate instead of the run's checkpoints
    eval_deltas: str = ""

    @property
    def sets(self) -> tuple[str, ...]:
        from .data import TRAIN_SETS

        return tuple(s.strip() for s in self.train_sets.split(",") if s.strip()) or TRAIN_SETS

    @property
    def reports(self) -> str:
        return self.report_dir or f"training/reports/{self.name}"

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2)


def _coerce(value: str, like: object) -> object:
    if isinstance(like, bool):
        return value.lower() in ("1", "true", "yes")
    if isinstance(like, int):
        return int(value)
    if isinstance(like, float):
        return float(value)
    return value


DEFAULT_MODEL_DIR = "models/clp-smollm2-135m"


def split_model_dir(argv: list[str]) -> tuple[Path, list[str]]:
    """Takes `--model-dir DIR` (default models/clp-smollm2-135m) out of argv; the rest is a run config."""
    if "--model-dir" not in argv:
        return Path(DEFAULT_MODEL_DIR), argv
    i = argv.index("--model-dir")
    return Path(argv[i + 1]), argv[:i] + argv[i + 2 :]


def load_config(argv: list[str] | None = None) -> RunConfig:
    """`--config FILE` then `--key=value` overrides; `--clp.rank=4` reaches the CLP sub-config."""
    argv = sys.argv[1:] if argv is None else argv
    cfg = RunConfig()
    rest = []
    i = 0
    while i < len(argv):
        if argv[i] == "--config":
            raw = json.loads(Path(argv[i + 1]).read_text())
            clp = raw.pop("clp", {})
            cfg = RunConfig(**raw, clp=CLPConfig(**clp))
            i += 2
        else:
            rest.append(argv[i])
            i += 1
    for arg in rest:
        if not arg.startswith("--") or "=" not in arg:
            raise SystemExit(f"bad argument {arg!r}: use --key=value")
        key, value = arg[2:].split("=", 1)
        target = cfg.clp if key.startswith("clp.") else cfg
        key = key.removeprefix("clp.")
        names = {f.name for f in fields(target)}
        if key not in names:
            raise SystemExit(f"unknown setting {key!r}")
        setattr(target, key, _coerce(value, getattr(target, key)))
    return cfg
