"""The comparison's configuration: the methods, the settings every method shares, and the run config of each
method (and of each Rewarded Soups member) derived from them."""

from __future__ import annotations

import copy
import json
import sys
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from ..config import RunConfig, _coerce
from ..model import CLPConfig
from ..rewards import OBJECTIVES

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
    rest: list[str] = []
    opts: dict[str, Any] = {"only": None, "train": True}
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
