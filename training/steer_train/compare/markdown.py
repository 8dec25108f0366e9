"""The comparison's section of report.md: the table of methods, who wins where, where CLP does not, the cost of
a new w at inference, the soup check and what each method is."""

from __future__ import annotations

import math

from ..rewards import OBJECTIVES
from .config import CompareConfig, Method, method_config, shared_run


def _f(x, d=3) -> str:
    return "-" if x is None or (isinstance(x, float) and not math.isfinite(x)) else f"{x:.{d}f}"


def comparison_markdown(cc: CompareConfig, comp: dict, descriptions: dict[str, str]) -> list[str]:
    run = shared_run(cc)
    lines = ["## Comparison", ""]
    lines += [
        f"Every method: the same base model, the same warm-up (SFT, {run.sft_steps} steps, trained once), the same "
        f"training documents and rewards, the same RL budget ({run.rl_steps} steps × {run.rl_prompts} documents × "
        f"{run.rl_samples} samples; Rewarded Soups: "
        + ("split across its members" if cc.soup_budget == "split" else "that many per member")
        + f") and the same {comp['documents']} held-out documents. Hypervolume 90% intervals: {comp['bootstrap']} "
        "document resamples; P(best CLP higher): the share of those resamples in which the best CLP variant's "
        f"hypervolume (`{comp['best_clp']}`) is higher (it was picked on these same documents).",
        "",
    ]
    header = ["Method", "Family", "Hypervolume [90% CI]", "P(best CLP higher)", "Steer (mean)", "Degenerate"]
    header += ["RL samples", "Trained params", "RL s"]
    rows = []
    for n, r in comp["methods"].items():
        b = r["budget"]
        lo, hi = r["hv_ci90"]
        rows.append(
            [
                f"`{n}`",
                r["family"],
                f"{_f(r['hypervolume'], 4)} [{_f(lo, 4)}, {_f(hi, 4)}]",
                _f(r.get("p_best_clp_hv_higher"), 2),
                _f(r["steerability_mean"], 2),
                f"{100 * r['degenerate_rate']:.1f}%",
                str(b["rl_samples"]),
                f"{b['trained_params']:,}",
                _f(b["rl_seconds"], 0),
            ]
        )
    lines += ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(r) + " |" for r in rows] + [""]

    lines += ["### Who wins where", ""]
    for w in comp["wins"]:
        if len(w["tied"]) > 1:
            line = f"- {w['criterion']}: tie at {_f(w['value'])} between " + ", ".join(f"`{n}`" for n in w["tied"])
        else:
            line = f"- {w['criterion']}: **`{w['winner']}`** {_f(w['value'])}"
        if "best_clp" in w and w["best_clp"] not in w["tied"]:
            line += f" (best CLP variant `{w['best_clp']}` {_f(w['best_clp_value'])})"
        others = sorted(w["values"].items(), key=lambda kv: -kv[1] if "lower" not in w["criterion"] else kv[1])
        line += "; all: " + ", ".join(f"{n} {_f(v)}" for n, v in others)
        lines.append(line)
    lines += ["", "### Where CLP does not win", ""]
    if comp["clp_does_not_win"]:
        for w in comp["clp_does_not_win"]:
            lines.append(
                f"- {w['criterion']}: `{w['winner']}` {_f(w['value'])} beats every CLP variant "
                f"(best `{w['best_clp']}` {_f(w['best_clp_value'])})"
            )
    else:
        lines.append("- no criterion above is won by a non-CLP method at this scale (see the intervals).")
    lines.append("")

    lines += ["### Cost of changing w at inference", ""]
    fp32 = [m.name for m in cc.methods if m.name in comp["methods"] and not method_config(cc, m).bf16]
    lines += [
        "One decoding forward (the prompt's last token with its cache, batch 1) with the same w as the cached "
        "prompt, versus everything needed to get the first token under a new w; median ms over "
        f"{cc.timing_repeats} repeats, device `{run.device}`, {run.threads or 'default'} thread(s), PyTorch"
        + (f" (float32 weights for {', '.join(f'`{n}`' for n in fp32)}, bfloat16 for the rest)." if fp32 else "."),
        "",
    ]
    header = ["Method", "Same w (ms)", "New w (ms)", "Prefill (ms)", "Merge (ms)", "Reload + merge (ms)", "Work"]
    lines += ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    for n, r in comp["methods"].items():
        t = r["timing"]
        lines.append(
            f"| `{n}` | {_f(t['same_w_ms'], 2)} | {_f(t['new_w_ms'], 2)} | {_f(t['prefill_ms'], 2)} | "
            f"{_f(t.get('merge_ms'), 2)} | {_f(t.get('reload_merge_ms'), 2)} | {t['new_w_work']} |"
        )
    lines.append("")
    checks = {n: r["vertex_max_abs_logit_diff"] for n, r in comp["methods"].items() if "vertex_max_abs_logit_diff" in r}
    for n, d in checks.items():
        lines.append(
            f"Soup check (`{n}`): merged at each vertex vs that objective's own model, max |logit difference| "
            + ", ".join(f"{o} {v:.2e}" for o, v in zip(OBJECTIVES, d))
            + (" (float32 weights)." if n in fp32 else " (bfloat16 weights).")
        )
    if checks:
        lines.append("")
    lines += ["### Methods", ""]
    lines += [f"- `{n}`: {d}" for n, d in descriptions.items()] + [""]
    return lines


def describe_method(cc: CompareConfig, m: Method) -> str:
    if m.description:
        return m.description
    if m.kind == "base":
        return "the untrained base model asked in words (vertices and balanced point only)."
    c = method_config(cc, m)
    if m.kind == "soup":
        return (
            f"Rewarded Soups: one model per objective (w fixed to its vertex, subset {c.clp.subset}, rank "
            f"{c.clp.rank}, all positions), deltas merged as θ_shared + Σ w_i Δθ_i for every w."
        )
    if c.clp.rank == 0:
        return f"prompt conditioning only: w written into the prompt; RL trains the {c.rl_train} delta."
    pos = "response-only" if c.clp.response_only else "all positions"
    pc = ", w also in the prompt" if c.clp.prompt_conditioning else ""
    return f"CLP, subset {c.clp.subset}, rank {c.clp.rank}, {pos}{pc}."
