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
"""

from __future__ import annotations

import contextlib
import copy
import itertools
import json
import math
import shutil
import statistics
import sys
import time
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path

import numpy as np
import torch

from . import rl, sft
from .config import RunConfig, _coerce
from .data import EVAL_SETS, build_prompt
from .evaluate import evaluate_clp, evaluate_prompted_base, generate_rows, held_out, records_for
from .generate import Prefix, build_prefix
from .metrics import RANKING_KEY, VERTEX_TOL, compare_methods, hypervolume, simplex_grid
from .model import CLPConfig, CLPLinear, CLPModel
from .report import write_report
from .rewards import OBJECTIVES, Rewards
from .runtime import autocast, build_model, load_checkpoint, seed_all

KINDS = ("base", "policy", "soup")


@dataclass
class Method:
    name: str
    kind: str  # base | policy | soup
    clp: dict = field(default_factory=dict)  # CLPConfig overrides of the comparison's run config
    run: dict = field(default_factory=dict)  # RunConfig overrides
    description: str = ""


@dataclass
class CompareConfig:
    name: str = "compare"
    out_root: str = "training/runs/compare"
    report_dir: str = "training/reports/compare"
    hv_reference: list[float] = field(default_factory=lambda: [0.0, 0.0, 0.0])  # fixed for every method
    # split: the soup's members share the RL steps (the same samples in all as every other method);
    # full: every member gets rl_steps (m times the budget)
    soup_budget: str = "split"
    timing_repeats: int = 10
    bootstrap: int = 500  # document resamples for the hypervolume intervals
    # an existing warm-up checkpoint (sft.pt) to start every method from instead of training one; it must have been
    # trained with this comparison's settings and have run at least sft_steps
    warmup_from: str = ""
    run: RunConfig = field(default_factory=RunConfig)
    methods: list[Method] = field(default_factory=list)

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2)


def parse_compare_config(raw: dict) -> CompareConfig:
    raw = copy.deepcopy(raw)
    run = raw.pop("run", {})
    clp = run.pop("clp", {})
    methods = [Method(**m) for m in raw.pop("methods", [])]
    cc = CompareConfig(**raw, run=RunConfig(**run, clp=CLPConfig(**clp)), methods=methods)
    for m in cc.methods:
        if m.kind not in KINDS:
            raise SystemExit(f"method {m.name}: unknown kind {m.kind!r}, expected one of {KINDS}")
    if len({m.name for m in cc.methods}) != len(cc.methods):
        raise SystemExit("method names must be unique")
    return cc


def load_compare_config(argv: list[str] | None = None) -> tuple[CompareConfig, dict]:
    """`--config FILE`, then `--key=value` overrides (comparison settings, else the shared RunConfig, `clp.*`);
    options `--only=a,b` and `--no-train`."""
    argv = sys.argv[1:] if argv is None else argv
    raw: dict = {}
    rest, opts = [], {"only": None, "train": True}
    i = 0
    while i < len(argv):
        if argv[i] == "--config":
            raw = json.loads(Path(argv[i + 1]).read_text())
            i += 2
            continue
        if argv[i] == "--no-train":
            opts["train"] = False
        elif argv[i].startswith("--only="):
            opts["only"] = argv[i].split("=", 1)[1].split(",")
        else:
            rest.append(argv[i])
        i += 1
    cc = parse_compare_config(raw)
    own = {f.name for f in fields(CompareConfig)} - {"run", "methods", "hv_reference"}
    for arg in rest:
        if not arg.startswith("--") or "=" not in arg:
            raise SystemExit(f"bad argument {arg!r}: use --key=value")
        key, value = arg[2:].split("=", 1)
        if key == "hv_reference":
            cc.hv_reference = [float(x) for x in value.split(",")]
            continue
        if key in own:
            setattr(cc, key, _coerce(value, getattr(cc, key)))
            continue
        target = cc.run.clp if key.startswith("clp.") else cc.run
        key = key.removeprefix("clp.")
        if key not in {f.name for f in fields(target)}:
            raise SystemExit(f"unknown setting {key!r}")
        setattr(target, key, _coerce(value, getattr(target, key)))
    return cc, opts


# ----------------------------------------------------------------------------------------------------------------
# Run configs
# ----------------------------------------------------------------------------------------------------------------


def shared_run(cc: CompareConfig) -> RunConfig:
    run = copy.deepcopy(cc.run)
    if run.tiny and run.tiny_base_seed < 0:
        run.tiny_base_seed = run.seed  # the same random base for every method
    return run


def warmup_config(cc: CompareConfig) -> RunConfig:
    run = shared_run(cc)
    return replace(run, name=f"{cc.name}-warmup", out_dir=str(Path(cc.out_root) / "warmup"))


def method_config(cc: CompareConfig, m: Method) -> RunConfig:
    run = shared_run(cc)
    clp = CLPConfig(**{**asdict(run.clp), **m.clp})
    return replace(run, name=f"{cc.name}-{m.name}", out_dir=str(Path(cc.out_root) / m.name), clp=clp, **m.run)


def member_configs(cc: CompareConfig, m: Method) -> list[RunConfig]:
    """Rewarded Soups: one single-objective run per objective, w fixed to its vertex."""
    soup = method_config(cc, m)
    k = soup.clp.num_objectives
    steps = max(1, round(soup.rl_steps / k)) if cc.soup_budget == "split" else soup.rl_steps
    out = []
    for i, obj in enumerate(OBJECTIVES[:k]):
        w = ",".join("1" if j == i else "0" for j in range(k))
        out.append(
            replace(
                soup,
                name=f"{soup.name}-{obj}",
                out_dir=str(Path(soup.out_dir) / f"member-{obj}"),
                rl_steps=steps,
                rl_weights=w,
            )
        )
    return out


# ----------------------------------------------------------------------------------------------------------------
# Training
# ----------------------------------------------------------------------------------------------------------------


def _done(path: Path, steps: int) -> bool:
    ck = load_checkpoint(path)
    return bool(ck) and ck["step"] >= steps


def train_warmup(cc: CompareConfig) -> Path:
    cfg = warmup_config(cc)
    path = Path(cfg.out_dir) / "checkpoints" / "sft.pt"
    if not path.exists() and cc.warmup_from and _done(Path(cc.warmup_from), cfg.sft_steps):
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(cc.warmup_from, path)
    if not _done(path, cfg.sft_steps):
        sft.main(cfg)
    return path


def train_policy(cfg: RunConfig, warmup: Path) -> None:
    ckpts = Path(cfg.out_dir) / "checkpoints"
    if _done(ckpts / "rl.pt", cfg.rl_steps):
        return
    if not (ckpts / "rl.pt").exists():  # a resumed run keeps the warm-up it started from
        ckpts.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(warmup, ckpts / "sft.pt")
    rl.main(cfg)


# ----------------------------------------------------------------------------------------------------------------
# Models
# ----------------------------------------------------------------------------------------------------------------


def load_policy(cfg: RunConfig):
    """A trained run: warm-up shared delta, then the RL deltas (and the RL shared delta when RL trained it)."""
    model, tok, device = build_model(cfg)
    ckpts = Path(cfg.out_dir) / "checkpoints"
    model.load_deltas(torch.load(ckpts / "sft.pt", weights_only=False)["shared"])
    ck = torch.load(ckpts / "rl.pt", weights_only=False)
    model.load_deltas(ck["clp"])
    if cfg.rl_train != "clp":
        model.load_deltas(ck[cfg.rl_train])
    return model.eval(), tok, device


def assemble_blocks(member_states: list[dict[str, torch.Tensor]], rank: int) -> dict[str, torch.Tensor]:
    """Objective i's delta block (rows i·r.. of A, columns i·r.. of B) taken from member i."""
    out = {}
    for key in member_states[0]:
        parts = []
        for i, state in enumerate(member_states):
            t = state[key]
            parts.append(t[i * rank : (i + 1) * rank] if key.endswith("clp_a") else t[:, i * rank : (i + 1) * rank])
        out[key] = torch.cat(parts, dim=0 if key.endswith("clp_a") else 1)
    return out


class Soup:
    """Rewarded Soups over low-rank deltas: for a weighting w, every conditioned matrix becomes the dense
    W + B_s A_s + s·Σ_i w_i B_i A_i (s = alpha / rank), with (A_i, B_i) from the model trained on objective i alone.
    The tied LM head's delta stays low rank with B scaled by w (the same function as a dense untied head).
    The merged model is a plain model: run it with weights = ones [b, 1]; change w with :meth:`merge`."""

    def __init__(self, soup_cfg: RunConfig, shared: dict[str, torch.Tensor], blocks: dict[str, torch.Tensor]):
        clp = soup_cfg.clp
        if clp.rank <= 0:
            raise ValueError("a soup needs per-objective deltas (clp.rank > 0)")
        self.m, self.rank, self.scale = clp.num_objectives, clp.rank, clp.alpha / clp.rank
        head = clp.conditions("lm_head")
        merged = CLPConfig(
            num_objectives=1,
            subset="logits",
            rank=self.m * self.rank if head else 0,
            alpha=clp.alpha * self.m,  # gate alpha·m / (m·r) = s
            shared_rank=0,
            response_only=False,
            prompt_conditioning=False,
        )
        self.cfg = replace(soup_cfg, clp=merged)
        self.model, self.tok, self.device = build_model(self.cfg)
        self.model.eval()
        self.linears: list[tuple[CLPLinear, torch.Tensor, torch.Tensor, torch.Tensor]] = []
        dev = self.device
        with torch.no_grad():
            for name, mod in self.model.named_modules():
                if not isinstance(mod, CLPLinear) or name == "head_delta":
                    continue
                w0 = mod.weight.float().clone()  # .float() of a float32 weight would alias it
                if f"{name}.shared_a" in shared:
                    w0 = w0 + shared[f"{name}.shared_b"].to(dev) @ shared[f"{name}.shared_a"].to(dev)
                if f"{name}.clp_a" in blocks:
                    a, b = blocks[f"{name}.clp_a"].to(dev), blocks[f"{name}.clp_b"].to(dev)
                    self.linears.append((mod, w0, a, b))
                else:
                    mod.weight.copy_(w0)
            self.head_b = None
            if head:
                self.model.head_delta.clp_a.copy_(blocks["head_delta.clp_a"])
                self.head_b = blocks["head_delta.clp_b"].to(dev)
        self.weights: list[float] | None = None

    @classmethod
    def from_runs(cls, soup_cfg: RunConfig, members: list[RunConfig]) -> Soup:
        shared = torch.load(Path(members[0].out_dir) / "checkpoints" / "sft.pt", weights_only=False)["shared"]
        states = [torch.load(Path(c.out_dir) / "checkpoints" / "rl.pt", weights_only=False)["clp"] for c in members]
        return cls(soup_cfg, shared, assemble_blocks(states, soup_cfg.clp.rank))

    @torch.no_grad()
    def merge(self, w: list[float]) -> None:
        g = torch.tensor(w, dtype=torch.float32, device=self.device).repeat_interleave(self.rank)
        for mod, w0, a, b in self.linears:
            mod.weight.copy_(w0 + (b * (g * self.scale)) @ a)
        if self.head_b is not None:
            self.model.head_delta.clp_b.copy_(self.head_b * g)
        self.weights = list(w)

    def ones(self, n: int) -> torch.Tensor:
        return torch.ones(n, 1)


# ----------------------------------------------------------------------------------------------------------------
# Evaluation
# ----------------------------------------------------------------------------------------------------------------


def evaluate_soup(soup: Soup, tok, cfg: RunConfig, examples, rewards, method: str) -> list[dict]:
    """The soup over the same simplex grid: one merge per weighting, then every document (evaluate's code)."""
    grid = simplex_grid(cfg.clp.num_objectives, cfg.eval_divisions)
    prompts = [tok(build_prompt(e.document)).input_ids for e in examples]
    groups = list(range(len(examples)))
    records = []
    for w in grid:
        soup.merge(w)
        texts, ended, ntok = generate_rows(
            soup.model, tok, cfg, prompts, groups, soup.ones(len(groups)), cfg.eval_max_new_tokens, 3 * len(grid)
        )
        labels = torch.tensor([w] * len(groups), dtype=torch.float32)
        records += records_for(method, examples, groups, labels, texts, ended, ntok, rewards)
    return records


def soup_vertex_check(soup: Soup, members: list[RunConfig], prompt: list[int]) -> list[float]:
    """Max |logit difference| between the soup merged at vertex i and member i's own model (run with w = e_i),
    over every position of a prompt: 0 up to float32 rounding when the merge is right (bfloat16 weights and
    autocast when the run uses them)."""
    diffs = []
    ids = torch.tensor([prompt], device=soup.device)
    mask = torch.ones_like(ids)
    pos = torch.arange(ids.shape[1], device=soup.device)[None]
    for i, mcfg in enumerate(members):
        model, _, dev = load_policy(mcfg)
        e = torch.zeros(1, soup.m)
        e[0, i] = 1.0
        soup.merge(e[0].tolist())
        with torch.no_grad(), autocast(dev) if soup.cfg.bf16 else contextlib.nullcontext():
            a, _ = model(ids, mask, pos, model.empty_past(1, dev), e.to(dev))
            b, _ = soup.model(ids, mask, pos, soup.model.empty_past(1, dev), soup.ones(1).to(dev))
        diffs.append(float((a.float() - b.float()).abs().max()))
        del model
    return diffs


def _sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize()


def _median_ms(fn, repeats: int, device: torch.device) -> float:
    fn()  # warm-up
    times = []
    for _ in range(max(1, repeats)):
        _sync(device)
        t = time.perf_counter()
        fn()
        _sync(device)
        times.append(time.perf_counter() - t)
    return 1000 * statistics.median(times)


def _step(model: CLPModel, prefix: Prefix, w: torch.Tensor) -> torch.Tensor:
    """One decoding forward: the prompt's last token with the prefilled cache -> the first response logits."""
    dev = model.embed_tokens.device
    mask = torch.cat([prefix.mask, torch.ones(1, 1, dtype=prefix.mask.dtype, device=dev)], dim=1)
    logits, _ = model(prefix.last_token[:, None], mask, prefix.last_pos[:, None], prefix.past, w.to(dev))
    return logits


def _timing_weights(m: int) -> tuple[list[float], list[float]]:
    old = [1.0 / m] * m
    new = [0.5 + 0.5 / m] + [0.5 / m] * (m - 1)
    return old, new


@torch.no_grad()
def time_policy(model, tok, cfg: RunConfig, document: str, repeats: int) -> dict:
    """Cost of a new w for a model that takes w as an input (CLP) or in its prompt (prompt conditioning)."""
    dev, pad = model.embed_tokens.device, tok.eos_token_id
    old, new = _timing_weights(cfg.clp.num_objectives)
    objs = list(OBJECTIVES) if cfg.clp.prompt_conditioning else None

    def prompt(w):
        return tok(build_prompt(document, objs, w if objs else None)).input_ids

    w_old, w_new = torch.tensor([old]), torch.tensor([new])
    with autocast(dev):
        prefix = build_prefix(model, [prompt(old)], [0], w_old, pad)
        same = _median_ms(lambda: _step(model, prefix, w_old), repeats, dev)
        prefill_ms = _median_ms(lambda: build_prefix(model, [prompt(old)], [0], w_old, pad), repeats, dev)
        redo = cfg.clp.prompt_conditioning or not cfg.clp.response_only
        if redo:
            new_ms = _median_ms(
                lambda: _step(model, build_prefix(model, [prompt(new)], [0], w_new, pad), w_new), repeats, dev
            )
        else:
            new_ms = _median_ms(lambda: _step(model, prefix, w_new), repeats, dev)
    if cfg.clp.prompt_conditioning:
        what = "new prompt text: tokenize and prefill the whole prompt again (its cache depends on w)"
    elif not cfg.clp.response_only:
        what = "prefill the whole prompt again (the deltas act on the prompt, so its cache depends on w)"
    else:
        what = "nothing: w is an input of the decoding step; the prompt's cache does not depend on w"
    return {
        "same_w_ms": same,
        "new_w_ms": new_ms,
        "prefill_ms": prefill_ms,
        "prompt_tokens": len(prompt(old)),
        "new_w_work": what,
    }


@torch.no_grad()
def time_soup(soup: Soup, soup_cfg: RunConfig, members: list[RunConfig], document: str, repeats: int) -> dict:
    dev, tok = soup.device, soup.tok
    old, new = _timing_weights(soup.m)
    ids = tok(build_prompt(document)).input_ids
    ones = soup.ones(1)
    soup.merge(old)
    with autocast(dev):
        prefix = build_prefix(soup.model, [ids], [0], ones, tok.eos_token_id)
        same = _median_ms(lambda: _step(soup.model, prefix, ones), repeats, dev)
        prefill_ms = _median_ms(lambda: build_prefix(soup.model, [ids], [0], ones, tok.eos_token_id), repeats, dev)
    merge_ms = _median_ms(lambda: soup.merge(new), repeats, dev)

    def new_w():
        soup.merge(new)
        with autocast(dev):
            _step(soup.model, build_prefix(soup.model, [ids], [0], ones, tok.eos_token_id), ones)

    new_ms = _median_ms(new_w, repeats, dev)

    def reload():  # the member deltas from disk, then the merge
        states = [torch.load(Path(c.out_dir) / "checkpoints" / "rl.pt", weights_only=False)["clp"] for c in members]
        blocks = assemble_blocks(states, soup_cfg.clp.rank)
        soup.head_b = blocks["head_delta.clp_b"].to(dev) if soup.head_b is not None else None
        soup.merge(new)

    reload_ms = _median_ms(reload, min(3, repeats), dev)
    return {
        "same_w_ms": same,
        "new_w_ms": new_ms,
        "prefill_ms": prefill_ms,
        "merge_ms": merge_ms,
        "reload_merge_ms": reload_ms,
        "prompt_tokens": len(ids),
        "new_w_work": "re-merge every conditioned matrix (W + s·Σ w_i B_i A_i), then prefill the prompt again "
        "(the merged weights change its cache)",
    }


@torch.no_grad()
def time_base(model, tok, document: str, repeats: int) -> dict:
    from .evaluate import BASE_PROMPTS

    dev, pad = model.embed_tokens.device, tok.eos_token_id
    m = model.clp.num_objectives
    zero = torch.zeros(1, m)
    a = tok(build_prompt(document, instruction=BASE_PROMPTS["balanced"])).input_ids
    b = tok(build_prompt(document, instruction=BASE_PROMPTS["concise"])).input_ids
    with autocast(dev):
        prefix = build_prefix(model, [a], [0], zero, pad)
        same = _median_ms(lambda: _step(model, prefix, zero), repeats, dev)
        prefill_ms = _median_ms(lambda: build_prefix(model, [a], [0], zero, pad), repeats, dev)
        new_ms = _median_ms(lambda: _step(model, build_prefix(model, [b], [0], zero, pad), zero), repeats, dev)
    return {
        "same_w_ms": same,
        "new_w_ms": new_ms,
        "prefill_ms": prefill_ms,
        "prompt_tokens": len(a),
        "new_w_work": "a new instruction in words: prefill the prompt again (only the vertices and the balanced "
        "point exist)",
    }


def _signature(cfg: RunConfig, n_docs: int, trained: list[int]) -> dict:
    return {
        "eval_docs": n_docs,
        "eval_divisions": cfg.eval_divisions,
        "eval_max_new_tokens": cfg.eval_max_new_tokens,
        "eval_no_repeat_ngram": cfg.eval_no_repeat_ngram,
        "seed": cfg.seed,
        "data_dir": cfg.data_dir,
        "trained_steps": trained,
        "device": cfg.device,
        "bf16": cfg.bf16,
    }


def _log_stats(cfgs: list[RunConfig]) -> dict:
    """RL budget actually spent, from the runs' logs and checkpoints."""
    steps, samples, seconds, params = 0, 0, 0.0, 0
    for c in cfgs:
        log = Path(c.out_dir) / "rl_log.jsonl"
        recs = [json.loads(x) for x in log.read_text().splitlines() if x.strip()] if log.exists() else []
        recs = list({r["step"]: r for r in recs}.values())  # a resumed step counts once
        steps += len(recs)
        samples += len(recs) * c.rl_prompts * c.rl_samples
        seconds += sum(r.get("s_step", 0.0) for r in recs)
        ck = torch.load(Path(c.out_dir) / "checkpoints" / "rl.pt", weights_only=False)
        trained = ck[c.rl_train]
        if c.rl_weights:  # a soup member trains only its own objective's block
            params += sum(v.numel() for v in trained.values()) // c.clp.num_objectives
        else:
            params += sum(v.numel() for v in trained.values())
    return {"rl_steps": steps, "rl_samples": samples, "rl_seconds": round(seconds, 1), "trained_params": params}


def evaluate_method(cc: CompareConfig, m: Method, examples, rewards: Rewards) -> dict:
    """Records (cached in the run's checkpoints/), inference timing and budget of one method."""
    cfg = method_config(cc, m)
    repeats = cc.timing_repeats
    doc = examples[0].document
    if m.kind == "base":
        cache = Path(cc.out_root) / m.name / "checkpoints" / "eval.json"
        sig = _signature(cfg, len(examples), [])
    else:
        runs = member_configs(cc, m) if m.kind == "soup" else [cfg]
        steps = [torch.load(Path(c.out_dir) / "checkpoints" / "rl.pt", weights_only=False)["step"] for c in runs]
        cache = Path(cfg.out_dir) / "checkpoints" / "eval.json"
        sig = _signature(cfg, len(examples), steps)
    if cache.exists():
        hit = json.loads(cache.read_text())
        if hit.get("signature") == sig:
            print(f"[compare] {m.name}: cached evaluation", flush=True)
            return hit
    t0 = time.time()
    extra: dict = {}
    if m.kind == "base":
        model, tok, _ = build_model(cfg)  # fresh deltas are zero: the untrained base model
        model.eval()
        records = evaluate_prompted_base(model, tok, cfg, examples, rewards)
        timing = time_base(model, tok, doc, repeats)
        budget = {"rl_steps": 0, "rl_samples": 0, "rl_seconds": 0.0, "trained_params": 0}
    elif m.kind == "policy":
        model, tok, _ = load_policy(cfg)
        records = evaluate_clp(model, tok, cfg, examples, rewards, method=m.name)
        timing = time_policy(model, tok, cfg, doc, repeats)
        budget = _log_stats([cfg])
    else:
        members = member_configs(cc, m)
        soup = Soup.from_runs(cfg, members)
        records = evaluate_soup(soup, soup.tok, cfg, examples, rewards, m.name)
        extra["vertex_max_abs_logit_diff"] = soup_vertex_check(soup, members, soup.tok(build_prompt(doc)).input_ids)
        timing = time_soup(soup, cfg, members, doc, repeats)
        budget = _log_stats(members)
        budget["members"] = [{"objective": o, "rl_steps": c.rl_steps} for o, c in zip(OBJECTIVES, members)]
    out = {"signature": sig, "records": records, "timing": timing, "budget": budget, **extra}
    out["eval_seconds"] = round(time.time() - t0, 1)
    cache.parent.mkdir(parents=True, exist_ok=True)
    cache.write_text(json.dumps(out))
    return out


# ----------------------------------------------------------------------------------------------------------------
# Analysis and report
# ----------------------------------------------------------------------------------------------------------------


def family(cc: CompareConfig, m: Method) -> str:
    if m.kind == "policy" and method_config(cc, m).clp.rank > 0:
        return "clp"
    return "baseline"


def _reward_tensor(records: list[dict], docs: list[str]) -> np.ndarray:
    """[docs, points, m] rewards; points in the order of metrics.summarize_method (descending weights)."""
    keys = sorted({tuple(round(float(x), 6) for x in r["weights"]) for r in records}, reverse=True)
    m = len(records[0]["rewards"])
    t = np.full((len(docs), len(keys), m), np.nan)
    di, ki = {d: i for i, d in enumerate(docs)}, {k: i for i, k in enumerate(keys)}
    for r in records:
        t[di[r["doc_id"]], ki[tuple(round(float(x), 6) for x in r["weights"])]] = r["rewards"]
    return t


def _means(results: dict, name: str) -> np.ndarray:
    return np.asarray([[p["rewards"][o] for o in OBJECTIVES] for p in results[name]["points"]], dtype=float)


def analyse(cc: CompareConfig, results: dict, evals: dict[str, dict]) -> dict:
    names = [m.name for m in cc.methods if m.name in evals]
    fam = {m.name: family(cc, m) for m in cc.methods if m.name in evals}
    ref = np.asarray(cc.hv_reference, dtype=float)
    docs = sorted({r["doc_id"] for e in evals.values() for r in e["records"]})
    tensors = {n: _reward_tensor(evals[n]["records"], docs) for n in names}
    rng = np.random.default_rng(0)
    draws = [rng.integers(len(docs), size=len(docs)) for _ in range(cc.bootstrap)]
    boot = {n: np.array([hypervolume(np.nanmean(tensors[n][d], axis=0), ref) for d in draws]) for n in names}
    clp_names = [n for n in names if fam[n] == "clp"]
    best_clp = max(clp_names, key=lambda n: results[n]["hypervolume"]) if clp_names else None
    per_method = {}
    for n in names:
        s = results[n]
        row = {
            "family": fam[n],
            "hypervolume": s["hypervolume"],
            "hv_ci90": [float(np.percentile(boot[n], 5)), float(np.percentile(boot[n], 95))],
            "steerability": s["steerability"],
            "steerability_mean": s["steerability_mean"],
            "degenerate_rate": s["degenerate_rate"],
            "n_points": s["n_points"],
            "timing": evals[n]["timing"],
            "budget": evals[n]["budget"],
        }
        if best_clp and n != best_clp:
            row["p_best_clp_hv_higher"] = float(np.mean(boot[best_clp] > boot[n]))
        if "vertex_max_abs_logit_diff" in evals[n]:
            row["vertex_max_abs_logit_diff"] = evals[n]["vertex_max_abs_logit_diff"]
        per_method[n] = row

    # who wins where: (criterion, value per method, higher is better?)
    hv_label = f"hypervolume ({len(OBJECTIVES)} objectives, reference {tuple(cc.hv_reference)})"
    criteria: list[tuple[str, dict[str, float | None], bool]] = [
        (hv_label, {n: results[n]["hypervolume"] for n in names}, True)
    ]
    for a, b in itertools.combinations(range(len(OBJECTIVES)), 2):
        vals = {n: hypervolume(_means(results, n)[:, [a, b]], ref[[a, b]]) for n in names}
        criteria.append((f"front {OBJECTIVES[a]}-{OBJECTIVES[b]} (2-D hypervolume)", vals, True))
    for o in OBJECTIVES:
        vals = {}
        for n in names:
            v = results[n]["vertices"][o]
            vals[n] = v["rewards"][o] if v["distance"] <= VERTEX_TOL else None
        criteria.append((f"{o} reward at the {o} vertex", vals, True))
    # the utility a user gets on average over the weightings each method serves: mean over its points of w·r(w)
    util = {}
    for n in names:
        pts = results[n]["points"]
        util[n] = float(np.mean([sum(w * p["rewards"][o] for w, o in zip(p["weights"], OBJECTIVES)) for p in pts]))
    criteria.append(("mean scalarised reward w·r over the method's weightings", util, True))
    bal = {}
    for n in names:
        b = results[n]["balanced"]
        bal[n] = float(np.mean([b["rewards"][o] for o in OBJECTIVES])) if b["distance"] <= 1e-3 else None
    if all(v is not None for v in bal.values()):  # only when every method has the exact balanced point
        criteria.append(("mean reward at the balanced point (1/m each)", bal, True))
    for o in OBJECTIVES:
        criteria.append((f"steerability of {o}", {n: results[n]["steerability"][o] for n in names}, True))
    criteria.append(("degenerate rate (lower is better)", {n: results[n]["degenerate_rate"] for n in names}, False))

    wins, clp_loses = [], []
    for label, vals, higher in criteria:
        valid = {n: v for n, v in vals.items() if v is not None and math.isfinite(v)}
        if not valid:
            continue
        pick = max if higher else min
        winner = pick(valid, key=valid.get)
        tied = [n for n, v in valid.items() if abs(v - valid[winner]) <= 1e-9]
        entry = {"criterion": label, "winner": winner, "tied": tied, "value": valid[winner], "values": valid}
        clp_valid = {n: v for n, v in valid.items() if fam[n] == "clp"}
        if clp_valid:
            best = pick(clp_valid, key=clp_valid.get)
            entry["best_clp"], entry["best_clp_value"] = best, clp_valid[best]
            if fam[winner] != "clp" and valid[winner] != clp_valid[best]:
                clp_loses.append(entry)
        wins.append(entry)
    return {
        "methods": per_method,
        "best_clp": best_clp,
        "wins": wins,
        "clp_does_not_win": clp_loses,
        "documents": len(docs),
        "bootstrap": cc.bootstrap,
    }


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


def _describe(cc: CompareConfig, m: Method) -> str:
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


# settings that may change between invocations on the same run directories (evaluation, speed, reporting)
FREE_SETTINGS = {"name", "out_dir", "report_dir", "threads", "max_minutes", "checkpoint_every", "device"}


def check_same_training(cc: CompareConfig, path: Path) -> None:
    """Resuming or re-evaluating runs trained with other settings would mix budgets: refuse."""
    if not path.exists():
        return
    old = {**asdict(RunConfig()), **json.loads(path.read_text()).get("run", {})}  # settings added since: defaults
    new = asdict(cc.run)
    changed = sorted(k for k in new if k not in FREE_SETTINGS and not k.startswith("eval_") and old[k] != new[k])
    if changed:
        raise SystemExit(
            f"{cc.out_root} holds runs trained with other settings ({', '.join(changed)}): "
            "use another out_root or remove it"
        )


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
    descriptions = {m.name: _describe(cc, m) for m in methods}
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


def main(argv: list[str] | None = None) -> dict:
    cc, opts = load_compare_config(argv)
    return run(cc, train=opts["train"], only=opts["only"])


if __name__ == "__main__":
    main()
