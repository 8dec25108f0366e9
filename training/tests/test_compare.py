"""The method comparison (steer_train.compare) end to end on the tiny random model: every method of
configs/compare_cpu.json trained for a step or two and evaluated on the same documents, the report, and the
Rewarded Soups merge against the single-objective models it is made of."""

import json
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
import torch
from conftest import DATA_DIR, REPO, tiny_budget

from steer_train import compare, rl
from steer_train.compare.variants import trained_prompt_prefixes
from steer_train.config import RunConfig
from steer_train.generate import response_logprobs
from steer_train.runtime import build_model

CONFIG = REPO / "training" / "configs" / "compare_cpu.json"
TINY = [
    "--tiny=true",
    "--bf16=false",  # float32 everywhere: the soup check below is exact up to rounding
    "--threads=1",
    f"--data_dir={DATA_DIR}",
    "--clp.rank=2",
    "--clp.shared_rank=2",
    *(f"--{key}={value}" for key, value in tiny_budget(sft_steps=1).items()),
    "--timing_repeats=2",
    "--bootstrap=50",
]


def tiny_compare(tmp: Path) -> compare.CompareConfig:
    cc, _ = compare.load_compare_config(
        ["--config", str(CONFIG), f"--out_root={tmp / 'runs'}", f"--report_dir={tmp / 'report'}", *TINY]
    )
    return cc


@pytest.fixture(scope="module")
def compared(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("compare")
    cc = tiny_compare(tmp)
    return cc, compare.run(cc), tmp


def test_configs_parse_and_cover_every_method():
    names = {}
    for path in ("compare_cpu.json", "compare_gpu.json"):
        cc, _ = compare.load_compare_config(["--config", str(REPO / "training" / "configs" / path)])
        names[path] = [m.name for m in cc.methods]
        kinds = {m.kind for m in cc.methods}
        assert kinds == {"base", "policy", "soup"}
        cfgs = {m.name: compare.method_config(cc, m) for m in cc.methods}
        prompt_only = cfgs["prompt-only"]
        assert prompt_only.clp.rank == 0 and prompt_only.clp.prompt_conditioning and prompt_only.rl_train == "shared"
        clp = [c.clp for n, c in cfgs.items() if n.startswith("clp-")]
        assert {(c.subset, c.prompt_conditioning) for c in clp if c.response_only} == {
            (s, p) for s in ("logits", "attention", "all") for p in (False, True)
        }
        assert any(not c.response_only for c in clp)
    assert names["compare_cpu.json"] == names["compare_gpu.json"]


def test_report_has_every_method_with_numbers(compared):
    cc, results, tmp = compared
    report = (tmp / "report" / "report.md").read_text()
    saved = json.loads((tmp / "report" / "results.json").read_text())
    comp = saved["comparison"]
    for m in cc.methods:
        s = saved[m.name]
        assert isinstance(s["hypervolume"], float)
        assert all(isinstance(s["steerability"][o], float) for o in ("concise", "faithful", "complete"))
        assert isinstance(s["degenerate_rate"], float)
        assert f"| `{m.name}` |" in report
        t = comp["methods"][m.name]["timing"]
        assert t["same_w_ms"] > 0 and t["new_w_ms"] > 0
        lo, hi = comp["methods"][m.name]["hv_ci90"]
        assert lo <= s["hypervolume"] + 1e-9 or hi >= s["hypervolume"] - 1e-9
    assert saved["rewarded-soups"]["hv_reference"] == cc.hv_reference
    assert comp["methods"]["rewarded-soups"]["timing"]["merge_ms"] > 0
    for section in ("## Comparison", "### Who wins where", "### Where CLP does not win", "### Cost of changing w"):
        assert section in report
    assert len(list((tmp / "report").glob("front_*.png"))) == 3  # one plot per pair, all methods on it
    # the merge check ran on the trained members
    assert max(comp["methods"]["rewarded-soups"]["vertex_max_abs_logit_diff"]) < 1e-4


def test_runs_share_the_warmup_base_and_budget(compared):
    cc, _, tmp = compared
    root = tmp / "runs"
    warm = torch.load(root / "warmup" / "checkpoints" / "sft.pt", weights_only=False)["shared"]
    steps = {}
    for m in cc.methods:
        assert (root / m.name / "config.json").exists()
        if m.kind == "base":
            continue
        runs = compare.member_configs(cc, m) if m.kind == "soup" else [compare.method_config(cc, m)]
        steps[m.name] = 0
        for c in runs:
            sft = torch.load(Path(c.out_dir) / "checkpoints" / "sft.pt", weights_only=False)["shared"]
            assert all(torch.equal(sft[k], warm[k]) for k in warm)
            log = (Path(c.out_dir) / "rl_log.jsonl").read_text().splitlines()
            steps[m.name] += len(log)
    assert steps["rewarded-soups"] == 3 and all(v == 2 for k, v in steps.items() if k != "rewarded-soups")
    members = compare.member_configs(cc, next(m for m in cc.methods if m.kind == "soup"))
    assert [c.rl_weights for c in members] == ["1,0,0", "0,1,0", "0,0,1"]
    # the same random base whatever the CLP config
    by_name = {m.name: m for m in cc.methods}
    a, _, _ = build_model(compare.method_config(cc, by_name["prompt-only"]))
    b, _, _ = build_model(compare.method_config(cc, by_name["clp-logits"]))
    assert torch.equal(a.embed_tokens, b.embed_tokens)
    assert torch.equal(a.layers[1].down_proj.weight, b.layers[1].down_proj.weight)


def test_soup_merge_at_a_vertex_equals_that_objectives_model(compared, tmp_path):
    """With random (non-zero) deltas in every block of every member: the soup merged at vertex i gives the same
    logits as member i's own model, and at any w the same as a CLP model holding block i of member i."""
    cc, _, tmp = compared
    soup_method = next(m for m in cc.methods if m.kind == "soup")
    soup_cfg = compare.method_config(cc, soup_method)
    shutil.copytree(soup_cfg.out_dir, tmp_path / "soup")
    soup_cfg = replace(soup_cfg, out_dir=str(tmp_path / "soup"))
    members = [
        replace(c, out_dir=str(tmp_path / "soup" / Path(c.out_dir).name))
        for c in compare.member_configs(cc, soup_method)
    ]
    gen = torch.Generator().manual_seed(1)
    for c in members:
        path = Path(c.out_dir) / "checkpoints" / "rl.pt"
        ck = torch.load(path, weights_only=False)
        ck["clp"] = {k: torch.randn(v.shape, generator=gen) * 0.05 for k, v in ck["clp"].items()}
        torch.save(ck, path)
    soup = compare.Soup.from_runs(soup_cfg, members)
    prompt = soup.tok("<|im_start|>user\nSummarize: the cat sat on the mat.<|im_end|>\n<|im_start|>assistant\n")
    diffs = compare.soup_vertex_check(soup, members, prompt.input_ids)
    assert max(diffs) < 1e-4, diffs

    # a non-vertex w: the merged weights against the per-objective deltas driven by w (θ_shared + Σ w_i Δθ_i)
    ids = torch.tensor([prompt.input_ids])
    mask, pos = torch.ones_like(ids), torch.arange(ids.shape[1])[None]
    states = [torch.load(Path(c.out_dir) / "checkpoints" / "rl.pt", weights_only=False)["clp"] for c in members]
    clp_model, _, _ = build_model(soup_cfg)
    clp_model.load_deltas(torch.load(Path(members[0].out_dir) / "checkpoints" / "sft.pt", weights_only=False)["shared"])
    clp_model.load_deltas(compare.assemble_blocks(states, soup_cfg.clp.rank))
    outs = []
    for w in ([0.5, 0.3, 0.2], [0.1, 0.1, 0.8]):
        soup.merge(w)
        with torch.no_grad():
            merged, _ = soup.model(ids, mask, pos, soup.model.empty_past(1), soup.ones(1))
            driven, _ = clp_model(ids, mask, pos, clp_model.empty_past(1), torch.tensor([w]))
        assert (merged - driven).abs().max() < 1e-4
        outs.append(merged)
    assert (outs[0] - outs[1]).abs().max() > 1e-3  # a new w needs (and gets) new weights


def test_prompt_only_rl_trains_the_shared_delta_through_the_prompt(tmp_path):
    """rl_train = "shared" (prompt conditioning alone, rank 0): the policy's prompt prefill carries gradients to the
    shared delta, the reference's comes from the frozen copy."""
    import copy

    cc = tiny_compare(tmp_path)
    cfg = compare.method_config(cc, next(m for m in cc.methods if m.name == "prompt-only"))
    model, tok, _ = build_model(cfg)
    with torch.no_grad():
        for k, p in model.named_parameters():
            if k.endswith("shared_b"):
                p.normal_(0, 0.1)
    ref = copy.deepcopy(model)
    ref.set_trainable("-")
    params = model.set_trainable(cfg.rl_train)
    assert params and all(n.endswith(("shared_a", "shared_b")) for n, p in model.named_parameters() if p.requires_grad)
    prompts = [tok("<|im_start|>user\nSummarize: a b c<|im_end|>\n<|im_start|>assistant\n").input_ids]
    w = torch.tensor([[1.0, 0.0, 0.0]] * 2)
    pol, ref_prefix = trained_prompt_prefixes(model, ref, cfg, prompts, [0, 0], w, tok.eos_token_id)
    assert pol.past[0][0].requires_grad and not ref_prefix.past[0][0].requires_grad
    responses = [tok("short").input_ids, tok("longer answer").input_ids]
    logp, _ = response_logprobs(model, pol, responses, [True, True], w, tok.eos_token_id)
    logp.sum().backward()
    grads = [p.grad for p in params]
    assert all(g is not None for g in grads) and sum(float(g.abs().sum()) for g in grads) > 0
    assert all(p.grad is None for p in ref.parameters())


def test_the_shipped_rl_loop_refuses_the_comparisons_settings():
    """The comparison's variants (a fixed weighting, RL of the shared delta, deltas on every position) live in
    steer_train.compare; the shipped loop names them and points there instead of silently training them."""
    for change, named in (
        ({"rl_weights": "1,0,0"}, "rl_weights=1,0,0"),
        ({"rl_train": "shared"}, "rl_train=shared"),
    ):
        with pytest.raises(SystemExit, match=f"{named}: a variant of the comparison"):
            rl.main(replace(RunConfig(), **change))
    cfg = RunConfig()
    cfg.clp.response_only = False
    with pytest.raises(SystemExit, match="clp.response_only=false"):
        rl.main(cfg)
