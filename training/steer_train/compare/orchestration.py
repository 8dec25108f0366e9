"""A comparison from start to end: each method's run directory, training, evaluation, analysis and the report."""

from __future__ import annotations

import json
import time
from dataclasses import asdict
from pathlib import Path

from ..data import EVAL_SETS
from ..evaluate import held_out
from ..metrics import RANKING_KEY, compare_methods
from ..report import write_report
from ..rewards import OBJECTIVES, Rewards
from ..runtime import seed_all
from .analysis import analyse
from .config import CompareConfig, check_same_training, member_configs, method_config, shared_run
from .evaluation import evaluate_method
from .markdown import comparison_markdown, describe_method
from .train import train_policy, train_warmup


def run(cc: CompareConfig, train: bool = True, only: list[str] | None = None) -> dict:
    methods = [m for m in cc.methods if not only or m.name in only]
    if only and len(methods) != len(only):
        raise SystemExit(f"unknown methods in --only: {sorted(set(only) - {m.name for m in cc.methods})}")
    root = Path(cc.out_root)
    root.mkdir(parents=True, exist_ok=True)
    check_same_training(cc, root / "compare_config.json")
    (root / "compare_config.json").write_text(cc.to_json())
    log = (root / "compare_log.jsonl").open("a")

    def note(**rec):
        log.write(json.dumps({"time": time.strftime("%Y-%m-%d %H:%M:%S"), **rec}) + "\n")
        log.flush()
        print("[compare]", rec, flush=True)

    for m in methods:  # every method's run directory holds its config
        d = Path(method_config(cc, m).out_dir)
        d.mkdir(parents=True, exist_ok=True)
        if m.kind != "policy":  # rl.main writes the policies' own
            (d / "config.json").write_text(
                json.dumps({"method": asdict(m), "run": asdict(method_config(cc, m))}, indent=2)
            )
    if train:
        t = time.time()
        warm = train_warmup(cc)
        note(phase="warmup", seconds=round(time.time() - t, 1))
        for m in methods:
            t = time.time()
            if m.kind == "policy":
                train_policy(method_config(cc, m), warm)
            elif m.kind == "soup":
                for c in member_configs(cc, m):
                    train_policy(c, warm)
            if m.kind != "base":
                note(phase="rl", method=m.name, seconds=round(time.time() - t, 1))

    run_cfg = shared_run(cc)
    seed_all(run_cfg.seed)
    examples = held_out(run_cfg)
    rewards = Rewards()
    evals = {}
    for m in methods:
        t = time.time()
        evals[m.name] = evaluate_method(cc, m, examples, rewards)
        note(phase="eval", method=m.name, seconds=round(time.time() - t, 1))
    records = [r for e in evals.values() for r in e["records"]]
    results = compare_methods(records, list(OBJECTIVES), cc.hv_reference)
    comp = analyse(cc, results, evals)
    results["comparison"] = comp
    out = Path(cc.report_dir)
    descriptions = {m.name: describe_method(cc, m) for m in methods}
    notes = [
        f"comparison {cc.name}: {len(methods)} methods, {len(examples)} held-out test documents from "
        f"{', '.join(EVAL_SETS)}; greedy decoding, no-repeat-ngram {run_cfg.eval_no_repeat_ngram}, at most "
        f"{run_cfg.eval_max_new_tokens} new tokens; simplex grid of {run_cfg.eval_divisions} divisions; "
        f"{'tiny random model (test only)' if run_cfg.tiny else 'base SmolLM2-135M-Instruct'}; device "
        f"{run_cfg.device}. Runs in `{cc.out_root}/<method>/`.",
    ]
    write_report(results, out, f"Method comparison: {cc.name}", notes)
    report = out / "report.md"
    text = report.read_text()
    extra = "\n".join(comparison_markdown(cc, comp, descriptions)) + "\n"
    cut = text.find("## Fronts") if "## Fronts" in text else text.find("## Method")
    report.write_text(text[:cut] + extra + text[cut:] if cut >= 0 else text + "\n" + extra)
    with (out / "samples.jsonl").open("w") as f:
        for r in records:
            f.write(json.dumps(r) + "\n")
    summary = {n: (round(results[n]["hypervolume"], 4), round(results[n]["steerability_mean"], 3)) for n in evals}
    note(phase="report", report=str(report), hv_steer=summary, ranking=[r["method"] for r in results[RANKING_KEY]])
    return results
