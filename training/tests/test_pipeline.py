"""The whole pipeline on a tiny randomly initialised model of the shipped architecture: warm-up, RL (with
a resume), evaluation, packing, ONNX export and parity. Runs in CI on every change."""

import json
import os
from pathlib import Path

import numpy as np
import pytest
import torch
from conftest import DATA_DIR, tiny_budget

from steer_train import build_model, evaluate, pack, rl, sft
from steer_train.config import RunConfig
from steer_train.model import CLPConfig
from steer_train.onnx_runner import OnnxModel


def tiny_config(tmp: Path, **clp) -> RunConfig:
    return RunConfig(
        name="tiny",
        data_dir=str(DATA_DIR),
        out_dir=str(tmp / "run"),
        report_dir=str(tmp / "report"),
        tiny=True,
        threads=min(2, os.cpu_count() or 1),
        clp=CLPConfig(rank=2, shared_rank=2, **clp),
        checkpoint_every=1,
        **tiny_budget(),
    )


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("pipeline")
    cfg = tiny_config(tmp)
    sft.main(cfg)
    rl.main(cfg)
    return cfg, tmp


def test_training_checkpoints_and_resumes(trained):
    cfg, _ = trained
    ck = torch.load(Path(cfg.out_dir) / "checkpoints" / "rl.pt", weights_only=False)
    assert ck["step"] == 2
    log = [json.loads(x) for x in (Path(cfg.out_dir) / "rl_log.jsonl").read_text().splitlines()]
    assert [r["step"] for r in log] == [1, 2]
    assert all(0.0 <= r["concise"] <= 1.0 for r in log)
    cfg.rl_steps = 3  # an interrupted run continues where it stopped
    rl.main(cfg)
    log = [json.loads(x) for x in (Path(cfg.out_dir) / "rl_log.jsonl").read_text().splitlines()]
    assert [r["step"] for r in log] == [1, 2, 3]


def test_rl_keeps_the_shared_delta(trained):
    cfg, _ = trained
    sft_ck = torch.load(Path(cfg.out_dir) / "checkpoints" / "sft.pt", weights_only=False)
    rl_ck = torch.load(Path(cfg.out_dir) / "checkpoints" / "rl.pt", weights_only=False)
    for k, v in sft_ck["shared"].items():
        assert torch.equal(v, rl_ck["shared"][k]), f"RL moved the shared delta {k}"


def test_balanced_draws_see_a_small_set_as_often_as_a_large_one():
    """rl_balance_sets: 10 READMEs beside 1,000 dialogues still make about half of the documents RL sees;
    drawn row by row they would be 1%. No document twice in one step."""
    import random

    from steer_train.data import Example

    pool = [Example(f"d{i}", "dialogue", f"dialogue {i}", "s") for i in range(1000)]
    pool += [Example(f"r{i}", "docs", f"readme {i}", "s") for i in range(10)]
    rng = random.Random(0)
    steps = [rl.draw_documents(pool, 4, rng, balance_sets=True) for _ in range(500)]
    docs_share = np.mean([e.dataset == "docs" for step in steps for e in step])
    assert 0.4 < docs_share < 0.6
    assert all(len({e.id for e in step}) == 4 for step in steps)
    by_row = [rl.draw_documents(pool, 4, rng, balance_sets=False) for _ in range(500)]
    assert np.mean([e.dataset == "docs" for step in by_row for e in step]) < 0.05


def test_policy_gradient_favours_the_better_sample(tmp_path):
    """One update with the leave-one-out advantage raises the better response's probability under its w
    and lowers the worse one's, through the conditioned deltas only."""
    from steer_train.generate import build_prefix, response_logprobs
    from steer_train.runtime import build_model as make

    cfg = tiny_config(tmp_path)
    cfg.bf16 = False  # no autocast here: keep the frozen weights float32
    model, tok, _ = make(cfg)
    params = model.set_trainable("clp")
    opt = torch.optim.Adam(params, lr=1e-3)
    prompt = tok("<|im_start|>user\nSummarize: a b c<|im_end|>\n<|im_start|>assistant\n").input_ids
    w = torch.tensor([[1.0, 0.0, 0.0]] * 2)
    responses = [tok("short").input_ids, tok("a much longer answer").input_ids]
    prefix = build_prefix(model, [prompt], [0, 0], w, tok.eos_token_id)

    def logp():
        lp, mask = response_logprobs(model, prefix, responses, [True, True], w, tok.eos_token_id)
        return lp.sum(1)

    before = logp().detach()
    adv = rl.loo_advantage(torch.tensor([1.0, 0.0]), 2)
    assert adv.tolist() == [1.0, -1.0]
    opt.zero_grad()
    (-(adv * logp()).sum()).backward()
    opt.step()
    after = logp().detach()
    assert after[0] > before[0] and after[1] < before[1]


def test_evaluation_reports_every_metric(trained):
    cfg, tmp = trained
    results = evaluate.main(cfg)
    clp = results["clp"]
    assert clp["n_points"] == 6  # three objectives, two divisions
    for key in ("hypervolume", "steerability", "degenerate_rate", "rouge_l"):
        assert key in clp
    assert "prompted-base" in results
    report = Path(cfg.reports)
    assert (report / "report.md").exists() and (report / "results.json").exists()
    assert list(report.glob("front_*.png"))


def test_evaluation_of_a_packed_model_reads_its_deltas_not_the_run_dir(trained):
    """A shipped model (models/<id>/deltas.safetensors) is evaluated as packed, wherever its run's checkpoints are."""
    cfg, tmp = trained
    pack.pack(cfg, tmp / "packed", "tiny-packed")
    from_run = evaluate.main(cfg, with_base=False)["clp"]
    packed = RunConfig(**{**cfg.__dict__, "out_dir": str(tmp / "no-run"), "report_dir": str(tmp / "report-packed")})
    packed.eval_deltas = str(tmp / "packed" / "deltas.safetensors")
    from_pack = evaluate.main(packed, with_base=False)["clp"]
    report = (tmp / "report-packed" / "report.md").read_text()
    assert "sft@2" in report and "rl@" in report and "none (untrained)" not in report
    # the pack keeps the deltas in float16: the same summaries, up to that rounding
    assert from_pack["hypervolume"] == pytest.approx(from_run["hypervolume"], abs=0.02)
    assert from_pack["rouge_l"] == pytest.approx(from_run["rouge_l"], abs=0.02)


def test_export_reproduces_pytorch(trained):
    cfg, tmp = trained
    model_dir = tmp / "model"
    pack.pack(cfg, model_dir, "tiny-test")
    check = build_model.build(model_dir)
    assert check["greedy_equal"] == "2/2"
    assert check["float32"]["max_abs_logit_diff"] < 1e-3
    manifest = json.loads((model_dir / "manifest.json").read_text())
    assert [o["id"] for o in manifest["objectives"]] == ["concise", "faithful", "complete"]
    names = {i.name for i in OnnxModel(model_dir, "quantized").session.get_inputs()}
    assert "clp_weights" in names and "past_key_values.0.key" in names


def test_weights_steer_the_exported_graph(tmp_path):
    """The weights are an input: one graph, different weightings, different next-token distributions."""
    from steer_train.build_tiny import build_tiny

    build_tiny(tmp_path / "tiny")
    om = OnnxModel(tmp_path / "tiny", "quantized")
    ids = np.array([[1, 2, 3, 4]])
    a, _ = om.forward(ids, np.ones((1, 4)), np.arange(4)[None], np.array([[1, 0, 0]], np.float32), om.empty_past(1))
    b, _ = om.forward(ids, np.ones((1, 4)), np.arange(4)[None], np.array([[0, 0, 1]], np.float32), om.empty_past(1))
    assert np.abs(a - b).max() > 0


def test_fast_graph_keeps_its_cache_in_float16(tmp_path):
    """The fast graph's cache is float16 (half the bytes onnxruntime-node copies back per step), the float
    fused graph's stays float32, and greedy decoding runs through the float16 cache step after step."""
    from steer_train.build_tiny import build_tiny

    build_tiny(tmp_path / "tiny")
    fast = OnnxModel(tmp_path / "tiny", "fast")
    kinds = {i.name: i.type for i in fast.session.get_inputs()}
    assert kinds["past_key_values.0.key"] == "tensor(float16)"
    assert {o.type for o in fast.session.get_outputs() if o.name.startswith("present.")} == {"tensor(float16)"}
    fused = OnnxModel(tmp_path / "tiny", "fused_float32")
    assert {i.type for i in fused.session.get_inputs() if i.name.startswith("past_")} == {"tensor(float)"}
    tokens = fast.greedy([1, 2, 3, 4, 5, 6], [1 / 3, 1 / 3, 1 / 3], 8)
    assert len(tokens) > 0 and all(isinstance(t, int) for t in tokens)


def test_branches_of_one_sequence_equal_separate_rows(tmp_path):
    """The fused graphs decode several weightings of one prompt as branches of one sequence (clp_weights and
    attention_mask per token): each branch gets the logits it would get as a batch row of its own."""
    from steer_train.build_tiny import build_tiny

    build_tiny(tmp_path / "tiny")
    om = OnnxModel(tmp_path / "tiny", "fused_float32")
    assert om.manifest["branches"] == ["fused_float32", "fast"]
    prompt, steps = [5, 9, 11, 3, 7, 2, 8], 4
    w = np.array([[1, 0, 0], [0, 1, 0], [0.2, 0.3, 0.5]], np.float32)
    k, p = len(w), len(prompt) - 1
    _, base = om.forward(np.array([prompt[:-1]]), np.ones((1, p)), np.arange(p)[None], w[:1] * 0, om.empty_past(1))
    rows = [np.repeat(t, k, 0) for t in base]
    tree, tokens = list(base), np.full(k, prompt[-1])
    for s in range(steps):
        want, rows = om.forward(tokens[:, None], np.ones((k, p + s + 1)), np.full((k, 1), p + s), w, rows)
        total = p + (s + 1) * k
        mask = np.zeros((1, k, total), np.int64)
        mask[..., :p] = 1
        for b in range(k):
            mask[0, b, p + b :: k] = 1  # its own tokens: one per step, k apart
        got, tree = om.forward(tokens[None], mask, np.full((1, k), p + s), w[None], tree)
        assert got.shape == (1, k, want.shape[-1])
        np.testing.assert_allclose(got[0], want[:, -1], atol=1e-4)
        tokens = want[:, -1].argmax(-1)
    # a [batch, m] weighting still gives the last position only
    last, _ = om.forward(np.array([prompt]), np.ones((1, p + 1)), np.arange(p + 1)[None], w[:1], om.empty_past(1))
    assert last.shape[:2] == (1, 1)


def test_rl_anchored_at_its_start_keeps_that_policy_as_the_reference(tmp_path):
    """rl_kl_anchor=start: the KL is to the per-objective deltas the run began from (written once, read back on
    resume), so the first step's KL is that of the policy to itself."""
    cfg = tiny_config(tmp_path)
    sft.main(cfg)
    cfg.rl_kl_anchor = "start"
    cfg.rl_steps = 1
    cfg.rl_snapshot_every = 1
    rl.main(cfg)
    out = Path(cfg.out_dir)
    first = json.loads((out / "rl_log.jsonl").read_text().splitlines()[0])
    assert abs(first["kl"]) < 1e-3
    anchor = (out / rl.ANCHOR_FILE).read_bytes()
    assert (out / "snapshots" / "rl_clp-0001.safetensors").exists()
    cfg.rl_steps = 2  # a resumed run keeps the anchor of the start
    rl.main(cfg)
    assert (out / rl.ANCHOR_FILE).read_bytes() == anchor


def test_an_update_in_chunks_of_documents_gives_the_one_pass_gradient(tmp_path):
    """rl_update_rows bounds an RL step's memory without changing what it learns."""
    import numpy as np

    from steer_train.generate import build_prefix
    from steer_train.runtime import build_model as make

    cfg = tiny_config(tmp_path)
    cfg.bf16 = False
    cfg.rl_samples = 2
    model, tok, _ = make(cfg)
    params = model.set_trainable("clp")
    prompts = [
        tok(f"<|im_start|>user\nSummarize: {text}<|im_end|>\n<|im_start|>assistant\n").input_ids
        for text in ("a b c", "d e f g h")
    ]
    groups = [0, 0, 1, 1]
    w = torch.tensor([[1.0, 0.0, 0.0], [1.0, 0.0, 0.0], [0.2, 0.3, 0.5], [0.2, 0.3, 0.5]])
    resp = [tok(t).input_ids for t in ("short", "a much longer answer", "b", "d e f")]
    ended, scalar = [True, False, True, True], np.array([1.0, 0.0, 0.3, 0.9], dtype=np.float32)
    with torch.no_grad():  # as the rollout builds it
        prefix = build_prefix(model, prompts, groups, w, tok.eos_token_id)

    def grads(rows: int) -> list[torch.Tensor]:
        cfg.rl_update_rows = rows
        for p in params:
            p.grad = None
        rl.policy_gradient(
            model, None, rl.RLVariant(), cfg, prompts, groups, w, prefix, resp, ended, scalar, tok.eos_token_id
        )
        return [p.grad.clone() for p in params if p.grad is not None]

    whole, chunked = grads(0), grads(2)
    assert whole and len(whole) == len(chunked)
    assert any(g.abs().sum() > 0 for g in whole)
    for a, b in zip(whole, chunked, strict=True):
        torch.testing.assert_close(a, b, rtol=1e-4, atol=1e-6)
