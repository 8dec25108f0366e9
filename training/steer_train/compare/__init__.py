"""Comparison of steering methods with the same base model, warm-up, data, rewards, RL budget and held-out documents.

    python -m steer_train.compare --config training/configs/compare_cpu.json [--only=clp-all,rewarded-soups]
        [--no-train] [--key=value ...]   (RunConfig settings of every method, e.g. --rl_steps=20 --clp.rank=4,
                                          or comparison settings, e.g. --timing_repeats=5)

Methods (``kind`` in the config):

- ``base``: the prompted base model (``evaluate.evaluate_prompted_base``), no training.
- ``policy``: one model trained by ``rl.main`` and evaluated by ``evaluate.evaluate_clp`` over the simplex grid.
  CLP variants have ``clp.rank > 0`` (w drives the per-objective deltas); prompt conditioning alone
  (Rewards-in-Context style) has ``clp.rank = 0``, ``clp.prompt_conditioning = true`` and ``rl_train = "shared"``
  (RL trains the unconditioned delta; w only reaches the model through the prompt).
- ``soup``: Rewarded Soups. One model per objective, each trained by ``rl.main`` with w fixed to that objective's
  vertex (``rl_weights``), so only that objective's delta block moves: Δθ_i. At inference the deltas are merged
  into the weights, θ(w) = θ_shared + Σ_i w_i Δθ_i (:class:`Soup`), and every new w needs a new merge.

Every method's run lives in ``<out_root>/<method>/`` (config.json, rl_log.jsonl; checkpoints/ not committed). The
warm-up (SFT) is trained once in ``<out_root>/warmup/`` and copied into every run. Writes ``<report_dir>/``
results.json, report.md, front_<a>_<b>.png (all methods on one plot per pair of objectives) and samples.jsonl.

Modules: ``config`` (methods and their run configs), ``variants`` (the RL loop's departures for the methods),
``train`` (warm-up and RL), ``soup`` (the Rewarded Soups merge), ``timing`` (the cost of a new w), ``evaluation``
(one method's records, timing and budget), ``analysis`` (intervals, who wins where), ``markdown`` (the report's
comparison section), ``orchestration`` (a comparison end to end) and ``cli``.
"""

from .cli import main
from .config import (
    KINDS,
    CompareConfig,
    Method,
    load_compare_config,
    member_configs,
    method_config,
    parse_compare_config,
    shared_run,
)
from .orchestration import run
from .soup import Soup, assemble_blocks, evaluate_soup, soup_vertex_check
from .train import load_policy, train_policy, train_warmup
from .variants import fixed_weights, policy_prefix, trained_prompt_prefixes

__all__ = [
    "KINDS",
    "CompareConfig",
    "Method",
    "Soup",
    "assemble_blocks",
    "evaluate_soup",
    "fixed_weights",
    "load_compare_config",
    "load_policy",
    "main",
    "member_configs",
    "method_config",
    "parse_compare_config",
    "policy_prefix",
    "run",
    "shared_run",
    "soup_vertex_check",
    "train_policy",
    "train_warmup",
    "trained_prompt_prefixes",
]
